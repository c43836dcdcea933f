// HTTP endpoints of the sync protocol (docs/protocol.md) on an HttpFront.
#include "server.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>

#include "ack_book.h"
#include "blob_service.h"
#include "cursor.h"
#include "evidence.h"
#include "log.h"
#include "merge_followup.h"
#include "purge.h"
#include "rate_limiter.h"
#include "settings_keys.h"
#include "signing.h"
#include "tokens.h"
#include "unit_scopes.h"
#include "ykien/sync/protocol.h"
#include "ykien/text.h"
#include "ykien/unit_tree.h"
#include "ykien/uuid.h"

namespace ykien::server {

using namespace ykien::sync;

namespace {

// A revoked device's refusal: its reply carries the wipe order (docs/security.md).
constexpr const char *kRevoked = "this device was revoked: it must erase its data";

// A device's name as its app gives it: a line of text of reasonable length (it is
// printed in the operator's listings, where a line break or an escape could forge
// other lines).
Status check_device_name(const std::string &name) {
  if (name.size() > 200) return Status::Invalid("device_name", "is longer than 200 bytes");
  if (!is_valid_utf8(name)) return Status::Invalid("device_name", "is not valid UTF-8 text");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F) return Status::Invalid("device_name", "holds a control character");
  return {};
}
// The setting of the replicated data that records when a revoked device reported its
// wipe (POST /v1/wiped), by device id; read by `admin list-devices`.
constexpr const char *kWipedAtPrefix = "wiped_at.";

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::string> devices_office_key(Replica::Snapshot &snapshot, const std::string &own) {
  if (!own.empty()) return own;
  return snapshot.setting(sync::keys::kOfficeKey);
}

std::string devices_office_key(Replica &replica, const std::string &own) {
  if (!own.empty()) return own;
  std::string key;
  (void)replica.read([&](Replica::Snapshot &snapshot) -> Status {
    auto upstream = devices_office_key(snapshot, own);
    if (upstream.ok()) key = std::move(*upstream);
    return upstream.status();
  });
  return key;
}

struct SyncServer::Impl {
  Impl(Storage &s, ServerOptions o)
      : storage(s),
        options(std::move(o)),
        enroll_limiter(options.enroll_burst, options.enroll_interval_ms),
        acks(s),
        blobs(s, options.blobs_dir, options.blob_quota_bytes) {}

  Storage &storage;
  ServerOptions options;
  RateLimiter enroll_limiter;
  AckBook acks;
  BlobService blobs;
  std::string cursor_key;  // signs pull cursors (cursor.h); set by start()
  // The commune's zone, for the times of the server's own history entries (docs/time.md).
  Result<TimeZone> zone = TimeZone::locate("");
  std::string server_key;  // this server's public key as start() made or found it
  std::unique_ptr<HttpFront> http;
  int workers = 0;  // the front's storage workers, resolved by make_front
  std::thread maintenance;

  std::mutex inflight_mutex;
  std::map<std::string, int> inflight;  // device id -> requests running; guarded by inflight_mutex

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;  // guarded by stop_mutex
  bool running = false;   // guarded by stop_mutex
  // stop() may run on two threads at once (the signal watcher, and main once run()
  // returns): the second waits for the first. Held while stopping.
  std::mutex join_mutex;

  int64_t now() const { return storage.replica().now_ms(); }

  // The server's signing key and the office key devices seal to, read in one
  // snapshot. Read each time rather than cached: processes of a province starting at
  // once may each make a key, and the one the settings kept is the one its bundles carry.
  struct PublicKeys {
    std::string server, office;
  };
  // (A read that fails leaves the server's own key and the configured office key:
  // the reply of an enrollment already made is not refused for it.)
  PublicKeys current_keys() {
    PublicKeys keys{server_key, options.office_key};
    (void)storage.replica().read([&](Replica::Snapshot &snapshot) -> Status {
      auto kept = sync::existing_public_key(snapshot);
      if (!kept.ok()) return kept.status();  // on PostgreSQL the transaction is over
      if (!kept->empty()) keys.server = std::move(*kept);
      auto office = devices_office_key(snapshot, options.office_key);
      if (!office.ok()) return office.status();
      keys.office = std::move(*office);
      return Status::Ok();
    });
    return keys;
  }

