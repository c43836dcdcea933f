// The request decoders' fuzz targets share one body: decode, and when the decoder
// accepts, encode and decode again and require the same message and the same text
// (a decoder that accepts what its encoder cannot reproduce, or an encoder whose
// output its decoder refuses, is a bug either way).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "ykien/sync/protocol.h"

namespace ykien::fuzz {

template <typename Message, typename Equal>
int round_trip(const uint8_t *data, size_t size, Equal equal) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  Message first;
  const Status st = sync::decode(text, &first);
  if (!st.ok()) {
    FUZZ_CHECK(!st.message().empty());
    return 0;
  }
  const std::string encoded = sync::encode(first);
  Message second;
  const Status again = sync::decode(encoded, &second);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(equal(first, second));
  FUZZ_CHECK(sync::encode(second) == encoded);
  return 0;
}

}  // namespace ykien::fuzz
