// Changes grouped by row (codec::dump_rows, read by codec::parse_with_changes; docs/
// protocol.md, "Rows"): random change vectors come back exactly, as through
// "changes"; malformed rows are refused naming the field; and for random rows,
// valid or not, the one-pass reader decides as expanding each row into change
// objects and reading those with codec::from_json does. group_rows joins cells as
// dump_rows does (and its rows are written as the same text), and a ChangeBatch over
// rows reads as their changes.
#include <catch2/catch.hpp>
#include <random>

#include "support/random_pick.h"
#include "ykien/change_batch.h"
#include "ykien/json/changes_reader.h"

using namespace ykien;
using codec::Json;

namespace {

using testing::chance;
using testing::pick;

std::string random_text(std::mt19937 &rng) {
  static const std::vector<std::string> pieces = {"a",  "Z",      "0",      " ",  "\"", "\\", "/", "\n", "\t",
                                                  "\x01", "Đường", "ý kiến", "ắ", "😀", "€",  "ư", "Nguyễn Văn Ơn"};
  std::string out;
  const int n = std::uniform_int_distribution<int>(0, 8)(rng);
  for (int i = 0; i < n; ++i) out += pick(rng, pieces);
  return out;
}

std::string nonempty(std::mt19937 &rng) {
  std::string s = random_text(rng);
  return s.empty() ? "x" : s;
}

// Every kind a cell holds (no NaN: written as null, it would not come back equal).
Value random_value(std::mt19937 &rng) {
  const auto big = static_cast<int64_t>(uint64_t{rng()} << 31 | rng());
  return pick(rng, std::vector<Value>{std::monostate{}, big, -big, std::numeric_limits<int64_t>::min(),
                                      std::uniform_real_distribution<double>(-1e12, 1e12)(rng), 0.5,
                                      random_text(rng), random_text(rng)});
}

Hlc random_hlc(std::mt19937 &rng) { return Hlc((static_cast<uint64_t>(rng()) << 32 | rng()) | 1); }

// Runs of cells sharing a row's stamp (as an opinion's are written), single cells,
// a column twice in a run, and neighbours that differ in one member only.
std::vector<Change> random_changes(std::mt19937 &rng) {
  std::vector<Change> out;
  const int rows = std::uniform_int_distribution<int>(0, 6)(rng);
  for (int r = 0; r < rows; ++r) {
    Change head;
    if (!out.empty() && chance(rng, 30)) {
      head = out.back();  // the same row, one member changed: a new group
      switch (rng() % 6) {
        case 0: head.table = nonempty(rng); break;
        case 1: head.id = nonempty(rng); break;
        case 2: head.scope = random_text(rng); break;
        case 3: head.hlc = random_hlc(rng); break;
        case 4: head.site = rng() | 1; break;
        default: head.base = head.base.is_zero() ? random_hlc(rng) : Hlc(); break;
      }
    } else {
      head.table = pick(rng, std::vector<std::string>{"opinions", "meetings", "responses"});
      head.id = nonempty(rng);
      head.scope = chance(rng, 80) ? "vn/79/26734" : random_text(rng);
      head.hlc = random_hlc(rng);
      head.site = rng() | 1;
      head.base = chance(rng, 30) ? random_hlc(rng) : Hlc();
    }
    const int cells = std::uniform_int_distribution<int>(1, 20)(rng);
    for (int k = 0; k < cells; ++k) {
      Change c = head;
      c.column = chance(rng, 10) && !out.empty() ? out.back().column : nonempty(rng);
      c.value = random_value(rng);
      out.push_back(std::move(c));
    }
  }
  return out;
}

Status read(const std::string &text, codec::ChangesMember *m) {
  Json envelope;
  YKIEN_TRY(codec::parse_with_changes(text, &envelope, m));
  return m->error;
}

}  // namespace

