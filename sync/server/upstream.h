// A hub: a server that is also a client of another server (docs/server.md, "Hub").
// A commune's office PC serves its tablets and syncs upstream with the province as a
// device enrolled for the commune's units, with the ordinary SyncClient over the
// server's own replicated data. What the tablets pushed goes up; what the province
// has in the hub's units comes down (applied with origin "server", so it is never
// pushed back). Upstream enrollment, cursors and state live in the data database's
// settings, so a restart needs no flags.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage.h"
#include "ykien/clock.h"
#include "ykien/status.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {

class SyncServer;

struct UpstreamOptions {
  // The upstream server ("https://province.example"). Empty = the one stored by an
  // earlier start; a new one replaces it (same enrollment).
  std::string url;
  // A one-time code from the upstream server, used only while the hub is not enrolled.
  std::string enroll_code;
  std::string device_name;  // shown to the upstream operator; empty = "ykien hub on <host>"
  int64_t interval_ms = sync::tuning::kUpstreamIntervalMs;
  int64_t retry_base_ms = sync::tuning::kUpstreamRetryBaseMs;
  int64_t retry_max_ms = sync::tuning::kUpstreamRetryMaxMs;
  int64_t stop_grace_ms = sync::tuning::kUpstreamStopGraceMs;
  // The client's own options (attempts, backoff, batch sizes); server_url is
  // filled in here. Defaults: kUpstreamMaxAttempts attempts per exchange.
  sync::SyncOptions client = default_client_options();
  sync::CurlTransportOptions transport;
  // (No clock here: the hub's time is its storage's corrected clock.)

  static sync::SyncOptions default_client_options() {
    sync::SyncOptions o;
    o.max_attempts = sync::tuning::kUpstreamMaxAttempts;
    return o;
  }
};

// What `ykien-server admin upstream-status` shows; also persisted in the settings.
struct UpstreamState {
  std::string url;                  // empty: this server is not a hub
  bool enrolled = false;
  std::string device_id;            // the hub's id at the upstream server
  std::vector<std::string> scopes;  // the units the hub syncs upstream
  int64_t last_ok_ms = 0;           // wall time of the last sync that worked (0 = never)
  int64_t last_attempt_ms = 0;
  std::string last_error;           // of the last attempt; empty when it worked
  // Changes the upstream server refused, kept here (its tablets' included: they see
  // none of it), and the last one's code, record and reason.
  int64_t refused = 0;
  std::string last_refusal;
  int failures = 0;                 // attempts failed in a row (this run)
  int64_t syncs = 0;                // syncs that worked (this run)
};

class Upstream {
 public:
  // Opens the hub role of `storage` (borrowed; must outlive the Upstream). Returns
  // null when this server is no hub: no URL given and none stored. With a code while
  // not enrolled, enrolls now; a network failure there is no error (the background
  // thread retries the code), but a refused code is.
  // Errors: invalid_argument (a hub needs the SQLite backend; a code without any
  // URL), unauthorized (the upstream server refused the code), storage.
  static Result<std::unique_ptr<Upstream>> open(Storage &storage, UpstreamOptions options);
  ~Upstream();  // stop()
  Upstream(const Upstream &) = delete;
  Upstream &operator=(const Upstream &) = delete;

  // Starts the background thread: a sync at once, then every interval_ms, and after
  // a failure waits that grow from retry_base_ms to retry_max_ms. `server`
  // (borrowed, optional) keeps its tombstone purge out while a sync runs.
  void start(SyncServer *server = nullptr);
  // Asks the background thread for a sync now, skipping any wait (SIGUSR1).
  // Thread-safe; requests made while a sync runs cause one more sync after it.
  void request_sync();
  // One sync on the calling thread, serialized with the background thread's.
  // Enrolls first when a code is pending. Errors: those of SyncClient::sync and
  // enroll; invalid_state (not enrolled and no code).
  Result<sync::SyncReport> sync_now();
  // Stops the thread: a running sync finishes (after stop_grace_ms it is cancelled at
  // its next exchange; every batch is stored with its cursor). More than once is fine.
  void stop();

  UpstreamState state() const;

 private:
  Upstream(Storage &storage, UpstreamOptions options);
  void loop();
  Status enroll_locked();
  // Tells upstream the sites this hub relays (its replica's, its tablets'), when they
  // changed since the last time (docs/server.md, "Hub provenance").
  Status register_sites_locked();
  void record(const Status &outcome, const sync::SyncReport *report, int64_t ms);

  Storage &storage_;
  Replica &data_;
  UpstreamOptions options_;
  std::unique_ptr<sync::Transport> transport_;
  std::unique_ptr<sync::SyncClient> client_;
  std::string pending_code_;  // guarded by sync_mutex_
  SyncServer *server_ = nullptr;

  std::mutex sync_mutex_;  // one sync or enrollment at a time

  mutable std::mutex mutex_;
  std::condition_variable wake_;  // requests and stop
  std::condition_variable idle_;  // a sync ended
  bool requested_ = false;        // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  bool syncing_ = false;          // guarded by mutex_
  UpstreamState state_;           // guarded by mutex_
  std::thread thread_;
};

// The stored hub state of a data directory, without contacting anyone (the admin
// command). url is empty when the server is no hub.
Result<UpstreamState> read_upstream_state(Storage &storage);

// Devices enrolled at a hub may only sync units inside the hub's own upstream units.
// Ok on a server that is no hub. Errors: forbidden (a scope outside, named),
// invalid_state (a hub not enrolled upstream yet: its units are unknown), storage.
Status check_hub_scopes(Storage &storage, const std::vector<std::string> &scopes);

// A hub's upstream push cursor: its change-log position below which every change
// is at the upstream server (the tombstone purge must keep what lies above). -1 when
// the server is no hub.
int64_t hub_pushed_cursor(Storage &storage);

}  // namespace ykien::server
