/*
 * ykien.h — the stable C API of the ykien engine (docs/c-api.md).
 *
 * Plain C: compiles as C99 and as C++. Every name is `ykien_<noun>_<verb>`.
 *
 * Conventions, true of every function unless its comment says otherwise:
 *  - A fallible call returns a status: YKIEN_OK (0) or one of the YKIEN_E* codes
 *    below (stable numbers, the same as the engine's and the sync protocol's).
 *  - What a call creates comes back through its first parameter (`char **out_json`,
 *    `ykien_db **out`). On failure `*out` is set to NULL.
 *  - The error comes back through the last parameter, a `ykien_error` the caller
 *    provides (on the stack is fine) and never frees. Pass NULL if you don't care;
 *    the status still says what happened. On success `err->code` is YKIEN_OK and
 *    the strings are empty. There is no thread-local "last error".
 *  - Strings passed in are UTF-8 and NUL-terminated, borrowed for the duration of
 *    the call only. Strings returned (`char *`) are owned by the caller and freed
 *    with ykien_free() — never with free() of another library or runtime.
 *  - Records cross the boundary as JSON objects (UTF-8) whose keys are the field
 *    names of docs/c-api.md (the engine's records.h). Unknown keys and values of
 *    the wrong type are refused with YKIEN_EINVALID and `err->field` naming them.
 *  - Handles are thread-safe: any thread may call any function on a handle, also
 *    at the same time as other threads (calls on one database are serialized).
 *  - No C++ exception ever leaves a function of this API.
 */
#ifndef YKIEN_H
#define YKIEN_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && !defined(YKIEN_STATIC)
#if defined(YKIEN_BUILDING)
#define YKIEN_API __declspec(dllexport)
#else
#define YKIEN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define YKIEN_API __attribute__((visibility("default")))
#else
#define YKIEN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ------------------------------------------------------------ */

#define YKIEN_VERSION_MAJOR 0
#define YKIEN_VERSION_MINOR 1
#define YKIEN_VERSION_PATCH 0
/* Bumped when a function, a struct field or a JSON key is added or changes. */
#define YKIEN_API_LEVEL 1

/* The library's version as "MAJOR.MINOR.PATCH". Static string: never free it. */
YKIEN_API const char *ykien_version(void);
/* Fills the library's version numbers (any pointer may be NULL); returns its
 * YKIEN_API_LEVEL, which may be greater than the header's. */
YKIEN_API int ykien_version_numbers(int *major, int *minor, int *patch);

/* ---- Errors ------------------------------------------------------------- */

#define YKIEN_OK 0
#define YKIEN_EINVALID 1      /* bad input; err->field names the field */
#define YKIEN_ENOTFOUND 2     /* the record does not exist (or was deleted) */
#define YKIEN_ESTATE 3        /* e.g. a status change that makes no sense; closed handle */
#define YKIEN_ESTORAGE 4      /* SQLite failed: disk full, locked too long, I/O */
#define YKIEN_ECORRUPT 5      /* stored or received data cannot be decoded */
#define YKIEN_EVERSION 6      /* database or message made by a newer version */
#define YKIEN_ECANCELLED 7
#define YKIEN_ENETWORK 8      /* could not reach the peer; retrying may help */
#define YKIEN_EUNAUTHORIZED 9 /* token missing, wrong, or device revoked */
#define YKIEN_EFORBIDDEN 10   /* outside the device's scopes */
#define YKIEN_ECLOCK 11       /* a timestamp beyond the allowed clock drift */
#define YKIEN_ETOOLARGE 12
#define YKIEN_EINTERNAL 13    /* a bug (or out of memory): please report it */
#define YKIEN_ESERVER 14      /* the server failed; retrying later may help */
#define YKIEN_EBADSIG 15      /* a push or bundle not signed, or not by its sender's key */

/* Filled by a failing call. Caller-provided, fixed size: nothing to free.
 * Messages longer than the buffer are cut at a UTF-8 character boundary. */
typedef struct ykien_error {
  int code;           /* YKIEN_OK or a YKIEN_E* code */
  char message[256];  /* for a person: "due_date: is before the meeting (2024-07-03)" */
  char field[64];     /* the input field at fault ("due_date", "changes[3].hlc"), or "" */
} ykien_error;

/* Stable lowercase name of a code ("invalid_argument"); "unknown" for others.
 * Static string: never free it. */
YKIEN_API const char *ykien_error_code_name(int code);

/* Frees a string or buffer this library returned. NULL is fine. */
YKIEN_API void ykien_free(void *p);

/* ---- Callbacks ---------------------------------------------------------- */

/* Called once when a callback registration ends (removed, replaced, or its database
 * closed) and no call to its callback is still running, so `ctx` can be freed.
 * Called on whichever thread ends the registration last. */
typedef void (*ykien_release_fn)(void *ctx);

