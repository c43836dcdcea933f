#include "i18n.h"

#include <unordered_map>

#include "text.h"
#include "ykien/report_tally.h"

namespace ykien::cli {
namespace {

Lang g_lang = Lang::vi;

const std::unordered_map<std::string_view, const Message *> &index() {
  static const auto map = [] {
    std::unordered_map<std::string_view, const Message *> m;
    for (const Message &msg : message_catalog()) m.emplace(msg.key, &msg);
    for (const Message &msg : followup_message_catalog()) m.emplace(msg.key, &msg);
    return m;
  }();
  return map;
}

}  // namespace

void set_lang(Lang lang) { g_lang = lang; }
Lang current_lang() { return g_lang; }

std::optional<Lang> parse_lang(std::string_view text) {
  const std::string f = fold(text);
  if (f == "vi" || f == "vn" || f == "vie" || f == "tieng viet") return Lang::vi;
  if (f == "en" || f == "eng" || f == "english") return Lang::en;
  return std::nullopt;
}

std::string tr(std::string_view key) {
  const auto &m = index();
  auto it = m.find(key);
  if (it == m.end()) return std::string(key);
  return std::string(g_lang == Lang::vi ? it->second->vi : it->second->en);
}

std::string trf(std::string_view key, std::initializer_list<std::string> args) {
  const std::string pattern = tr(key);
  std::string out;
  out.reserve(pattern.size() + 32);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(pattern[i + 1] - '0');
      if (n < args.size()) out += *(args.begin() + static_cast<std::ptrdiff_t>(n));
      i += 2;
      continue;
    }
    out.push_back(pattern[i]);
  }
  return out;
}

bool has_message(std::string_view key) { return index().contains(key); }

char thousands_sep() { return g_lang == Lang::vi ? '.' : ','; }

std::string format_percent(double share) {
  const int64_t tenths = share_in_tenths(share);
  std::string s = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
  if (g_lang == Lang::vi) {
    for (char &c : s) {
      if (c == '.') c = ',';
    }
    return s + " %";
  }
  return s + "%";
}

}  // namespace ykien::cli
