// builtin_model.h: the syntax model compiled into herald (model/en_ewt.syntax,
// trained on UD English EWT; attribution in model/README.md), loaded once per
// process and shared by every extraction thread.
//
//   Result<std::shared_ptr<const Syntax>> syntax = BuiltinSyntax();
//   Result<std::shared_ptr<const Syntax>> mine = LoadSyntax("/models/my.syntax");  // or "" for the built-in
//
// Thread-safety: BuiltinSyntax may be called from any thread; the first call
// deserialises the model (about 20 MiB) and later calls share it.
// Failure: a model file that cannot be read or is not a syntax model is an Error.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "processors/syntax/syntax.h"

namespace herald::syntax {

Result<std::shared_ptr<const Syntax>> BuiltinSyntax();
// The model in the file at `path`, or the built-in one for an empty path.
Result<std::shared_ptr<const Syntax>> LoadSyntax(const std::string& path);

}  // namespace herald::syntax
