// The hub's upstream client (upstream.h, docs/server.md "Hub").
#include "upstream.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

#include "log.h"
#include "server.h"
#include "settings_keys.h"

namespace ykien::server {
namespace {

// Hub settings in the data database, beside the client's own (settings_keys.h).
constexpr const char *kUpstreamUrl = "hub.upstream_url";
constexpr const char *kLastOk = "hub.last_ok_ms";
constexpr const char *kLastAttempt = "hub.last_attempt_ms";
constexpr const char *kLastError = "hub.last_error";
// The sites last registered upstream (JSON), so that they are sent again only when
// they change (a tablet enrolled here, a new replica site).
constexpr const char *kRegisteredSites = "hub.registered_sites";

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t to_int(const std::string &text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception &) {
    return 0;
  }
}

std::string setting(Replica &db, const char *key) {
  auto v = db.setting(key);
  return v.ok() ? *v : std::string();
}

std::vector<std::string> parse_scopes(const std::string &text) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto &e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string join(const std::vector<std::string> &v) {
  std::string out;
  for (const auto &s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The stored state of a data database (no network).
UpstreamState stored_state(Replica &db) {
  UpstreamState s;
  s.url = setting(db, kUpstreamUrl);
  s.enrolled = !setting(db, sync::keys::kToken).empty();
  s.device_id = setting(db, sync::keys::kDeviceId);
  s.scopes = parse_scopes(setting(db, sync::keys::kScopes));
  s.last_ok_ms = to_int(setting(db, kLastOk));
  s.last_attempt_ms = to_int(setting(db, kLastAttempt));
  s.last_error = setting(db, kLastError);
  return s;
}

// The changes the upstream refused, kept here (the sync client's sync.refused, JSON):
// read for upstream-status only, not at each enrollment's scope check.
void read_refused(Replica &db, UpstreamState &s) {
  const auto refused = nlohmann::json::parse(setting(db, sync::keys::kRefused), nullptr, false);
  if (!refused.is_array() || refused.empty()) return;
  s.refused = static_cast<int64_t>(refused.size());
  const auto &last = refused.back();
  const auto change = last.value("change", nlohmann::json::object());
  s.last_refusal = last.value("code", std::string()) + " " + change.value("table", std::string()) + " " +
                   change.value("id", std::string()) + ": " + last.value("message", std::string());
}

std::string default_device_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "ykien hub";
  return std::string("ykien hub on ") + host;
}

}  // namespace

Upstream::Upstream(Storage &storage, UpstreamOptions options)
    : storage_(storage), data_(storage.replica()), options_(std::move(options)) {
  transport_ = sync::make_curl_transport(options_.transport);
  sync::SyncOptions so = options_.client;
  so.server_url = options_.url;
  so.push_conflict_records = true;  // a hub relays the conflict records it makes
  so.pull_batch_changes_max = sync::tuning::kMaxPullChanges;  // fewer round trips; memory is not a tablet's
  so.push_batch_changes_max = sync::tuning::kMaxPushChanges;  // as far as the server's stated bound lets it
  client_ = std::make_unique<sync::SyncClient>(data_, *transport_, so);
  state_ = stored_state(data_);
  pending_code_ = state_.enrolled ? std::string() : options_.enroll_code;
}

Result<std::unique_ptr<Upstream>> Upstream::open(Storage &storage, UpstreamOptions options) {
  Replica &data = storage.replica();
  bool asked = !options.url.empty() || !options.enroll_code.empty();
  std::string stored = setting(data, kUpstreamUrl);
  if (options.url.empty()) options.url = stored;
  if (options.url.empty()) {
    if (!asked) return std::unique_ptr<Upstream>();
    return Status::Invalid("upstream", "--enroll-code needs --upstream URL (the server to enroll with)");
  }
  while (options.url.size() > 1 && options.url.back() == '/') options.url.pop_back();
  if (options.url != stored) YKIEN_TRY(data.set_setting(kUpstreamUrl, options.url));
  if (options.device_name.empty()) options.device_name = default_device_name();
  std::unique_ptr<Upstream> up(new Upstream(storage, std::move(options)));
  if (up->state_.enrolled) {
    if (!up->options_.enroll_code.empty()) {
      log_line("warn", "upstream", {{"message", "already enrolled upstream as device " + up->state_.device_id +
                                                    "; --enroll-code ignored"}});
    }
    return up;
  }
  if (up->pending_code_.empty()) {
    log_line("warn", "upstream", {{"message", "not enrolled with " + up->options_.url +
                                                  " yet: start once with --enroll-code CODE"}});
    return up;
  }
  std::lock_guard<std::mutex> lock(up->sync_mutex_);
  Status st = up->enroll_locked();
  if (!st.ok() && st.code() != ErrorCode::network && st.code() != ErrorCode::server) return st;
  return up;
}

Upstream::~Upstream() { stop(); }

Status Upstream::enroll_locked() {
  auto reply = client_->enroll(pending_code_, options_.device_name);
  if (!reply.ok()) {
    Status st = reply.status();
    if (st.code() == ErrorCode::unauthorized) {
      pending_code_.clear();  // a refused code stays refused
      st = Status(ErrorCode::unauthorized, options_.url + " refused the enrollment code: " + st.message() +
                                               " (ask its operator for a new one)");
    }
    log_line("error", "upstream_enroll", {{"url", options_.url}, {"code", error_code_name(st.code())},
                                          {"message", st.message()}});
    return st;
  }
  pending_code_.clear();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.enrolled = true;
    state_.device_id = reply->device_id;
    state_.scopes = reply->scopes;
  }
  log_line("info", "upstream_enroll", {{"url", options_.url}, {"device", reply->device_id},
                                       {"scopes", join(reply->scopes)}});
  // Devices enrolled here before the hub knew its units must lie inside them.
  auto devices = storage_.list_devices();
  if (devices.ok()) {
    for (const auto &d : *devices) {
      for (const auto &s : d.scopes) {
        if (d.revoked_at_ms == 0 && !scope_covers(reply->scopes, s)) {
          log_line("warn", "upstream_scope", {{"device", d.id}, {"scope", s},
                                              {"message", "this device's unit lies outside the hub's upstream units; "
                                                          "its changes there will be refused upstream"}});
        }
      }
    }
  }
  return {};
}

