// Vietnamese text for the demo data: what citizens raise, by field, and names.
// Data, not interface text: it stays Vietnamese whatever --lang says.
#pragma once

#include <string>
#include <vector>

#include "demo_rng.h"

namespace ykien::cli {

// An opinion's content for `category`, set in `place` ("Khu phố 3").
std::string demo_opinion_text(DemoRng &rng, const std::string &category, const std::string &place);
// An answer given at the meeting for `category`.
std::string demo_answer_text(DemoRng &rng, const std::string &category);
// A citizen's full name; `highland` picks Thái/Mường family names (Sơn La).
std::string demo_person_name(DemoRng &rng, bool highland = false);

}  // namespace ykien::cli