/* ---- Log sink (process-wide) -------------------------------------------- */

#define YKIEN_LOG_DEBUG 10
#define YKIEN_LOG_INFO 20
#define YKIEN_LOG_WARN 30
#define YKIEN_LOG_ERROR 40

/* `message` is borrowed for the call. Called on the thread that logs, possibly
 * several threads at once; it must not block for long. It may call this API. */
typedef void (*ykien_log_fn)(int level, const char *message, void *ctx);

/* Sends the library's log lines at `min_level` and above to `fn` (NULL = no logging,
 * the default). Replaces the previous sink, whose `release` is then called (see
 * ykien_release_fn). `release` may be NULL. What is logged: databases opened and
 * closed (info), every failed call with its error (debug), sync progress (debug),
 * caught internal errors (error). If `fn` is NULL, `release` and `ctx` are ignored.
 * Errors: none but EINTERNAL (out of memory; `release` is then called at once). */
YKIEN_API int ykien_log_set_sink(ykien_log_fn fn, int min_level, ykien_release_fn release, void *ctx,
                                 ykien_error *err);

/* ---- Database ----------------------------------------------------------- */

/* An open database. Opaque; thread-safe. */
typedef struct ykien_db ykien_db;

typedef struct ykien_open_options {
  unsigned int version; /* YKIEN_OPEN_OPTIONS_VERSION */
  int busy_timeout_ms;  /* wait this long for another process's lock; <= 0 = 5000 */
} ykien_open_options;

#define YKIEN_OPEN_OPTIONS_VERSION 1
#define YKIEN_OPEN_OPTIONS_INIT {YKIEN_OPEN_OPTIONS_VERSION, 5000}

/* Opens or creates the database file at `path` and migrates it forward.
 * `options` may be NULL (defaults). Caller owns `*out`: close with ykien_db_close.
 * Errors: EINVALID (NULL path or out, bad options version), ESTORAGE (cannot open or
 * create the file), EVERSION (made by a newer app). */
YKIEN_API int ykien_db_open(ykien_db **out, const char *path, const ykien_open_options *options,
                            ykien_error *err);

/* Closes the handle. NULL and already-closed handles are ignored. Observers and
 * their release callbacks are released. Calls running on other threads finish
 * first: the file is closed when the last of them returns. Using the handle after
 * this returns gives YKIEN_ESTATE (as long as its address was not reused). */
YKIEN_API void ykien_db_close(ykien_db *db);

/* This replica's site id: 16 hex digits. Caller owns `*out` (ykien_free).
 * Errors: EINVALID, ESTATE (closed handle). */
YKIEN_API int ykien_db_site_id(char **out, ykien_db *db, ykien_error *err);

/* A hash of the replicated state, equal on replicas holding the same changes.
 * Caller owns `*out` (ykien_free). Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_db_state_hash(char **out, ykien_db *db, ykien_error *err);

/* ---- Observers ---------------------------------------------------------- */

/* Rows changed: `table` ("opinions", "meetings", "units", "responses",
 * "status_history", "conflicts", "support_visits", or a table from a newer
 * version met in ykien_changes_apply) and the ids of its rows that changed.
 * All borrowed for the call. Called AFTER the change is committed, on the thread
 * that committed it (the one that called ykien_*), before that call returns;
 * once per table touched. The callback may call this API (also on the same
 * database) — no lock is held. The ids are those of the rows the write changed
 * (as the engine tells: the cells that won in a merge, the conflict records made). */
typedef void (*ykien_observer_fn)(const char *table, const char *const *ids, size_t count, void *ctx);

/* Registers `fn` for the changes made through this handle. `*out_id` (may be NULL)
 * receives an id for ykien_observer_remove. `release` (may be NULL) is called when
 * the registration ends — at once if this call fails.
 * Errors: EINVALID (NULL db or fn), ESTATE (closed handle). */
YKIEN_API int ykien_observer_add(uint64_t *out_id, ykien_db *db, ykien_observer_fn fn, ykien_release_fn release,
                                 void *ctx, ykien_error *err);
/* Ends a registration: `fn` is not called by calls that start after this returns.
 * Errors: EINVALID, ESTATE, ENOTFOUND (no such id). */
YKIEN_API int ykien_observer_remove(ykien_db *db, uint64_t id, ykien_error *err);

/* ---- Units ---------------------------------------------------------------
 * Unit JSON: {"id","code","name","kind","parent_id","scope"} (strings). */

/* Creates a unit (code, name, kind; parent_id or none for a root). `*out_json`
 * (may be NULL if unwanted) receives the unit with its id and scope; caller owns it.
 * Errors: EINVALID, ENOTFOUND (parent), ESTATE, ESTORAGE. */
