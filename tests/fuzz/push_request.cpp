// Fuzz target: the server's decoder of POST /v1/push bodies (sync/src/protocol.cpp),
// and the one-pass reader under it: its fast scanner (engine/json/src/json_scan.cpp)
// must read exactly what nlohmann reads.
#include "protocol_requests.h"
#include "ykien/json/changes_reader.h"

namespace {

// A "rows" array expanded into change objects (docs/protocol.md, "Rows"), read as
// "changes" are; false when a row is not one the reader accepts.
bool expand_rows(const ykien::codec::Json &rows, std::vector<ykien::Change> *out) {
  using ykien::codec::Json;
  Json changes = Json::array();
  for (const Json &row : rows) {
    if (!row.is_object()) return false;
    auto cells = row.find("cells");
    if (cells == row.end() || !cells->is_array() || cells->empty() || cells->size() % 2 != 0) return false;
    Json head = row;
    for (const char *key : {"cells", "col", "value"}) head.erase(key);
    for (size_t k = 0; k < cells->size(); k += 2) {
      Json c = head;
      c["col"] = (*cells)[k];
      c["value"] = (*cells)[k + 1];
      changes.push_back(std::move(c));
    }
  }
  return ykien::codec::from_json(changes, ykien::codec::Strictness::lenient, out).ok();
}

// The one-pass read of `text` against nlohmann's whole parse: the same JSON
// accepted, the same members beside "changes" (or "rows"), the same changes.
void reads_as_nlohmann(std::string_view text) {
  using ykien::codec::Json;
  Json envelope;
  ykien::codec::ChangesMember changes;
  const ykien::Status st = ykien::codec::parse_with_changes(text, &envelope, &changes);
  Json whole = Json::parse(text, nullptr, false);
  FUZZ_CHECK(whole.is_discarded() == (!st.ok() && st.message() == "not valid JSON (or not valid UTF-8)"));
  if (!st.ok()) return;
  auto it = whole.find(changes.rows ? "rows" : "changes");
  if (changes.array) {
    FUZZ_CHECK(it != whole.end() && it->is_array());
    std::vector<ykien::Change> expected;
    const bool read = changes.rows ? expand_rows(*it, &expected)
                                   : ykien::codec::from_json(*it, ykien::codec::Strictness::lenient, &expected).ok();
    FUZZ_CHECK(read == changes.error.ok());
    if (read) FUZZ_CHECK(expected == changes.changes);
  }
  FUZZ_CHECK(changes.both == (whole.contains("rows") && whole.contains("changes")));
  // A list read as one is not in the envelope; one of another type is.
  for (const char *key : {"changes", "rows"})
    if (auto list = whole.find(key); list != whole.end() && list->is_array()) whole.erase(list);
  FUZZ_CHECK(whole == envelope);
}

// The server's read (rows kept as they came) against the read that expands them:
// the same outcome, and rows that expand to the same changes.
void keeps_rows_as_expanded(std::string_view text) {
  ykien::sync::PushRequest expanded, kept;
  const ykien::Status a = ykien::sync::decode(text, &expanded);
  const ykien::Status b = ykien::sync::decode(text, &kept, /*keep_rows=*/true);
  FUZZ_CHECK(a.to_string() == b.to_string());
  if (!a.ok()) return;
  FUZZ_CHECK(kept.as_rows == expanded.as_rows);
  if (kept.as_rows) FUZZ_CHECK(kept.changes.empty() && ykien::expand_rows(kept.rows) == expanded.changes);
  else FUZZ_CHECK(kept.rows.empty() && kept.changes == expanded.changes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using ykien::sync::PushRequest;
  reads_as_nlohmann(std::string_view(reinterpret_cast<const char *>(data), size));
  keeps_rows_as_expanded(std::string_view(reinterpret_cast<const char *>(data), size));
  return ykien::fuzz::round_trip<PushRequest>(data, size, [](const PushRequest &a, const PushRequest &b) {
    return a.protocol == b.protocol && a.client_time_ms == b.client_time_ms && a.changes == b.changes;
  });
}
