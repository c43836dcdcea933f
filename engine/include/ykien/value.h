// The value of one replicated cell: null, integer, real or UTF-8 text.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace ykien {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool is_null(const Value &v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace ykien
