// Where the server keeps its state, behind an interface with two backends: SQLite
// (one directory, the embedded default) and PostgreSQL (several server processes
// sharing one database). The replicated data goes through the one replication core
// (ykien/replica.h) over each backend's store; a backend adds devices, enrollment
// codes and tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "signature_store.h"
#include "ykien/clock.h"
#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::server {

// Why an enrollment is refused for a site another device holds.
inline constexpr const char *kSiteTaken =
    "this database's site is another device's, enrolled with another key: a copy of that tablet's database cannot "
    "enroll. Make a new database on this tablet; if it is that tablet, ask the office to revoke its old enrollment "
    "first";

struct DeviceRecord {
  std::string id;    // UUIDv7, made at enrollment
  std::string name;  // given by the device at enrollment
  std::string site;  // the device database's site id (hex)
  std::vector<std::string> scopes;  // unit subtrees it may read and write
  bool confidential = false;        // may receive confidential cells
  // A commune hub relays its tablets' writes (with their sites) and the conflict
  // records it makes; a tablet sends only its own (docs/server.md, "Write policy").
  bool hub = false;
  int64_t created_at_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t revoked_at_ms = 0;        // 0 = active
  int64_t acked_cursor = 0;         // server cursor the device confirmed it holds
  // A hub's: the sites it registered as its own and its tablets' (register_sites),
  // whose writes it may relay. Filled by device_by_token.
  std::vector<std::string> relayed_sites;
};

// A device holds every change up to `cursor` (its pulls' acknowledgement), seen at
// `seen_ms`.
struct PullAck {
  std::string device_id;
  int64_t cursor = 0;
  int64_t seen_ms = 0;
};

// A site a hub relays: one of its tablets (enrolled at the hub) or its own replica.
struct RelayedSite {
  std::string site;       // hex, as the device enrolled with it
  std::string device_id;  // the tablet's id at the hub ("" = the hub's own replica)
  std::string name;       // the tablet's name at the hub
};

class Storage {
 public:
  virtual ~Storage() = default;

  // The replicated data: the replication core over this backend's store (SQLite or
  // PostgreSQL). Every rule lives there; nothing here branches on the backend.
  // Borrowed, valid while the storage is open.
  virtual Replica &replica() = 0;
  // Threads that serve requests' storage work best at once (tuning.h): the server's
  // default for --workers.
  virtual int workers() const = 0;

  // Shorthands for replica()'s calls.
  Result<ApplyReport> apply_changes(const ChangeBatch &changes, const ApplyOptions &options) {
    return replica().apply_changes(changes, options);
  }
  Result<ApplyReport> apply_changes(const std::vector<Change> &changes, const ApplyOptions &options) {
    return replica().apply_changes(changes, options);
  }
  Result<ChangeSet> export_changes(int64_t cursor, const ExportOptions &options) {
    return replica().export_changes(cursor, options);
  }
  Result<int64_t> current_cursor() { return replica().current_cursor(); }
  Result<bool> has_unit(const std::string &scope) { return replica().has_unit(scope); }

  // Stores an enrollment code (hashed) that enrolls one device (a hub when `hub`)
  // into `scopes`.
  virtual Status add_enrollment_code(const std::string &code_hash, const std::vector<std::string> &scopes,
                                     bool confidential, int64_t expires_at_ms, bool hub = false) = 0;
  // Consumes the code and registers the device in one transaction. `site_taken`: the
  // site is another device's (the caller compared their keys): refused once the code
  // is found good, the code left unused, so that no one learns it without a code.
  // Errors: unauthorized (unknown, used or expired code), invalid_state (field
  // "site": kSiteTaken), storage.
  virtual Result<DeviceRecord> enroll(const std::string &code_hash, const std::string &device_id,
                                      const std::string &device_name, const std::string &site,
                                      const std::string &token_hash, int64_t now_ms, bool site_taken) = 0;
  // Errors: unauthorized (no device has this token), storage. Revoked devices are
  // returned with revoked_at_ms set: the caller decides.
  virtual Result<DeviceRecord> device_by_token(const std::string &token_hash) = 0;
  virtual Result<std::vector<DeviceRecord>> list_devices() = 0;
  // The devices not revoked whose own site is `site` (enrollment keeps a site one
  // device's: docs/security.md, "Sites").
  virtual Result<std::vector<DeviceRecord>> active_devices_with_site(const std::string &site) = 0;
  // Errors: not_found.
  virtual Status revoke_device(const std::string &device_id, int64_t now_ms) = 0;
  virtual Status set_device_scopes(const std::string &device_id, const std::vector<std::string> &scopes) = 0;
  // Remembers, for each ack, that its device holds every change up to its cursor and
  // was seen then: all of them or none, in one transaction (AckBook's flush writes a
  // batch; one commit, not one per device). Given in device id order, so that two
  // processes' batches lock shared rows in the same order.
  virtual Status record_pull_acks(const std::vector<PullAck> &acks) = 0;
  // Records `sites` under hub `hub_id` (docs/server.md, "Hub provenance"): a site
  // belongs to one sender for good, so a site that is another device's own or already
  // registered under another hub is left out and returned. Registering again is
  // harmless. Errors: storage.
  virtual Result<std::vector<std::string>> register_sites(const std::string &hub_id,
                                                          const std::vector<RelayedSite> &sites, int64_t now_ms) = 0;
  // The sites registered under each hub, for the admin's eyes: hub id -> sites.
  virtual Result<std::vector<std::pair<std::string, RelayedSite>>> relayed_sites() = 0;

  // Devices' public keys and the signed batches kept as provenance
  // (signature_store.h). Set by the open functions below; borrowed.
  SignatureStore &signatures() { return *signatures_; }
  void set_signatures(std::unique_ptr<SignatureStore> store) { signatures_ = std::move(store); }

 private:
  std::unique_ptr<SignatureStore> signatures_;
};

// Opens (creating if needed) the SQLite backend in directory `dir`: data.db for the
// replicated data, server.db for devices and codes. `clock` is borrowed (null = system).
Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string &dir, const Clock *clock = nullptr);

// Opens the PostgreSQL backend: `conninfo` is a libpq connection string
// ("host=db.example dbname=ykien user=ykien") or URI. Creates or migrates the schema.
// Keeps a small pool of connections. Errors: storage (cannot connect, migrate).
Result<std::unique_ptr<Storage>> open_postgres_storage(const std::string &conninfo, const Clock *clock = nullptr);

// True when `row_scope` is one of `scopes` or lies below one of them.
bool scope_covers(const std::vector<std::string> &scopes, const std::string &row_scope);

// What `device` may write, as the core's write policy sees it (its pushes and its
// bundles alike): its units, its confidential right, its own site (a tablet) or
// its tablets' (a hub).
Writer writer_of(const DeviceRecord &device);

// The sites among `sites` that belong to a device other than `hub_id`, or are
// registered under another hub already: what register_sites must leave out.
// `devices` is every device, `registered` every (hub id, site) pair.
std::vector<std::string> sites_owned_elsewhere(const std::string &hub_id, const std::vector<RelayedSite> &sites,
                                               const std::vector<DeviceRecord> &devices,
                                               const std::vector<std::pair<std::string, RelayedSite>> &registered);

}  // namespace ykien::server
