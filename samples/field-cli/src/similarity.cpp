#include "similarity.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <vector>

#include "text.h"

namespace ykien::cli {
namespace {

// Words that open or pad most opinions and say nothing of what is asked.
const std::set<std::string, std::less<>> kFiller = {
    "de", "nghi", "kien", "xin", "cho", "cua", "va", "o", "tai", "la", "co", "cac", "nhung", "mot",
    "ve", "viec", "da", "se", "can", "phan", "anh", "nguoi", "dan", "ba", "con", "hien", "nay", "dang",
    "duoc", "voi", "thi", "rat", "qua", "nhieu", "bi", "khong", "chua"};

std::string normalized(std::string_view text) {
  const std::string f = fold(text);
  std::string cleaned;
  for (char c : f) {
    const auto u = static_cast<unsigned char>(c);
    cleaned.push_back((u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : ' ');
  }
  std::string out;
  for (const auto &w : split_list(cleaned, ' ')) {
    if (kFiller.contains(w)) continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::set<std::string> trigrams(const std::string &s) {
  std::set<std::string> grams;
  const std::string padded = " " + s + " ";
  for (size_t i = 0; i + 3 <= padded.size(); ++i) grams.insert(padded.substr(i, 3));
  return grams;
}

// The numbers written in a text: house, alley, hamlet, amounts.
std::set<std::string> numbers_in(std::string_view text) {
  std::set<std::string> out;
  std::string digits;
  for (const char c : std::string(text) + " ") {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (!digits.empty()) {
      out.insert(digits);
      digits.clear();
    }
  }
  return out;
}

}  // namespace

double text_similarity(std::string_view a, std::string_view b) {
  const auto ta = trigrams(normalized(a)), tb = trigrams(normalized(b));
  if (ta.empty() || tb.empty()) return 0.0;
  std::vector<std::string> common;
  std::set_intersection(ta.begin(), ta.end(), tb.begin(), tb.end(), std::back_inserter(common));
  return 2.0 * static_cast<double>(common.size()) / static_cast<double>(ta.size() + tb.size());
}

bool likely_duplicate(const OpinionTraits &a, const OpinionTraits &b, double *score) {
  const double s = text_similarity(a.content, b.content);
  if (score) *score = s;
  const std::string ca = fold(a.citizen), cb = fold(b.citizen);
  const bool same_citizen = !ca.empty() && ca == cb;
  const bool same_field = !a.category.empty() && a.category == b.category;
  const auto na = numbers_in(a.content), nb = numbers_in(b.content);
  if (!na.empty() && !nb.empty() && na != nb) return false;
  return s >= kSimilarAlone || (s >= kSimilarWithSign && (same_field || same_citizen));
}

}  // namespace ykien::cli
