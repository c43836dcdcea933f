// Fuzz target: the server's pull cursor (sync/server/cursor.cpp). A device can send
// any text as a cursor; only what the server signed for that device may pass.
//   1. The input as a cursor, as a device would forge it: refused unless it carries
//      the right signature (which a forger cannot make).
//   2. The input signed with the server's key, as if the server had made it: the
//      body's JSON is then read, so its parser is fuzzed too. Accepted positions lie
//      in [0, end]; to_string() of what was read parses back to the same positions;
//      the same text is refused for another device, and with any byte changed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cursor.h"
#include "fuzz_check.h"
#include "tokens.h"

namespace {

constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kDevice = "device-1";
const std::string kOtherDevice = "device-2";
constexpr int64_t kEnd = 1'000'000'000;

std::string sign(std::string_view body, const std::string &device) {
  return std::string(body) + '.' + ykien::server::hmac_sha256_hex(kKey, device + '\n' + std::string(body));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using ykien::server::PullCursor;
  const std::string_view input(reinterpret_cast<const char *>(data), size);

  // 1. Forged.
  PullCursor forged;
  const ykien::Status st = PullCursor::parse(input, kKey, kDevice, kEnd, &forged);
  if (st.ok() && !input.empty()) {
    const size_t dot = input.rfind('.');
    FUZZ_CHECK(dot != std::string_view::npos);
    FUZZ_CHECK(sign(input.substr(0, dot), kDevice) == input);
  }
  if (!st.ok()) FUZZ_CHECK(st.field() == "cursor" && forged.positions.empty());

  // 2. Signed.
  const std::string signed_text = sign(input, kDevice);
  PullCursor cursor;
  if (!PullCursor::parse(signed_text, kKey, kDevice, kEnd, &cursor).ok()) return 0;
  for (const auto &[scope, position] : cursor.positions) FUZZ_CHECK(position >= 0 && position <= kEnd);
  PullCursor again;
  FUZZ_CHECK(PullCursor::parse(cursor.to_string(kKey, kDevice), kKey, kDevice, kEnd, &again).ok());
  FUZZ_CHECK(again.positions == cursor.positions);

  PullCursor other;
  FUZZ_CHECK(!PullCursor::parse(signed_text, kKey, kOtherDevice, kEnd, &other).ok());
  if (!input.empty()) {
    std::string tampered = signed_text;
    tampered[size / 2] = static_cast<char>(tampered[size / 2] ^ 1);
    FUZZ_CHECK(!PullCursor::parse(tampered, kKey, kDevice, kEnd, &other).ok());
  }
  return 0;
}
