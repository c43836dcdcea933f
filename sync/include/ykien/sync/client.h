// SyncClient: one call brings a device and the server to the same state.
// Protocol: docs/protocol.md. Not thread-safe: one sync at a time per client
// (cancel() may be called from any thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ykien/changes.h"
#include "ykien/clock.h"
#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/export.h"
#include "ykien/status.h"
#include "ykien/sync/key_store.h"
#include "ykien/sync/protocol.h"
#include "ykien/sync/transport.h"
#include "ykien/sync/tuning.h"

namespace ykien::sync {

// Where a sync stands; passed to the progress callback after every exchange.
struct SyncProgress {
  std::string phase;           // "push" or "pull"
  int64_t pushed = 0;          // changes the server accepted (applied or already had)
  int64_t pulled = 0;          // changes received
  int64_t refused = 0;         // changes the server refused (recorded, skipped)
  int64_t bytes_sent = 0;      // request bodies, as sent (gzip)
  int64_t bytes_received = 0;  // response bodies, as received when known
  int64_t round_trips = 0;
  // The pull's way through the server's change log (PullReply::scanned, left):
  // positions covered so far and still ahead; left is -1 when the server does not say.
  int64_t pull_scanned = 0;
  int64_t pull_left = -1;
  // Attachments' blobs moved after the cells (phase "blobs"; docs/attachments.md):
  // files and bytes sent and received so far, and files still to move this sync.
  int64_t blobs_sent = 0;
  int64_t blobs_received = 0;
  int64_t blob_bytes_sent = 0;
  int64_t blob_bytes_received = 0;
  int64_t blobs_left = 0;
};

struct SyncReport : SyncProgress {
  int64_t retries = 0;         // exchanges repeated after a network error or 5xx
  int64_t conflicts = 0;       // conflict records the server made from our push
  int64_t restamped = 0;       // local changes given new stamps after a clock fix
  int64_t clock_offset_ms = 0; // the device clock's correction after this sync
  bool caught_up = false;      // false only when kMaxRoundTrips ran out
  bool caught_up_push = false; // every local change was exported and sent
};

// A change the server refused; kept on the device for the user to see.
struct RefusedChange {
  Change change;
  std::string code;     // stable refusal code ("invalid_value", "out_of_scope", ...;
                        // docs/protocol.md, "Refusals")
  std::string message;  // the server's reason, in English (apps translate the code)
};

struct SyncOptions {
  std::string server_url;  // "https://hub.example" or "http://127.0.0.1:8080"
  // http:// to another machine: the token and the citizens' data in clear on the
  // network. Refused unless the host opts in (a lab); this machine is always fine.
  bool allow_plain_http = false;
  // Push conflict records as detected here (ExportOptions::conflict_records): a
  // hub's (it may write them). A tablet keeps those it holds from bundles to itself;
  // the server makes the same record, same id, once both writes reach it
  // (docs/server.md, "Conflicts"). Its reviews of records are pushed either way.
  bool push_conflict_records = false;
  // (No clock here: the client reads the database's corrected clock, Replica::now_ms.)
  // Called on the syncing thread after each exchange; must not call back into the client.
  std::function<void(const SyncProgress &)> on_progress;
  int max_attempts = tuning::kMaxAttempts;
  // Replies 503/429 with Retry-After waited out per request, on top of max_attempts.
  int max_busy_retries = tuning::kMaxBusyRetries;
  int64_t backoff_base_ms = tuning::kBackoffBaseMs;
  int64_t backoff_max_ms = tuning::kBackoffMaxMs;
  // Batch sizes to start from; a sync with much to move grows them while the link
  // is fast (tuning.h, kBatchGrowBelowMs), never below these.
  int64_t push_batch_changes = tuning::kPushBatchChanges;
  int64_t push_batch_bytes = tuning::kPushBatchBytes;
  int64_t pull_batch_changes = tuning::kPullBatchChanges;
  // The most a pull asks for, however fast the link (a start set above it starts at
  // it): a tablet's memory, where a hub (a commune office's machine relaying for its
  // tablets) takes the server's largest. A reply may pass it by less than one write:
  // the server cuts batches between writes (docs/protocol.md, "Pull").
  int64_t pull_batch_changes_max = tuning::kPullBatchChangesMax;
  // The most a push batch grows to, within the bound the server states (less a
  // fifth: the device cuts batches between writes) or 8,000 with a server that
  // states none: a tablet's memory, where a hub takes the server's bound.
  int64_t push_batch_changes_max = tuning::kPushBatchChangesMax;
  int max_round_trips = tuning::kMaxRoundTrips;
  // Attachments' blobs (a client made over a Database only): sent once their cells
  // are; fetched when attached to an open meeting or added in the last
  // blob_recent_days days, newest first, up to blob_budget_bytes (0 = fetch none).
  bool transfer_blobs = true;
  int blob_recent_days = tuning::kBlobRecentDays;
  int64_t blob_budget_bytes = tuning::kBlobBudgetBytes;
  // Where the device token and the signing secret are kept (ykien/sync/key_store.h):
  // Android Keystore, the iOS Keychain... Null = default_key_store(db) for a client
  // over a Database (the file "<db>.keys", 0600), the settings for a hub's replica.
  // Secrets an older database holds in its settings are moved to it on first use.
  std::shared_ptr<KeyStore> key_store;
  // A hub's folder of blobs (its server's --blobs): it sends upstream those its
  // tablets brought and fetches those they may want, by the same rules. A tablet's
  // folder is its database's. "" on a hub: no blobs moved.
  std::string blobs_dir{};
  // Changes as rows (docs/protocol.md, "Rows"): pushed so once the server said it
  // reads them, and asked for in pulls. False: plain "changes" both ways, every
  // cell with its own stamp (for reading the JSON while debugging).
  bool change_rows = true;
};

struct SigningKey;  // signing.h, private to the library

class YKIEN_CXX_API SyncClient {
 public:
  // Both borrowed; they must outlive the client. A tablet syncs its Database; a hub
  // its storage's replica (either backend).
  SyncClient(Replica &replica, Transport &transport, SyncOptions options);
  SyncClient(Database &db, Transport &transport, SyncOptions options);