YKIEN_API int ykien_unit_create(char **out_json, ykien_db *db, const char *unit_json, ykien_error *err);
/* One unit by id. Caller owns `*out_json`. Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_unit_get(char **out_json, ykien_db *db, const char *id, ykien_error *err);
/* Children of `parent_id` (NULL or "" = the roots), by name, as a JSON array.
 * Caller owns `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_unit_list(char **out_json, ykien_db *db, const char *parent_id, ykien_error *err);

/* ---- Meetings ------------------------------------------------------------
 * Meeting JSON: {"id","unit_id","scope","kind","title","held_at","place","chair",
 * "secretary","attendance" (integer),"departments" (array of strings),"notes",
 * "conclusion","closed_at"}. Times are "YYYY-MM-DD HH:MM" (local time). */

/* Creates a meeting. `*out_json` (may be NULL) receives it with id and scope;
 * caller owns it. Errors: EINVALID, ENOTFOUND (unit), ESTATE, ESTORAGE. */
YKIEN_API int ykien_meeting_create(char **out_json, ykien_db *db, const char *meeting_json, ykien_error *err);
/* Caller owns `*out_json`. Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_meeting_get(char **out_json, ykien_db *db, const char *id, ykien_error *err);
/* Changes the fields present in `patch_json` (any meeting field but id, unit_id,
 * scope, closed_at); the others stay. `*out_json` (may be NULL): the meeting after.
 * Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_meeting_update(char **out_json, ykien_db *db, const char *id, const char *patch_json,
                                   ykien_error *err);
/* Records the final attendance and conclusion and marks the meeting closed at
 * `closed_at` ("YYYY-MM-DD HH:MM"; NULL or "" = now). `*out_json` may be NULL.
 * Errors: EINVALID, ENOTFOUND, ESTATE (already closed), ESTORAGE. */
YKIEN_API int ykien_meeting_close(char **out_json, ykien_db *db, const char *id, int64_t attendance,
                                  const char *conclusion, const char *closed_at, ykien_error *err);
/* Meetings of a unit subtree (`scope`; NULL or "" = all) held between `from` and `to`
 * ("YYYY-MM-DD", inclusive; NULL or "" = open), as a JSON array. Caller owns
 * `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_meeting_list(char **out_json, ykien_db *db, const char *scope, const char *from,
                                 const char *to, ykien_error *err);
/* Deletes a meeting (a tombstone that replicates). Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_meeting_delete(ykien_db *db, const char *id, ykien_error *err);

/* ---- Opinions ------------------------------------------------------------
 * Opinion JSON: {"id","meeting_id","unit_id","scope","kind","category","content",
 * "citizen_name","citizen_contact","anonymous" (bool),"confidential" (bool),
 * "jurisdiction","escalated_to","assigned_department","status","due_date",
 * "satisfaction","raised_at","recorded_by"}. */

/* Records an opinion. `*out_json` (may be NULL) receives it with id, scope and
 * status; caller owns it. Errors: EINVALID, ENOTFOUND (meeting/unit), ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_record(char **out_json, ykien_db *db, const char *opinion_json, ykien_error *err);
/* Caller owns `*out_json`. Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_get(char **out_json, ykien_db *db, const char *id, ykien_error *err);
/* Changes the fields present in `patch_json`: kind, category, content, citizen_name,
 * citizen_contact, anonymous, jurisdiction, escalated_to, assigned_department,
 * due_date, satisfaction, raised_at. The status changes only through
 * ykien_opinion_change_status. `*out_json` (may be NULL): the opinion after.
 * Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_update(char **out_json, ykien_db *db, const char *id, const char *patch_json,
                                   ykien_error *err);
/* Moves the opinion to another status and appends to its history. `update_json`:
 * {"to" (required),"note","by","at" ("YYYY-MM-DD HH:MM", "" = now),"reopen" (bool)}.
 * `*out_json` (may be NULL): the opinion after.
 * Errors: EINVALID, ENOTFOUND, ESTATE (a transition that makes no sense), ESTORAGE. */
YKIEN_API int ykien_opinion_change_status(char **out_json, ykien_db *db, const char *id, const char *update_json,
                                          ykien_error *err);
