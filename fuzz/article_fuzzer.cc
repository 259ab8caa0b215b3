// libFuzzer target: any bytes, under any of the content types herald reads,
// through ParseArticle, the extractor and serialisation: the processor's
// per-record work. Built by scripts/fuzz.sh (clang, ASan + UBSan); seeds in
// fuzz/corpus/article, where inputs that once crashed are kept as regressions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "processors/extractor.h"

namespace {

const herald::Extractor& TheExtractor() {
  static const herald::Extractor extractor(*herald::KnowledgeBase::LoadBuiltin());
  return extractor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the content type, as the record's header would; 3: none (sniffed).
  static constexpr std::string_view kTypes[] = {"application/json", "text/plain", "text/html", ""};
  std::string_view type = kTypes[data[0] % 4];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  herald::ParseOptions options;
  if (!type.empty()) options.content_type = type;
  options.max_bytes = 1 << 16;
  auto record = TheExtractor().Process(bytes, options);
  if (record) {
    std::string out;
    record->SerializeToString(&out);
  }
  return 0;
}