  // Trades a one-time enrollment code for this device's id, token and scopes: the
  // token kept in the key store (first: a store that fails leaves the database as it
  // was), the id and scopes in the database's settings. Sends the device's public key (the key pair is
  // made first if the database has none; docs/protocol.md, "Signatures"). Errors: unauthorized (unknown, used or expired
  // code), network, server, and the protocol errors.
  Result<EnrollReply> enroll(const std::string &code, const std::string &device_name);
  bool enrolled() const;
  std::string device_id() const;

  // Pushes every pending local change, then pulls until caught up, then moves
  // attachments' blobs (sends those not sent yet, fetches those wanted). Safe to cut
  // at any point: the next call resumes without loss or duplicates, a blob from the
  // byte where it stopped. Errors: cancelled, too_large (over the blob quota),
  // network (after retries), unauthorized (wrong or revoked token), forbidden,
  // unsupported_version, server, storage (local database).
  Result<SyncReport> sync();

  // A hub's: tells the server the sites whose writes it relays (its own replica's,
  // its tablets'), so that it takes them (docs/protocol.md, "POST /v1/sites"). The
  // reply lists the sites the server left out. Errors: as sync(); forbidden when
  // this client did not enroll as a hub.
  Result<SitesReply> register_sites(const std::vector<RelayedSiteEntry> &sites);

  // Asks a running sync to stop at its next exchange or backoff wait. Thread-safe.
  void cancel();

  // Changes the server refused so far, oldest first.
  Result<std::vector<RefusedChange>> refused_changes() const;

