// Names in the order a list shows them (ykien/text.h).
#include "ykien/text.h"

namespace ykien {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// -1, 0 or 1: the folded names compared, a run of digits by its value.
int compare_folded(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ei = i, ej = j;
      while (ei < a.size() && a[ei] == '0') ++ei;  // leading zeros say nothing
      while (ej < b.size() && b[ej] == '0') ++ej;
      size_t ni = ei, nj = ej;
      while (ni < a.size() && digit(a[ni])) ++ni;
      while (nj < b.size() && digit(b[nj])) ++nj;
      if (ni - ei != nj - ej) return ni - ei < nj - ej ? -1 : 1;  // fewer digits, smaller
      if (int c = a.substr(ei, ni - ei).compare(b.substr(ej, nj - ej)); c != 0) return c < 0 ? -1 : 1;
      i = ni;
      j = nj;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i == a.size() && j == b.size()) return 0;
  return i == a.size() ? -1 : 1;
}

}  // namespace

bool name_order(std::string_view a, std::string_view b) {
  if (int c = compare_folded(fold_for_search(a), fold_for_search(b)); c != 0) return c < 0;
  return a < b;  // the same but for case or diacritics: one order still, always the same
}

}  // namespace ykien
