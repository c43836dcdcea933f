// Export and import of bundles with their per-peer cursors (docs/bundle-format.md,
// "Cursors"). The file layout is in bundle_file.cpp.
#include "ykien/sync/bundle.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "bundle_file.h"
#include "settings_keys.h"
#include "signing.h"
#include "ykien/hlc.h"
#include "ykien/unit_tree.h"
#include "ykien/uuid.h"
#include "ykien/sync/tuning.h"

namespace ykien::sync {
namespace {

constexpr const char *kNameKey = "bundle.name";

std::string peer_key(const std::string &peer, const char *which) { return "bundle.peer." + peer + "." + which; }

// A change-log position kept in a setting; 0 when unset.
Result<int64_t> get_cursor_setting(Replica &db, const std::string &key) {
  auto text = db.setting(key);
  if (!text) return text.status();
  if (text->empty()) return int64_t{0};
  try {
    size_t used = 0;
    const int64_t v = std::stoll(*text, &used);
    if (used != text->size() || v < 0) throw std::invalid_argument("cursor");
    return v;
  } catch (const std::exception &) {
    return Status(ErrorCode::corrupt, "setting " + key + " is not a cursor: " + *text);
  }
}

Result<int64_t> get_cursor(Replica &db, const std::string &peer, const char *which) {
  return get_cursor_setting(db, peer_key(peer, which));
}

Status set_cursor(Replica &db, const std::string &peer, const char *which, int64_t value) {
  return db.set_setting(peer_key(peer, which), std::to_string(value));
}

// The key a bundle from `exporter` (recorded as `peer`) must be signed with: the
// server's, as learnt at enrollment, for the name "server"; else the key first seen
// from that peer. "" when none is known yet (docs/bundle-format.md, "Signatures").
Result<std::string> known_signer(Replica &db, const BundleManifest &m, const std::string &peer) {
  if (m.exporter == kServerPeerName) {
    auto server = db.setting(keys::kServerKey);
    if (!server) return server.status();
    if (!server->empty()) return server;
  }
  return db.setting(peer_key(peer, "key"));
}

// A bundle is authenticated by its signature, not by the name written inside it.
Status check_signer(const BundleManifest &m, const std::string &known) {
  if (known.empty()) return {};
  if (m.signer_key.empty())
    return {ErrorCode::bad_signature,
            "the bundle from \"" + m.exporter + "\" is not signed, but this database knows the key of \"" +
                m.exporter + "\": it was made by an app older than signatures, or altered; nothing was applied. "
                "Export it again there with a current app",
            "signer_key"};
  if (m.signer_key != known)
    return {ErrorCode::bad_signature,
            "the bundle says it comes from \"" + m.exporter + "\" but another key signed it: it was forged, or "
                "made by another database under that name; nothing was applied. Import only bundles exported by "
                "that device itself",
            "signer_key"};
  return {};
}

void report(const BundleProgressFn &fn, const char *phase, int64_t done, int64_t total) {
  if (fn) fn(BundleProgress{phase, done, total});
}

int64_t stamp_ms(const Change &c) { return static_cast<int64_t>(c.hlc.millis()); }

std::string count_of(int64_t n, const char *unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// "3 days", "5 hours", "12 minutes": rounded, in the largest unit that keeps the
// number at 2 or more (so "36 hours", not "1 day").
std::string describe_duration(int64_t ms) {
  constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  const auto in = [ms](int64_t unit) { return (ms + unit / 2) / unit; };
  if (in(kDay) >= 2) return count_of(in(kDay), "day");
  if (in(kHour) >= 2) return count_of(in(kHour), "hour");
  if (in(kMinute) >= 2) return count_of(in(kMinute), "minute");
  return count_of(in(kSecond), "second");
}

// Every change after `from` that the export options select; `*to` gets the last
// log position read.
Result<std::vector<Change>> collect_changes(Replica &db, int64_t from, const ExportOptions &eo,
                                            const BundleProgressFn &on_progress, int64_t *to) {
  std::vector<Change> changes;
  int64_t cursor = from;
  report(on_progress, "export", 0, 0);
  for (;;) {
    auto batch = db.export_changes(cursor, eo);
    if (!batch) return batch.status();
    changes.insert(changes.end(), std::make_move_iterator(batch->changes.begin()),
                   std::make_move_iterator(batch->changes.end()));
    cursor = batch->next_cursor;
    report(on_progress, "export", static_cast<int64_t>(changes.size()), 0);
    if (!batch->more) break;
  }
  *to = cursor;
  return changes;
}

// Re-stamps own changes made while the clock ran ahead (Replica::restamp_from_first_ahead),
// never before what `acked` or the push cursor says a peer holds.
Result<int64_t> restamp_ahead(Replica &db, int64_t acked, int64_t limit_ms) {
  auto pushed = get_cursor_setting(db, keys::kPushCursor);
  if (!pushed) return pushed.status();
  return db.restamp_from_first_ahead(std::max(acked, *pushed), limit_ms);
}

// True when one of `changes` is this replica's own and stamped after `limit_ms`.
bool has_own_stamp_after(const std::vector<Change> &changes, SiteId site, int64_t limit_ms) {
  return std::any_of(changes.begin(), changes.end(), [&](const Change &c) {
    return c.site == site && stamp_ms(c) > limit_ms;
  });
}

// DESIGN.md, "Time": a stamp far ahead of the importer's clock would win every
// later edit. Refuses the bundle when a change is stamped more than `max_drift_ms`
// after `now_ms`.
Status check_stamps(const BundleManifest &m, const std::vector<Change> &changes, int64_t now_ms,
                    int64_t max_drift_ms) {
  const int64_t limit_ms = now_ms + max_drift_ms;
  int64_t ahead = 0, latest_ms = 0;
  size_t first = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (stamp_ms(changes[i]) <= limit_ms) continue;
    if (ahead++ == 0) first = i;
    latest_ms = std::max(latest_ms, stamp_ms(changes[i]));
  }
  if (ahead == 0) return {};
  return {ErrorCode::clock_drift,
          "the bundle from \"" + m.exporter + "\" holds " + std::to_string(ahead) + " change(s) stamped up to " +
              describe_duration(latest_ms - now_ms) + " ahead of this database's clock (at most " +
              describe_duration(max_drift_ms) + " allowed); nothing was applied. Set the clock of \"" + m.exporter +
              "\" right (or this computer's, if it is the wrong one), then export a new bundle there and import that one",
          "changes[" + std::to_string(first) + "].hlc"};
}

}  // namespace

Status check_peer_name(const std::string &name, const std::string &field) {
  if (name.empty()) return Status::Invalid(field, "is empty");
  if (name.size() > 128) return Status::Invalid(field, "is longer than 128 bytes");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return Status::Invalid(field, "holds a control character");
  }
  return {};
}

