// The one-pass reader of a message's changes (codec::parse_with_changes) decides
// exactly as parsing the whole message and reading its "changes" with
// codec::from_json does: for random messages, valid or not — missing, mistyped,
// repeated and unknown members, nested junk, elements that are not objects, a
// "changes" that is not an array or comes twice, broken JSON.
#include <catch2/catch.hpp>

#include <random>

#include "support/random_pick.h"
#include "ykien/json/changes_reader.h"

using namespace ykien;
using codec::Json;

namespace {

using testing::chance;
using testing::pick;

std::string member_value(std::mt19937 &rng, const std::string &key) {
  static const std::vector<std::string> good = {"\"opinions\"", "\"0190a1b2c3d4e5f6\"", "\"vn/79/26734\"",
                                                "\"content\"",  "\"Đường \\u00e1 \\\"x\\\"\"", "\"0000000000000001\""};
  static const std::vector<std::string> odd = {"null", "1", "-7", "2.5", "true", "\"\"", "\"zz\"", "[]", "[1,[2]]",
                                               "{}", "{\"a\":[1,{\"b\":null}]}", "18446744073709551615",
                                               "\"0000000000000000\""};
  if (key == "value" && chance(rng, 50)) return pick(rng, std::vector<std::string>{"null", "42", "1.5", "\"ý kiến\""});
  return chance(rng, 75) ? pick(rng, good) : pick(rng, odd);
}

std::string change_text(std::mt19937 &rng) {
  static const std::vector<std::string> keys = {"table", "id", "scope", "col", "value", "hlc", "site", "base"};
  static const std::vector<std::string> extra = {"extra", "x", "tables", "VALUE"};
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string &key, const std::string &value) {
    if (!first) out += ',';
    first = false;
    out += "\"" + key + "\":" + value;
  };
  for (const auto &k : keys)
    if (chance(rng, 90)) add(k, member_value(rng, k));
  if (chance(rng, 20)) add(pick(rng, extra), member_value(rng, "x"));
  if (chance(rng, 15)) add(pick(rng, keys), member_value(rng, "x"));  // a key again: the last counts
  return out + "}";
}

std::string element_text(std::mt19937 &rng) {
  if (chance(rng, 92)) return change_text(rng);
  return pick(rng, std::vector<std::string>{"1", "null", "\"x\"", "[]", "[{\"table\":1}]"});
}

std::string changes_text(std::mt19937 &rng) {
  if (chance(rng, 5)) return pick(rng, std::vector<std::string>{"null", "{}", "\"changes\"", "3"});
  std::string out = "[";
  const int n = std::uniform_int_distribution<int>(0, 5)(rng);
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + element_text(rng);
  return out + "]";
}

std::string message_text(std::mt19937 &rng) {
  std::vector<std::string> members = {"\"protocol\":1", "\"client_time\":1733200000000",
                                      "\"sites\":[\"a\",{\"b\":[1,2]}]", "\"more\":false"};
  if (chance(rng, 90)) members.push_back("\"changes\":" + changes_text(rng));
  if (chance(rng, 10)) members.push_back("\"changes\":" + changes_text(rng));
  std::shuffle(members.begin(), members.end(), rng);
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
  out += "}";
  if (chance(rng, 5)) out.resize(std::uniform_int_distribution<size_t>(0, out.size() - 1)(rng));  // cut short
  if (chance(rng, 3)) out = pick(rng, std::vector<std::string>{"[1,2]", "\"x\"", "7", "null", "{\"a\":\"\xff\"}"});
  return out;
}

// Parsing the whole message, then reading its changes as a JSON array.
Status whole(const std::string &text, Json *envelope, std::vector<Change> *changes) {
  Json j;
  if (Status st = codec::parse(text, &j); !st.ok()) return st;
  if (!j.is_object()) return {ErrorCode::corrupt, "not a JSON object"};
  auto it = j.find("changes");
  if (it == j.end()) return Status::Invalid("changes", "is missing");
  if (!it->is_array()) return Status::Invalid("changes", "must be an array");
  YKIEN_TRY(codec::from_json(*it, codec::Strictness::lenient, changes));
  j.erase("changes");
  *envelope = std::move(j);
  return {};
}

Status one_pass(const std::string &text, Json *envelope, std::vector<Change> *changes) {
  codec::ChangesMember m;
  YKIEN_TRY(codec::parse_with_changes(text, envelope, &m));
  if (!m.array) {
    if (envelope->find("changes") == envelope->end()) return Status::Invalid("changes", "is missing");
    return Status::Invalid("changes", "must be an array");
  }
  YKIEN_TRY(m.error);
  *changes = std::move(m.changes);
  return {};
}

// Reads `text` both ways: the same outcome, and when accepted the same envelope and
// changes. True when it was accepted.
bool reads_alike(const std::string &text) {
  INFO(text);
  Json env_whole, env_one;
  std::vector<Change> ch_whole, ch_one;
  const Status a = whole(text, &env_whole, &ch_whole);
  const Status b = one_pass(text, &env_one, &ch_one);
  REQUIRE(b.code() == a.code());
  REQUIRE(b.field() == a.field());
  REQUIRE(b.message() == a.message());
  if (!a.ok()) return false;
  REQUIRE(ch_one == ch_whole);
  REQUIRE(env_one == env_whole);
  return true;
}

}  // namespace

