#include "processors/syntax/builtin_model.h"

#include <sys/mman.h>

#include <string_view>

#include "core/files.h"

// The model's bytes, placed in read-only data by the assembler: a 20 MiB
// array literal would take the compiler minutes, .incbin takes none.
// HERALD_SYNTAX_MODEL_PATH comes from CMake, which rebuilds this file when the
// model changes. Page-aligned, so that its pages can be given back once read.
__asm__(
    ".section .rodata\n"
    ".balign 4096\n"
    "herald_builtin_syntax_begin:\n"
    ".incbin \"" HERALD_SYNTAX_MODEL_PATH
    "\"\n"
    "herald_builtin_syntax_end:\n"
    ".balign 4096\n"
    ".previous\n");
extern "C" const char herald_builtin_syntax_begin[];
extern "C" const char herald_builtin_syntax_end[];

namespace herald::syntax {

Result<std::shared_ptr<const Syntax>> BuiltinSyntax() {
  static const Result<std::shared_ptr<const Syntax>> loaded = []() -> Result<std::shared_ptr<const Syntax>> {
    std::string_view bytes(herald_builtin_syntax_begin,
                           static_cast<size_t>(herald_builtin_syntax_end - herald_builtin_syntax_begin));
    auto syntax = Syntax::Deserialize(bytes);
    if (!syntax) return Unexpected(syntax.error());
    // The file's bytes are in the tables now: their 20 MiB of pages, read
    // from the binary, need not stay resident (the kernel reads them again
    // should anything touch them).
    const size_t length = (bytes.size() + 4095) / 4096 * 4096;
    (void)madvise(const_cast<char*>(herald_builtin_syntax_begin), length, MADV_DONTNEED);
    return std::make_shared<const Syntax>(std::move(*syntax));
  }();
  return loaded;
}

Result<std::shared_ptr<const Syntax>> LoadSyntax(const std::string& path) {
  if (path.empty()) return BuiltinSyntax();
  auto bytes = ReadWholeFile(path);
  if (!bytes) return Unexpected(bytes.error());
  auto syntax = Syntax::Deserialize(*bytes);
  if (!syntax) return Fail(v1::INTERNAL, path + ": " + syntax.error().reason, ErrorKind::kFatal);
  return std::make_shared<const Syntax>(std::move(*syntax));
}

}  // namespace herald::syntax
