#include "core/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/utf8.h"

namespace herald {
namespace {}  // namespace

std::string_view HeaderValue(std::string_view head, std::string_view name) {
  size_t line_end = head.find('\n');  // past the request line
  while (line_end != std::string_view::npos) {
    const size_t start = line_end + 1;
    line_end = head.find('\n', start);
    const std::string_view line =
        head.substr(start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && EqualsFolded(line.substr(0, colon), name)) {
      return TrimAsciiSpace(line.substr(colon + 1));
    }
  }
  return {};
}

BearerTokens::BearerTokens(std::span<const std::string> tokens) {
  for (const std::string& t : tokens) {
    if (!t.empty()) digests_.push_back(DigestOf(t));
  }
}

BearerTokens::Digest BearerTokens::DigestOf(std::string_view token) {
  Digest d;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

bool BearerTokens::Accepts(std::string_view request_head) const {
  if (open()) return true;
  std::string_view credentials = HeaderValue(request_head, "authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (credentials.size() <= kScheme.size() || !EqualsFolded(credentials.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  const Digest presented = DigestOf(TrimAsciiSpace(credentials.substr(kScheme.size())));
  bool accepted = false;
  // Every digest is compared, so the time taken does not say which one matched.
  for (const Digest& d : digests_) accepted |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
  return accepted;
}

}  // namespace herald