TEST_CASE("a message's changes read in one pass decide as the parsed message does", "[engine][json]") {
  std::mt19937 rng(Catch::rngSeed());
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    if (reads_alike(message_text(rng))) ++accepted;
  }
  CHECK(accepted > 100);  // the valid path is exercised too
}

namespace {

// JSON text in the forms a sender may choose: whitespace anywhere, escapes of every
// kind (surrogate pairs, lone surrogates), raw Vietnamese and invalid bytes, numbers
// of every form and size, nesting, literals, and now and then a byte changed.
std::string space(std::mt19937 &rng) {
  if (!chance(rng, 20)) return "";
  return pick(rng, std::vector<std::string>{" ", "\n", "\t ", "\r\n  ", "\f", "\v"});  // \f \v are not JSON space
}

std::string string_text(std::mt19937 &rng) {
  static const std::vector<std::string> pieces = {"a",
                                                  "Đường",
                                                  "ý kiến",
                                                  " ",
                                                  "\\\"",
                                                  "\\\\",
                                                  "\\/",
                                                  "\\b",
                                                  "\\f",
                                                  "\\n",
                                                  "\\r",
                                                  "\\t",
                                                  "\\u00e1",
                                                  "\\u0000",
                                                  "\\u20AC",
                                                  "\\ud83d\\ude00",
                                                  "\\ud83d",
                                                  "\\ude00",
                                                  "\\u12",
                                                  "\\x",
                                                  "\x7f",
                                                  "\x01",
                                                  "\xff",
                                                  "\xc3\x28",
                                                  "\xed\xa0\x80",
                                                  "\xf0\x9f\x98\x80",
                                                  "'",
                                                  "0190a1b2-0000-7000-8000-",  // plain runs: the reader takes
                                                  "opinion_id",                // eight bytes at once where a
                                                  "0123456"};                  // word holds nothing special
  std::string out = "\"";
  // Long strings now and then, so that every byte above falls at every place of a word.
  const int n = std::uniform_int_distribution<int>(0, chance(rng, 25) ? 40 : 6)(rng);
  for (int i = 0; i < n; ++i) out += pick(rng, pieces);
  return out + "\"";
}

std::string number_text(std::mt19937 &rng) {
  return pick(rng, std::vector<std::string>{"0",
                                            "-0",
                                            "7",
                                            "-7",
                                            "01",
                                            "-",
                                            "1.5",
                                            "-2.5e3",
                                            "1e400",
                                            "1E2",
                                            "2.",
                                            "9223372036854775807",
                                            "9223372036854775808",
                                            "-9223372036854775808",
                                            "-9223372036854775809",
                                            "18446744073709551615",
                                            "18446744073709551616",
                                            "123456789012345678901234567890",
                                            "+1",
                                            ".5"});
}

std::string value_text(std::mt19937 &rng, int depth) {
  const int kind = std::uniform_int_distribution<int>(0, depth > 3 ? 2 : 4)(rng);
  std::string out = space(rng);
  switch (kind) {
    case 0:
      out += string_text(rng);
      break;
    case 1:
      out += number_text(rng);
      break;
    case 2:
      out += pick(rng, std::vector<std::string>{"true", "false", "null", "tru", "nul", "True"});
      break;
    case 3: {
      out += "[";
      const int n = std::uniform_int_distribution<int>(0, 3)(rng);
      for (int i = 0; i < n; ++i) out += (i ? "," : "") + value_text(rng, depth + 1);
      out += space(rng) + "]";
      break;
    }
    default: {
      out += "{";
      const int n = std::uniform_int_distribution<int>(0, 3)(rng);
      for (int i = 0; i < n; ++i)
        out += (i ? "," : "") + space(rng) + string_text(rng) + space(rng) + ":" + value_text(rng, depth + 1);
      out += space(rng) + "}";
    }
  }
  return out + space(rng);
}

// A message whose changes and other members are written in those forms.
std::string free_form_message(std::mt19937 &rng) {
  std::string out = space(rng) + "{" + space(rng) + "\"changes\"" + space(rng) + ":" + space(rng) + "[";
  const int n = std::uniform_int_distribution<int>(0, 3)(rng);
  for (int i = 0; i < n; ++i) {
    std::string change = change_text(rng);
    if (chance(rng, 30)) change.insert(change.size() - 1, ",\"value\":" + value_text(rng, 1));
    out += (i ? "," + space(rng) : "") + change;
  }
  out += "]" + space(rng);
  if (chance(rng, 60)) out += "," + space(rng) + string_text(rng) + ":" + value_text(rng, 0);
  out += "}" + space(rng);
  if (chance(rng, 10)) out = value_text(rng, 0);
  if (chance(rng, 5)) out = "\xEF\xBB\xBF" + out;  // a byte order mark, which nlohmann skips
  if (chance(rng, 10) && !out.empty())
    out[std::uniform_int_distribution<size_t>(0, out.size() - 1)(rng)] =
        static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
  return out;
}

}  // namespace

TEST_CASE("JSON in any form reads in one pass as the parsed message reads it", "[engine][json]") {
  std::mt19937 rng(Catch::rngSeed());
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    if (reads_alike(free_form_message(rng))) ++accepted;
  }
  CHECK(accepted > 100);
}
