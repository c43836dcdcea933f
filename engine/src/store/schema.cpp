#include "store/schema.h"

#include <string>

namespace ykien::schema {

namespace {

// Frozen migration steps: step i brings user_version from i to i + 1. Never edit
// a released step; add a new one. Replicated tables have no NOT NULL or foreign
// key constraints on their cells: remote cells arrive in any order and rules are
// checked by the API that writes them (docs/storage.md). _changes entries are
// written in groups (RowStore::log_change): code that reads _changes calls
// RowStore::flush_changes first.
const char *const kSteps[] = {
    // 1: the first schema.
    R"sql(
CREATE TABLE _meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE _settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE _peers(num INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE _changes(seq INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, row INTEGER NOT NULL,
                      origin INTEGER NOT NULL DEFAULT 0);
CREATE TABLE _foreign_cells(rid INTEGER PRIMARY KEY, tbl TEXT NOT NULL, id TEXT NOT NULL,
                            col TEXT NOT NULL, scope TEXT NOT NULL, value, hlc INTEGER NOT NULL,
                            site INTEGER NOT NULL, base INTEGER NOT NULL, seq INTEGER NOT NULL,
                            UNIQUE(tbl, id, col));
CREATE TABLE units(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, code TEXT, name TEXT, kind TEXT, parent_id TEXT,
  _clock BLOB NOT NULL);
CREATE TABLE meetings(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, unit_id TEXT, kind TEXT, title TEXT, held_at TEXT,
  place TEXT, chair TEXT, secretary TEXT, attendance INTEGER, departments TEXT, notes TEXT,
  conclusion TEXT, closed_at TEXT, _clock BLOB NOT NULL);
CREATE TABLE opinions(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, meeting_id TEXT, unit_id TEXT, kind TEXT, category TEXT,
  content TEXT, citizen_name TEXT, citizen_contact TEXT, anonymous INTEGER, confidential INTEGER,
  jurisdiction TEXT, escalated_to TEXT, assigned_department TEXT, status TEXT, due_date TEXT,
  satisfaction TEXT, raised_at TEXT, recorded_by TEXT, _clock BLOB NOT NULL);
CREATE TABLE responses(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, opinion_id TEXT, kind TEXT, content TEXT, responder TEXT,
  appointment_at TEXT, appointment_place TEXT, created_at TEXT, _clock BLOB NOT NULL);
CREATE TABLE status_history(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL, _deleted INTEGER NOT NULL DEFAULT 0, opinion_id TEXT, from_status TEXT,
  to_status TEXT, note TEXT, changed_by TEXT, changed_at TEXT, _clock BLOB NOT NULL);
CREATE TABLE conflicts(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, tbl TEXT, row_id TEXT, col TEXT, winner_value TEXT,
  loser_value TEXT, winner_hlc TEXT, loser_hlc TEXT, winner_site TEXT, loser_site TEXT,
  status TEXT, resolution TEXT, resolved_by TEXT, _clock BLOB NOT NULL);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX meetings_scope ON meetings(scope, held_at);
CREATE INDEX opinions_meeting ON opinions(meeting_id);
CREATE INDEX responses_opinion ON responses(opinion_id);
CREATE INDEX status_history_opinion ON status_history(opinion_id);
)sql",
    // 2: support visits (gifts, household visits), the search index, and the
    // opinions' scope index for subtree queries and reports.
    R"sql(
CREATE TABLE support_visits(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL, _deleted INTEGER NOT NULL DEFAULT 0, unit_id TEXT, meeting_id TEXT,
  household TEXT, kind TEXT, gift_value_vnd INTEGER, notes TEXT, visited_at TEXT,
  _clock BLOB NOT NULL);
CREATE INDEX support_visits_scope ON support_visits(scope, visited_at);
CREATE INDEX opinions_scope ON opinions(scope, raised_at);
CREATE VIRTUAL TABLE opinion_search USING fts5(body, tokenize = 'unicode61');
)sql",
    // ---- issue 15 (time): its own step, so that it can be renumbered at a merge ----
    // 3: the device's clocks at each local write (boot id, monotonic ms since that
    // boot, uncorrected wall ms), so that a re-stamp finds each edit's real moment
    // (docs/time.md). 0 = not known: entries from peers, and writes made before.
    R"sql(
ALTER TABLE _changes ADD COLUMN edit_boot INTEGER NOT NULL DEFAULT 0;
ALTER TABLE _changes ADD COLUMN edit_mono INTEGER NOT NULL DEFAULT 0;
ALTER TABLE _changes ADD COLUMN edit_wall INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4: each entry's row scope, so that a scoped pull reads its units' entries
    // through an index instead of walking every unit's (read_since). A row's scope
    // never changes, so the copy stays true. Backfilled from the rows; tbl 0 is a
    // foreign cell (RowStore's kForeignTable), the others are schema_tables.cpp's numbers.
    R"sql(
ALTER TABLE _changes ADD COLUMN scope TEXT NOT NULL DEFAULT '';
UPDATE _changes SET scope = coalesce(CASE tbl
  WHEN 0 THEN (SELECT scope FROM _foreign_cells WHERE rid = _changes.row)
  WHEN 1 THEN (SELECT scope FROM units WHERE rid = _changes.row)
  WHEN 2 THEN (SELECT scope FROM meetings WHERE rid = _changes.row)
  WHEN 3 THEN (SELECT scope FROM opinions WHERE rid = _changes.row)
  WHEN 4 THEN (SELECT scope FROM responses WHERE rid = _changes.row)
  WHEN 5 THEN (SELECT scope FROM status_history WHERE rid = _changes.row)
  WHEN 6 THEN (SELECT scope FROM conflicts WHERE rid = _changes.row)
  WHEN 7 THEN (SELECT scope FROM support_visits WHERE rid = _changes.row)
  END, '');
-- seq is the rowid, which ends every index entry: (scope) serves "scope = ? AND seq > ? by seq".
CREATE INDEX _changes_scope ON _changes(scope);
)sql",
    // 5: a support visit's reason, what was given and who visited, in columns of
    // their own (they were kept in its notes). Cells of them received by an older
    // version wait in _foreign_cells and are adopted on open.
    R"sql(
ALTER TABLE support_visits ADD COLUMN reason TEXT;
ALTER TABLE support_visits ADD COLUMN given TEXT;
ALTER TABLE support_visits ADD COLUMN visitors TEXT;
)sql",
    // ---- issue 18 (units that change): its own step, so that it can be renumbered at a merge ----
    // 6: the units' history (docs/units.md): merges, moves, renames, splits and
    // dissolutions, each a replicated record with its effective date. Rows keep the
    // unit and scope they were recorded in; the scope a device or report sees is
    // resolved through this table, so a merge writes a few cells, never the rows.
    R"sql(
