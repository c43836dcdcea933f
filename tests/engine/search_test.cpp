// Folding Vietnamese text for search, UTF-8 checks, and listing opinions by text
// and by filters.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <vector>

#include "support/seed_data.h"
#include "support/temp_dir.h"
#include "ykien/database.h"
#include "ykien/text.h"

using namespace ykien;
using test::must;

namespace {

// Every Vietnamese vowel with its five tones (no tone, huyền, sắc, hỏi, ngã, nặng),
// composed (NFC), and the plain letter each folds to.
const std::pair<const char *, const char *> kVowels[] = {
    {"aàáảãạ", "aaaaaa"}, {"ăằắẳẵặ", "aaaaaa"}, {"âầấẩẫậ", "aaaaaa"}, {"eèéẻẽẹ", "eeeeee"},
    {"êềếểễệ", "eeeeee"}, {"iìíỉĩị", "iiiiii"}, {"oòóỏõọ", "oooooo"}, {"ôồốổỗộ", "oooooo"},
    {"ơờớởỡợ", "oooooo"}, {"uùúủũụ", "uuuuuu"}, {"ưừứửữự", "uuuuuu"}, {"yỳýỷỹỵ", "yyyyyy"},
    {"AÀÁẢÃẠ", "aaaaaa"}, {"ĂẰẮẲẴẶ", "aaaaaa"}, {"ÂẦẤẨẪẬ", "aaaaaa"}, {"EÈÉẺẼẸ", "eeeeee"},
    {"ÊỀẾỂỄỆ", "eeeeee"}, {"IÌÍỈĨỊ", "iiiiii"}, {"OÒÓỎÕỌ", "oooooo"}, {"ÔỒỐỔỖỘ", "oooooo"},
    {"ƠỜỚỞỠỢ", "oooooo"}, {"UÙÚỦŨỤ", "uuuuuu"}, {"ƯỪỨỬỮỰ", "uuuuuu"}, {"YỲÝỶỸỴ", "yyyyyy"},
};

std::set<std::string> ids(const std::vector<Opinion> &opinions) {
  std::set<std::string> out;
  for (const auto &o : opinions) out.insert(o.id);
  return out;
}

}  // namespace

TEST_CASE("fold_for_search strips case and Vietnamese diacritics", "[engine][search][text]") {
  for (const auto &[letters, plain] : kVowels) {
    INFO(letters);
    CHECK(fold_for_search(letters) == plain);
  }
  CHECK(fold_for_search("đĐ") == "dd");
  CHECK(fold_for_search("ĐẤT ĐAI") == "dat dai");
  CHECK(fold_for_search("đất đai") == "dat dai");
  CHECK(fold_for_search("Đất Đai") == "dat dai");
  CHECK(fold_for_search("dat dai") == "dat dai");
  CHECK(fold_for_search("Nghe Dân Nói – Làm Dân Tin") == "nghe dan noi – lam dan tin");
  CHECK(fold_for_search("BỒI THƯỜNG, GIẢI PHÓNG MẶT BẰNG") == "boi thuong, giai phong mat bang");
  // Everything else passes through unchanged.
  CHECK(fold_for_search("80-TB/ĐU 03.7.2024 ₫ 中文 ü").find("80-tb/du 03.7.2024 ₫ 中文 ü") == 0);
  CHECK(fold_for_search("").empty());
}

