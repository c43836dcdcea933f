// Fuzz target: the record and change JSON codec (engine/json/), strict as the C API
// and the field CLI read it. The first byte picks the type, the rest is the JSON.
// For the types with an encoder, what decodes encodes, decodes again, and encodes to
// the same text (every field is written, so the text is the whole record).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "ykien/json/changes.h"
#include "ykien/json/records.h"

namespace {

using namespace ykien;

template <typename T>
void decode_only(std::string_view text) {
  T v{};
  const Status st = codec::decode(text, &v);
  if (!st.ok()) FUZZ_CHECK(!st.message().empty());
}

template <typename T>
void round_trip(std::string_view text) {
  T first{};
  if (!codec::decode(text, &first).ok()) return;
  const std::string encoded = codec::encode(first);
  T second{};
  FUZZ_CHECK(codec::decode(encoded, &second).ok());
  FUZZ_CHECK(codec::encode(second) == encoded);
}

// A list of changes, strict (the C API's import) and lenient (the protocol's).
void changes(std::string_view text, codec::Strictness mode) {
  codec::Json j;
  if (!codec::parse(text, &j).ok() || !j.is_array()) return;
  std::vector<Change> first;
  if (!codec::from_json(j, mode, &first).ok()) return;
  const std::string encoded = codec::dump(codec::to_json(first));
  codec::Json k;
  FUZZ_CHECK(codec::parse(encoded, &k).ok());
  std::vector<Change> second;
  FUZZ_CHECK(codec::from_json(k, codec::Strictness::strict, &second).ok());
  FUZZ_CHECK(second == first);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char *>(data) + 1, size - 1);
  switch (data[0] % 12) {
    case 0: round_trip<Unit>(text); break;
    case 1: round_trip<Meeting>(text); break;
    case 2: round_trip<Opinion>(text); break;
    case 3: round_trip<Response>(text); break;
    case 4: round_trip<SupportVisit>(text); break;
    case 5: decode_only<MeetingPatch>(text); break;
    case 6: decode_only<OpinionPatch>(text); break;
    case 7: decode_only<StatusUpdate>(text); break;
    case 8: decode_only<OpinionFilter>(text); break;
    case 9: decode_only<ReportRequest>(text); break;
    case 10: changes(text, codec::Strictness::strict); break;
    default: changes(text, codec::Strictness::lenient); break;
  }
  return 0;
}
