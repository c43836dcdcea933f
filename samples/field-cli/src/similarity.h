// Whether two opinions of one meeting are likely the same opinion recorded
// twice (two tablets, or a tablet and a paper note typed later). The measure is
// documented in docs/field-cli.md, "Likely duplicates"; tests/cli/duplicates_test.cpp
// checks it on labelled Vietnamese pairs.
#pragma once

#include <string>
#include <string_view>

namespace ykien::cli {

// Dice coefficient of the character trigrams of the two texts, folded (no case,
// no diacritics), punctuation dropped, common filler words ("đề nghị", "xin",
// "của"...) left out: 0 (nothing shared) to 1 (the same).
double text_similarity(std::string_view a, std::string_view b);

struct OpinionTraits {
  std::string content, category, citizen;
};

// The same meeting is the caller's condition; then: similar text, and the same
// field or the same named citizen, or very similar text alone; never when both
// texts hold numbers and not the same ones (hẻm 7 and hẻm 9 are two alleys).
bool likely_duplicate(const OpinionTraits &a, const OpinionTraits &b, double *score = nullptr);

// Thresholds (docs/field-cli.md): similar text with one more sign, or text alone.
constexpr double kSimilarWithSign = 0.55;
constexpr double kSimilarAlone = 0.75;

}  // namespace ykien::cli
