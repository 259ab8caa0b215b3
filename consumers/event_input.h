// event_input.h: reading EventRecords off the events topic, as both consumers
// (store and alert) do: a record that does not decode is dead-lettered, never
// dropped and never fatal.
//
//   v1::EventRecord record;
//   auto decoded = DecodeOrDeadLetter(r, *producer, clients.dead_letters, "store", &record);
//   if (!decoded) return Unexpected(decoded.error());  // the DLQ produce failed
//   if (!*decoded) { ++dead; continue; }                      // dead-lettered
#pragma once

#include <string>
#include <string_view>

#include "core/kafka.h"
#include "core/record_format.h"
#include "core/status.h"
#include "herald/v1/event.pb.h"

namespace herald {

// True when `out` holds the record; false when it was sent to the DLQ instead.
Result<bool> DecodeOrDeadLetter(const kafka::Record& record, kafka::Producer& producer, const DeadLetterQueue& dlq,
                                std::string_view stage, v1::EventRecord* out);

}  // namespace herald