/* Assigns to `department` with `due_date` ("YYYY-MM-DD"); the status becomes
 * assigned. `by` may be NULL. `*out_json` (may be NULL): the opinion after.
 * Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_assign(char **out_json, ykien_db *db, const char *id, const char *department,
                                   const char *due_date, const char *by, ykien_error *err);
/* Opinions matching `filter_json` (NULL or "{}" = all, up to 1000), newest first,
 * as a JSON array. Filter: {"scope","meeting_id","category","status","from","to"
 * ("YYYY-MM-DD"),"overdue_only" (bool),"today","text","limit" (integer)}.
 * Caller owns `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_list(char **out_json, ykien_db *db, const char *filter_json, ykien_error *err);
/* Full-text search: opinions whose content, citizen name or department contain the
 * words of `text`, ignoring case and Vietnamese diacritics ("dat dai" finds
 * "Đất đai"); `filter_json` (may be NULL) narrows as for ykien_opinion_list (its
 * "text" is replaced). Caller owns `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_search(char **out_json, ykien_db *db, const char *text, const char *filter_json,
                                   ykien_error *err);
/* The opinion's status history, oldest first, as a JSON array of
 * {"id","opinion_id","scope","from_status","to_status","note","changed_by","changed_at"}.
 * Caller owns `*out_json`. Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_history(char **out_json, ykien_db *db, const char *id, ykien_error *err);
/* Deletes an opinion (a tombstone that replicates). Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_opinion_delete(ykien_db *db, const char *id, ykien_error *err);

/* ---- Responses (append-only) ---------------------------------------------
 * Response JSON: {"id","opinion_id","scope","kind" (answered_at_meeting,
 * appointment, written_reply),"content","responder","appointment_at",
 * "appointment_place","created_at"}. */

/* Adds a response; it may move the opinion to answered or scheduled. `*out_json`
 * (may be NULL) receives the response. Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_response_add(char **out_json, ykien_db *db, const char *response_json, ykien_error *err);
/* The responses to an opinion, oldest first, as a JSON array. Caller owns `*out_json`.
 * Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_response_list(char **out_json, ykien_db *db, const char *opinion_id, ykien_error *err);

/* ---- Support visits ------------------------------------------------------
 * JSON: {"id","unit_id","scope","meeting_id","household","kind" (gift, visit,
 * volunteer_work),"gift_value_vnd" (integer),"notes","visited_at","reason","given",
 * "visitors"}. */

/* `*out_json` (may be NULL) receives the visit. Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_support_visit_record(char **out_json, ykien_db *db, const char *visit_json, ykien_error *err);

/* ---- Attachments (docs/attachments.md) -----------------------------------
 * Photos (JPEG, PNG, HEIC), scanned documents (PDF) and recordings (MP3, M4A, OGG,
 * WAV, AMR, FLAC), recognised from their first bytes, attached to one meeting,
 * opinion, response or support visit. The file is kept in a folder beside the
 * database ("<db>.blobs/"), named by its SHA-256; the record is replicated.
 * JSON: {"id","scope","meeting_id","opinion_id","response_id","visit_id" (exactly
 * one of these four set),"sha256","size" (bytes),"media_type","caption","added_by",
 * "added_at"}. To add one, give the id of what it is attached to and, if wanted,
 * "caption", "added_by" and "added_at" (default now). */

/* Called as a file is copied into the blob folder: `done` bytes of `total`. Return
 * 0 to go on, anything else to cancel (the call then fails with YKIEN_ECANCELLED,
 * keeping nothing). Called on the calling thread; it must not call into the same
 * database. */
typedef int (*ykien_attachment_progress_fn)(int64_t done, int64_t total, void *ctx);

/* Attaches the file at `path`. The same file attached again to the same record gives
 * the attachment already made; the same bytes are stored once. `progress` may be
 * NULL. `*out_json` (may be NULL) receives the attachment; caller owns it.
 * Errors: EINVALID (err->field "file": unreadable or not an accepted kind; "target":
 * none or several named; another field), ENOTFOUND (what it is attached to),
 * ECANCELLED, ESTATE (closed db; a database in memory), ESTORAGE. */
YKIEN_API int ykien_attachment_add_file(char **out_json, ykien_db *db, const char *path, const char *attachment_json,
                                        ykien_attachment_progress_fn progress, void *ctx, ykien_error *err);
/* The same from `size` bytes in memory (borrowed for the call).
 * Errors: as ykien_attachment_add_file, without ECANCELLED. */
YKIEN_API int ykien_attachment_add_bytes(char **out_json, ykien_db *db, const void *bytes, size_t size,
                                         const char *attachment_json, ykien_error *err);
/* Live attachments in the unit subtree `scope` (NULL or "" = all) attached to `of`
 * (an id of a meeting, opinion, response or visit; NULL or "" = any), as a JSON array
 * of attachments each with "held_here" (true when its file is on this device).
 * Caller owns `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_attachment_list(char **out_json, ykien_db *db, const char *scope, const char *of,
                                    ykien_error *err);

/* An attachment's file opened for reading, from its first byte. Thread-safe; stays
 * readable after its database is closed. */
typedef struct ykien_blob ykien_blob;
/* Opens the file named `sha256` (64 lowercase hex digits). Caller owns `*out`, close
 * it with ykien_blob_close. Errors: EINVALID (NULL), ENOTFOUND (not on this device:
 * not fetched yet), ESTATE, ESTORAGE. */
YKIEN_API int ykien_blob_open(ykien_blob **out, ykien_db *db, const char *sha256, ykien_error *err);
/* Reads up to `capacity` bytes into `buffer`; `*out_read` is how many (0 at the end).
 * Errors: EINVALID (NULL), ESTORAGE. */
