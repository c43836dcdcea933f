#include "query/search_index.h"

#include <cctype>

#include "ykien/text.h"

namespace ykien {

namespace {

std::string folded_body(const Row &r) {
  std::string body;
  for (const char *c : {"content", "citizen_name", "assigned_department", "escalated_to"}) {
    body += text_of(r, c);
    body += '\n';
  }
  return fold_for_search(body);
}

}  // namespace

Status refresh_search_index(Database::Impl &impl) {
  auto cursor_text = impl.meta_get("search_cursor");
  if (!cursor_text) return cursor_text.status();
  int64_t cursor = cursor_text->empty() ? 0 : std::stoll(*cursor_text);
  if (cursor >= impl.next_seq - 1) return Status::Ok();
  const auto &t = *schema::find_table("opinions");
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

std::string search_query(const std::string &text) {
  std::string folded = fold_for_search(text);
  std::string query, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!query.empty()) query += " AND ";
    query += "\"" + word + "\"*";
    word.clear();
  };
  for (char c : folded) {
    // Words are runs of letters/digits (any non-ASCII byte counts as a letter).
    if (std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80)) word += c;
    else flush();
  }
  flush();
  return query;
}

}  // namespace ykien
