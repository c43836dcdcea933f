#include "pg_binary.h"

namespace ykien::server::pg::binary {
namespace {

uint64_t big_endian(const char *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Reads a 32-bit signed integer at `at`, moving past it; false past the end.
bool read_int32(std::string_view bytes, size_t &at, int32_t &out) {
  if (at > bytes.size() || bytes.size() - at < 4) return false;
  out = static_cast<int32_t>(static_cast<uint32_t>(big_endian(bytes.data() + at, 4)));
  at += 4;
  return true;
}

}  // namespace

std::string_view bytes_at(PGresult *r, int row, int col) {
  return {PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col))};
}

int64_t int8_of(std::string_view value) {
  return value.size() == 8 ? static_cast<int64_t>(big_endian(value.data(), 8)) : 0;
}

int64_t int2_of(std::string_view value) {
  return value.size() == 2 ? static_cast<int16_t>(static_cast<uint16_t>(big_endian(value.data(), 2))) : 0;
}

bool array_elements(std::string_view value, std::vector<std::optional<std::string_view>> &out) {
  out.clear();
  size_t at = 0;
  int32_t dims = 0, flags = 0, type = 0;
  if (!read_int32(value, at, dims) || !read_int32(value, at, flags) || !read_int32(value, at, type)) return false;
  if (dims == 0) return at == value.size();  // an empty array
  int32_t count = 0, lower = 0;
  if (dims != 1 || !read_int32(value, at, count) || !read_int32(value, at, lower) || count < 0) return false;
  out.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    int32_t length = 0;
    if (!read_int32(value, at, length)) return false;
    if (length < 0) {
      out.emplace_back(std::nullopt);
      continue;
    }
    if (value.size() - at < static_cast<size_t>(length)) return false;
    out.emplace_back(value.substr(at, static_cast<size_t>(length)));
    at += static_cast<size_t>(length);
  }
  return at == value.size();
}

}  // namespace ykien::server::pg::binary
