#include "core/status.h"

namespace herald {

std::string_view Error::code_name() const { return v1::ErrorCode_Name(code); }

std::string_view Error::kind_name() const {
  switch (kind) {
    case ErrorKind::kPermanent: return "permanent";
    case ErrorKind::kRetriable: return "retriable";
    case ErrorKind::kAbortTransaction: return "abort-transaction";
    case ErrorKind::kFatal: return "fatal";
  }
  return "unknown";
}

}  // namespace herald