  // What the replies say the server reads beside "changes" (docs/protocol.md, "Rows").
  std::string change_format() const { return options.change_rows ? kRowsFormatName : ""; }

  ServedReply reply_json(int status, std::string body) {
    ServedReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }

  ServedReply reply_error(const Status &st, std::vector<Refusal> refusals = {}) {
    ErrorReply e{st.code(), st.message(), st.field(), {}, now(), std::move(refusals)};
    for (const auto &r : e.refusals) e.refused.push_back(r.index);
    std::string body = encode(e);
    if (st.code() == ErrorCode::unauthorized && st.message() == kRevoked) body.insert(1, "\"wipe\":true,");
    return reply_json(http_status_for(st.code()), std::move(body));
  }

  // Holds one of a device's request slots for the duration of a request.
  class Slot {
   public:
    Slot(Impl &impl, std::string device) : impl_(impl), device_(std::move(device)) {
      std::lock_guard<std::mutex> lock(impl_.inflight_mutex);
      int &n = impl_.inflight[device_];
      if (n < impl_.options.max_requests_per_device) {
        ++n;
        held_ = true;
      }
    }
    ~Slot() {
      if (!held_) return;
      std::lock_guard<std::mutex> lock(impl_.inflight_mutex);
      if (--impl_.inflight[device_] == 0) impl_.inflight.erase(device_);
    }
    Slot(const Slot &) = delete;
    Slot &operator=(const Slot &) = delete;
    bool held() const { return held_; }

   private:
    Impl &impl_;
    std::string device_;
    bool held_ = false;
  };

  Result<DeviceRecord> authenticate(const ServedRequest &req) {
    std::string header = req.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.compare(0, kBearer.size(), kBearer) != 0) {
      return Status(ErrorCode::unauthorized, "missing \"Authorization: Bearer <token>\" header");
    }
    std::string token = header.substr(kBearer.size());
    if (token.size() != 64) return Status(ErrorCode::unauthorized, "unknown device token");
    auto device = storage.device_by_token(sha256_hex(token));
    if (!device.ok()) return device.status();
    if (device->revoked_at_ms != 0) return Status(ErrorCode::unauthorized, kRevoked);
    return device;
  }

  // A revoked device erased itself and says so (docs/protocol.md, "POST /v1/wiped").
  ServedReply handle_wiped(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    const std::string header = req.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    const std::string token = header.compare(0, kBearer.size(), kBearer) == 0 ? header.substr(kBearer.size()) : "";
    if (token.size() != 64) return fail(req, "wiped", "", {ErrorCode::unauthorized, "unknown device token"}, t0);
    auto device = storage.device_by_token(sha256_hex(token));
    if (!device.ok()) return fail(req, "wiped", "", device.status(), t0);
    if (device->revoked_at_ms == 0)
      return fail(req, "wiped", device->id, {ErrorCode::invalid_state, "only a revoked device reports a wipe"}, t0);
    const std::string key = kWipedAtPrefix + device->id;
    auto known = storage.replica().setting(key);
    Status st = known.status();
    if (st.ok() && known->empty()) st = storage.replica().set_setting(key, std::to_string(now()));  // the first report's time
    if (!st.ok()) return fail(req, "wiped", device->id, st, t0);
    log_line("warn", "wiped", {{"device", device->id}, {"name", device->name}, {"remote", req.remote}});
    HealthReply reply;
    reply.server_time_ms = now();
    return reply_json(200, encode(reply));
  }

  ServedReply handle_health(const ServedRequest &) {
    HealthReply h;
    h.server_time_ms = now();
    return reply_json(200, encode(h));
  }

