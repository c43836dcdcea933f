// Sync by file where there is no network: a bundle carries the changes a peer
// lacks, with a manifest and a checksum, on a USB stick or an SD card.
// Format in prose: docs/bundle-format.md.
//
// Peers are named: a database goes by its bundle name (bundle_name()) and keeps,
// per peer name, three cursors in its settings (not replicated):
//   sent      - its own log position the last bundle for that peer reached;
//   acked     - its own log position the peer confirmed holding (the "received"
//               cursor of the peer's bundles); the next bundle starts here, so a
//               lost bundle costs nothing but a resend;
//   received  - the peer's log position up to which this database holds all the
//               peer's changes; sent back as the acknowledgement.
// Thread-safety: as the replica (a Database serializes its calls; a server's
// replica is thread-safe); the functions keep no state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ykien/changes.h"
#include "ykien/clock.h"
#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/export.h"
#include "ykien/status.h"
#include "ykien/sync/key_store.h"

namespace ykien::sync {

// The bundle format this build writes and reads (docs/bundle-format.md, "Versions").
// Version 2 is signed (Ed25519, its exporter's key); version 1 files, unsigned, are
// still read, and refused where the exporter's key is known.
inline constexpr int kBundleFormatVersion = 2;

// What a bundle's header says about it.
struct BundleManifest {
  int format = kBundleFormatVersion;
  std::string id;             // UUIDv7 of this bundle
  std::string exporter;       // the exporter's bundle name (the origin at the importer)
  std::string exporter_site;  // the exporter database's site id (16 hex digits)
  std::string for_peer;       // the name of the peer it was made for
  int64_t created_ms = 0;     // exporter's clock, ms since the Unix epoch (UTC)
  int64_t from_cursor = 0;    // the exporter's changes after this position...
  int64_t to_cursor = 0;      // ...up to this one (the exporter's "sent" cursor)
  int64_t received_cursor = 0;  // the peer's position up to which the exporter holds all its changes
  // The exporter's clock (Replica::last_hlc) when it wrote the bundle, and the peer's
  // as its bundle that took received_cursor said it: what proves the acknowledgement
  // is of the peer's present log (Replica::wrote_after). Empty in older files.
  std::string exporter_hlc{};
  std::string received_hlc{};
  int64_t changes = 0;          // number of changes in the payload
  std::vector<std::string> scopes;  // only rows in these scopes; empty = all
  bool confidential = true;         // false: confidential cells were left out
  int64_t payload_bytes = 0;        // size of the gzip payload in the file
  // The exporter's Ed25519 public key (64 hex digits) and its signature of the file
  // (128 hex); both empty in a version 1 file. Reading checks that the signature
  // matches the key; whether the key is the exporter's is the importer's check.
  std::string signer_key{};
  std::string signature{};
};

struct BundleProgress {
  std::string phase;  // "export", "write" / "read", "apply"
  int64_t done = 0;   // changes handled so far
  int64_t total = 0;  // changes in all; 0 while unknown
};
using BundleProgressFn = std::function<void(const BundleProgress &)>;

struct BundleExportOptions {
  // The name this database goes by for the peer; empty = bundle_name(db).
  std::string self;
  // Only rows in (or below) these scopes, e.g. an enrolled device's; empty = all.
  std::vector<std::string> scopes;
  bool include_confidential = true;
  BundleProgressFn on_progress;  // called on the calling thread; may be empty
  // (No clock here: "created" and the "now" stamps are checked against are the
  // database's corrected clock, Replica::now_ms.)
  // Before writing, when an own change the peer did not acknowledge is stamped more
  // than tuning::kMaxClockDriftMs ahead of now (made while the clock ran ahead; the
  // importer would refuse it, DESIGN.md "Time"), give new stamps
  // (Database::restamp_local_changes) to the own changes from the first such one on.
  // Off where peers may hold such changes unrecorded (a server: devices pull its changes).
  bool restamp_ahead = true;
  // Conflict records as their detector made them (ExportOptions::conflict_records). A
  // tablet's bundles leave them out, as its pushes do: the server refuses a device's
  // conflict records, and every replica that receives both writes makes the same
  // record, same id, itself (docs/server.md, "Conflicts").
  bool conflict_records = true;
  // Where the exporter's signing secret lies (ykien/sync/key_store.h): its sync
  // client's store. Null = default_key_store(db) for a Database (export_bundle's
  // Database overload, as the sync client's default), else the replica's settings
  // (a server's, a hub's).
  std::shared_ptr<KeyStore> key_store;
};

struct BundleExportReport {
  BundleManifest manifest;
  int64_t file_bytes = 0;
  int64_t restamped = 0;  // own cells given new stamps first (restamp_ahead); 0 = none
};

// Writes to `path` a bundle for `peer` holding every change here that `peer` has
// not acknowledged, leaving out those that came from `peer` (their origin), and
// records the "sent" cursor. The file appears whole or not at all (temporary file,
// fsync, rename); an existing file at `path` is replaced.
// Own changes stamped ahead of the clock are re-stamped first (restamp_ahead).
// Errors: invalid_argument (empty or unusable peer name), storage (cannot write the
// file or read the database), too_large (beyond tuning::kMaxBundleBytes).
YKIEN_CXX_API Result<BundleExportReport> export_bundle(Replica &db, const std::string &peer, const std::string &path,
                                         const BundleExportOptions &options = {});

struct BundleImportOptions {
  // Names this database answers to (the bundle's "for" must be one of them);
  // empty = bundle_names(db).
  std::vector<std::string> self_names;
  // Called after the file is verified and decoded, before anything is applied. May
  // refuse the bundle (its Status is returned, nothing applied) and may change
  // `*peer`, the name the exporter's cursors are kept under and the origin recorded
  // on its changes (default: manifest.exporter), and `*writer`, what the core's
  // write policy holds the exporter to (default: a peer that checked what it
  // sends). The server uses it to check a device's bundle as its pushes.
  std::function<Status(const BundleManifest &manifest, const std::vector<Change> &changes, std::string *peer,
                       Writer *writer)>
      check;
  // Called after the commit with the changes of the bundle (for observers).
  std::function<void(const std::vector<Change> &changes)> on_applied;
  BundleProgressFn on_progress;
  // A bundle holding a change stamped more than this ahead of now (the database's
  // corrected clock, Replica::now_ms) is refused whole with clock_drift: such a stamp
  // would win every later edit (DESIGN.md, "Time"). 0 = tuning::kMaxClockDriftMs,
  // the limit a sync server puts on pushes.
  int64_t max_clock_drift_ms = 0;
};

struct BundleImportReport {
  BundleManifest manifest;
  std::string peer;        // the origin the changes were recorded with
  int64_t applied = 0;     // cells that won and were written
  int64_t ignored = 0;     // older than or identical to what is here (e.g. imported before)
  int64_t conflicts = 0;   // conflict records created
  bool in_sequence = true; // false: an earlier bundle from this peer is missing; its changes
                           // were applied, but "received" did not move (the next bundle repairs it)
  bool acknowledged = false;  // the peer's acknowledgement moved this database's "acked" cursor
  int64_t outside = 0;        // changes of rows outside the units this device was enrolled for: left out
};

// Verifies the file at `path` (format version, then checksum, then manifest and
// changes, then its signature; then that the signer is the key known for its
// exporter: the server's for "server", else the key first seen from that name,
// pinned in the setting bundle.peer.<name>.key) before touching the database, then applies all its changes and the
// updated cursors in one transaction (origin = the exporter, conflict detection
// on). Importing the same bundle again, or an older one after a newer one, changes
// nothing but what merging does anyway (nothing).
// Errors: not_found (no such file), storage (unreadable file, database),
// corrupt (not a bundle, truncated, checksum mismatch, malformed content),
// bad_signature (the signature does not match the contents, another key than the
// exporter's signed it, or an unsigned bundle from an exporter whose key is known),
// unsupported_version (a newer bundle format), invalid_argument (field "for": the
// bundle is for another peer), whatever `check` returns, then clock_drift (field
// "changes[i].hlc": a change stamped beyond max_clock_drift_ms; the message names the
// exporter, how far ahead, and what to do).
YKIEN_CXX_API Result<BundleImportReport> import_bundle(Replica &db, const std::string &path,
                                         const BundleImportOptions &options = {});

// Reads and verifies the file at `path` without touching any database: the manifest
// and, if `changes` is not null, the changes. Errors: as import_bundle's file errors.
YKIEN_CXX_API Result<BundleManifest> read_bundle(const std::string &path, std::vector<Change> *changes = nullptr);

// This database's bundle name: the setting "bundle.name" if set, else its sync
// device id if it is enrolled with a server, else its site id (16 hex digits).
YKIEN_CXX_API Result<std::string> bundle_name(Replica &db);
// Every name a bundle may be addressed to here: bundle_name(), the device id, the site id.
YKIEN_CXX_API Result<std::vector<std::string>> bundle_names(Replica &db);
// Sets the name this database goes by in bundles. Errors: invalid_argument, storage.
YKIEN_CXX_API Status set_bundle_name(Replica &db, const std::string &name);

// The cursors kept for `peer` (all 0 for a peer never seen).
struct BundlePeerState {
  int64_t sent = 0;
  int64_t acked = 0;
  int64_t received = 0;
};
YKIEN_CXX_API Result<BundlePeerState> bundle_peer_state(Replica &db, const std::string &peer);

// The name a server answers to for bundles (ykien-server admin bundle import).
inline constexpr const char *kServerPeerName = "server";

// The same on a Database (its replica). A Database is a tablet's: in a bundle for the
// server the conflict records it made stay with it, as in its pushes
// (BundleExportOptions::conflict_records); a peer tablet gets them, so that the two
// keep one copy of each record.
// Attachments' blobs go beside the bundle, in "<path>.blobs/<sha256>" (docs/bundle-format.md,
// "Attachments"): the export copies there the blobs this database holds of the attachment
// records the bundle carries; the import, once the bundle is applied, takes in those it
// lacks, each checked against its name (one that does not hash to it is not kept).
// `from`/`into`: a Database's blobs(), or a server's blob folder (its admin bundle).
YKIEN_CXX_API Status export_bundle_blobs(const BlobStore &from, const std::string &path);
YKIEN_CXX_API Status import_bundle_blobs(BlobStore &into, const std::string &path);
inline Result<BundleExportReport> export_bundle(Database &db, const std::string &peer, const std::string &path,
                                                const BundleExportOptions &options = {}) {
  BundleExportOptions tablet = options;
  if (peer == kServerPeerName) tablet.conflict_records = false;
  if (!tablet.key_store) tablet.key_store = default_key_store(db);  // as its sync client's
  auto report = export_bundle(db.replica(), peer, path, tablet);
  if (report.ok()) YKIEN_TRY(export_bundle_blobs(db.blobs(), path));
  return report;
}
inline Result<BundleImportReport> import_bundle(Database &db, const std::string &path,
                                                const BundleImportOptions &options = {}) {
  auto report = import_bundle(db.replica(), path, options);
  if (report.ok()) YKIEN_TRY(import_bundle_blobs(db.blobs(), path));
  return report;
}
inline Result<std::string> bundle_name(Database &db) { return bundle_name(db.replica()); }
inline Result<std::vector<std::string>> bundle_names(Database &db) { return bundle_names(db.replica()); }
inline Status set_bundle_name(Database &db, const std::string &name) { return set_bundle_name(db.replica(), name); }
inline Result<BundlePeerState> bundle_peer_state(Database &db, const std::string &peer) {
  return bundle_peer_state(db.replica(), peer);
}

// Checks a peer name: 1 to 128 bytes of UTF-8 without control characters.
YKIEN_CXX_API Status check_peer_name(const std::string &name, const std::string &field);

}  // namespace ykien::sync