TEST_CASE("changes grouped by row come back exactly, as through \"changes\"", "[engine][json]") {
  std::mt19937 rng(Catch::rngSeed());
  size_t rows_bytes = 0, changes_bytes = 0;
  for (int round = 0; round < 500; ++round) {
    const std::vector<Change> changes = random_changes(rng);
    const std::string rows = codec::dump_rows(changes);
    INFO("round " << round << ": " << rows);
    // The text is JSON as the library writes it (keys sorted, compact).
    Json parsed;
    REQUIRE(codec::parse(rows, &parsed).ok());
    REQUIRE(codec::dump(parsed) == rows);
    codec::ChangesMember as_rows, as_changes;
    REQUIRE(read(R"({"protocol":1,"rows":)" + rows + "}", &as_rows).ok());
    CHECK(as_rows.array);
    CHECK(as_rows.rows);
    REQUIRE(as_rows.changes == changes);
    const std::string plain = codec::dump_changes(changes);
    REQUIRE(read(R"({"protocol":1,"changes":)" + plain + "}", &as_changes).ok());
    CHECK_FALSE(as_changes.rows);
    REQUIRE(as_changes.changes == as_rows.changes);
    rows_bytes += rows.size();
    changes_bytes += plain.size();
  }
  CHECK(rows_bytes * 2 < changes_bytes);  // runs of cells: the stamps written once
}

TEST_CASE("a run of one row's cells is one group, a change of any member starts another", "[engine][json]") {
  Change a{"opinions", "o1", "vn/79", "content", std::string("Đường xấu"), Hlc(0x10), 7, Hlc()};
  Change b = a;
  b.column = "status";
  b.value = std::string("new");
  Change c = b;
  c.base = Hlc(0x5);
  CHECK(codec::dump_rows({a, b, c}) ==
        R"([{"cells":["content","Đường xấu","status","new"],"hlc":"0000000000000010","id":"o1","scope":"vn/79",)"
        R"("site":"0000000000000007","table":"opinions"},{"base":"0000000000000005","cells":["status","new"],)"
        R"("hlc":"0000000000000010","id":"o1","scope":"vn/79","site":"0000000000000007","table":"opinions"}])");
  CHECK(codec::dump_rows(std::vector<Change>{}) == "[]");
  CHECK(codec::dump_rows(std::vector<RowWrite>{}) == "[]");
}

TEST_CASE("group_rows makes the rows dump_rows writes and a batch over them reads as the changes", "[engine][json]") {
  std::mt19937 rng(Catch::rngSeed());
  for (int round = 0; round < 300; ++round) {
    const std::vector<Change> changes = random_changes(rng);
    const std::vector<RowWrite> rows = group_rows(changes);
    INFO("round " << round);
    REQUIRE(expand_rows(rows) == changes);
    CHECK(codec::dump_rows(rows) == codec::dump_rows(changes));  // rows written as they are
    codec::ChangesMember kept;
    kept.keep_rows = true;
    REQUIRE(read(R"({"protocol":1,"rows":)" + codec::dump_rows(changes) + "}", &kept).ok());
    CHECK(kept.row_writes == rows);  // one rule for both: same_row_write
    const ChangeBatch batch(rows), plain(changes);
    REQUIRE(batch.size() == changes.size());
    REQUIRE(plain.size() == changes.size());
    size_t i = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t c = 0; c < rows[r].cells.size(); ++c, ++i) {
        const ChangeRef got = batch[i];
        const Change as_change{got.table, got.id, got.scope, got.column, got.value, got.hlc, got.site, got.base};
        CHECK(as_change == changes[i]);
        if (i + 1 < changes.size()) {
          CHECK(batch.same_group(i, i + 1) == (c + 1 < rows[r].cells.size()));
          CHECK_FALSE(plain.same_group(i, i + 1));  // changes tell nothing without comparing
        }
      }
    }
    // A message's batch: its changes, or else its rows (the view over rows groups).
    if (!changes.empty()) {
      CHECK_FALSE(ChangeBatch::of(changes, rows).same_group(0, 0));
      CHECK(ChangeBatch::of({}, rows).same_group(0, 0));
    }
  }
}