  ServedReply handle_enroll(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    EnrollRequest request;
    Status st = decode(req.body, &request);
    if (!st.ok()) return fail(req, "enroll", "", st, t0);
    if (!request.public_key.empty() && !sync::public_key_well_formed(request.public_key))
      return fail(req, "enroll", "", Status::Invalid("public_key", "is not a usable Ed25519 public key"), t0);
    // Shown to the operator (list-devices, the office's devices page) as it is given.
    if (Status named = check_device_name(request.device_name); !named.ok()) return fail(req, "enroll", "", named, t0);
    auto taken = site_taken(request, req);
    if (!taken.ok()) return fail(req, "enroll", "", taken.status(), t0);
    std::string device_id = new_uuid_v7(storage.replica().clock());
    std::string token = new_device_token();
    // The key first, under the new id: if the code is refused, the row names no device.
    if (!request.public_key.empty()) {
      if (Status key = storage.signatures().set_device_key(device_id, request.public_key, now()); !key.ok())
        return fail(req, "enroll", "", key, t0);
    }
    auto device = storage.enroll(sha256_hex(normalize_code(request.code)), device_id, request.device_name,
                                 request.site, sha256_hex(token), now(), *taken);
    if (!device.ok()) return fail(req, "enroll", "", device.status(), t0);
    const PublicKeys keys = current_keys();
    EnrollReply reply{device->id, token, device->scopes, now(), keys.server, !request.public_key.empty(),
                      kDigestFormatName, keys.office, change_format()};
    log_line("info", "enroll", {{"device", device->id}, {"name", device->name}, {"site", device->site},
                                {"remote", req.remote}, {"ms", std::to_string(steady_ms() - t0)}});
    return reply_json(200, encode(reply));
  }

  // A site is one device's: its writes carry it, and the write policy and the
  // provenance trust it. A tablet enrolled again keeps its site and its key (the
  // key proves it is that tablet); another database with that site (a copy) is
  // refused once its code is found good (Storage::enroll). The holder is named in
  // the server's log, not in the reply.
  Result<bool> site_taken(const EnrollRequest &request, const ServedRequest &req) {
    if (request.site.empty()) return false;
    auto holders = storage.active_devices_with_site(request.site);
    if (!holders.ok()) return holders.status();
    for (const auto &holder : *holders) {
      auto key = storage.signatures().device_key(holder.id);
      if (!key.ok()) return key.status();
      if (!key->empty() && *key == request.public_key) continue;
      log_line("warn", "enroll", {{"site", request.site}, {"held_by", holder.id}, {"remote", req.remote}});
      return true;
    }
    return false;
  }

  ServedReply fail(const ServedRequest &req, const char *event, const std::string &device, const Status &st,
                   int64_t t0, std::vector<Refusal> refusals = {}) {
    const size_t refused = refusals.size();
    ServedReply res = reply_error(st, std::move(refusals));
    log_line(res.status >= 500 ? "error" : "warn", event,
             {{"device", device}, {"status", std::to_string(res.status)}, {"code", error_code_name(st.code())},
              {"message", st.message()}, {"refused", std::to_string(refused)}, {"remote", req.remote},
              {"ms", std::to_string(steady_ms() - t0)}});
    return res;
  }

  // A device's own retries meet this (docs/protocol.md): busy, come back shortly.
  ServedReply busy_device(const ServedRequest &req, const char *event, const std::string &device, int64_t t0) {
    ServedReply res = fail(req, event, device, {ErrorCode::server, "too many requests from this device at once"}, t0);
    res.headers.emplace_back("Retry-After", std::to_string(options.http.retry_after_s));
    return res;
  }