Result<sync::SyncReport> Upstream::sync_now() {
  std::lock_guard<std::mutex> lock(sync_mutex_);
  int64_t t0 = steady_ms();
  if (!client_->enrolled()) {
    Status st = pending_code_.empty()
                    ? Status(ErrorCode::invalid_state, "this hub is not enrolled with " + options_.url +
                                                           ": restart it with --enroll-code CODE")
                    : enroll_locked();
    if (!st.ok()) {
      record(st, nullptr, steady_ms() - t0);
      return st;
    }
  }
  Status registered = register_sites_locked();
  if (!registered.ok()) {
    record(registered, nullptr, steady_ms() - t0);
    return registered;
  }
  Result<sync::SyncReport> result = Status(ErrorCode::internal, "upstream sync did not run");
  result = client_->sync();
  record(result.ok() ? Status() : result.status(), result.ok() ? &*result : nullptr, steady_ms() - t0);
  return result;
}

Status Upstream::register_sites_locked() {
  std::vector<sync::RelayedSiteEntry> sites{{site_to_string(data_.site_id()), "", ""}};
  auto devices = storage_.list_devices();
  if (!devices.ok()) return devices.status();
  for (const auto &d : *devices) sites.push_back({d.site, d.id, d.name});
  nlohmann::json list = nlohmann::json::array();
  for (const auto &s : sites) list.push_back({s.site, s.device_id, s.name});
  const std::string text = list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (setting(data_, kRegisteredSites) == text) return {};
  auto reply = client_->register_sites(sites);
  if (!reply.ok() && reply.status().code() == ErrorCode::not_found) {
    // An older upstream server: it takes any site from a hub.
    log_line("warn", "upstream_sites", {{"message", "the upstream server does not know /v1/sites (older version)"}});
    return {};
  }
  if (!reply.ok()) return reply.status();
  for (const auto &site : reply->refused) {
    log_line("error", "upstream_sites", {{"site", site},
                                         {"message", "the upstream server says this site is another device's: "
                                                     "its changes will be refused there"}});
  }
  return data_.set_setting(kRegisteredSites, text);
}