YKIEN_API int ykien_blob_read(ykien_blob *blob, void *buffer, size_t capacity, size_t *out_read, ykien_error *err);
/* The file's size in bytes; -1 for NULL. */
YKIEN_API int64_t ykien_blob_size(const ykien_blob *blob);
/* Closes a blob opened by ykien_blob_open. NULL is fine. */
YKIEN_API void ykien_blob_close(ykien_blob *blob);

/* ---- Reports -------------------------------------------------------------- */

/* Figures for a unit subtree and period (docs/reports.md). `request_json` (NULL =
 * everything): {"scope","from","to","today","tree"}; "tree": when units were merged
 * or moved (docs/units.md), "now" (the default: today's units) or "then" (the units
 * of each record's day). `*out_json`: {"scope","from","to",
 * "meetings","meetings_by_kind" (object),"attendance","opinions",
 * "opinions_by_category","opinions_by_status","opinions_by_month","resolved",
 * "withdrawn","resolved_share" (number),"answered_on_spot","answered_on_spot_share"
 * (number),"overdue","satisfaction","escalated","support_visits","gift_value_vnd",
 * "covers" (array of {"unit_id","name","scope"}: the former units merged into the
 * scope's), "parts" (array of {"unit_id","name","scope","meetings","attendance",
 * "opinions","resolved","covers"})}. Caller owns it. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_report_get(char **out_json, ykien_db *db, const char *request_json, ykien_error *err);

/* ---- Change log (replication without the sync client) ----------------------
 * Change JSON, as in the sync protocol (docs/protocol.md, docs/changelog-format.md):
 * {"table","id","scope","col" (the column),
 * "value" (null, integer, number or string),"hlc" (16 hex digits),"site" (16 hex
 * digits),"base" (16 hex digits, optional)}. */

typedef struct ykien_export_options {
  unsigned int version;       /* YKIEN_EXPORT_OPTIONS_VERSION */
  int64_t limit_changes;      /* at most this many changes; <= 0 = 5000 */
  int64_t limit_bytes;        /* about this many bytes of values; <= 0 = 4 MiB */
  const char *scopes_json;    /* JSON array of scopes (rows in or below them); NULL = all */
  const char *exclude_origin; /* skip changes that came from this peer; NULL = none */
  int include_confidential;   /* 0 = leave out confidential cells */
} ykien_export_options;

#define YKIEN_EXPORT_OPTIONS_VERSION 1
#define YKIEN_EXPORT_OPTIONS_INIT {YKIEN_EXPORT_OPTIONS_VERSION, 5000, 4194304, NULL, NULL, 1}

/* Cells changed here after `cursor` (0 = from the start), oldest first, compacted:
 * `*out_json` = {"changes":[...],"next_cursor":N,"more":bool}; pass next_cursor to
 * the next call while "more" is true. `options` may be NULL. Caller owns `*out_json`.
 * Errors: EINVALID (negative cursor, bad options), ESTATE, ESTORAGE. */
YKIEN_API int ykien_changes_export(char **out_json, ykien_db *db, int64_t cursor,
                                   const ykien_export_options *options, ykien_error *err);

typedef struct ykien_apply_options {
  unsigned int version;  /* YKIEN_APPLY_OPTIONS_VERSION */
  const char *origin;    /* the peer these changes came from; NULL = unnamed */
  int detect_conflicts;  /* nonzero: record concurrent edits as conflicts */
} ykien_apply_options;

#define YKIEN_APPLY_OPTIONS_VERSION 1
#define YKIEN_APPLY_OPTIONS_INIT {YKIEN_APPLY_OPTIONS_VERSION, NULL, 0}

/* Merges changes in one transaction: all or nothing; replaying changes nothing.
 * `changes_json`: what ykien_changes_export returned, or a bare array of changes.
 * `*out_json` (may be NULL): {"applied","ignored","conflicts","max_hlc"}.
 * Observers hear of the rows it changed after the commit.
 * Errors: EINVALID (err->field like "changes[3].hlc"), ECORRUPT (not JSON),
 * ESTATE, ESTORAGE. */
YKIEN_API int ykien_changes_apply(char **out_json, ykien_db *db, const char *changes_json,
                                  const ykien_apply_options *options, ykien_error *err);

/* The greatest cursor ykien_changes_export can return now. Errors: EINVALID, ESTATE. */
YKIEN_API int ykien_changes_cursor(int64_t *out, ykien_db *db, ykien_error *err);

/* ---- Conflicts -------------------------------------------------------------
 * Conflict JSON: {"id","scope","table","row_id","column","winner_value",
 * "loser_value" (JSON text of the values),"winner_hlc","loser_hlc","winner_site",
 * "loser_site","status" (open, resolved),"resolution","resolved_by"}. */