  ServedReply handle_push(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, "push", "", device.status(), t0);
    Slot slot(*this, device->id);
    if (!slot.held()) return busy_device(req, "push", device->id, t0);
    // The signature first, over the bytes as sent: nothing unproven is even read.
    auto key = storage.signatures().device_key(device->id);
    if (!key.ok()) return fail(req, "push", device->id, key.status(), t0);
    const std::string signature = req.header("x-ykien-signature");
    std::string digest;  // the body's, when its signature covered one: the kept batch's key
    if (Status proven = check_push_signature(*key, req.body, signature, options.require_signatures, &digest);
        !proven.ok())
      return fail(req, "push", device->id, proven, t0);
    PushRequest request;
    Status st = decode(req.body, &request, /*keep_rows=*/true);
    if (st.ok() && request.as_rows && !options.change_rows)
      st = Status::Invalid("changes", "is missing");  // what a server before rows answers
    if (!st.ok()) return fail(req, "push", device->id, st, t0);
    const ChangeBatch changes = request.batch();  // rows merged as they came: no copies
    if (static_cast<int64_t>(changes.size()) > options.max_push_changes) {
      return fail(req, "push", device->id,
                  {ErrorCode::too_large, "a push holds at most " + std::to_string(options.max_push_changes) + " changes",
                   "changes"},
                  t0);
    }
    int64_t server_now = now();
    if (Status drift = clock::accept_client_time(request.client_time_ms, server_now, options.max_clock_drift_ms);
        !drift.ok())
      return fail(req, "push", device->id, drift, t0);
    for (size_t i = 0; i < changes.size(); ++i) {
      const auto ms = static_cast<int64_t>(changes[i].hlc.millis());
      static const std::string kUnnamed;  // the field is named only on a refusal (a push has thousands)
      if (clock::accept_stamp(ms, server_now, kUnnamed, options.max_clock_drift_ms).ok()) continue;
      return fail(req, "push", device->id,
                  clock::accept_stamp(ms, server_now, "changes[" + std::to_string(i) + "].hlc", options.max_clock_drift_ms),
                  t0);
    }
    // The core checks every change against what this device may write (the write
    // policy): a push with a refused change is applied not at all, and the reply
    // names each refused change so that the device keeps them and pushes the rest.
    std::vector<Refusal> refusals;
    ApplyOptions ao;
    ao.origin = device->id;
    ao.detect_conflicts = true;
    // What it may write, read in one snapshot.
    Status policy = storage.replica().read([&](Replica::Snapshot &snapshot) -> Status {
      auto held_to = with_effective_scopes(snapshot, *device);
      if (!held_to.ok()) return held_to.status();
      auto office = devices_office_key(snapshot, options.office_key);
      if (!office.ok()) return office.status();
      ao.writer = writer_of(*held_to);
      ao.writer.sealed_identities = !office->empty();
      return Status::Ok();
    });
    if (!policy.ok()) return fail(req, "push", device->id, policy, t0);
    ao.refusals = &refusals;
    Result<ApplyReport> applied = storage.apply_changes(changes, ao);
    if (!applied.ok()) return fail(req, "push", device->id, applied.status(), t0, std::move(refusals));
    // Kept once applied: if keeping fails the device is told to retry, and the retry
    // (its changes now ignored) keeps it. So every acknowledged signed push is kept.
    if (!signature.empty()) {
      SignedBatch batch{0, device->id, "push", now(), req.body, signature, *key, req.gzip_body, std::move(digest)};
      if (Status kept = storage.signatures().keep_batch(batch, writes_of(changes)); !kept.ok())
        return fail(req, "push", device->id, kept, t0);
    }
    // A merge made without knowing how far the dropped record went: the kept one follows
    // (the push is applied and kept: a failure here is logged, the device not told).
    if (zone.ok() && applied->applied > 0)
      if (Status carried = carry_merged_progress(storage.replica(), *zone, changes); !carried.ok())
        log_line("error", "push", {{"device", device->id}, {"merge_followup", carried.to_string()}});
    PushReply reply{applied->applied, applied->ignored, applied->conflicts, now(), kDigestFormatName,
                    change_format(), options.max_push_changes, applied->position_before};
    log_line("info", "push",
             {{"device", device->id}, {"changes", std::to_string(changes.size())},
              {"applied", std::to_string(reply.applied)}, {"ignored", std::to_string(reply.ignored)},
              {"conflicts", std::to_string(reply.conflicts)}, {"bytes", std::to_string(req.body.size())},
              {"ms", std::to_string(steady_ms() - t0)}, {"waited", std::to_string(req.waited_ms)}});
    return reply_json(200, encode(reply));
  }

  ServedReply handle_pull(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, "pull", "", device.status(), t0);
    Slot slot(*this, device->id);
    if (!slot.held()) return busy_device(req, "pull", device->id, t0);
    PullRequest request;
    Status st = decode(req.body, &request);
    if (!st.ok()) return fail(req, "pull", device->id, st, t0);
    PullCursor cursor;
    std::optional<PullCursor> held;  // a pull ahead's: what the device has applied ("": nothing)
    if (request.acked) held.emplace();
    const bool held_named = held && !request.acked->empty();
    PullReply reply;
    reply.as_rows = options.change_rows && request.change_format == kRowsFormatName;
    std::map<std::string, int64_t> positions;
    std::optional<int64_t> ack;  // what the device holds, once known
    // Every read in one snapshot: on PostgreSQL one transaction, not five.
    st = storage.replica().read([&](Replica::Snapshot &snapshot) -> Status {
      auto end = snapshot.current_cursor();
      if (!end.ok()) return end.status();
      if (!request.cursor.empty())
        YKIEN_TRY(PullCursor::parse(request.cursor, cursor_key, device->id, *end, &cursor));
      if (held_named) {
        Status parsed = PullCursor::parse(*request.acked, cursor_key, device->id, *end, &*held);
        if (!parsed.ok()) return Status::Invalid("acked", parsed.message());
      }
      // The scopes its units make today (a merged ward's old parts too): one
      // position each, so a scope new to it starts at 0 and its older rows come
      // (back-filled as for scope growth); exclusions apply to every group.
      auto held_to = with_effective_scopes(snapshot, *device);
      if (!held_to.ok()) return held_to.status();
      std::vector<std::string> exclusions;
      for (const auto &scope : held_to->scopes)
        if (scope.starts_with('!')) exclusions.push_back(scope);
      const auto scopes = included_scopes(held_to->scopes);
      positions = cursor.for_scopes(scopes);
      auto office = devices_office_key(snapshot, options.office_key);
      if (!office.ok()) return office.status();
      reply.office_key = std::move(*office);
      if (positions.empty()) return Status::Ok();
      const auto smallest = [](const std::map<std::string, int64_t> &p) {
        return std::min_element(p.begin(), p.end(), [](const auto &a, const auto &b) { return a.second < b.second; })
            ->second;
      };
      // The batch starts at the smallest position. The device holds everything up to
      // it, that is its ack; or, on a pull ahead, up to its applied cursor's (never
      // beyond the one it asks from).
      const int64_t acked = smallest(positions);
      ack = acked;
      if (held) {
        auto held_positions = held->for_scopes(scopes);
        ack = held_positions.empty() ? 0 : std::min(acked, smallest(held_positions));
      }
      // Serve the scopes that are furthest behind (new scopes start at 0).
      std::vector<std::string> group;
      for (const auto &[scope, pos] : positions) {
        if (pos == acked) group.push_back(scope);
      }
      ExportOptions eo;
      eo.limit_changes =
          request.limit > 0 ? std::min(request.limit, options.max_pull_changes) : options.max_pull_changes;
      eo.limit_bytes = options.max_pull_bytes;
      eo.scopes = group;
      eo.scopes.insert(eo.scopes.end(), exclusions.begin(), exclusions.end());
      eo.exclude_origin = device->id;
      // Its own changes it may lack (a copy of its database restored): sent back.
      if (request.own_through) eo.echo_origin_through = *request.own_through;
      eo.include_confidential = device->confidential;
      eo.as_rows = reply.as_rows;  // encoded as read: no row's keys copied into each cell
      // When no more is left, the batch's next_cursor covers every committed change.
      auto batch = snapshot.export_changes(acked, eo);
      if (!batch.ok()) return batch.status();
      const int64_t reached = batch->next_cursor;
      for (const auto &scope : group) positions[scope] = reached;
      bool equal = std::all_of(positions.begin(), positions.end(),
                               [&](const auto &p) { return p.second == positions.begin()->second; });
      reply.changes = std::move(batch->changes);
      reply.rows = std::move(batch->rows);
      reply.more = batch->more || !equal;
      // For the device's progress bar: what is left is the log past its lagging scope.
      reply.scanned = std::max<int64_t>(0, reached - acked);
      reply.left = reply.more ? std::max<int64_t>(0, *end - smallest(positions)) : 0;
      return Status::Ok();
    });
    // What it holds, known once its cursors are read: noted even if the batch failed.
    if (ack) acks.note(*device, *ack, now());
    if (!st.ok()) return fail(req, "pull", device->id, st, t0);
    PullCursor next;
    next.positions = std::move(positions);
    reply.cursor = next.to_string(cursor_key, device->id);
    reply.change_format = change_format();
    reply.pull_ahead = true;
    reply.server_time_ms = now();
    log_line("info", "pull",
             {{"device", device->id},
              {"changes", std::to_string(reply.changes.size() + cell_count(reply.rows))},
              {"more", reply.more ? "true" : "false"},
              {"ms", std::to_string(steady_ms() - t0)},
              {"waited", std::to_string(req.waited_ms)}});
    return reply_json(200, encode(reply));
  }

  // Attachments' blobs (docs/protocol.md, "Blobs"): authenticated, then BlobService.
  ServedReply handle_blob(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, "blob", "", device.status(), t0);
    Slot slot(*this, device->id);
    if (!slot.held()) return busy_device(req, "blob", device->id, t0);
    ServedReply reply = req.method == "PUT"    ? blobs.put(req, *device)
                        : req.method == "HEAD" ? blobs.head(req, *device)
                                               : blobs.get(req, *device);
    log_line(reply.status < 400 ? "info" : "warn", "blob",
             {{"device", device->id}, {"method", req.method}, {"status", std::to_string(reply.status)},
              {"bytes", std::to_string(req.method == "GET" ? reply.body.size() : req.body.size())},
              {"ms", std::to_string(steady_ms() - t0)}});
    return reply;
  }

  // A hub registers the sites it relays (docs/protocol.md, "POST /v1/sites").
  ServedReply handle_sites(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, "sites", "", device.status(), t0);
    if (!device->hub) return fail(req, "sites", device->id, {ErrorCode::forbidden, "only a hub relays other sites"}, t0);
    SitesRequest request;
    Status st = decode(req.body, &request);
    if (!st.ok()) return fail(req, "sites", device->id, st, t0);
    std::vector<RelayedSite> sites;
    for (auto &e : request.sites) sites.push_back({std::move(e.site), std::move(e.device_id), std::move(e.name)});
    auto refused = storage.register_sites(device->id, sites, now());
    if (!refused.ok()) return fail(req, "sites", device->id, refused.status(), t0);
    log_line(refused->empty() ? "info" : "warn", "sites",
             {{"device", device->id}, {"sites", std::to_string(sites.size())},
              {"refused", std::to_string(refused->size())}, {"ms", std::to_string(steady_ms() - t0)}});
    return reply_json(200, encode(SitesReply{std::move(*refused), now()}));
  }

  // A device enrolled before signatures registers its public key, once
  // (docs/protocol.md, "POST /v1/keys").
  ServedReply handle_keys(const ServedRequest &req) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, "keys", "", device.status(), t0);
    KeysRequest request;
    Status st = decode(req.body, &request);
    if (st.ok() && !sync::public_key_well_formed(request.public_key))
      st = Status::Invalid("public_key", "is not a usable Ed25519 public key");
    if (st.ok()) st = storage.signatures().set_device_key(device->id, request.public_key, now());
    if (!st.ok()) return fail(req, "keys", device->id, st, t0);
    log_line("info", "keys", {{"device", device->id}, {"ms", std::to_string(steady_ms() - t0)}});
    const PublicKeys keys = current_keys();
    return reply_json(200, encode(KeysReply{keys.server, now(), kDigestFormatName, keys.office, change_format()}));
  }

  void flush_acks_logged() {
    Status st = acks.flush();
    if (!st.ok()) log_line("error", "acks", {{"message", st.message()}});
  }

  void purge() {
    flush_acks_logged();  // the purge goes by the acks: the latest ones
    // One write transaction of the core: pushes wait for it, none slips in.
    Result<int64_t> purged = purge_acknowledged_tombstones(storage);
    if (purged.ok()) {
      log_line("info", "purge", {{"rows", std::to_string(*purged)}});
    } else {
      log_line("error", "purge", {{"message", purged.status().message()}});
    }
  }

  // Writes acks every kAckFlushIntervalMs, purges every purge_interval_ms.
  void maintenance_loop() {
    int64_t next_purge = options.purge_interval_ms > 0 ? steady_ms() + options.purge_interval_ms : 0;
    std::unique_lock<std::mutex> lock(stop_mutex);
    while (!stopping) {
      stop_cv.wait_for(lock, std::chrono::milliseconds(sync::tuning::kAckFlushIntervalMs));
      if (stopping) break;
      lock.unlock();
      flush_acks_logged();
      if (next_purge != 0 && steady_ms() >= next_purge) {
        purge();
        next_purge = steady_ms() + options.purge_interval_ms;
      }
      lock.lock();
    }
  }

  void make_front() {
    FrontOptions fo = options.http;
    if (fo.workers <= 0) fo.workers = storage.workers();  // --workers, else the storage's own
    workers = fo.workers;
    fo.host = options.host;
    fo.port = options.port;
    std::vector<Route> routes;
    routes.push_back({"GET", kPathHealth, 0, true, nullptr, [this](const ServedRequest &q) { return handle_health(q); }});
    routes.push_back({"POST", kPathEnroll, static_cast<size_t>(options.max_enroll_body_bytes), false, &enroll_limiter,
                      [this](const ServedRequest &q) { return handle_enroll(q); }});
    routes.push_back({"POST", kPathPush, static_cast<size_t>(options.max_body_bytes), false, nullptr,
                      [this](const ServedRequest &q) { return handle_push(q); }});
    routes.push_back({"POST", kPathPull, static_cast<size_t>(options.max_pull_body_bytes), false, nullptr,
                      [this](const ServedRequest &q) { return handle_pull(q); }});
    routes.push_back({"POST", kPathSites, static_cast<size_t>(options.max_pull_body_bytes), false, nullptr,
                      [this](const ServedRequest &q) { return handle_sites(q); }});
    routes.push_back({"POST", kPathKeys, static_cast<size_t>(options.max_pull_body_bytes), false, nullptr,
                      [this](const ServedRequest &q) { return handle_keys(q); }});
    for (const char *method : {"HEAD", "GET", "PUT"}) {
      Route blob{method, kPathBlobs,
                 std::string_view(method) == "PUT" ? static_cast<size_t>(sync::tuning::kBlobChunkBytes) : 0, false,
                 nullptr, [this](const ServedRequest &q) { return handle_blob(q); }};
      blob.prefix = true;
      blob.raw_body = true;
      routes.push_back(std::move(blob));
    }
    routes.push_back({"POST", "/v1/wiped", static_cast<size_t>(options.max_pull_body_bytes), false, nullptr,
                      [this](const ServedRequest &q) { return handle_wiped(q); }});
    for (auto &r : options.extra_routes) routes.push_back(std::move(r));
    options.extra_routes.clear();
    // A protocol path no route takes: the protocol's refusal, also beside the office's
    // pages (whose "/" takes every other address; the longest prefix wins).
    Route unknown{"GET", "/v1/", 0, true, nullptr,
                  [this](const ServedRequest &) { return reply_error({ErrorCode::not_found, "no such endpoint"}); }};
    unknown.prefix = true;
    routes.push_back(std::move(unknown));
    http = std::make_unique<HttpFront>(std::move(fo), std::move(routes),
                                       [this](const Status &st) { return reply_error(st); });
  }
};