Result<std::string> bundle_name(Replica &db) {
  auto name = db.setting(kNameKey);
  if (!name) return name.status();
  if (!name->empty()) return *name;
  auto device = db.setting(keys::kDeviceId);
  if (!device) return device.status();
  if (!device->empty()) return *device;
  return site_to_string(db.site_id());
}

Result<std::vector<std::string>> bundle_names(Replica &db) {
  std::vector<std::string> names;
  auto name = db.setting(kNameKey);
  if (!name) return name.status();
  if (!name->empty()) names.push_back(*name);
  auto device = db.setting(keys::kDeviceId);
  if (!device) return device.status();
  if (!device->empty()) names.push_back(*device);
  names.push_back(site_to_string(db.site_id()));
  return names;
}

Status set_bundle_name(Replica &db, const std::string &name) {
  YKIEN_TRY(check_peer_name(name, "name"));
  return db.set_setting(kNameKey, name);
}

Result<BundlePeerState> bundle_peer_state(Replica &db, const std::string &peer) {
  BundlePeerState s;
  auto sent = get_cursor(db, peer, "sent");
  if (!sent) return sent.status();
  auto acked = get_cursor(db, peer, "acked");
  if (!acked) return acked.status();
  auto received = get_cursor(db, peer, "received");
  if (!received) return received.status();
  s.sent = *sent;
  s.acked = *acked;
  s.received = *received;
  return s;
}

