#include "query/search_index.h"

#include <cctype>

#include "ykien/text.h"

namespace ykien {

namespace {

std::string folded_body(const Row &r) {
  std::string body;
  // A confidential opinion's complainant is never searched (DESIGN.md, "Security").
  const bool confidential = int_of(r, "confidential") != 0;
  for (const char *c : {"content", "citizen_name", "assigned_department", "escalated_to"}) {
    if (confidential && is_identity_column(c)) continue;
    body += text_of(r, c);
    body += '\n';
  }
  return fold_for_search(body);
}

}  // namespace

Status refresh_search_index(Database::Impl &impl) {
  auto stored = impl.meta_int("search_cursor");
  if (!stored) return stored.status();
  const int64_t cursor = *stored;
  if (cursor >= impl.next_seq - 1) return Status::Ok();
  const auto &t = *schema::find_table("opinions");
  YKIEN_TRY(impl.rows.flush_changes());
  sqlite::Transaction txn(impl.conn);
  YKIEN_TRY(txn.begin());
  auto s = impl.conn.prepare("SELECT DISTINCT row FROM _changes WHERE seq > ? AND tbl = ?");
  if (!s) return s.status();
  s->bind(1, cursor).bind(2, t.number);
  std::vector<int64_t> rids;
  Status st;
  while (s->step(st)) rids.push_back(s->int64(0));
  YKIEN_TRY(st);
  for (int64_t rid : rids) {
    auto del = impl.conn.cached("DELETE FROM opinion_search WHERE rowid = ?");
    if (!del) return del.status();
    YKIEN_TRY((*del)->bind(1, rid).exec());
    auto row = impl.rows.load_rid(t, rid);
    if (!row) return row.status();
    if (!row->has_value() || (*row)->deleted()) continue;
    auto ins = impl.conn.cached("INSERT INTO opinion_search(rowid, body) VALUES(?, ?)");
    if (!ins) return ins.status();
    YKIEN_TRY((*ins)->bind(1, rid).bind(2, folded_body(**row)).exec());
  }
  YKIEN_TRY(impl.meta_set("search_cursor", std::to_string(impl.next_seq - 1)));
  return txn.commit();
}

namespace {

// Whether a code point separates words: ASCII other than letters and digits, and
// the spaces, punctuation and symbols of Vietnamese text (no-break space, dashes,
// curly quotes, ellipsis, ₫, emoji...). The index's tokenizer splits on these too:
// kept as a word of their own, they would make a phrase with no token, which
// matches nothing ("Nghe dân nói – Làm dân tin" would find nothing).
bool separates_words(char32_t c) {
  if (c < 0x80) return !std::isalnum(static_cast<int>(c));
  return c <= 0xBF || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x2E00 && c <= 0x2E7F) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
         (c >= 0xFF5B && c <= 0xFF65) || (c >= 0x1F000 && c <= 0x1FAFF);
}

}  // namespace

std::string search_query(const std::string &text) {
  const std::string folded = fold_for_search(text);  // well-formed UTF-8, even from bad input
  std::string query, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!query.empty()) query += " AND ";
    query += "\"" + word + "\"*";
    word.clear();
  };
  for (size_t i = 0; i < folded.size();) {
    const auto lead = static_cast<unsigned char>(folded[i]);
    const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? lead : len == 2 ? (lead & 0x1Fu) : len == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
    for (size_t k = 1; k < len && i + k < folded.size(); ++k)
      c = (c << 6) | (static_cast<unsigned char>(folded[i + k]) & 0x3Fu);
    if (separates_words(c)) flush();
    else word.append(folded, i, len);
    i += len;
  }
  flush();
  return query;
}

}  // namespace ykien
