// enum_names.h: the one place an enum's names are spelled.
//
// Purpose: settings, flags, logs and metrics spell enumerated values the same way
// (delivery "exactly-once", tuning "latency", log level "warn"), so each enum's
// names are declared once, as an array beside the enum, and everything else
// (the settings table's allowed values, --help, docs/CONFIGURATION.md, log
// fields) is derived from that array.
//
//   enum class Delivery { kExactlyOnce, kAtLeastOnce };
//   inline constexpr EnumName<Delivery> kDeliveryNames[] = {{Delivery::kExactlyOnce, "exactly-once"},
//                                                           {Delivery::kAtLeastOnce, "at-least-once"}};
//   std::string_view name = NameOf(Delivery::kAtLeastOnce, kDeliveryNames);   // "at-least-once"
//   std::optional<Delivery> d = ValueNamed("exactly-once", kDeliveryNames);
//
// Thread-safety: constant data and pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

// The name of `value` (empty for a value the array lacks).
template <typename E, size_t N>
constexpr std::string_view NameOf(E value, const EnumName<E> (&names)[N]) {
  for (const EnumName<E>& n : names) {
    if (n.value == value) return n.name;
  }
  return {};
}

// The value named `name`, or nullopt.
template <typename E, size_t N>
constexpr std::optional<E> ValueNamed(std::string_view name, const EnumName<E> (&names)[N]) {
  for (const EnumName<E>& n : names) {
    if (n.name == name) return n.value;
  }
  return std::nullopt;
}

// Every name, in order (for a command-line check such as CLI::IsMember).
template <typename E, size_t N>
std::vector<std::string> NamesOf(const EnumName<E> (&names)[N]) {
  std::vector<std::string> out;
  for (const EnumName<E>& n : names) out.emplace_back(n.name);
  return out;
}

}  // namespace herald