TEST_CASE("fold_for_search treats decomposed (NFD) text like composed text", "[engine][search][text]") {
  // Base letter (with its vowel mark, if any) followed by each tone mark, as
  // combining characters: what some keyboards and iOS file names produce.
  const std::pair<const char *, char> bases[] = {
      {"a", 'a'}, {"a\u0306", 'a'}, {"a\u0302", 'a'}, {"e", 'e'}, {"e\u0302", 'e'}, {"i", 'i'},
      {"o", 'o'}, {"o\u0302", 'o'}, {"o\u031B", 'o'}, {"u", 'u'}, {"u\u031B", 'u'}, {"y", 'y'},
      {"A", 'a'}, {"A\u0306", 'a'}, {"A\u0302", 'a'}, {"E\u0302", 'e'}, {"O\u031B", 'o'}, {"U\u031B", 'u'},
  };
  const char *tones[] = {"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"};
  for (const auto &[base, plain] : bases) {
    for (const char *tone : tones) {
      const std::string nfd = std::string(base) + tone;
      INFO(nfd);
      CHECK(fold_for_search(nfd) == std::string(1, plain));
    }
  }
  // "Đất đai" with the vowel and tone decomposed; đ has no decomposition.
  CHECK(fold_for_search("\u0110a\u0302\u0301t \u0111ai") == "dat dai");
  CHECK(fold_for_search("Nguye\u0302\u0303n Va\u0306n A") == "nguyen van a");
  // Composed and decomposed spellings of a whole vowel table row fold alike.
  CHECK(fold_for_search("ưừứửữự") == fold_for_search("u\u031Bu\u031B\u0300u\u031B\u0301u\u031B\u0309u\u031B\u0303u\u031B\u0323"));
}

TEST_CASE("is_valid_utf8 accepts well-formed text and rejects the rest", "[engine][search][text]") {
  for (const char *ok : {"", "plain ASCII", "Đất đai – bồi thường", "\xEF\xBF\xBD" /* U+FFFD itself */,
                         "\xF0\x9F\x98\x80" /* U+1F600 */, "\xF4\x8F\xBF\xBF" /* U+10FFFF */, "\xED\x9F\xBF" /* U+D7FF */,
                         "\xEE\x80\x80" /* U+E000 */, "\xC2\x80" /* U+0080 */, "\xE0\xA0\x80" /* U+0800 */}) {
    INFO(ok);
    CHECK(is_valid_utf8(ok));
  }
  const std::pair<const char *, const char *> bad[] = {
      {"\xC3\x28", "second byte is not a continuation"},
      {"\x80", "lone continuation byte"},
      {"abc\xBF", "continuation byte after ASCII"},
      {"\xE1\xBA", "truncated three-byte sequence"},
      {"\xF0\x9F\x98", "truncated four-byte sequence"},
      {"\xC0\xAF", "overlong '/' in two bytes"},
      {"\xC1\xBF", "overlong in two bytes"},
      {"\xE0\x80\xAF", "overlong '/' in three bytes"},
      {"\xE0\x9F\xBF", "overlong U+07FF in three bytes"},
      {"\xF0\x80\x80\xAF", "overlong '/' in four bytes"},
      {"\xF0\x8F\xBF\xBF", "overlong U+FFFF in four bytes"},
      {"\xED\xA0\x80", "surrogate U+D800"},
      {"\xED\xBF\xBF", "surrogate U+DFFF"},
      {"\xED\xA0\xBD\xED\xB8\x80", "surrogate pair spelled in CESU-8"},
      {"\xF4\x90\x80\x80", "U+110000, past the last code point"},
      {"\xF5\x80\x80\x80", "lead byte F5"},
      {"\xF8\x88\x80\x80\x80", "five-byte form"},
      {"\xFE", "byte FE"},
      {"\xFF", "byte FF"},
      {"\xC4\x91\xE1\xBA", "valid 'đ' then a truncated sequence"},
  };
  for (const auto &[bytes, why] : bad) {
    INFO(why);
    CHECK_FALSE(is_valid_utf8(bytes));
    // Folding never turns bad input into more bad output.
    CHECK(is_valid_utf8(fold_for_search(bytes)));
  }
  // A NUL inside the text is a valid code point (std::string_view keeps it).
  CHECK(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST_CASE("is_valid_utf8 decides as a byte-by-byte reading on random texts", "[engine][search][text]") {
  // The reading it takes eight bytes at a time must not skip a bad byte wherever it
  // falls in a word: random ASCII runs between good and bad sequences, read from every
  // offset, against each sequence checked in turn.
  const std::vector<std::string> pieces = {"a",
                                           "0190a1b2-0000-7000-8000-",
                                           "Đất",
                                           "ý kiến",
                                           "ư",
                                           "😀",
                                           "\x7f",
                                           std::string(1, '\0'),
                                           "\x80",
                                           "\xC3\x28",
                                           "\xE1\xBA",
                                           "\xED\xA0\x80",
                                           "\xF0\x9F\x98",
                                           "\xFF",
                                           "\xC0\xAF",
                                           "\xF4\x90\x80\x80"};
  const auto byte_by_byte = [](std::string_view text) {
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const auto *end = p + text.size();
    while (p < end) {
      if (*p < 0x80) {
        ++p;
        continue;
      }
      const size_t n = utf8_sequence_at(p, end);
      if (n == 0) return false;
      p += n;
    }
    return true;
  };
  std::mt19937 rng(Catch::rngSeed());
  int valid = 0, invalid = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int i = 0; i < n; ++i) {
      // Mostly good pieces: a bad one now and then, so both answers are common.
      const size_t at = std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng);
      text += at >= 8 && std::uniform_int_distribution<int>(0, 9)(rng) > 0 ? pieces[at % 8] : pieces[at];
    }
    for (size_t from = 0; from <= text.size(); ++from) {
      const std::string_view part = std::string_view(text).substr(from);
      INFO(part);
      const bool expected = byte_by_byte(part);
      REQUIRE(is_valid_utf8(part) == expected);
      ++(expected ? valid : invalid);
    }
  }
  CHECK(valid > 1000);
  CHECK(invalid > 1000);
}