Result<BundleExportReport> export_bundle(Replica &db, const std::string &peer, const std::string &path,
                                         const BundleExportOptions &options) {
  YKIEN_TRY(check_peer_name(peer, "for"));
  if (path.empty()) return Status::Invalid("path", "is empty");
  BundleManifest m;
  if (options.self.empty()) {
    auto self = bundle_name(db);
    if (!self) return self.status();
    m.exporter = *self;
  } else {
    YKIEN_TRY(check_peer_name(options.self, "self"));
    m.exporter = options.self;
  }
  if (m.exporter == peer) return Status::Invalid("for", "names this database itself (" + peer + ")");
  auto state = bundle_peer_state(db, peer);
  if (!state) return state.status();
  m.id = new_uuid_v7(db.clock());
  m.exporter_site = site_to_string(db.site_id());
  m.for_peer = peer;
  m.created_ms = db.now_ms();
  auto end = db.current_cursor();
  if (!end) return end.status();
  m.from_cursor = std::min(state->acked, *end);
  m.received_cursor = state->received;
  // (Zero in a process that has not yet read or written a stamp, an admin command's:
  // then not said, and the peer's acknowledgement of it is checked as before.)
  if (!db.last_hlc().is_zero()) m.exporter_hlc = db.last_hlc().to_string();
  auto received_hlc = db.setting(peer_key(peer, "received_hlc"));
  if (!received_hlc) return received_hlc.status();
  m.received_hlc = *received_hlc;
  m.scopes = options.scopes;
  m.confidential = options.include_confidential;

  // Everything the peer has not acknowledged, except what came from it.
  ExportOptions eo;
  eo.limit_changes = tuning::kBundleExportBatchChanges;
  eo.limit_bytes = tuning::kMaxBundleBytes;
  eo.scopes = options.scopes;
  eo.exclude_origin = peer;
  eo.include_confidential = options.include_confidential;
  eo.conflict_records = options.conflict_records;
  auto changes = collect_changes(db, m.from_cursor, eo, options.on_progress, &m.to_cursor);
  if (!changes) return changes.status();
  BundleExportReport r;
  // Made while the clock ran ahead, since corrected: the importer would refuse
  // these stamps, so give them new ones and read the changes again.
  const int64_t limit_ms = m.created_ms + tuning::kMaxClockDriftMs;
  if (options.restamp_ahead && has_own_stamp_after(*changes, db.site_id(), limit_ms)) {
    auto restamped = restamp_ahead(db, state->acked, limit_ms);
    if (!restamped) return restamped.status();
    r.restamped = *restamped;
    if (r.restamped > 0) {
      changes = collect_changes(db, m.from_cursor, eo, options.on_progress, &m.to_cursor);
      if (!changes) return changes.status();
    }
  }
  const auto total = static_cast<int64_t>(changes->size());
  report(options.on_progress, "write", 0, total);
  auto key = options.key_store ? signing_key(db, *options.key_store) : signing_key(db);
  if (!key) return key.status();
  auto bytes = write_bundle_file(path, &m, *changes, &*key);
  if (!bytes) return bytes.status();
  report(options.on_progress, "write", total, total);
  // Only informative (the next bundle starts at "acked"): never moves back.
  if (m.to_cursor > state->sent) YKIEN_TRY(set_cursor(db, peer, "sent", m.to_cursor));
  r.manifest = std::move(m);
  r.file_bytes = *bytes;
  return r;
}

Result<BundleManifest> read_bundle(const std::string &path, std::vector<Change> *changes) {
  return read_bundle_file(path, changes);
}

