// A replica's database: the domain records, their change log, merge and queries.
// Thread-safe: calls on one Database are serialized by an internal mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/blob_store.h"
#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/clock.h"
#include "ykien/export.h"
#include "ykien/hlc.h"
#include "ykien/local_time.h"
#include "ykien/query.h"
#include "ykien/records.h"
#include "ykien/seal.h"
#include "ykien/status.h"

namespace ykien {
class Replica;
}

namespace ykien {

struct OpenOptions {
  // The wall and monotonic clocks (ykien/clock.h): borrowed, must outlive the
  // Database; null = the system's. Tests inject a ManualClock.
  const Clock *clock = nullptr;
  int busy_timeout_ms = 5000;
  // Every commit reaches the disk before it returns (SQLite synchronous=FULL): a
  // server that acknowledges a push keeps it through a power cut. Off on tablets,
  // where WAL with synchronous=NORMAL loses at most the last moments, never the
  // database.
  bool durable_commits = false;
  // The write-ahead log's size, in pages, past which a commit copies it into the
  // database (SQLite's wal_autocheckpoint); 0 = SQLite's 1,000 (4 MB). A server
  // that takes pushes of thousands of rows checkpoints less often: the pages every
  // commit rewrites (the indexes' inner pages, the change log's last) are copied
  // once a checkpoint, not once for every 4 MB.
  int checkpoint_pages = 0;
  // Connections that serve the replication core's reads (a server's pulls) beside
  // the one that writes: with WAL, reads then go on while a write commits. 0 = reads
  // share the writer's connection (a tablet). Needs a database file.
  int read_connections = 0;
  // Tests only: stop migrating at this schema version (0 = latest).
  int target_schema_version = 0;
  // The commune's time zone, a tz database name; "" = Asia/Ho_Chi_Minh. Domain
  // times ("YYYY-MM-DD HH:MM") are in it. Errors at open: invalid_argument.
  std::string time_zone{};
};

// Fields of a meeting to change; unset fields stay as they are.
struct MeetingPatch {
  std::optional<std::string> kind{}, title{}, held_at{}, place{}, chair{}, secretary{}, notes{}, conclusion{};
  std::optional<int64_t> attendance{};
  std::optional<std::vector<std::string>> departments{};
};

// Fields of an opinion to change; unset fields stay as they are. The status
// changes only through change_status (or a response), so it has its history.
struct OpinionPatch {
  std::optional<std::string> kind{}, category{}, content{}, citizen_name{}, citizen_contact{}, jurisdiction{},
      escalated_to{}, assigned_department{}, due_date{}, satisfaction{}, raised_at{};
  std::optional<bool> anonymous{};
};

// Fields of a support visit to change; unset fields stay as they are.
struct SupportVisitPatch {
  std::optional<std::string> household{}, kind{}, notes{}, visited_at{}, reason{}, given{}, visitors{};
  std::optional<int64_t> gift_value_vnd{};
};

struct StatusUpdate {
  std::string to{};  // the new status
  std::string note{};
  std::string by{};     // who made the change
  std::string at{};     // "YYYY-MM-DD HH:MM"; empty = now
  bool reopen = false;  // required to go back to received from resolved/closed/withdrawn
};

class YKIEN_CXX_API Database {
 public:
  // Opens or creates the database file (SQLite, WAL) and migrates it forward.
  // Errors: storage (cannot open/create), unsupported_version (made by a newer app).
  static Result<std::unique_ptr<Database>> open(const std::string &path, OpenOptions options = {});
  ~Database();
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  SiteId site_id() const;
  int schema_version() const;

  // ---- Time (ykien/clock.h, docs/time.md): read it here, nowhere else ----
  // Now on the corrected clock (the wall clock plus the offset learned from a
  // server), ms since the epoch, UTC.
  int64_t now_ms() const;
  // Now in the commune's time zone, "YYYY-MM-DD HH:MM"; and today, "YYYY-MM-DD".
  std::string local_now() const;
  std::string today() const;
  // An instant (UTC ms) in the commune's time zone.
  std::string local_time(int64_t utc_ms, bool with_time = true) const;
  const TimeZone &time_zone() const;
  // The corrected clock itself (for ids made from time: new_uuid_v7). Borrowed,
  // valid while the Database is open.
  const Clock &clock() const;
  static int latest_schema_version();
  // The stamp of the last change made or seen here.
  Hlc last_hlc() const;

  // ---- Batches ----
  // Runs `body` as one transaction: the writes of the calls it makes on this
  // Database commit together when it returns Ok, and none of them are kept when
  // it returns an error (that error is returned) or throws (the exception goes
  // on). Each call inside stays all or nothing on its own, so `body` may go on
  // after a refused call. A storage error (disk full, I/O) that strikes a call
  // after it has written rolls the whole batch back: that call and every later
  // one return storage, and so does batch. Batches nest: an inner one is all or nothing within the
  // outer one. Much faster than one transaction per write for bulk recording.
  // The calling thread holds this Database until `body` returns: calls from
  // other threads wait, so `body` must not wait for them.
  // Errors: those of `body`; storage (the transaction cannot begin or commit).
  Status batch(const std::function<Status()> &body);