void Upstream::record(const Status &outcome, const sync::SyncReport *report, int64_t ms) {
  const int64_t now = data_.now_ms();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.last_attempt_ms = now;
    if (outcome.ok()) {
      state_.last_ok_ms = now;
      state_.last_error.clear();
      state_.failures = 0;
      state_.syncs++;
    } else {
      state_.last_error = outcome.to_string();
      state_.failures++;
    }
  }
  (void)data_.set_setting(kLastAttempt, std::to_string(now));
  (void)data_.set_setting(kLastError, outcome.ok() ? std::string() : outcome.to_string());
  if (outcome.ok()) (void)data_.set_setting(kLastOk, std::to_string(now));
  if (outcome.ok() && report != nullptr) {
    // Refused upstream: kept here, seen by no tablet; the log says it as a warning.
    log_line(report->refused > 0 ? "warn" : "info", "upstream",
             {{"pushed", std::to_string(report->pushed)}, {"pulled", std::to_string(report->pulled)},
              {"refused", std::to_string(report->refused)}, {"conflicts", std::to_string(report->conflicts)},
              {"round_trips", std::to_string(report->round_trips)}, {"retries", std::to_string(report->retries)},
              {"caught_up", report->caught_up ? "true" : "false"}, {"ms", std::to_string(ms)}});
  } else if (!outcome.ok()) {
    log_line(outcome.code() == ErrorCode::network ? "warn" : "error", "upstream",
             {{"code", error_code_name(outcome.code())}, {"message", outcome.message()}, {"ms", std::to_string(ms)}});
  }
}

void Upstream::start(SyncServer *server) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  server_ = server;
  thread_ = std::thread([this] { loop(); });
}

void Upstream::request_sync() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requested_ = true;
  }
  wake_.notify_all();
}

void Upstream::loop() {
  std::mt19937_64 rng{std::random_device{}()};
  std::unique_lock<std::mutex> lock(mutex_);
  auto deadline = std::chrono::steady_clock::now();  // the first sync at once
  for (;;) {
    wake_.wait_until(lock, deadline, [&] { return stopping_ || requested_; });
    if (stopping_) break;
    requested_ = false;
    syncing_ = true;
    lock.unlock();
    auto result = sync_now();
    lock.lock();
    syncing_ = false;
    idle_.notify_all();
    int64_t wait_ms = options_.interval_ms;
    if (!result.ok()) {
      // A refused enrollment or a revoked hub will not heal by itself: wait the
      // longest. Network and server failures back off from the base.
      bool hopeless = result.status().code() == ErrorCode::unauthorized ||
                      result.status().code() == ErrorCode::invalid_state;
      int shift = std::min(state_.failures - 1, 20);
      int64_t cap = hopeless ? options_.retry_max_ms
                             : std::min(options_.retry_max_ms, options_.retry_base_ms << std::max(shift, 0));
      wait_ms = std::uniform_int_distribution<int64_t>(cap / 2, std::max<int64_t>(cap, 1))(rng);
    } else if (!result->caught_up) {
      wait_ms = 0;  // the round-trip bound ran out: go on at once
    }
    deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  }
}

void Upstream::stop() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  if (!thread_.joinable()) return;
  // Let a running sync finish; past the grace period, cancel it at its next exchange
  // (repeatedly: a sync that is only starting would reset a single cancel).
  if (!idle_.wait_for(lock, std::chrono::milliseconds(options_.stop_grace_ms), [&] { return !syncing_; })) {
    log_line("warn", "upstream", {{"message", "shutdown: cancelling the running upstream sync"}});
    while (!idle_.wait_for(lock, std::chrono::milliseconds(50), [&] { return !syncing_; })) client_->cancel();
  }
  lock.unlock();
  thread_.join();
}

UpstreamState Upstream::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  UpstreamState s = state_;
  s.url = options_.url;
  return s;
}

Result<UpstreamState> read_upstream_state(Storage &storage) {
  UpstreamState s = stored_state(storage.replica());
  read_refused(storage.replica(), s);
  return s;
}

Status check_hub_scopes(Storage &storage, const std::vector<std::string> &scopes) {
  UpstreamState hub = stored_state(storage.replica());
  if (hub.url.empty()) return {};
  if (!hub.enrolled) {
    return {ErrorCode::invalid_state, "this server is a hub of " + hub.url +
                                          " but has not enrolled there yet, so its units are unknown; start it "
                                          "with --enroll-code CODE first"};
  }
  for (const auto &s : scopes) {
    if (!scope_covers(hub.scopes, s)) {
      return {ErrorCode::forbidden,
              "unit " + s + " lies outside this hub's units (" + join(hub.scopes) + ", as enrolled with " + hub.url +
                  "): devices enrolled here can only sync units the hub itself syncs upstream",
              "unit"};
    }
  }
  return {};
}

int64_t hub_pushed_cursor(Storage &storage) {
  Replica &db = storage.replica();
  if (setting(db, kUpstreamUrl).empty()) return -1;
  return to_int(setting(db, sync::keys::kPushCursor));
}

}  // namespace ykien::server
