// Clock-skew repair and the canonical state hash.
#include <bit>
#include <algorithm>
#include <cstdio>

#include "core/database_impl.h"
#include "replication/change_checks.h"

namespace ykien {

Status Database::set_clock_offset_ms(int64_t offset_ms) {
  return impl_->write_txn([&]() -> Status {
    YKIEN_TRY(impl_->meta_set("clock_offset_ms", std::to_string(offset_ms)));
    impl_->clock.offset_ms = offset_ms;
    return Status::Ok();
  });
}

int64_t Database::clock_offset_ms() const { return impl_->clock.offset_ms; }

Result<int64_t> Database::restamp_local_changes(int64_t cursor) {
  return impl_->write_txn([&]() -> Result<int64_t> {
    auto &impl = *impl_;
    // Forget stamps from a clock that ran ahead: only what peers sent us bounds
    // the next stamps from below (and each row's older cells, below).
    impl.hlc.reset(impl.max_remote_hlc);
    YKIEN_TRY(impl.rows.flush_changes());
    auto s = impl.conn.prepare("SELECT seq, tbl, row FROM _changes WHERE seq > ? AND origin = 0 AND tbl != 0 ORDER BY seq");
    if (!s) return s.status();
    s->bind(1, cursor);
    std::vector<std::tuple<int64_t, int, int64_t>> entries;
    Status st;
    while (s->step(st)) entries.emplace_back(s->int64(0), static_cast<int>(s->int64(1)), s->int64(2));
    YKIEN_TRY(st);
    int64_t cells = 0;
    for (const auto &[seq, tbl, rid] : entries) {
      const auto *table = schema::find_table(tbl);
      if (!table) continue;
      auto row = impl.rows.load_rid(*table, rid);
      if (!row) return row.status();
      if (!row->has_value()) continue;
      Row &r = **row;
      for (const auto &g : r.clock.groups())
        if (g.stamp.seq <= cursor || g.stamp.site != impl.site) impl.hlc.observe(g.stamp.hlc);
      const Hlc now = impl.hlc.now();
      for (auto &g : r.clock.groups()) {
        if (g.stamp.seq != seq || g.stamp.site != impl.site) continue;
        g.stamp.hlc = now;
        if (g.stamp.base > now) g.stamp.base = Hlc();
        cells += std::popcount(g.mask);
      }
      YKIEN_TRY(impl.rows.save(r));
    }
    YKIEN_TRY(impl.meta_set("last_hlc", impl.hlc.last().to_string()));
    return cells;
  });
}

Result<std::string> Database::state_hash() const {
  std::lock_guard lock(impl_->mutex);
  auto &impl = *impl_;
  // FNV-1a over every cell in a canonical order: table, id, column.
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::string_view data) {
    for (unsigned char c : data) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h ^= 0xFF;
    h *= 0x100000001b3ull;
  };
  std::vector<const schema::TableDef *> tables;
  for (const auto &t : schema::tables()) tables.push_back(&t);
  std::sort(tables.begin(), tables.end(), [](auto *a, auto *b) { return a->name < b->name; });
  for (const auto *table : tables) {
    auto s = impl.conn.prepare("SELECT id FROM " + std::string(table->name) + " ORDER BY id");
    if (!s) return s.status();
    std::vector<std::string> ids;
    Status st;
    while (s->step(st)) ids.push_back(s->text(0));
    YKIEN_TRY(st);
    for (const auto &id : ids) {
      auto row = impl.rows.load(*table, id);
      if (!row) return row.status();
      const Row &r = **row;
      for (int c = 0; c < static_cast<int>(table->columns.size()); ++c) {
        CellStamp stamp = r.clock.get(c);
        if (stamp.is_zero()) continue;
        mix(table->name);
        mix(r.id);
        mix(r.scope);
        mix(table->columns[c].name);
        mix(value_to_json(r.values[c]));
        mix(stamp.hlc.to_string());
        mix(site_to_string(stamp.site));
      }
    }
  }
  auto f = impl.conn.prepare("SELECT tbl, id, col, scope, value, hlc, site FROM _foreign_cells ORDER BY tbl, id, col");
  if (!f) return f.status();
  Status st;
  while (f->step(st)) {
    for (int i = 0; i < 4; ++i) mix(f->text(i));
    mix(value_to_json(f->value(4)));
    mix(Hlc(static_cast<uint64_t>(f->int64(5))).to_string());
    mix(site_to_string(static_cast<SiteId>(f->int64(6))));
  }
  YKIEN_TRY(st);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf);
}

}  // namespace ykien