  // ---- Units ----
  // Creates a unit under unit.parent_id (or a root); fills id and scope.
  Result<Unit> create_unit(Unit unit);
  Result<Unit> get_unit(const std::string &id) const;
  Result<Unit> find_unit_by_scope(const std::string &scope) const;
  // Direct children of a unit, by name. "" = the top units held here: the roots,
  // and units whose parent this replica does not hold (a device holds its subtree).
  Result<std::vector<Unit>> list_units(const std::string &parent_id) const;

  // ---- Meetings ----
  Result<Meeting> create_meeting(Meeting meeting);
  Result<Meeting> get_meeting(const std::string &id) const;
  Result<Meeting> update_meeting(const std::string &id, const MeetingPatch &patch);
  // Records the final attendance and conclusion, and marks the meeting closed.
  Result<Meeting> close_meeting(const std::string &id, int64_t attendance, const std::string &conclusion,
                                const std::string &closed_at = {});
  Result<std::vector<Meeting>> list_meetings(const std::string &scope, const std::string &from = {},
                                             const std::string &to = {}) const;
  Status delete_meeting(const std::string &id);

  // ---- Opinions ----
  Result<Opinion> record_opinion(Opinion opinion);
  Result<Opinion> get_opinion(const std::string &id) const;
  Result<Opinion> update_opinion(const std::string &id, const OpinionPatch &patch);
  // Appends to the status history; refuses transitions that make no sense.
  Result<Opinion> change_status(const std::string &opinion_id, const StatusUpdate &update);
  // Assigns to a department with a due date; status becomes assigned, changed
  // `at` ("YYYY-MM-DD HH:MM"; empty = now).
  Result<Opinion> assign_opinion(const std::string &opinion_id, const std::string &department,
                                 const std::string &due_date, const std::string &by = {},
                                 const std::string &at = {});
  Status delete_opinion(const std::string &id);

  // ---- Sealed identities (ykien/seal.h, docs/security.md) ----
  // With a sealer, a confidential opinion's complainant identity is written sealed,
  // and its clear copy kept in a local-only table (never replicated) until
  // forget_sealed_clear: get_opinion, on this device, reads it clear meanwhile.
  // Without one (no office key yet) it is written clear and sealed by seal_pending.
  void set_sealer(std::shared_ptr<const Sealer> sealer);
  bool has_sealer() const;
  // Seals the clear identity cells of confidential opinions (recorded before the
  // office key was known). Returns how many cells. Errors: invalid_state without a
  // sealer; storage.
  Result<int64_t> seal_pending();
  // Drops the clear copies (once the sealed cells have reached the server), with
  // the freed pages zeroed and the journal emptied.
  Status forget_sealed_clear();

  // ---- The opinion's journal (docs/domain.md, "Journal") ----
  // Entries of the status history whose note is a JSON object; `at` empty = now.
  // Corrects fields as update_opinion does, and appends
  // {"edit": {"<field>": [old, new], ...}} (a complainant's name and contact as "").
  // Errors: those of update_opinion; invalid (field "patch") when nothing changes.
  Result<Opinion> edit_opinion(const std::string &id, const OpinionPatch &patch, const std::string &by,
                               const std::string &at = {});
  // Takes back an opinion recorded by mistake: status withdrawn and a tombstone
  // (no report counts it again), the reason kept as {"withdraw": reason}.
  // list_opinions with OpinionFilter::withdrawn still finds it.
  Status withdraw_opinion(const std::string &id, const std::string &reason, const std::string &by,
                          const std::string &at = {});
  // Two records of one opinion (two tablets at one meeting): `drop` becomes a
  // tombstone, its history gets {"merged_into": keep} and keep's {"merged_from": drop};
  // both histories and responses stay readable by id.
  Result<Opinion> merge_opinions(const std::string &keep, const std::string &drop, const std::string &by,
                                 const std::string &at = {});
  // Says two opinions are not the same: {"distinct_from": other} in each history.
  Status mark_distinct(const std::string &a, const std::string &b, const std::string &by, const std::string &at = {});
  Result<std::vector<Opinion>> list_opinions(const OpinionFilter &filter) const;
  Result<std::vector<StatusChange>> status_history(const std::string &opinion_id) const;

  // ---- Responses (append-only) ----
  // An answer at the meeting makes a received opinion answered; an appointment
  // makes it scheduled; a written reply makes it answered.
  Result<Response> add_response(Response response);
  Result<std::vector<Response>> list_responses(const std::string &opinion_id) const;

