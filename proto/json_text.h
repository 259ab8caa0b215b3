// json_text.h: the pieces of Protobuf's JSON mapping that the generated record
// writers (herald/v1/json.h, made by json_writer_gen.cc) are built from:
// strings, numbers and bytes written exactly as Protobuf's converter writes
// them, appended to a std::string with no reflection and no allocation beyond
// the string's own growth.
//
//   std::string out;
//   herald::json::AppendString("a <b>", &out);   // "a \u003cb\u003e"
//   herald::json::AppendDouble(0.1, &out);       // 0.1
//   herald::json::AppendInt64(-5, &out);         // "-5" (64-bit integers are quoted)
//
// Hand-written, because this is the hot path of `herald extract` and the store:
// Protobuf's own converter walks each message by reflection and allocates for
// every field, and no kept library writes Protobuf's mapping.
//
// Output matches google::protobuf::util::MessageToJsonString (3.21) byte for
// byte for valid UTF-8: the same characters escaped (control characters, '"',
// '\\', '<', '>', and the invisible and separator characters JavaScript
// mistreats), doubles as "%.15g" unless that does not read back ("%.17g"),
// floats as "%.6g" or "%.9g", NaN and infinities as quoted names.
// Failure: none. An invalid UTF-8 sequence, which a valid record never holds
// (Protobuf refuses to parse one), is written as U+FFFD so that the output
// stays valid JSON; Protobuf's converter drops such bytes instead.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace herald::json {

// `s` as a quoted, escaped JSON string.
void AppendString(std::string_view s, std::string* out);
// `bytes` as a quoted base64 string (standard alphabet, padded).
void AppendBase64(std::string_view bytes, std::string* out);
void AppendDouble(double v, std::string* out);
void AppendFloat(float v, std::string* out);
void AppendInt32(int32_t v, std::string* out);
void AppendUint32(uint32_t v, std::string* out);
// 64-bit integers are JSON strings in Protobuf's mapping ("-5"), since
// JavaScript's numbers hold 53 bits.
void AppendInt64(int64_t v, std::string* out);
void AppendUint64(uint64_t v, std::string* out);

// Whether Protobuf writes a proto3 field without presence: any value but the
// default, where a floating-point value is default only as +0.0 (its bits,
// so -0.0 and NaN are written).
bool IsSet(double v);
bool IsSet(float v);

}  // namespace herald::json
