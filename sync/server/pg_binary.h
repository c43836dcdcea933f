// Values of a PostgreSQL result in binary form (Lease::exec_binary): how the store
// reads whole rows, their cells as arrays, with no text to escape and parse again.
// The formats are PostgreSQL's send functions': integers big-endian, text as its
// bytes, a one-dimensional array as its header then each element's length (-1 for
// NULL) and bytes.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ykien::server::pg::binary {

// The bytes of a value (empty for NULL).
std::string_view bytes_at(PGresult *r, int row, int col);

// A bigint (int8) or smallint (int2) value; 0 when its size is not the type's.
int64_t int8_of(std::string_view value);
int64_t int2_of(std::string_view value);

// The elements of a one-dimensional array (nullopt for NULL), in order, into `out`;
// false when the bytes are not such an array.
bool array_elements(std::string_view value, std::vector<std::optional<std::string_view>> &out);

}  // namespace ykien::server::pg::binary
