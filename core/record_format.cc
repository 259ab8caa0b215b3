#include "core/record_format.h"

#include <openssl/evp.h>

#include <cstdio>
#include <vector>

#include "core/clock.h"
#include "core/utf8.h"

namespace herald {

std::string ContentHashId(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "h:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

kafka::Headers DeadLetterHeaders(const kafka::Record& record, std::string_view stage, const Error& error,
                                 int attempts) {
  kafka::Headers h = record.headers();
  auto add = [&h](std::string_view k, std::string v) { h.push_back({std::string(k), std::move(v)}); };
  add(header::kDlqStage, std::string(stage));
  add(header::kDlqErrorCode, std::string(error.code_name()));
  add(header::kDlqReason, RepairUtf8(error.reason));
  add(header::kDlqTopic, record.topic());
  add(header::kDlqPartition, std::to_string(record.partition()));
  add(header::kDlqOffset, std::to_string(record.offset()));
  add(header::kDlqAt, NowRfc3339());
  add(header::kDlqAttempts, std::to_string(attempts));
  return h;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

namespace {

constexpr size_t kMaxTruncatedKeyBytes = 1024;
constexpr size_t kMaxTruncatedHeaderBytes = 256;

// The longest prefix of bytes no longer than n that does not end inside a UTF-8 sequence.
std::string_view Prefix(std::string_view bytes, size_t n) {
  if (n >= bytes.size()) return bytes;
  size_t cut = n;
  for (int back = 0; back < 3 && cut > 0 && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80; ++back) --cut;
  if ((static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80) cut = n;  // not UTF-8 anyway
  return bytes.substr(0, cut);
}

}  // namespace

void FitDeadLetter(size_t max_bytes, OutgoingRecord* letter) {
  if (RecordBytes(letter->key, letter->value, letter->headers) <= max_bytes) return;
  const std::string_view whole = letter->value;
  letter->key = Prefix(letter->key, kMaxTruncatedKeyBytes);
  if (RecordBytes({}, {}, letter->headers) > max_bytes / 4) {
    for (kafka::Header& h : letter->headers) {
      if (h.value.size() > kMaxTruncatedHeaderBytes) h.value = std::string(Prefix(h.value, kMaxTruncatedHeaderBytes));
    }
  }
  // Thousands of headers: the original ones go, last first, herald's own stay.
  size_t header_bytes = RecordBytes({}, {}, letter->headers);
  size_t kept = letter->headers.size();  // the original headers from here on go
  for (size_t i = letter->headers.size(); i-- > 0 && header_bytes > max_bytes / 2;) {
    if (letter->headers[i].key.starts_with("herald-dlq-")) continue;
    header_bytes -= RecordBytes({}, {}, {letter->headers[i]});
    kept = i;
  }
  size_t index = 0;  // remove_if visits each header once, in order
  const size_t dropped = std::erase_if(
      letter->headers, [&](const kafka::Header& h) { return index++ >= kept && !h.key.starts_with("herald-dlq-"); });
  if (dropped) letter->headers.push_back({std::string(header::kDlqHeadersDropped), std::to_string(dropped)});
  letter->headers.push_back({std::string(header::kDlqOriginalBytes), std::to_string(whole.size())});
  letter->headers.push_back({std::string(header::kDlqOriginalSha256), Sha256Hex(whole)});
  const size_t rest = RecordBytes(letter->key, {}, letter->headers);
  letter->value = Prefix(whole, max_bytes > rest ? max_bytes - rest : 0);
}

Status DeadLetter(kafka::Producer& producer, const DeadLetterQueue& dlq, const kafka::Record& record,
                  std::string_view stage, const Error& error, int attempts) {
  OutgoingRecord letter{record.key(), record.value(), DeadLetterHeaders(record, stage, error, attempts)};
  FitDeadLetter(dlq.max_record_bytes, &letter);
  return producer.Produce(dlq.topic, letter.key, letter.value, letter.headers);
}

}  // namespace herald