/* Conflicts (only the open ones if `open_only` is nonzero), as a JSON array.
 * Caller owns `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_conflict_list(char **out_json, ykien_db *db, int open_only, ykien_error *err);
/* Writes `value_json` (a JSON value: the winner's, the loser's or another) into the
 * conflicting cell and marks the conflict resolved by `by` (may be NULL).
 * Errors: EINVALID, ENOTFOUND, ESTATE, ESTORAGE. */
YKIEN_API int ykien_conflict_resolve(ykien_db *db, const char *conflict_id, const char *value_json, const char *by,
                                     ykien_error *err);

/* ---- Sync with a server (docs/protocol.md) ---------------------------------
 * A ykien_sync pairs an open database with a server URL and an HTTP transport:
 * libcurl by default, or the host app's own (OkHttp, URLSession) through
 * ykien_http_fn. Libraries built without sync (or without libcurl, as for mobile)
 * say so with YKIEN_ESTATE (or YKIEN_EINVALID for a missing `http`). */

typedef struct ykien_sync ykien_sync;

/* One HTTP exchange the sync wants. All borrowed for the callback's duration. */
typedef struct ykien_http_request {
  const char *method;                /* "GET" or "POST" */
  const char *url;                   /* absolute: "https://hub.example/v1/push" */
  const char *const *header_names;   /* send each header as given */
  const char *const *header_values;
  size_t header_count;
  const char *body;                  /* bytes (gzip when a header says so): may hold NULs */
  size_t body_size;
} ykien_http_request;

/* Where the transport puts the reply: filled with the setters below. Borrowed
 * for the callback's duration. */
typedef struct ykien_http_response ykien_http_response;

/* Performs one exchange on the thread running the sync (one at a time per
 * ykien_sync). Return 0 when a response came, whatever its HTTP status, after
 * setting it with the setters; return nonzero when none came (DNS, connect, TLS,
 * timeout), optionally explaining with ykien_http_response_set_error. The body must
 * be given decoded (no Content-Encoding), as OkHttp and URLSession do by default. */
typedef int (*ykien_http_fn)(const ykien_http_request *request, ykien_http_response *response, void *ctx);

/* Setters for the transport callback. They copy their arguments.
 * Errors: EINVALID (NULL response, header name or value; NULL body with size > 0). */
YKIEN_API int ykien_http_response_set_status(ykien_http_response *response, int status);
YKIEN_API int ykien_http_response_add_header(ykien_http_response *response, const char *name, const char *value);
YKIEN_API int ykien_http_response_set_body(ykien_http_response *response, const char *body, size_t size);
YKIEN_API int ykien_http_response_set_error(ykien_http_response *response, const char *message);

/* ---- The device's secrets (docs/security.md, "The key store") ---------------
 * The device token and the signing secret key are kept apart from the database: by
 * default in the file "<db>.keys" beside it (mode 0600), or in the host's own store
 * (Android Keystore, the iOS Keychain) through these callbacks. Secrets an older
 * database kept in its settings are moved to the store on first use. Names are
 * short ASCII ("sync.token", "sync.signing_secret"); values are ASCII too. */

/* Where a get puts the secret it found: filled with ykien_secret_set. Borrowed for
 * the callback's duration. */
typedef struct ykien_secret ykien_secret;
/* Copies `value` (`size` bytes) as the secret found. Not called = none kept.
 * Errors: EINVALID (NULL secret; NULL value with size > 0). */
YKIEN_API int ykien_secret_set(ykien_secret *secret, const char *value, size_t size);

/* Each returns 0 on success, nonzero when the store failed (locked, unavailable):
 * the call that needed it then fails with ESTORAGE naming the secret, and nothing
 * is applied. Called on the thread of the ykien call that needs them. */
typedef struct ykien_key_store {
  unsigned int version;                                              /* YKIEN_KEY_STORE_VERSION */
  int (*get)(void *ctx, const char *name, ykien_secret *out);        /* none kept: leave `out` unset */
  int (*put)(void *ctx, const char *name, const char *value);        /* replaces any */
  int (*erase)(void *ctx, const char *name);                         /* none kept is a success */
  ykien_release_fn release; /* called for ctx when the ykien_sync holding it is freed; may be NULL */
  void *ctx;
} ykien_key_store;

#define YKIEN_KEY_STORE_VERSION 1
#define YKIEN_KEY_STORE_INIT {YKIEN_KEY_STORE_VERSION, NULL, NULL, NULL, NULL, NULL}

