// bearer_auth.h: who may call an HTTP API: `Authorization: Bearer <token>`
// checked against the tokens a config names (RFC 6750).
//
//   BearerTokens tokens(options.tokens);       // empty: the API is open
//   if (!tokens.Accepts(request_head)) answer 401 with BearerTokens::kChallenge;
//
// A presented token is compared with the SHA-256 digests of the configured
// ones, each in time that does not depend on where they differ or on their
// lengths, so response timing does not give one away. (The configured tokens
// themselves stay in the options they came from.) Nothing here logs a token.
// Thread-safety: immutable once made; Accepts may be called from any thread.
// Failure: none; a missing, malformed or unknown credential is simply refused.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

class BearerTokens {
 public:
  // The WWW-Authenticate value of a 401 answer.
  static constexpr std::string_view kChallenge = "Bearer realm=\"herald\"";

  BearerTokens() = default;
  // Empty tokens are left out: they would let anyone in.
  explicit BearerTokens(std::span<const std::string> tokens);

  // True when no token is configured.
  bool open() const { return digests_.empty(); }
  // True when the API is open or the request's head (request line and headers,
  // as received) carries `Authorization: Bearer <one of the tokens>`.
  bool Accepts(std::string_view request_head) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest DigestOf(std::string_view token);
  std::vector<Digest> digests_;
};

// The value of the first header named `name` (given in lower case, matched in
// any case) in a request head,
// blanks around it removed; empty when there is none.
std::string_view HeaderValue(std::string_view request_head, std::string_view name);

}  // namespace herald
