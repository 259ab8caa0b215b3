// record_fit.h: an event record never larger than its topic accepts.
//
//   size_t room = limits.For(topics.events) - RecordBytes(key, {}, headers);
//   Result<size_t> size = FitEventRecord(room, record);   // its serialised size, once it fits
//   if (!size) dead-letter it (RECORD_TOO_LARGE);
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

// The record's serialised size (ByteSizeLong, whose cached sizes serialisation then uses).
Result<size_t> FitEventRecord(size_t max_bytes, v1::EventRecord* record);

}  // namespace herald
