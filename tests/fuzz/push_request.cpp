// Fuzz target: the server's decoder of POST /v1/push bodies (sync/src/protocol.cpp),
// and the one-pass reader under it: its fast scanner (engine/json/src/json_scan.cpp)
// must read exactly what nlohmann reads.
#include "protocol_requests.h"
#include "ykien/json/changes_reader.h"

namespace {

// The one-pass read of `text` against nlohmann's whole parse: the same JSON
// accepted, the same members beside "changes", the same changes.
void reads_as_nlohmann(std::string_view text) {
  using ykien::codec::Json;
  Json envelope;
  ykien::codec::ChangesMember changes;
  const ykien::Status st = ykien::codec::parse_with_changes(text, &envelope, &changes);
  Json whole = Json::parse(text, nullptr, false);
  FUZZ_CHECK(whole.is_discarded() == (!st.ok() && st.message() == "not valid JSON (or not valid UTF-8)"));
  if (!st.ok()) return;
  auto it = whole.find("changes");
  if (changes.array) {
    FUZZ_CHECK(it != whole.end() && it->is_array());
    std::vector<ykien::Change> expected;
    const ykien::Status read = ykien::codec::from_json(*it, ykien::codec::Strictness::lenient, &expected);
    FUZZ_CHECK(read.ok() == changes.error.ok());
    if (read.ok()) FUZZ_CHECK(expected == changes.changes);
    whole.erase("changes");
  }
  FUZZ_CHECK(whole == envelope);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using ykien::sync::PushRequest;
  reads_as_nlohmann(std::string_view(reinterpret_cast<const char *>(data), size));
  return ykien::fuzz::round_trip<PushRequest>(data, size, [](const PushRequest &a, const PushRequest &b) {
    return a.protocol == b.protocol && a.client_time_ms == b.client_time_ms && a.changes == b.changes;
  });
}