TEST_CASE("two neighbouring rows of one stamp are one row once expanded", "[engine][json]") {
  const RowWrite first{"opinions", "o1", "vn/79", Hlc(0x10), 7, Hlc(), {{"content", std::string("Đường xấu")}}};
  RowWrite second = first;
  second.cells = {{"status", std::string("new")}};
  const std::vector<RowWrite> two = {first, second, RowWrite{"opinions", "o2", "vn/79", Hlc(0x11), 7, Hlc(), {}}};
  const ChangeBatch batch(two);
  REQUIRE(batch.size() == 2);  // the row without cells holds no change
  CHECK(batch[1].column == "status");
  CHECK_FALSE(batch.same_group(0, 1));  // two RowWrites: the view does not compare them
  const std::vector<RowWrite> joined = group_rows(expand_rows(two));
  REQUIRE(joined.size() == 1);
  CHECK(joined[0].cells == std::vector<CellWrite>{first.cells[0], second.cells[0]});
  CHECK(codec::dump_rows(expand_rows(two)) == codec::dump_rows(expand_rows(joined)));
}

TEST_CASE("malformed rows are refused naming the field", "[engine][json]") {
  const std::string head = R"("hlc":"0000000000000010","id":"o1","scope":"vn/79","site":"0000000000000007","table":"t")";
  struct Case {
    std::string rows, field, reason;
  };
  const std::vector<Case> cases = {
      {"[{" + head + R"(,"cells":["a",1,"b"]}])", "rows[0].cells", "pairs"},
      {"[{" + head + R"(,"cells":[]}])", "rows[0].cells", "not be empty"},
      {"[{" + head + "}]", "rows[0].cells", "missing"},
      {"[{" + head + R"(,"cells":null}])", "rows[0].cells", "missing"},
      {"[{" + head + R"(,"cells":{"a":1}}])", "rows[0].cells", "array"},
      {"[{" + head + R"(,"cells":"a"}])", "rows[0].cells", "array"},
      {"[{" + head + R"(,"cells":["a",1,2,3]}])", "rows[0].cells[2]", "column"},
      {"[{" + head + R"(,"cells":["a",1,"",3]}])", "rows[0].cells[2]", "column"},
      {"[{" + head + R"(,"cells":[["a"],1]}])", "rows[0].cells[0]", "column"},
      {"[{" + head + R"(,"cells":["a",[1]]}])", "rows[0].cells[1]", "null, a number or a string"},
      {"[{" + head + R"(,"cells":["a",{"v":1}]}])", "rows[0].cells[1]", "null, a number or a string"},
      {"[{" + head + R"(,"cells":["a",18446744073709551615]}])", "rows[0].cells[1]", "out of range"},
      {"[{" + head + R"(,"cells":["a",1]},{"cells":["a",1],"hlc":"zz","id":"o","scope":"s","site":"0000000000000007","table":"t"}])",
       "rows[1].hlc", "16 hex"},
      {R"([{"cells":["a",1],"hlc":"0000000000000000","id":"o","scope":"s","site":"0000000000000007","table":"t"}])",
       "rows[0].hlc", "not zero"},
      {R"([{"cells":["a",1],"hlc":"0000000000000010","id":"o","scope":"s","site":"0000000000000000","table":"t"}])",
       "rows[0].site", "not zero"},
      {R"([{"cells":["a",1],"hlc":"0000000000000010","scope":"s","site":"0000000000000007","table":"t"}])",
       "rows[0].id", "missing"},
      {R"([{"cells":["a",1],"hlc":"0000000000000010","id":"o","site":"0000000000000007","table":"t"}])",
       "rows[0].scope", "missing"},
      {R"([{"cells":["a",1],"hlc":"0000000000000010","id":"o","scope":"s","site":"0000000000000007","table":7}])",
       "rows[0].table", "string"},
      {"[{" + head + R"(,"base":"x","cells":["a",1]}])", "rows[0].base", "16 hex"},
      {"[{" + head + R"(,"cells":["a",1]},3])", "rows[1]", "JSON object"},
  };
  for (const auto &c : cases) {
    INFO(c.rows);
    codec::ChangesMember m;
    const Status st = read(R"({"protocol":1,"rows":)" + c.rows + "}", &m);
    CHECK(st.code() == ErrorCode::invalid_argument);
    CHECK(st.field() == c.field);
    CHECK_THAT(st.message(), Catch::Contains(c.reason));
  }
}

