// status.h: the error type herald's components return across their boundaries.
//
// Purpose: one small value type for "what went wrong, and what should the
// caller do about it", so that no exception crosses a component boundary.
//
//   Result<EventRecord> r = ProcessArticle(...);
//   if (!r) { DeadLetter(msg, r.error()); continue; }
//
// Error::kind keeps librdkafka's distinction between failures:
//   kPermanent        the input is bad; retrying cannot help: dead-letter it.
//   kRetriable        a transient fault (broker down, database busy): retry with backoff.
//   kAbortTransaction the current Kafka transaction must be aborted and the batch rewound.
//   kFatal            the component cannot continue: stop the daemon with a non-zero exit.
// Error::code names the cause in the contract's vocabulary (dead_letter.proto),
// so a dead letter's headers can be read by tools without parsing the reason.
//
// Thread-safety: plain values; copy freely.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include "herald/v1/dead_letter.pb.h"

namespace herald {

using ErrorCode = v1::ErrorCode;

enum class ErrorKind { kPermanent, kRetriable, kAbortTransaction, kFatal };

struct Error {
  ErrorCode code = v1::INTERNAL;
  ErrorKind kind = ErrorKind::kPermanent;
  std::string reason;

  // The ErrorCode's name, e.g. "MALFORMED_JSON".
  std::string_view code_name() const;
  std::string_view kind_name() const;
};

template <typename T>
using Result = std::expected<T, Error>;

// Success or an Error, for operations with no value.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string reason,
                                   ErrorKind kind = ErrorKind::kPermanent) {
  return std::unexpected<Error>(Error{code, kind, std::move(reason)});
}

inline std::unexpected<Error> Retriable(std::string reason) {
  return Fail(v1::INTERNAL, std::move(reason), ErrorKind::kRetriable);
}

inline std::unexpected<Error> Fatal(std::string reason) {
  return Fail(v1::INTERNAL, std::move(reason), ErrorKind::kFatal);
}

}  // namespace herald
