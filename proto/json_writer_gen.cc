// json_writer_gen: writes herald/v1/json.h and json.cc, a JSON writer for
// every message of herald's .proto files, at build time.
//
//   json_writer_gen OUT_DIR herald/v1/article.proto herald/v1/event.proto ...
//
// The field list comes from the descriptors compiled into this program (the
// same generated code every stage links), so the writers follow the .proto
// files with nothing to keep in step by hand, and at run time they are plain
// accessor calls: no reflection per field, which is where Protobuf's own
// converter spends its time. What they write is Protobuf's JSON mapping with
// the proto field names (json_text.h); a test compares the two on corpora.
//
// Failure: a field of a kind the writers do not handle yet (maps, oneofs,
// well-known types) stops the build with its name, rather than writing JSON
// that differs from Protobuf's.
#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

[[noreturn]] void Refuse(const FieldDescriptor& f, const std::string& why) {
  std::cerr << "json_writer_gen: " << f.full_name() << ": " << why << "\n";
  std::exit(1);
}

// "herald.v1.Outer.Inner" -> "::herald::v1::Outer_Inner", as protoc names it.
template <typename D>
std::string CppName(const D& d) {
  std::string package = d.file()->package(), nested = d.full_name().substr(package.size() + 1), out;
  for (char c : package) out += c == '.' ? std::string("::") : std::string(1, c);
  for (char& c : nested) c = c == '.' ? '_' : c;
  return "::" + out + "::" + nested;
}

// The call that appends one value `v` of field f.
std::string AppendValue(const FieldDescriptor& f, const std::string& v) {
  switch (f.type()) {
    case FieldDescriptor::TYPE_STRING: return "::herald::json::AppendString(" + v + ", out)";
    case FieldDescriptor::TYPE_BYTES: return "::herald::json::AppendBase64(" + v + ", out)";
    case FieldDescriptor::TYPE_DOUBLE: return "::herald::json::AppendDouble(" + v + ", out)";
    case FieldDescriptor::TYPE_FLOAT: return "::herald::json::AppendFloat(" + v + ", out)";
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32: return "::herald::json::AppendInt32(" + v + ", out)";
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32: return "::herald::json::AppendUint32(" + v + ", out)";
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64: return "::herald::json::AppendInt64(" + v + ", out)";
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64: return "::herald::json::AppendUint64(" + v + ", out)";
    case FieldDescriptor::TYPE_BOOL: return "out->append(" + v + " ? \"true\" : \"false\")";
    case FieldDescriptor::TYPE_ENUM: return "AppendEnum(" + v + ", out)";
    case FieldDescriptor::TYPE_MESSAGE: return "AppendJson(" + v + ", out)";
    default: Refuse(f, "groups are not proto3");
  }
}

// The condition under which Protobuf's converter writes field f of `m`.
std::string Present(const FieldDescriptor& f) {
  const std::string name = f.name();
  if (f.is_repeated()) return "m." + name + "_size() > 0";
  if (f.has_presence()) return "m.has_" + name + "()";
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: return "!m." + name + "().empty()";
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: return "::herald::json::IsSet(m." + name + "())";
    case FieldDescriptor::CPPTYPE_BOOL: return "m." + name + "()";
    default: return "m." + name + "() != 0";
  }
}

void CheckSupported(const FieldDescriptor& f) {
  if (f.is_map()) Refuse(f, "map fields are not written yet");
  if (f.real_containing_oneof()) Refuse(f, "oneof fields are not written yet");
  if (f.message_type() && f.message_type()->file()->package() == "google.protobuf") {
    Refuse(f, "well-known types have JSON forms of their own, not written yet");
  }
  if (f.file()->syntax() != FileDescriptor::SYNTAX_PROTO3) Refuse(f, "only proto3 files are written");
  for (char c : f.name()) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) Refuse(f, "names must be snake_case");
  }
}

