// The sync server: HTTP endpoints of docs/protocol.md over a Storage.
// Thread-safe: connections are held by an HttpFront (http_front.h); requests' storage
// work runs on its bounded pool of workers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http_front.h"
#include "storage.h"
#include "ykien/clock.h"
#include "ykien/status.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port (see SyncServer::port)
  // Connections, deadlines, limits (docs/server.md, "Limits"); its host and port are
  // the two above.
  FrontOptions http;
  // Largest bodies, after gzip, per endpoint.
  int64_t max_body_bytes = sync::tuning::kMaxBodyBytes;  // push
  int64_t max_enroll_body_bytes = sync::tuning::kMaxEnrollBodyBytes;
  int64_t max_pull_body_bytes = sync::tuning::kMaxPullBodyBytes;
  // Enrollment attempts per client address (429 beyond).
  int enroll_burst = sync::tuning::kEnrollBurst;
  int64_t enroll_interval_ms = sync::tuning::kEnrollIntervalMs;
  int64_t max_push_changes = sync::tuning::kMaxPushChanges;
  int64_t max_pull_changes = sync::tuning::kMaxPullChanges;
  int64_t max_pull_bytes = sync::tuning::kMaxPullBytes;
  int max_requests_per_device = sync::tuning::kMaxRequestsPerDevice;
  int64_t max_clock_drift_ms = sync::tuning::kMaxClockDriftMs;
  // Refuse unsigned pushes from devices that registered no key (older apps) too.
  // Devices with a key must always sign (docs/protocol.md, "Signatures").
  bool require_signatures = false;
  // Changes as rows (docs/protocol.md, "Rows"): read in pushes, written in the pull
  // replies that ask, and named in the replies' "change_format". False: as a server
  // before rows, which says nothing and refuses a push sent as rows (the
  // mixed-version tests; a way back should rows misbehave).
  bool change_rows = true;
  // Attachments' blobs (docs/protocol.md, "Blobs"): the folder ("" = none kept: the
  // blob endpoints answer not_found) and the bytes each device may store there.
  std::string blobs_dir{};
  int64_t blob_quota_bytes = sync::tuning::kBlobQuotaBytes;
  // The commune office's public key (hex; ykien/sync/office_key.h): given to devices
  // in the enroll, keys and pull replies, and a push with a complainant's identity
  // in clear is then refused (not_sealed). Empty: a hub's is the one its upstream
  // gave it; else none, and identities are not required sealed.
  std::string office_key{};
  // How often the server purges tombstones every replica acknowledged; 0 = never.
  int64_t purge_interval_ms = sync::tuning::kPurgeIntervalMs;
  // (No clock here: the server's time is its storage's corrected clock,
  // Storage::replica().now_ms(): on a hub, corrected by what the province said.)
  // More endpoints served beside the protocol's (the office web application,
  // sync/office/office.h), on the same connections, limits and workers.
  std::vector<Route> extra_routes{};
};

// The office key devices seal to (hex): `own` (ServerOptions::office_key), or on a hub
// the one its upstream gave it; "" when none, and identities are not required sealed.
// Pushes and `admin bundle import` both check against it.
std::string devices_office_key(Replica &replica, const std::string &own);
// The same in a snapshot that serves other reads too. Errors: storage (on PostgreSQL
// the snapshot's later reads would fail too).
Result<std::string> devices_office_key(Replica::Snapshot &snapshot, const std::string &own);

class SyncServer {
 public:
  // `storage` is borrowed and must outlive the server.
  SyncServer(Storage &storage, ServerOptions options);
  ~SyncServer();  // stops the server if it runs
  SyncServer(const SyncServer &) = delete;
  SyncServer &operator=(const SyncServer &) = delete;

  // Binds the listening socket. Errors: network (address in use...).
  Status bind();
  // The bound port (after bind()).
  int port() const;
  // Threads doing storage work: ServerOptions::http.workers, else the storage's own
  // (Storage::workers: 2 on SQLite; on PostgreSQL one for every two cores, 1 to 4).
  int workers() const;
  // Serves until stop(); in-flight requests finish before it returns.
  void run();
  // bind() + run() on a background thread.
  Status start();
  // Stops accepting, lets in-flight requests finish, joins the background thread.
  // Callable from any thread (a signal-watching one included), more than once.
  void stop();

  // Writes the pull acknowledgements noted so far (the server writes them in
  // batches, every kAckFlushIntervalMs and on stop).
  Status flush_acks();
  // Counters of the HTTP layer (for logs and tests).
  HttpFront::Stats http_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ykien::server