CREATE TABLE unit_events(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, kind TEXT, unit_id TEXT, target_id TEXT, name TEXT,
  effective_on TEXT, _clock BLOB NOT NULL);
CREATE INDEX unit_events_unit ON unit_events(unit_id);
)sql",
    // ---- issue 19 (attachments): its own step, so that it can be renumbered at a merge ----
    // 7: attachments, the records of the blobs kept in "<db>.blobs/" (docs/attachments.md).
    R"sql(
CREATE TABLE attachments(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  _deleted INTEGER NOT NULL DEFAULT 0, meeting_id TEXT, opinion_id TEXT, response_id TEXT, visit_id TEXT,
  sha256 TEXT, size INTEGER, media_type TEXT, caption TEXT, added_by TEXT, added_at TEXT,
  _clock BLOB NOT NULL);
CREATE INDEX attachments_scope ON attachments(scope, added_at);
CREATE INDEX attachments_sha256 ON attachments(sha256);
)sql",
    // ---- issue 19 (sealed identities): its own step, so that it can be renumbered at a merge ----
    // 8: the recording device's clear copy of the complainant identity it sealed
    // (domain/sealed_identity.h): local only, never replicated, dropped once synced.
    R"sql(
CREATE TABLE _sealed_clear(opinion_id TEXT NOT NULL, col TEXT NOT NULL, value TEXT NOT NULL,
                           PRIMARY KEY(opinion_id, col));
)sql",
    // 9: the confidential opinions whose complainant is still in clear, found at each
    // sync without reading every opinion (Database::seal_pending; the WHERE is its query's).
    R"sql(
CREATE INDEX opinions_to_seal ON opinions(id) WHERE confidential = 1 AND _deleted = 0 AND
  ((coalesce(citizen_name, '') <> '' AND citizen_name NOT LIKE 'sealed:v1:%') OR
   (coalesce(citizen_contact, '') <> '' AND citizen_contact NOT LIKE 'sealed:v1:%'));
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof kSteps / sizeof kSteps[0]);

}  // namespace

int latest_version() { return kLatest; }

Result<int> stored_version(sqlite::Connection &conn) {
  auto stmt = conn.prepare("PRAGMA user_version");
  if (!stmt) return stmt.status();
  Status st;
  if (!stmt->step(st)) return st.ok() ? Status(ErrorCode::storage, "cannot read schema version") : st;
  int version = static_cast<int>(stmt->int64(0));
  if (version > kLatest) {
    return Status{ErrorCode::unsupported_version,
                  "the database was written by a newer ykien (schema " + std::to_string(version) +
                      ", this app knows up to " + std::to_string(kLatest) + "): update the app"};
  }
  return version;
}

Status migrate(sqlite::Connection &conn, int target) {
  if (target <= 0 || target > kLatest) target = kLatest;
  auto version = stored_version(conn);
  if (!version) return version.status();
  for (int v = *version; v < target; ++v) {
    sqlite::Transaction txn(conn);
    YKIEN_TRY(txn.begin());
    YKIEN_TRY(conn.exec(kSteps[v]));
    YKIEN_TRY(conn.exec("PRAGMA user_version = " + std::to_string(v + 1)));
    YKIEN_TRY(txn.commit());
  }
  return Status::Ok();
}

}  // namespace ykien::schema