void WriteMessage(const Descriptor& d, std::ostream& cc) {
  cc << "void AppendJson(const " << CppName(d) << "& m, std::string* out) {\n  char separator = '{';\n";
  std::vector<const FieldDescriptor*> fields;
  for (int i = 0; i < d.field_count(); ++i) fields.push_back(d.field(i));
  std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->number() < b->number(); });
  for (const FieldDescriptor* f : fields) {
    CheckSupported(*f);
    const std::string key = "\"\\\"" + f->name() + "\\\":\"";
    cc << "  if (" << Present(*f) << ") {\n    Key(&separator, " << key << ", out);\n";
    if (f->is_repeated()) {
      cc << "    out->push_back('[');\n"
         << "    for (int i = 0; i < m." << f->name() << "_size(); ++i) {\n"
         << "      if (i > 0) out->push_back(',');\n"
         << "      " << AppendValue(*f, "m." + f->name() + "(i)") << ";\n"
         << "    }\n    out->push_back(']');\n";
    } else {
      cc << "    " << AppendValue(*f, "m." + f->name() + "()") << ";\n";
    }
    cc << "  }\n";
  }
  cc << "  if (separator == '{') out->push_back('{');\n  out->push_back('}');\n}\n\n";
}

void WriteEnum(const EnumDescriptor& e, std::ostream& cc) {
  // An unknown value is written as its number, as Protobuf does.
  cc << "[[maybe_unused]] void AppendEnum(" << CppName(e) << " v, std::string* out) {\n  switch (v) {\n";
  for (int i = 0; i < e.value_count(); ++i) {
    cc << "    case " << CppName(e) << "::" << e.value(i)->name() << ": out->append(\"\\\"" << e.value(i)->name()
       << "\\\"\"); return;\n";
  }
  cc << "    default: ::herald::json::AppendInt32(static_cast<int32_t>(v), out);\n  }\n}\n\n";
}

void Collect(const Descriptor& d, std::vector<const Descriptor*>* messages, std::vector<const EnumDescriptor*>* enums) {
  messages->push_back(&d);
  for (int i = 0; i < d.nested_type_count(); ++i) Collect(*d.nested_type(i), messages, enums);
  for (int i = 0; i < d.enum_type_count(); ++i) enums->push_back(d.enum_type(i));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: json_writer_gen OUT_DIR FILE.proto...\n";
    return 2;
  }
  const std::string out_dir = argv[1];
  std::vector<const Descriptor*> messages;
  std::vector<const EnumDescriptor*> enums;
  std::string includes;
  for (int a = 2; a < argc; ++a) {
    const FileDescriptor* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(argv[a]);
    if (file == nullptr) {
      std::cerr << "json_writer_gen: " << argv[a] << " is not compiled into this program\n";
      return 1;
    }
    std::string stem = argv[a];
    includes += "#include \"" + stem.substr(0, stem.size() - 6) + ".pb.h\"\n";
    for (int i = 0; i < file->message_type_count(); ++i) Collect(*file->message_type(i), &messages, &enums);
    for (int i = 0; i < file->enum_type_count(); ++i) enums.push_back(file->enum_type(i));
  }
  std::ofstream h(out_dir + "/json.h"), cc(out_dir + "/json.cc");
  h << "// Generated by proto/json_writer_gen.cc from herald's .proto files: do not edit.\n"
    << "// AppendJson(message, &out) appends Protobuf's JSON mapping of a message, with\n"
    << "// proto field names, as google::protobuf::util::MessageToJsonString writes it\n"
    << "// (proto/json_text.h has the details and the one difference).\n"
    << "// Thread-safety: pure functions.\n#pragma once\n\n#include <string>\n\n"
    << includes << "\nnamespace herald::v1 {\n\n";
  for (const Descriptor* d : messages) h << "void AppendJson(const " << CppName(*d) << "& m, std::string* out);\n";
  h << "\n// The message as one line of JSON.\ntemplate <typename Message>\nstd::string ToJson(const Message& m) {\n"
    << "  std::string out;\n  AppendJson(m, &out);\n  return out;\n}\n\n}  // namespace herald::v1\n";
  cc << "// Generated by proto/json_writer_gen.cc from herald's .proto files: do not edit.\n"
     << "#include \"herald/v1/json.h\"\n\n#include <string_view>\n\n#include \"proto/json_text.h\"\n\n"
     << "namespace herald::v1 {\nnamespace {\n\n"
     << "void Key(char* separator, std::string_view key, std::string* out) {\n"
     << "  out->push_back(*separator);\n  *separator = ',';\n  out->append(key);\n}\n\n";
  for (const EnumDescriptor* e : enums) WriteEnum(*e, cc);
  cc << "}  // namespace\n\n";
  for (const Descriptor* d : messages) WriteMessage(*d, cc);
  cc << "}  // namespace herald::v1\n";
  return h && cc ? 0 : 1;
}
