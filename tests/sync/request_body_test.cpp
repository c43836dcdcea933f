// The request body's nesting check (sync/server/request_body.*), which skips string
// contents in jumps, against the plain byte-by-byte reading of JSON's strings.
#include "request_body.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using ykien::server::json_depth_within;

namespace {

// The deepest nesting of `json`, reading every byte: strings end at a quote that no
// backslash escapes.
int reference_depth(const std::string &json) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      deepest = std::max(deepest, ++depth);
    else if (c == '}' || c == ']')
      --depth;
  }
  return deepest;
}

}  // namespace

TEST_CASE("the nesting check reads strings as JSON does on random texts of quotes and backslashes and brackets",
          "[serve][body]") {
  std::mt19937 rng(20261207);
  const std::string alphabet = "\"\\[]{}a:,";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t length = rng() % 40;
    for (size_t i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    const int deepest = reference_depth(text);
    INFO(text);
    CHECK(json_depth_within(text, deepest));
    if (deepest > 0) CHECK_FALSE(json_depth_within(text, deepest - 1));
  }
}

TEST_CASE("the nesting check counts brackets outside strings only", "[serve][body]") {
  CHECK(json_depth_within(R"({"a":"[[[[{{{{"})", 1));
  CHECK(json_depth_within(R"({"a":"\"[[[["})", 1));
  CHECK_FALSE(json_depth_within(R"({"a":"\\",[[[1]]]})", 3));
  CHECK(json_depth_within(R"({"a":"\\\"[[["})", 1));
  CHECK(json_depth_within(R"("unterminated [[[[)", 0));
  CHECK(json_depth_within("", 0));
  CHECK_FALSE(json_depth_within("[[]]", 1));
}
