// Reading and writing one replicated row (values + row clock) and its change-log
// entries. Knows SQL; knows nothing of merge rules or the domain.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/row_clock.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "ykien/clock.h"
#include "ykien/value.h"

namespace ykien {

struct Row {
  const schema::TableDef *table = nullptr;
  int64_t rid = 0;  // 0 until saved
  std::string id;
  std::string scope;
  std::vector<Value> values;  // by column index
  RowClock clock;

  bool deleted() const {
    const auto *v = std::get_if<int64_t>(&values[schema::kDeletedColumn]);
    return v && *v != 0;
  }
};

// A cell kept for a table or column this version does not know.
struct ForeignCell {
  int64_t rid = 0;
  std::string table, id, column, scope;
  Value value;
  CellStamp stamp;
};

// Change-log entries are written in groups: one statement for many entries costs
// far less than one each, and a batch writes thousands. They wait in memory until
// the group is full, a savepoint begins, the transaction commits or something
// reads _changes (flush_changes, which every reader of _changes calls first).
class RowStore final : public sqlite::DeferredWrites {
 public:
  explicit RowStore(sqlite::Connection &conn) : conn_(conn) { conn_.set_deferred_writes(this); }
  ~RowStore() override { conn_.set_deferred_writes(nullptr); }
  RowStore(const RowStore &) = delete;
  RowStore &operator=(const RowStore &) = delete;

  static Row blank(const schema::TableDef &table, std::string id, std::string scope);
  Result<std::optional<Row>> load(const schema::TableDef &table, const std::string &id);
  Result<std::optional<Row>> load_rid(const schema::TableDef &table, int64_t rid);
  // The row's scope alone (none when no such row): cheaper than loading it, for
  // exports that leave most rows out.
  Result<std::optional<std::string>> scope_of(const schema::TableDef &table, int64_t rid);
  // Inserts or updates by id; sets row.rid.
  Status save(Row &row);
  // Inserts a row known to be new, from its values by column (null: the column's
  // NULL, `_deleted` 0), without a Row made for it (a push inserts thousands).
  // Returns its rid, or nullopt when its id is stored after all (nothing written).
  Result<std::optional<int64_t>> insert_new(const schema::TableDef &table, std::string_view id, std::string_view scope,
                                            std::span<const Value *const> values, const RowClock &clock);
  Status erase(const Row &row);

  Result<std::optional<ForeignCell>> load_foreign(const std::string &table, const std::string &id,
                                                  const std::string &column);
  Result<std::optional<ForeignCell>> load_foreign_rid(int64_t rid);
  Status save_foreign(ForeignCell &cell);

  // How many rows of the table numbered `table_number` this store saved or erased:
  // whoever remembers cells read from that table compares it (domain/live_cells.h).
  uint64_t writes_to(int table_number) const {
    return static_cast<size_t>(table_number) < writes_.size() ? writes_[static_cast<size_t>(table_number)] : 0;
  }

  // `edit`: the device's clocks at a local write (origin 0), kept for re-stamping
  // (docs/time.md); zero for what came from a peer.
  // `scope`: the row's (or the foreign cell's), which read_since's index selects by.
  Status log_change(int64_t seq, int table_number, int64_t rid, int64_t origin, const std::string &scope,
                    const EditClock &edit = {});
  Status drop_change(int64_t seq);
  // Writes the waiting change-log entries: call before reading _changes.
  Status flush_changes();
  // Change-log entries made so far, written or waiting.
  uint64_t changes_logged() const { return changes_logged_; }

  // sqlite::DeferredWrites
  Status flush() override { return flush_changes(); }
  void discard() override { pending_.clear(); }

 private:
  Result<std::optional<Row>> read_one(const schema::TableDef &table, Result<sqlite::Stmt *> stmt,
                                      const std::function<void(sqlite::Stmt &)> &bind);
  // One of a table's row statements (row_store.cpp, TableSql).
  Result<sqlite::Stmt *> table_statement(const schema::TableDef &table, int which);
  // The statement of `sql`, kept in `slot` once found: the connection's cache hashes
  // and compares a statement's whole text (an insert's is hundreds of bytes, the
  // change log's full group nearly 1 KB), and a push runs several a row. A cached
  // statement lives as long as the connection.
  Result<sqlite::Stmt *> held(sqlite::Stmt *&slot, const std::string &sql);
  void count_write(const schema::TableDef &table);
  sqlite::Connection &conn_;
  std::vector<uint64_t> writes_;  // by table number
  std::vector<std::array<sqlite::Stmt *, 5>> table_statements_;  // by place in schema::tables()
  sqlite::Stmt *full_group_ = nullptr;  // flush_changes' statement for a full group, once found
  struct ChangeEntry {
    int64_t seq, table, rid, origin;
    std::string scope;
    EditClock edit;
  };
  std::vector<ChangeEntry> pending_;  // change-log entries not yet written
  uint64_t changes_logged_ = 0;
  std::string clock_buffer_;  // the encoded row clock of the row being saved, reused
};

// Table number 0 in the change log marks a foreign cell.
constexpr int kForeignTable = 0;

}  // namespace ykien