  // ---- Support visits ----
  Result<SupportVisit> record_support_visit(SupportVisit visit);
  // Visits in a unit subtree ("" = all) and period (days, inclusive, "" = open), by time.
  Result<std::vector<SupportVisit>> list_support_visits(const std::string &scope, const std::string &from = {},
                                                        const std::string &to = {}) const;
  // Corrects a visit's fields, checked as record_support_visit checks them.
  // Errors: invalid_argument (a value), not_found.
  Result<SupportVisit> update_support_visit(const std::string &id, const SupportVisitPatch &patch);
  // Takes back a visit recorded by mistake: a tombstone, the reason added to its notes.
  Status withdraw_support_visit(const std::string &id, const std::string &reason);

  // ---- Attachments (docs/attachments.md) ----
  // Copies the file at `path` into the blob folder beside the database ("<db>.blobs/")
  // and records it attached to what `a` names: exactly one of meeting_id, opinion_id,
  // response_id, visit_id. Its caption, added_by and added_at (empty = now) are taken
  // from `a`; sha256, size and media_type are the file's. The same file attached again
  // to the same record gives the attachment already made; to another record, another
  // attachment of the same blob (stored once). `progress` is called as the file is
  // copied (on the calling thread).
  // Errors: invalid_argument (field "file": unreadable, or not a JPEG, PNG, HEIC, PDF
  // or audio recording; "target": none or several named; another field's value),
  // not_found (what it is attached to), invalid_state (a database in memory), storage,
  // cancelled. Nothing is kept of a refused attachment.
  Result<Attachment> add_attachment_file(const std::string &path, Attachment a, const BlobProgress &progress = {});
  // The same from bytes in memory.
  Result<Attachment> add_attachment_bytes(std::string_view bytes, Attachment a);
  // Live attachments in a unit subtree ("" = all) attached to `of` (an id of a meeting,
  // opinion, response or visit; "" = any), by time added.
  Result<std::vector<Attachment>> list_attachments(const std::string &scope, const std::string &of = {}) const;
  // Errors: not_found.
  Result<Attachment> get_attachment(const std::string &id) const;
  // Takes back an attachment made by mistake: a tombstone. Its blob stays while
  // another attachment names it. Errors: not_found.
  Status remove_attachment(const std::string &id);
  // The blobs beside this database. Borrowed, valid while the Database is open.
  BlobStore &blobs() const;

  // ---- Reports ----
  Result<Report> report(const ReportRequest &request) const;

  // ---- Conflicts ----
  Result<std::vector<Conflict>> list_conflicts(bool open_only = true) const;
  // Writes `value_json` (a JSON value; the winner's or the loser's or another)
  // into the cell and marks the conflict resolved.
  Status resolve_conflict(const std::string &conflict_id, const std::string &value_json, const std::string &by);

  // ---- Replication ----
  // The replication core over this database (ykien/replica.h): what a hub, a
  // server or a bundle uses. The calls below are shorthands for its own.
  Replica &replica();
  // Cells changed here after `cursor` (0 = from the start), oldest first, compacted.
  Result<ChangeSet> export_changes(int64_t cursor, const ExportOptions &options = {}) const;
  // Merges remote changes in one transaction: all or nothing. Deterministic,
  // commutative, associative and idempotent (field-level last-writer-wins by
  // (hlc, site)). Tables and columns this version does not know are kept and relayed.
  // A list of changes or of rows (ykien/change_batch.h).
  Result<ApplyReport> apply_changes(const ChangeBatch &changes, const ApplyOptions &options = {});
  Result<ApplyReport> apply_changes(const std::vector<Change> &changes, const ApplyOptions &options = {}) {
    return apply_changes(ChangeBatch(changes), options);
  }
  // The greatest cursor export_changes can return now.
  int64_t current_cursor() const;
  // A hash of the replicated state (every cell's value and stamp), equal on
  // replicas that hold the same changes.
  Result<std::string> state_hash() const;

  // Clock skew (DESIGN.md, Time): the offset to add to this device's wall clock,
  // learned from the server's time. Persisted; applies to stamps made from now on.
  Status set_clock_offset_ms(int64_t offset_ms);
  int64_t clock_offset_ms() const;
  // Gives new stamps (from the corrected clock) to the changes written here after
  // `cursor` that no peer has yet. Returns how many cells were re-stamped.
  Result<int64_t> restamp_local_changes(int64_t cursor);
  // Physically removes deleted rows whose tombstone is at or below `acknowledged`
  // (the stamp every replica that needs them has acknowledged). Returns rows purged.
  Result<int64_t> purge_tombstones(Hlc acknowledged);

  // Key/value settings kept with the data (sync cursors, tokens...), not replicated.
  Status set_setting(const std::string &key, const std::string &value);
  Result<std::string> get_setting(const std::string &key) const;  // "" when unset

  // Runs `PRAGMA integrity_check`: OK or corrupt with SQLite's report.
  Status check_integrity() const;

  struct YKIEN_CXX_INTERNAL Impl;

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  // add_attachment_*: `store` puts the blob in the folder once the checks passed.
  Result<Attachment> add_attachment_from(Attachment a, const std::function<Result<BlobInfo>()> &store);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ykien