 private:
  // `signature`, when not empty, goes in the kSignatureHeader header.
  Result<std::string> post(const char *path, const std::string &json, bool auth, SyncReport *report,
                           const std::string &signature = {});
  // The same with the body already gzipped and the token ("" = none) given.
  Result<std::string> post_gzipped(const char *path, std::string gz, const std::string &token,
                                   SyncReport *report, const std::string &signature);
  // A device enrolled before keys existed registers its public key (POST /v1/keys),
  // once; an older server without that endpoint is left alone.
  Status register_key(SyncReport *report);
  Status observe_server_time(int64_t server_time_ms, int64_t sent_ms, int64_t received_ms,
                             SyncReport *report);
  Status push_all(SyncReport *report);
  // How pushes are written and signed now: as the server's last reply asked.
  struct PushFormat {
    bool as_rows = false;  // "rows" (kRowsFormatName), else "changes"
    bool digest = false;   // signed over the body's digest (kDigestFormatName)
    friend bool operator==(const PushFormat &, const PushFormat &) = default;
  };
  // A batch ready to send: exported from `from_cursor`, encoded, signed, gzipped.
  struct ReadyPush {
    PushFormat format;
    size_t count = 0;  // changes in it
    std::string gzipped, signature;
    int64_t from_cursor = 0, next_cursor = 0;
    bool more = false;
  };
  Result<PushFormat> push_format();
  Result<ReadyPush> ready_push(int64_t cursor, int64_t changes, int64_t bytes, const PushFormat &format,
                               const SigningKey &key);
  // A batch given as changes or as rows (an export by row; then `changes` is empty).
  Result<ReadyPush> encode_push(std::vector<Change> changes, std::vector<RowWrite> rows, const PushFormat &format,
                                const SigningKey &key);
  // A ready batch's changes, decoded back from its body.
  static Result<std::vector<Change>> changes_of(const ReadyPush &ready);
  Status push_batch(std::vector<Change> changes, SyncReport *report, bool *restart);
  // Sends a ready batch with the device's token: touches the replica only after the
  // reply, so it runs beside an export.
  Status send_push(const ReadyPush &ready, const std::string &token, SyncReport *report, bool *restart);
  // Keeps the signature format a server's reply names (signing.h), or whole bodies.
  Status note_signature_format(const std::string &server_says);
  // Keeps whether the server's last reply said it reads rows (kRowsFormatName).
  Status note_change_format(const std::string &server_says);
  Status pull_all(SyncReport *report);
  // One pull exchange and what it took; runs on a thread of its own when ahead: it
  // touches the replica only through observe_server_time, and counts in `counts`.
  static constexpr int64_t kNoClockOffset = INT64_MIN;  // counts.clock_offset_ms: no correction
  struct Pulled {
    Result<std::string> body{std::string()};
    int64_t sent = 0, received = 0, took_ms = 0;  // corrected clock at each end; its time
    SyncReport counts;
  };
  Pulled fetch_pull(const std::string &cursor, std::optional<std::string> acked, int64_t limit,
                    const std::string &token, std::optional<int64_t> own_through);
  // Adds an exchange's round trips, bytes, retries and clock fix to `report`.
  static void count_exchanges(const SyncReport &counts, SyncReport *report);
  // The office key a reply carried: kept, and the database's sealer made from it.
  Status note_office_key(const std::string &office_key);
  // Seals the complainants' identities recorded before the office key was known.
  Status seal_before_push();
  // Every local change reached the server: the clear copies of sealed cells go.
  Status forget_clear_once_pushed(const SyncReport &report);
  // Pushes again, whole and as they are now, the rows of changes refused before.
  Status retry_refused(SyncReport *report);
  // `why` holds one refusal per change (or one for them all).
  Status record_refused(const std::vector<Change> &changes, const std::vector<Refusal> &why);
  // One exchange, repeated after a network error, a 5xx or a busy reply as post()
  // does; a reply that `whole` says was cut in transit counts as a network error.
  // Other 4xx come back as their Status.
  Result<HttpResponse> exchange(const HttpRequest &request, SyncReport *report,
                                const std::function<bool(const HttpResponse &)> &whole);
  // Attachments' blobs (client_blobs.cpp).
  Status transfer_blobs(SyncReport *report);
  // The device token from the key store; unauthorized when there is none.
  Result<std::string> token() const;
  Status send_blob(BlobStore &store, const std::string &sha256, SyncReport *report);
  Status fetch_blob(BlobStore &store, const std::string &sha256, int64_t size, SyncReport *report);
  Result<HttpRequest> blob_request(const char *method, const std::string &sha256, const std::string &query);
  int64_t corrected_now() const;
  void report_progress(const std::string &phase, SyncReport *report);
  // Waits before retry `attempt`: the server's Retry-After (seconds) when it gave
  // one, else exponential backoff; both with jitter. False when cancelled meanwhile.
  bool sleep_backoff(int attempt, int64_t retry_after_s = 0);

  // The most changes the server said it takes in one push (its last reply; 0 = not
  // said). Written by send_push, read after the exchange's future is joined.
  int64_t server_push_max_ = 0;
  // This sync's PullRequest::own_through: the largest until a push is taken, then
  // the position before that first push (unset from a server that does not say).
  // Written by send_push as server_push_max_ is.
  std::optional<int64_t> own_through_;
  bool pushed_in_sync_ = false;
  Replica &db_;
  Database *database_ = nullptr;  // a tablet's: its blobs, and it seals identities (null for a hub)
  std::shared_ptr<KeyStore> secrets_;  // options_.key_store, or the default
  Transport &transport_;
  SyncOptions options_;
  std::atomic<bool> cancelled_{false};
  // An exchange of the sync under way was answered: the next requests say so
  // (kContinuingHeader). Set from the threads ahead too.
  std::atomic<bool> answered_in_sync_{false};
  std::mutex wait_mutex_;  // with wakeup_: backoff waits that cancel() ends
  std::condition_variable wakeup_;
  ErrorReply last_error_;  // details of the last refused exchange
};

}  // namespace ykien::sync
