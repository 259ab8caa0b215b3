// record_fit.h: an event record never larger than its topic accepts.
//
//   size_t room = limits.For(topics.events) - RecordBytes(key, {}, headers);
//   if (Status s = FitEventRecord(room, record); !s) dead-letter it (RECORD_TOO_LARGE);
//
// A record whose serialised size is over max_bytes loses, one step at a time
// and only until it fits, the fields event.proto's `trimmed` lists in that
// order (the article's body first, since the record's own findings are what
// subscribers come for), each step named in record->trimmed.
// Thread-safety: touches only *record.
// Failure: RECORD_TOO_LARGE (kPermanent) when every step leaves it too large.
#pragma once

#include <cstddef>

#include "core/status.h"
#include "herald/v1/event.pb.h"

namespace herald {

Status FitEventRecord(size_t max_bytes, v1::EventRecord* record);

}  // namespace herald