SyncServer::SyncServer(Storage &storage, ServerOptions options)
    : impl_(std::make_unique<Impl>(storage, std::move(options))) {
  impl_->make_front();
}

SyncServer::~SyncServer() { stop(); }

Status SyncServer::bind() { return impl_->http->bind(); }

int SyncServer::port() const { return impl_->http->port(); }

int SyncServer::workers() const { return impl_->workers; }

void SyncServer::run() {
  if (!start().ok()) return;
  std::unique_lock<std::mutex> lock(impl_->stop_mutex);
  impl_->stop_cv.wait(lock, [this] { return impl_->stopping; });
}

Status SyncServer::start() {
  std::lock_guard<std::mutex> lock(impl_->stop_mutex);
  if (impl_->running || impl_->stopping) return {};
  auto key = cursor_key(impl_->storage.replica());
  if (!key.ok()) return key.status();
  impl_->cursor_key = std::move(*key);
  auto signing = sync::signing_key(impl_->storage.replica());
  if (!signing.ok()) return signing.status();
  impl_->server_key = signing->public_hex;
  YKIEN_TRY(impl_->http->start());
  impl_->running = true;
  impl_->maintenance = std::thread([this] { impl_->maintenance_loop(); });
  log_line("info", "listening",
           {{"host", impl_->options.host}, {"port", std::to_string(port())}, {"workers", std::to_string(workers())}});
  return {};
}

void SyncServer::stop() {
  std::lock_guard<std::mutex> stopping(impl_->join_mutex);
  {
    std::lock_guard<std::mutex> lock(impl_->stop_mutex);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->http->stop();  // in-flight requests finish first
  if (impl_->maintenance.joinable()) {
    impl_->maintenance.join();
    impl_->flush_acks_logged();
    log_line("info", "stopped", {});
  }
}

Status SyncServer::flush_acks() { return impl_->acks.flush(); }

HttpFront::Stats SyncServer::http_stats() const { return impl_->http->stats(); }

}  // namespace ykien::server