TEST_CASE("a message with both \"rows\" and \"changes\" is marked for refusal", "[engine][json]") {
  codec::ChangesMember m;
  REQUIRE(read(R"({"changes":[],"protocol":1,"rows":[]})", &m).ok());
  CHECK(m.both);
  REQUIRE(read(R"({"rows":[],"changes":[]})", &m).ok());
  CHECK(m.both);
  REQUIRE(read(R"({"rows":[],"rows":[]})", &m).ok());
  CHECK_FALSE(m.both);
}

namespace {

// Random rows, valid or not: members missing, mistyped, repeated or unknown, cells
// odd, empty, nested, columns not strings.
std::string member_text(std::mt19937 &rng) {
  static const std::vector<std::string> good = {"\"opinions\"", "\"0190a1b2c3d4e5f6\"", "\"vn/79/26734\"",
                                                "\"0000000000000001\"", "\"Đường \\u00e1\""};
  static const std::vector<std::string> odd = {"null", "1", "2.5", "true", "\"\"", "\"zz\"", "[]", "{}",
                                               "[1,[2]]", "\"0000000000000000\""};
  return chance(rng, 80) ? pick(rng, good) : pick(rng, odd);
}

std::string cells_text(std::mt19937 &rng) {
  if (chance(rng, 5)) return pick(rng, std::vector<std::string>{"null", "{}", "\"a\"", "1", "[]"});
  static const std::vector<std::string> columns = {"\"content\"", "\"status\"", "\"ý_kiến\""};
  static const std::vector<std::string> values = {"null", "42", "-1.5", "\"Đường\"", "\"\"", "1e3"};
  static const std::vector<std::string> bad = {"[]", "{\"a\":1}", "\"\"", "7", "18446744073709551615", "[1,{}]"};
  std::string out = "[";
  const int n = std::uniform_int_distribution<int>(1, 4)(rng) * 2 - (chance(rng, 5) ? 1 : 0);
  for (int i = 0; i < n; ++i) {
    const std::string &item = chance(rng, 4) ? pick(rng, bad) : pick(rng, i % 2 == 0 ? columns : values);
    out += (i ? "," : "") + item;
  }
  return out + "]";
}

std::string row_text(std::mt19937 &rng) {
  if (chance(rng, 4)) return pick(rng, std::vector<std::string>{"1", "null", "[]", "\"x\""});
  static const std::vector<std::string> keys = {"table", "id", "scope", "hlc", "site", "base"};
  std::vector<std::string> members;
  for (const auto &k : keys)
    if (chance(rng, k == "base" ? 40 : 93)) members.push_back("\"" + k + "\":" + member_text(rng));
  if (chance(rng, 15)) members.push_back("\"" + pick(rng, keys) + "\":" + member_text(rng));  // again: the last counts
  if (chance(rng, 95)) members.push_back("\"cells\":" + cells_text(rng));
  if (chance(rng, 10)) members.push_back("\"cells\":" + cells_text(rng));  // again: the last counts
  if (chance(rng, 10)) members.push_back(pick(rng, std::vector<std::string>{"\"col\":\"x\"", "\"value\":[1]",
                                                                            "\"extra\":{\"a\":[]}"}));
  std::shuffle(members.begin(), members.end(), rng);
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
  return out + "}";
}

// The reference: each row expanded into change objects, read by codec::from_json.
Status expanded(const Json &rows, std::vector<Change> *out) {
  Json changes = Json::array();
  for (const Json &row : rows) {
    if (!row.is_object()) return Status::Invalid("rows[]", "must be a JSON object");
    auto cells = row.find("cells");
    if (cells == row.end() || !cells->is_array() || cells->empty() || cells->size() % 2 != 0)
      return Status::Invalid("rows[].cells", "bad");
    Json head = row;
    head.erase("cells");
    head.erase("col");
    head.erase("value");
    for (size_t k = 0; k < cells->size(); k += 2) {
      Json c = head;
      c["col"] = (*cells)[k];
      c["value"] = (*cells)[k + 1];
      changes.push_back(std::move(c));
    }
  }
  return codec::from_json(changes, codec::Strictness::lenient, out);
}

}  // namespace