namespace {

// Leaves out the changes of rows outside the units this database holds, when it
// was enrolled for some (sync.scopes): those units as they are today, as a pull
// brings them (the old parts of a ward merged into it, not a unit moved out;
// docs/units.md). Returns how many.
Result<int64_t> drop_outside_scopes(Replica &db, std::vector<Change> &changes) {
  auto text = db.setting(keys::kScopes);
  if (!text) return text.status();
  const auto scopes = nlohmann::json::parse(*text, nullptr, false);
  if (!scopes.is_array() || scopes.empty()) return int64_t{0};
  std::vector<std::string> enrolled;
  for (const auto &s : scopes)
    if (s.is_string()) enrolled.push_back(s.get<std::string>());
  auto tree = unit_tree(db);
  if (!tree) return tree.status();
  const std::vector<std::string> held = tree->effective_scopes(enrolled);
  return static_cast<int64_t>(
      std::erase_if(changes, [&](const Change &c) { return !scope_within(c.scope, held); }));
}

}  // namespace

Result<BundleImportReport> import_bundle(Replica &db, const std::string &path, const BundleImportOptions &options) {
  report(options.on_progress, "read", 0, 0);
  std::vector<Change> changes;
  auto manifest = read_bundle_file(path, &changes);
  if (!manifest) return manifest.status();
  BundleImportReport r;
  r.manifest = std::move(*manifest);
  const BundleManifest &m = r.manifest;
  report(options.on_progress, "read", static_cast<int64_t>(changes.size()), static_cast<int64_t>(changes.size()));

  // Addressed here?
  std::vector<std::string> names = options.self_names;
  if (names.empty()) {
    auto own = bundle_names(db);
    if (!own) return own.status();
    names = std::move(*own);
  }
  if (std::find(names.begin(), names.end(), m.for_peer) == names.end()) {
    return Status(ErrorCode::invalid_argument,
                  "this bundle was made by \"" + m.exporter + "\" for \"" + m.for_peer +
                      "\", not for this database (\"" + names.front() + "\"); import it where it belongs",
                  "for");
  }
  if (m.exporter_site == site_to_string(db.site_id())) {
    return Status(ErrorCode::invalid_argument, "this bundle was exported from this very database", "for");
  }
  // A device enrolled for some units takes no row outside them (DESIGN.md invariant
  // 4): a bundle from a tablet of the whole commune brings every hamlet's rows.
  if (!options.check) {
    auto outside = drop_outside_scopes(db, changes);
    if (!outside) return outside.status();
    r.outside = *outside;
  }
  const auto total = static_cast<int64_t>(changes.size());
  r.peer = m.exporter;
  Writer writer;
  if (options.check) YKIEN_TRY(options.check(m, changes, &r.peer, &writer));
  YKIEN_TRY(check_peer_name(r.peer, "exporter"));
  auto known = known_signer(db, m, r.peer);
  if (!known) return known.status();
  YKIEN_TRY(check_signer(m, *known));
  const bool pin_signer = known->empty() && !m.signer_key.empty();
  const int64_t max_drift_ms = options.max_clock_drift_ms > 0 ? options.max_clock_drift_ms : tuning::kMaxClockDriftMs;
  YKIEN_TRY(check_stamps(m, changes, db.now_ms(), max_drift_ms));

  auto state = bundle_peer_state(db, r.peer);
  if (!state) return state.status();
  // The peer's changes are all here up to `to` only if nothing between what we had
  // and this bundle's start is missing.
  r.in_sequence = m.from_cursor <= state->received;
  const int64_t received = r.in_sequence ? std::max(state->received, m.to_cursor) : state->received;
  // An acknowledgement beyond our own log, or of positions this log has since used
  // again for later writes (a database restored from an older copy), is not ours to
  // believe: ignore it, so nothing goes unsent.
  auto end = db.current_cursor();
  if (!end) return end.status();
  bool believed = m.received_cursor <= *end;
  if (believed && m.received_cursor > state->acked && !m.received_hlc.empty()) {
    auto other_history = db.wrote_after(state->acked, m.received_cursor, *Hlc::parse(m.received_hlc));
    if (!other_history) return other_history.status();
    believed = !*other_history;
  }
  const int64_t acked = believed ? std::max(state->acked, m.received_cursor) : state->acked;
  r.acknowledged = acked > state->acked;

  ApplyOptions ao;
  ao.origin = r.peer;
  ao.detect_conflicts = true;
  ao.writer = writer;
  Status st = db.transaction([&](Replica::Txn &txn) -> Status {
    for (int64_t done = 0; done < total;) {
      const int64_t n = std::min(tuning::kBundleApplyBatchChanges, total - done);
      std::vector<Change> step(changes.begin() + done, changes.begin() + done + n);
      auto applied = txn.apply_changes(step, ao);
      if (!applied) {
        Status s = applied.status();
        if (!s.field().empty() && s.field().starts_with("changes[")) {
          // Name the change by its index in the whole bundle.
          const size_t close = s.field().find(']');
          const int64_t i = std::stoll(s.field().substr(8, close - 8)) + done;
          const std::string field = "changes[" + std::to_string(i) + s.field().substr(close);
          return {s.code(), "the bundle holds a change this database refuses: " + field + ": " + s.message(), field};
        }
        return s;
      }
      r.applied += applied->applied;
      r.ignored += applied->ignored;
      r.conflicts += applied->conflicts;
      done += n;
      report(options.on_progress, "apply", done, total);
    }
    if (received != state->received) {
      YKIEN_TRY(txn.set_setting(peer_key(r.peer, "received"), std::to_string(received)));
      // The peer's clock then: its later bundles show us we hold what it wrote up to it.
      if (received == m.to_cursor) YKIEN_TRY(txn.set_setting(peer_key(r.peer, "received_hlc"), m.exporter_hlc));
    }
    if (acked != state->acked) YKIEN_TRY(txn.set_setting(peer_key(r.peer, "acked"), std::to_string(acked)));
    // The first key seen from this peer is the one its later bundles must carry.
    if (pin_signer) YKIEN_TRY(txn.set_setting(peer_key(r.peer, "key"), m.signer_key));
    return {};
  });
  if (!st.ok()) return st;
  if (total == 0) report(options.on_progress, "apply", 0, 0);
  if (options.on_applied && r.applied + r.conflicts > 0) options.on_applied(changes);
  return r;
}

