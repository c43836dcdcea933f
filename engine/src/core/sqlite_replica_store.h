// The SQLite store under the replication core (ykien/sys/replica_store.h): a
// Database's own tables, row clocks and change log (docs/changelog-format.md).
// Transactions are the Database's: a core call inside Database::batch is part of
// the batch.
#pragma once

#include <memory>
#include <optional>
#include <unordered_map>

#include "core/read_connections.h"
#include "store/row_store.h"
#include "ykien/database.h"
#include "ykien/sys/group_commit.h"
#include "ykien/sys/replica_store.h"

namespace ykien {

// A transaction on the Database's connection. `writable` false refuses writes.
class SqliteStoreTxn final : public sys::StoreTxn {
 public:
  SqliteStoreTxn(Database::Impl &impl, bool writable) : impl_(impl), writable_(writable) {}

  Result<std::vector<std::optional<sys::StoredRow>>> load_rows(const std::vector<sys::RowKey> &keys) override;
  Result<std::vector<sys::StoredRow>> find_rows(const sys::RowFilter &filter) override;
  Result<std::vector<sys::CellOrigin>> cell_origins(const sys::RowKey &key) override;
  Result<sys::StoredBatch> read_since(int64_t cursor, const sys::ReadRequest &request) override;
  Result<int64_t> end_position() override;
  Status write_rows(std::vector<sys::StoredRow> rows, const std::string &origin) override;
  Status erase_rows(const std::vector<sys::RowKey> &keys) override;
  Status note_remote_stamp(Hlc stamp) override;
  void after_commit(std::function<void()> fn) override;
  Result<Hlc> remote_stamp() override;
  Result<std::string> meta(const std::string &key) override;
  Status set_meta(const std::string &key, const std::string &value) override;
  Result<std::string> setting(const std::string &key) override;
  Status set_setting(const std::string &key, const std::string &value) override;

 private:
  Status writes_allowed() const;
  // The row as stored (values and clock), from this transaction's reads when it
  // was read here: the core reads a row, then writes it.
  Result<Row *> row_for_write(const schema::TableDef &table, const sys::StoredRow &cells);
  // Inserts a row this transaction read and found absent (a merge reads its batch's
  // rows first) whose cells this schema all knows, straight from its cells: no Row is
  // made, kept and torn down for it. False when it is not such a row, or when its id
  // is stored after all (then written as any other).
  Result<bool> insert_if_new(const schema::TableDef &table, const sys::StoredRow &cells, int64_t origin);
  Status write_foreign(const sys::StoredRow &row, const sys::StoredCell &cell, int64_t origin);

  // Whether _foreign_cells holds any cell, read once a transaction: most stores
  // hold none, and then a row's read looks for none.
  Result<bool> foreign_cells();

  Database::Impl &impl_;
  bool writable_;
  // Rows of known tables read or written in this transaction; nullopt: read here
  // and found absent (a new row's write reads nothing again).
  std::unordered_map<sys::RowKey, std::optional<Row>, sys::RowKeyHash, sys::RowKeyEqual> rows_;
  std::optional<bool> foreign_cells_;
};

// Writes that arrive together commit together (GroupCommit); reads go to a read
// connection when the database has some and the caller is not inside a write.
class SqliteReplicaStore final : public sys::ReplicaStore {
 public:
  explicit SqliteReplicaStore(Database::Impl &impl) : impl_(impl) {}
  // Reads from now on go to `readers` (OpenOptions::read_connections).
  void set_readers(std::unique_ptr<ReadConnections> readers) { readers_ = std::move(readers); }
  Status write(const std::function<Status(sys::StoreTxn &)> &body) override;
  Status read(const std::function<Status(sys::StoreTxn &)> &body) override;

 private:
  // True when the calling thread has a write transaction open (Database::batch, a
  // write's body): what it does belongs to that transaction and sees its writes.
  bool writing_here() const;

  Database::Impl &impl_;
  sys::GroupCommit group_;
  std::unique_ptr<ReadConnections> readers_;
};

// The row's cells as the core sees them: every cell stamped, by name.
sys::StoredRow stored_row(const Row &row);

}  // namespace ykien