TEST_CASE("random rows read in one pass decide as their expanded changes do", "[engine][json]") {
  std::mt19937 rng(Catch::rngSeed());
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string rows = "[";
    const int n = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int i = 0; i < n; ++i) rows += (i ? "," : "") + row_text(rng);
    rows += "]";
    INFO(rows);
    Json parsed;
    REQUIRE(codec::parse(rows, &parsed).ok());
    std::vector<Change> expected;
    const Status reference = expanded(parsed, &expected);
    codec::ChangesMember m;
    const Status st = read(R"({"rows":)" + rows + R"(,"protocol":1})", &m);
    REQUIRE(st.ok() == reference.ok());
    if (!st.ok()) {
      CHECK(st.code() == ErrorCode::invalid_argument);
      CHECK_THAT(st.field(), Catch::StartsWith("rows["));
      continue;
    }
    REQUIRE(m.changes == expected);
    // Kept as rows (a server's push): the same rows, which expand to the same changes.
    codec::ChangesMember kept;
    kept.keep_rows = true;
    REQUIRE(read(R"({"rows":)" + rows + R"(,"protocol":1})", &kept).ok());
    CHECK(kept.changes.empty());
    CHECK(kept.row_writes.size() == static_cast<size_t>(n));
    REQUIRE(expand_rows(kept.row_writes) == expected);
    ++accepted;
  }
  CHECK(accepted > 100);
}

TEST_CASE("rows that would expand far beyond their text are refused as too large", "[engine][json]") {
  const std::string stamp = R"("hlc":"0000000000000010","scope":"s","site":"0000000000000007","table":"t")";
  std::string cells;
  const auto with_cells = [&](size_t n) {
    cells = "[";
    for (size_t k = 0; k < n; ++k) cells += (k ? "," : "") + std::string(R"("c",1)");
    return cells + "]";
  };
  codec::ChangesMember m;
  // As many changes as a message may make from rows, in two rows: taken.
  const std::string half = with_cells(codec::kMaxRowsChanges / 2);
  REQUIRE(read(R"({"rows":[{"cells":)" + half + R"(,"id":"a",)" + stamp + R"(},{"cells":)" + half + R"(,"id":"b",)" +
                   stamp + "}]}",
               &m)
              .ok());
  CHECK(m.changes.size() == codec::kMaxRowsChanges);
  // One more: refused.
  Status st = read(R"({"rows":[{"cells":)" + with_cells(codec::kMaxRowsChanges + 1) + R"(,"id":"a",)" + stamp + "}]}",
                   &m);
  CHECK(st.code() == ErrorCode::too_large);
  CHECK(st.field() == "rows");
  // A long id copied into each cell: 2 MiB times 20 cells is over the copies allowed.
  const std::string long_id(2 << 20, 'x');
  st = read(R"({"rows":[{"cells":)" + with_cells(20) + R"(,"id":")" + long_id + R"(",)" + stamp + "}]}", &m);
  CHECK(st.code() == ErrorCode::too_large);
  CHECK(st.field() == "rows");
  // Kept as rows, which copies nothing, the bounds are the same: a message reads the
  // same whoever reads it.
  codec::ChangesMember kept;
  kept.keep_rows = true;
  st = read(R"({"rows":[{"cells":)" + with_cells(codec::kMaxRowsChanges + 1) + R"(,"id":"a",)" + stamp + "}]}", &kept);
  CHECK(st.code() == ErrorCode::too_large);
  kept.keep_rows = true;
  st = read(R"({"rows":[{"cells":)" + with_cells(20) + R"(,"id":")" + long_id + R"(",)" + stamp + "}]}", &kept);
  CHECK(st.code() == ErrorCode::too_large);
  REQUIRE(read(R"({"rows":[{"cells":)" + with_cells(10) + R"(,"id":")" + long_id + R"(",)" + stamp + "}]}", &m).ok());
  CHECK(m.changes.size() == 10);
}
