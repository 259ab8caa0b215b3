#include "consumers/event_input.h"

#include "core/record_format.h"

namespace herald {

Result<bool> DecodeOrDeadLetter(const kafka::Record& record, kafka::Producer& producer, const DeadLetterQueue& dlq,
                                std::string_view stage, v1::EventRecord* out) {
  out->Clear();
  std::string_view value = record.value();
  if (out->ParseFromArray(value.data(), static_cast<int>(value.size())) && !out->id().empty()) return true;
  Error e{v1::MALFORMED_EVENT_RECORD, ErrorKind::kPermanent,
          "value is not a herald.v1.EventRecord with an id (" + std::to_string(value.size()) + " bytes)"};
  if (Status s = DeadLetter(producer, dlq, record, stage, e); !s) {
    return Unexpected(s.error());
  }
  return false;
}

}  // namespace herald