namespace {

// A province with two communes; commune A has hamlets ap-1 and ap-10 (whose
// scope starts with ap-1's: a subtree query must tell them apart).
struct SearchFixture {
  test::TempDir dir;
  ManualClock clock{1'733'011'200'000};  // 2024-12-01
  std::unique_ptr<Database> db = must(Database::open(dir.file("s.db"), {.clock = &clock}), "open");
  test::SeedBuilder b{*db};
  Unit province = b.unit(nullptr, "tn", "Tỉnh Tây Ninh", "province");
  Unit xa_a = b.unit(&province, "xa-a", "Xã A", "commune");
  Unit ap1 = b.unit(&xa_a, "ap-1", "Ấp 1", "hamlet");
  Unit ap10 = b.unit(&xa_a, "ap-10", "Ấp 10", "hamlet");
  Unit xa_b = b.unit(&province, "xa-b", "Xã B", "commune");
  Meeting m1 = b.meeting(ap1, "residential_saturday", "2024-03-02 08:00", 50);
  Meeting m2 = b.meeting(ap10, "residential_saturday", "2024-04-06 08:00", 45);
  Meeting m3 = b.meeting(xa_b, "leader_dialogue", "2024-05-04 08:00", 60);
  Opinion o1 = must(db->record_opinion({.meeting_id = m1.id, .kind = "complaint", .category = "land",
                                        .content = "Đất đai: tranh chấp ranh giới thửa đất",
                                        .citizen_name = "Lê Văn Hùng"}),
                    "o1");
  Opinion o2 = b.opinion(m2, "land", "Đất đai: xin cấp giấy chứng nhận");
  Opinion o3 = b.opinion(m3, "environment", "Ô nhiễm môi trường từ lò gạch");
  Opinion o4 = b.opinion_at(xa_a, "2024-06-10 09:00", "social", "Hộ nghèo xin hỗ trợ sửa nhà");
  Opinion o5 = b.assign(b.opinion(m1, "traffic_safety", "Đường đất lầy lội mùa mưa"), "Phòng Kinh tế", "2024-03-20");

  std::set<std::string> find(const std::string &text) {
    return ids(must(db->list_opinions({.text = text}), "search '" + text + "'"));
  }
  std::set<std::string> list(const OpinionFilter &filter) { return ids(must(db->list_opinions(filter), "list")); }
};

}  // namespace

