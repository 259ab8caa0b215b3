// status.h: the error type herald's components return across their boundaries.
//
// Purpose: one small value type for "what went wrong, and what should the
// caller do about it", so that no exception crosses a component boundary.
//
//   Result<v1::Article> article = ParseArticle(bytes, options);   // like std::expected<v1::Article, Error>
//   if (!article) { DeadLetter(producer, dlq, record, "parse", article.error()); continue; }
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

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

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

// The failure side of a Result, as std::unexpected is for std::expected.
// (herald's own pair of types: clang, which builds the fuzzers, cannot use
// libstdc++ 12's std::expected.)
template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

// A value or an Error; a subset of std::expected's interface.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : state_(std::in_place_index<0>, value) {}        // NOLINT: implicit like std::expected
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Result> &&
                                        !std::is_same_v<std::decay_t<U>, Unexpected<Error>>>>
  Result(U&& value) : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}         // NOLINT
  Result(const Unexpected<Error>& e) : state_(std::in_place_index<1>, e.error()) {}        // NOLINT
  Result(Unexpected<Error>&& e) : state_(std::in_place_index<1>, std::move(e).error()) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() & { return std::get<0>(state_); }
  const T& operator*() const& { return std::get<0>(state_); }
  T&& operator*() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Success or an Error, for operations with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(const Unexpected<Error>& e) : error_(e.error()) {}        // NOLINT
  Result(Unexpected<Error>&& e) : error_(std::move(e).error()) {}  // NOLINT

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Unexpected<Error> Fail(ErrorCode code, std::string reason, ErrorKind kind = ErrorKind::kPermanent) {
  return Unexpected<Error>(Error{code, kind, std::move(reason)});
}

inline Unexpected<Error> Retriable(std::string reason) {
  return Fail(v1::INTERNAL, std::move(reason), ErrorKind::kRetriable);
}

inline Unexpected<Error> Fatal(std::string reason) { return Fail(v1::INTERNAL, std::move(reason), ErrorKind::kFatal); }

}  // namespace herald