typedef struct ykien_sync_options {
  unsigned int version;        /* YKIEN_SYNC_OPTIONS_VERSION */
  const char *server_url;      /* "https://hub.example" (required) */
  ykien_http_fn http;          /* the host's transport; NULL = libcurl */
  ykien_release_fn http_release; /* called for http_ctx when the ykien_sync is freed; may be NULL */
  void *http_ctx;
  int max_attempts;            /* tries per exchange (network errors, 5xx); <= 0 = default */
  int skip_tls_verify;         /* libcurl only: 1 = accept any certificate (tests against a
                                  self-signed server only). 0, as in a zeroed struct,
                                  verifies. (Version 1 named it verify_tls, meaning the
                                  opposite; a version 1 struct is still read that way.) */
  const char *ca_file;         /* libcurl only: CA bundle; NULL = the system's */
  int allow_plain_http;        /* version 2: 1 = an http:// server_url on another machine is
                                  allowed (a lab network). 0 refuses it: the token and the
                                  citizens' data would cross the network in clear.
                                  http:// to this machine (127.0.0.1, ::1, localhost) is
                                  always allowed. */
  const ykien_key_store *key_store; /* version 3: the host's store of the device's secrets,
                                  copied (its release runs when the ykien_sync is freed,
                                  or when ykien_sync_new fails). NULL = the file
                                  "<db>.keys" beside the database (in its settings for
                                  a database in memory). Bundle exports of the database
                                  sign with the store of its last ykien_sync, while it
                                  is not freed. */
} ykien_sync_options;

#define YKIEN_SYNC_OPTIONS_VERSION 3
#define YKIEN_SYNC_OPTIONS_INIT {YKIEN_SYNC_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, NULL}

/* Where a sync stands; borrowed for the progress callback's duration. */
typedef struct ykien_sync_progress {
  const char *phase;       /* "push" or "pull" */
  int64_t pushed;          /* changes the server accepted */
  int64_t pulled;          /* changes received */
  int64_t refused;         /* changes the server refused (kept, see ykien_sync_refused) */
  int64_t bytes_sent;
  int64_t bytes_received;
  int64_t round_trips;
} ykien_sync_progress;

/* Called on the syncing thread after each exchange. It must not call
 * ykien_sync_run on the same ykien_sync; ykien_sync_cancel is fine. */
typedef void (*ykien_progress_fn)(const ykien_sync_progress *progress, void *ctx);

/* Creates a sync client for `db`. Caller owns `*out`: free with ykien_sync_free
 * (before or after closing the database: the sync keeps what it needs alive, but
 * runs after the close fail with ESTATE). `http_release` runs even when this fails.
 * Errors: EINVALID (NULL arguments, no server_url, bad options version, no `http`
 * in a library built without libcurl), ESTATE (closed db; built without sync). */
YKIEN_API int ykien_sync_new(ykien_sync **out, ykien_db *db, const ykien_sync_options *options, ykien_error *err);
/* Frees the client; a sync running on another thread finishes first (cancel it to
 * hurry). NULL and freed handles are ignored. */
YKIEN_API void ykien_sync_free(ykien_sync *sync);

/* Trades a one-time enrollment code for this device's id, token and scopes (the token
 * in the key store, the rest in the database). `*out_json` (may be NULL): {"device_id","scopes":[...],"server_time_ms"}
 * (the token stays inside). Errors: EINVALID, EUNAUTHORIZED (unknown, used or expired
 * code), ENETWORK, ESERVER, ESTATE (a sync is running on this handle), ECANCELLED. */
YKIEN_API int ykien_sync_enroll(char **out_json, ykien_sync *sync, const char *code, const char *device_name,
                                ykien_error *err);

/* Pushes every pending local change, then pulls until caught up, on the calling
 * thread (call it from a worker, not the UI thread). Safe to cut at any point: the
 * next run resumes without loss or duplicates. `progress` (may be NULL) is called
 * after each exchange. Observers of the database hear of the rows pulled.
 * `*out_json` (may be NULL): {"phase","pushed","pulled","refused","bytes_sent",
 * "bytes_received","round_trips","retries","conflicts","restamped",
 * "clock_offset_ms","caught_up"}. Caller owns it.
 * Errors: ECANCELLED, ENETWORK (after retries), EUNAUTHORIZED (not enrolled, wrong or
 * revoked token), EFORBIDDEN, EVERSION, ESERVER, ESTORAGE, ESTATE (a sync is already
 * running on this handle, or the database was closed). */
YKIEN_API int ykien_sync_run(char **out_json, ykien_sync *sync, ykien_progress_fn progress, void *ctx,
                             ykien_error *err);

/* Asks the sync running now on this handle to stop at its next exchange or backoff
 * wait (an HTTP exchange in flight finishes first); it then fails with ECANCELLED.
 * Any thread. Errors: EINVALID, ESTATE (freed handle). */
YKIEN_API int ykien_sync_cancel(ykien_sync *sync, ykien_error *err);