// ---- Attachments' blobs beside the bundle ----

namespace {

// The blob names the attachment records in the bundle at `path` carry.
Result<std::vector<std::string>> carried_blobs(const std::string &path) {
  std::vector<Change> changes;
  auto manifest = read_bundle(path, &changes);
  if (!manifest.ok()) return manifest.status();
  std::vector<std::string> out;
  for (const auto &c : changes)
    if (c.table == "attachments" && c.column == "sha256")
      if (const auto *sha = std::get_if<std::string>(&c.value); sha && is_sha256_hex(*sha)) out.push_back(*sha);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Status export_bundle_blobs(const BlobStore &from, const std::string &path) {
  auto carried = carried_blobs(path);
  if (!carried.ok()) return carried.status();
  BlobStore beside(path + ".blobs");
  for (const auto &sha : *carried) {
    if (!from.has(sha) || beside.has(sha)) continue;
    YKIEN_TRY(beside.put_file(from.path(sha)).status());
  }
  return Status::Ok();
}

Status import_bundle_blobs(BlobStore &into, const std::string &path) {
  auto carried = carried_blobs(path);
  if (!carried.ok()) return carried.status();
  const BlobStore beside(path + ".blobs");
  std::string chunk;
  for (const auto &sha : *carried) {
    if (into.has(sha) || !beside.has(sha)) continue;
    auto reader = beside.open(sha);
    if (!reader.ok()) return reader.status();
    // Through a partial blob, as a transfer: named only once it hashes to its name.
    YKIEN_TRY(into.drop_partial(sha));
    int64_t offset = 0;
    for (;;) {
      chunk.resize(static_cast<size_t>(tuning::kBlobChunkBytes));
      auto n = (*reader)->read(chunk.data(), chunk.size());
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      chunk.resize(*n);
      YKIEN_TRY(into.append_partial(sha, offset, chunk));
      offset += static_cast<int64_t>(*n);
    }
    auto named = into.finish_partial(sha);
    // A file changed on the stick does not hash to its name: not kept (a sync fetches it).
    if (!named.ok() && named.status().code() != ErrorCode::corrupt) return named.status();
  }
  return Status::Ok();
}

}  // namespace ykien::sync