TEST_CASE("text search ignores case and diacritics", "[engine][search]") {
  SearchFixture f;
  const std::set<std::string> dat_dai = {f.o1.id, f.o2.id};
  for (const char *q : {"dat dai", "ĐẤT ĐAI", "đất đai", "Đất Đai", "DAT DAI", "\u0111a\u0302\u0301t \u0111ai",
                        "  đất,   đai! "}) {
    INFO("query: '" << q << "'");
    CHECK(f.find(q) == dat_dai);
  }
  CHECK(f.find("dat") == std::set<std::string>{f.o1.id, f.o2.id, f.o5.id});
  CHECK(f.find("o nhiem") == std::set<std::string>{f.o3.id});
  CHECK(f.find("Ô NHIỄM MÔI TRƯỜNG") == std::set<std::string>{f.o3.id});
  CHECK(f.find("dai dat") == dat_dai);  // word order does not matter
  CHECK(f.find("xyz").empty());

  SECTION("words are prefixes") {
    CHECK(f.find("giay chung nh") == std::set<std::string>{f.o2.id});
    CHECK(f.find("tranh ch") == std::set<std::string>{f.o1.id});
    CHECK(f.find("ngh") == std::set<std::string>{f.o4.id});  // nghèo
    CHECK(f.find("hanh").empty());  // a word's prefix, not its middle ("tranh")
  }
  SECTION("every word must match") {
    CHECK(f.find("dat ranh") == std::set<std::string>{f.o1.id});
    CHECK(f.find("dat lay") == std::set<std::string>{f.o5.id});
    CHECK(f.find("dat gach").empty());
  }
  SECTION("the citizen's name and the department are searched too") {
    CHECK(f.find("hung") == std::set<std::string>{f.o1.id});
    CHECK(f.find("Lê Văn") == std::set<std::string>{f.o1.id});
    CHECK(f.find("phong kinh te") == std::set<std::string>{f.o5.id});
  }
  SECTION("punctuation between words is not a word to find") {
    // Vietnamese text is full of dashes and curly quotes: "Nghe dân nói – Làm dân tin".
    CHECK(f.find("Đất đai – giấy") == std::set<std::string>{f.o2.id});
    CHECK(f.find("“đất đai”") == dat_dai);
    CHECK(f.find("đất … đai") == dat_dai);
    CHECK(f.find("đất đai") == dat_dai);  // no-break space
    CHECK(f.find("Đất đai: tranh chấp") == std::set<std::string>{f.o1.id});
  }
  SECTION("a text with no words is no text filter") {
    const std::set<std::string> all = {f.o1.id, f.o2.id, f.o3.id, f.o4.id, f.o5.id};
    CHECK(f.find(" ") == all);
    CHECK(f.find("–") == all);
    CHECK(ids(must(f.db->list_opinions({.category = "land", .text = " – "}), "list")) == dat_dai);
  }
  SECTION("search syntax in the text is taken literally") {
    for (const char *q : {"\"đất\" OR (", "NOT dat", "dat*", "dat -dai", "a:b", "^dat", "dat AND", "NEAR(dat dai)"}) {
      INFO("query: " << q);
      auto r = f.db->list_opinions({.text = q});
      CHECK(r.ok());
    }
    CHECK(f.find("dat AND dai").empty());  // "and" is a word to find like any other
  }
  SECTION("invalid UTF-8 in the text is refused") {
    auto r = f.db->list_opinions({.text = "d\xC3\x28t"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "text");
  }
}

TEST_CASE("text search sees edits, deletes and remote opinions", "[engine][search]") {
  SearchFixture f;
  REQUIRE(f.find("o nhiem") == std::set<std::string>{f.o3.id});  // the index is built now

  must(f.db->update_opinion(f.o3.id, {.content = "Khói bụi từ lò gạch"}), "edit");
  CHECK(f.find("o nhiem").empty());
  CHECK(f.find("khoi bui") == std::set<std::string>{f.o3.id});
  CHECK(f.find("gach") == std::set<std::string>{f.o3.id});

  must(f.db->delete_opinion(f.o4.id), "delete");
  CHECK(f.find("ho ngheo").empty());

  must(f.db->assign_opinion(f.o2.id, "Văn phòng đăng ký đất đai", "2024-05-30"), "assign");
  CHECK(f.find("van phong dang ky") == std::set<std::string>{f.o2.id});

  // A second tablet records an opinion and edits one; this one applies its changes.
  test::TempDir dir2;
  auto other = must(Database::open(dir2.file("other.db"), {.clock = &f.clock}), "open other");
  must(other->apply_changes(must(f.db->export_changes(0, {.limit_changes = 100000}), "export").changes,
                            {.origin = "a"}),
       "seed other");
  const int64_t cursor = other->current_cursor();
  f.clock.advance_ms(60'000);
  auto remote = must(other->record_opinion({.meeting_id = f.m3.id, .kind = "petition", .category = "environment",
                                            .content = "Sạt lở bờ sông Vàm Cỏ"}),
                     "remote record");
  must(other->update_opinion(f.o1.id, {.content = "Đất đai: lấn chiếm lối đi chung"}), "remote edit");
  must(other->delete_opinion(f.o5.id), "remote delete");
  auto changes = must(other->export_changes(cursor, {.exclude_origin = "a"}), "export other");
  must(f.db->apply_changes(changes.changes, {.origin = "other"}), "apply");

  CHECK(f.find("sat lo") == std::set<std::string>{remote.id});
  CHECK(f.find("vam co") == std::set<std::string>{remote.id});
  CHECK(f.find("ranh gioi").empty());
  CHECK(f.find("loi di chung") == std::set<std::string>{f.o1.id});
  CHECK(f.find("lay loi").empty());
  CHECK(f.find("dat dai") == std::set<std::string>{f.o1.id, f.o2.id});

  // The index survives closing the database, and catches up after reopening.
  const std::string path = f.dir.file("s.db");
  f.db.reset();
  auto reopened = must(Database::open(path, {.clock = &f.clock}), "reopen");
  CHECK(ids(must(reopened->list_opinions({.text = "sat lo"}), "search")) == std::set<std::string>{remote.id});
  must(reopened->record_opinion({.unit_id = f.xa_b.id, .kind = "opinion", .category = "other",
                                 .content = "Sạt lở thêm một đoạn", .raised_at = "2024-11-30 10:00"}),
       "record");
  CHECK(must(reopened->list_opinions({.text = "sat lo"}), "search").size() == 2);
}

TEST_CASE("list_opinions filters by scope, meeting, category, status, period, overdue", "[engine][search][filters]") {
  SearchFixture f;
  const std::set<std::string> all = {f.o1.id, f.o2.id, f.o3.id, f.o4.id, f.o5.id};
  CHECK(f.list({}) == all);
  CHECK(f.list({.scope = "tn"}) == all);

  SECTION("scope: the unit and everything under it") {
    CHECK(f.list({.scope = f.xa_a.scope}) == std::set<std::string>{f.o1.id, f.o2.id, f.o4.id, f.o5.id});
    CHECK(f.list({.scope = f.ap1.scope}) == std::set<std::string>{f.o1.id, f.o5.id});  // not ap-10
    CHECK(f.list({.scope = f.ap10.scope}) == std::set<std::string>{f.o2.id});
    CHECK(f.list({.scope = f.xa_b.scope}) == std::set<std::string>{f.o3.id});
    CHECK(f.list({.scope = "tn/xa"}).empty());
    CHECK(f.list({.scope = "other"}).empty());
  }
  SECTION("meeting, category, status") {
    CHECK(f.list({.meeting_id = f.m1.id}) == std::set<std::string>{f.o1.id, f.o5.id});
    CHECK(f.list({.category = "land"}) == std::set<std::string>{f.o1.id, f.o2.id});
    CHECK(f.list({.status = "assigned"}) == std::set<std::string>{f.o5.id});
    CHECK(f.list({.status = "received"}) == std::set<std::string>{f.o1.id, f.o2.id, f.o3.id, f.o4.id});
    CHECK(f.list({.scope = f.xa_a.scope, .category = "land", .status = "received"}) ==
          std::set<std::string>{f.o1.id, f.o2.id});
  }
  SECTION("period: raised_at between two days, both inclusive") {
    CHECK(f.list({.from = "2024-04-01", .to = "2024-05-31"}) == std::set<std::string>{f.o2.id, f.o3.id});
    CHECK(f.list({.from = "2024-04-06", .to = "2024-04-06"}) == std::set<std::string>{f.o2.id});
    CHECK(f.list({.from = "2024-04-07"}) == std::set<std::string>{f.o3.id, f.o4.id});
    CHECK(f.list({.to = "2024-03-02"}) == std::set<std::string>{f.o1.id, f.o5.id});
    CHECK(f.list({.to = "2024-03-01"}).empty());
  }
  SECTION("overdue: due date passed, still not answered") {
    CHECK(f.list({.overdue_only = true, .today = "2024-04-01"}) == std::set<std::string>{f.o5.id});
    CHECK(f.list({.overdue_only = true, .today = "2024-03-20"}).empty());  // due today: not late yet
    CHECK(f.list({.overdue_only = true, .today = "2024-03-21"}) == std::set<std::string>{f.o5.id});
    // The database clock's day when today is not given (2024-12-01 here).
    CHECK(f.list({.overdue_only = true}) == std::set<std::string>{f.o5.id});
    f.b.written_reply(f.o5, "Đã nâng cấp đường");
    CHECK(f.list({.overdue_only = true, .today = "2024-04-01"}).empty());
  }
  SECTION("text and filters together; limit") {
    CHECK(ids(must(f.db->list_opinions({.scope = f.ap1.scope, .text = "dat"}), "list")) ==
          std::set<std::string>{f.o1.id, f.o5.id});
    CHECK(ids(must(f.db->list_opinions({.category = "land", .text = "giay"}), "list")) ==
          std::set<std::string>{f.o2.id});
    auto first = must(f.db->list_opinions({.limit = 2}), "list");
    REQUIRE(first.size() == 2);
    CHECK(first[0].raised_at <= first[1].raised_at);  // oldest first
  }
  SECTION("bad filters are refused with their field") {
    auto field_of = [&](const OpinionFilter &filter) {
      auto r = f.db->list_opinions(filter);
      return r.ok() ? std::string("(accepted)") : r.status().field();
    };
    CHECK(field_of({.from = "2024-02-30"}) == "from");
    CHECK(field_of({.to = "30/04/2024"}) == "to");
    CHECK(field_of({.today = "2024-13-01"}) == "today");
    CHECK(field_of({.category = "weather"}) == "category");
    CHECK(field_of({.status = "done"}) == "status");
    CHECK(field_of({.limit = 0}) == "limit");
  }
}

TEST_CASE("a long text is shortened between two characters, never inside one", "[engine][text]") {
  CHECK(shortened("Đường ngập", 300) == "Đường ngập");
  // "ạ" is three bytes: every cut point falls inside one at some length.
  const std::string long_text = "a" + [] {
    std::string s;
    for (int i = 0; i < 150; ++i) s += "ạ";
    return s;
  }();
  for (size_t max = 4; max < 40; ++max) {
    const std::string cut = shortened(long_text, max);
    INFO(max);
    CHECK(cut.size() <= max);
    CHECK(is_valid_utf8(cut));
    CHECK(cut.ends_with("…"));
  }
  CHECK(is_valid_utf8(shortened(long_text, 300)));
}

TEST_CASE("names are listed without regard to case or diacritics and numbers by value", "[engine][text]") {
  std::vector<std::string> names = {"Khu phố Đông", "Ấp 10", "Xã Hòa Tân", "Ấp 2", "khu phố Bắc", "Xã Hòa Ân",
                                    "Ấp Zê", "Ap 2"};
  std::sort(names.begin(), names.end(), [](const std::string &a, const std::string &b) { return name_order(a, b); });
  CHECK(names == std::vector<std::string>{"Ap 2", "Ấp 2", "Ấp 10", "Ấp Zê", "khu phố Bắc", "Khu phố Đông", "Xã Hòa Ân",
                                          "Xã Hòa Tân"});
  // A strict weak order: never both ways, never a name before itself.
  for (const auto &a : names) {
    CHECK_FALSE(name_order(a, a));
    for (const auto &b : names) CHECK_FALSE((name_order(a, b) && name_order(b, a)));
  }
}