/* Changes the server refused so far, oldest first: a JSON array of
 * {"change":{...},"code","message"}. Caller owns `*out_json`. Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_sync_refused(char **out_json, ykien_sync *sync, ykien_error *err);

/* ---- A lost tablet: the wipe (docs/security.md) -----------------------------
 * A revoked device's next sync fails with EUNAUTHORIZED and the server's order to
 * erase itself. The host then: checks ykien_sync_wipe_ordered; closes the database
 * (ykien_db_close); erases its files and secrets (ykien_erase_database_files); tells
 * the server (ykien_sync_report_wiped); frees the ykien_sync. */

/* Sets `*out_ordered` to 1 when the server ordered this device to erase itself, else
 * 0. When 1, the sync keeps the device token in memory for ykien_sync_report_wiped
 * and lets go of the database, so that ykien_db_close closes its files (its other
 * calls then fail with ESTATE). Errors: EINVALID, ESTATE (the database was closed; a
 * sync is running on this handle), ESTORAGE, and the key store's. */
YKIEN_API int ykien_sync_wipe_ordered(int *out_ordered, ykien_sync *sync, ykien_error *err);

/* Overwrites with zeros, flushes and removes the database at `db_path`, its journals,
 * its key file ("<db>.keys") and its attachments' folder ("<db>.blobs/"); then, when
 * `key_store` is not NULL (borrowed for the call; its release is not called), erases
 * the device's secrets from it. Missing files are skipped. Close the database first.
 * Errors: EINVALID, ESTORAGE (naming the file, or the host store's failure). */
YKIEN_API int ykien_erase_database_files(const char *db_path, const ykien_key_store *key_store, ykien_error *err);

/* Tells the server that this device erased itself (POST /v1/wiped), with the token
 * remembered by ykien_sync_wipe_ordered (or read from the key store if still there).
 * Works after the database is closed. Errors: EINVALID, EUNAUTHORIZED (no token, or
 * one the server does not know), ESTATE (the device is not revoked), ENETWORK, ESERVER. */
YKIEN_API int ykien_sync_report_wiped(ykien_sync *sync, ykien_error *err);

/* ---- Bundles: sync by file where there is no network (docs/bundle-format.md) --
 * A bundle is one file (USB stick, SD card) holding the changes a named peer lacks,
 * with a manifest and a SHA-256 checksum. Each database goes by a name in bundles
 * (ykien_bundle_set_name; by default its sync device id, else its site id) and keeps
 * per-peer cursors, so a bundle in return does not resend what arrived. Libraries
 * built without sync say so with YKIEN_ESTATE. */

/* Where an export or import stands; borrowed for the callback's duration. */
typedef struct ykien_bundle_progress {
  const char *phase; /* "export", "write" (export); "read", "apply" (import) */
  int64_t done;      /* changes handled so far */
  int64_t total;     /* changes in all; 0 while unknown */
} ykien_bundle_progress;

/* Called on the calling thread during ykien_bundle_export / ykien_bundle_import.
 * It must not call back into the same database. */
typedef void (*ykien_bundle_progress_fn)(const ykien_bundle_progress *progress, void *ctx);

/* Sets the name this database goes by in bundles (1 to 128 bytes of UTF-8).
 * Errors: EINVALID, ESTATE, ESTORAGE. */
YKIEN_API int ykien_bundle_set_name(ykien_db *db, const char *name, ykien_error *err);

/* Writes to `path` a bundle for `peer` with every change here that `peer` has not
 * acknowledged, except those that came from it. The file appears whole or not at
 * all (an existing file is replaced). `progress` may be NULL. `*out_json` (may be
 * NULL): {"id","for","from","changes","bytes","from_cursor","to_cursor",
 * "received_cursor"}. Caller owns it: free with ykien_free.
 * Errors: EINVALID (NULL or unusable peer or path), ESTORAGE (cannot write the file),
 * ETOOLARGE, ESTATE (closed db; built without sync). */
YKIEN_API int ykien_bundle_export(char **out_json, ykien_db *db, const char *peer, const char *path,
                                  ykien_bundle_progress_fn progress, void *ctx, ykien_error *err);

/* Verifies the bundle at `path` (format version, checksum, content) and applies all
 * its changes in one transaction, with the peer's cursors; nothing is applied when
 * it fails. Importing a bundle again, or an older one, changes nothing. Observers
 * hear of the rows it brought. `progress` may be NULL. `*out_json` (may be NULL):
 * {"from","for","changes","applied","ignored","conflicts","in_sequence"}. Caller
 * owns it: free with ykien_free.
 * Errors: ENOTFOUND (no such file), ECORRUPT (not a bundle, truncated, checksum
 * mismatch), EVERSION (a newer bundle format), EINVALID (NULL path; err->field "for":
 * made for another peer), ETOOLARGE, ESTATE, ESTORAGE. */
YKIEN_API int ykien_bundle_import(char **out_json, ykien_db *db, const char *path, ykien_bundle_progress_fn progress,
                                  void *ctx, ykien_error *err);

#ifdef __cplusplus
}
#endif

#endif /* YKIEN_H */
