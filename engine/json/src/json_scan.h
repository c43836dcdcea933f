// A fast path for reading the JSON of a push or a pull reply: the same SAX events as
// nlohmann's parser, for the JSON that the codec itself writes (objects, arrays,
// strings, integers, literals), with strings copied a run of plain bytes at a time
// instead of a byte at a time (docs/benchmarks.md, "stages": nlohmann's lexer was
// two thirds of a push's decoding). Anything else (a syntax error, a number with a
// fraction or an exponent or out of 64 bits) is left to nlohmann's parser: the
// caller starts again there, so what is accepted, and how, stays the library's.
#pragma once

#include <string_view>

#include "ykien/json/changes.h"

namespace ykien::codec {

enum class ScanOutcome {
  done,     // one whole value and nothing but whitespace after it: every event sent
  stopped,  // a handler returned false
  unsure,   // not read here: parse again with nlohmann (events may have been sent)
};

ScanOutcome scan_json(std::string_view text, nlohmann::json_sax<Json> &sax);

}  // namespace ykien::codec
