// The C API's sync calls: a SyncClient over libcurl or the host app's transport.
#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "capi_internal.h"
#include "capi_key_store.h"
#include "json_codec.h"
#include "ykien/sync/client.h"
#include "ykien/sync/wipe.h"
#if YKIEN_C_HAVE_CURL
#include "ykien/sync/curl_transport.h"
#endif

using namespace ykien;
using namespace ykien::capi;

// Filled by the host transport through the setters.
struct ykien_http_response {
  sync::HttpResponse response;
  std::string error;
};

namespace {

// The host app's HTTP callback as a Transport.
class HostTransport final : public sync::Transport {
 public:
  HostTransport(ykien_http_fn fn, ykien_release_fn release, void *ctx) : fn_(fn), release_(release), ctx_(ctx) {}
  ~HostTransport() override {
    if (release_ != nullptr) release_(ctx_);
  }
  HostTransport(const HostTransport &) = delete;
  HostTransport &operator=(const HostTransport &) = delete;

  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override {
    try {
      std::vector<const char *> names, values;
      for (const auto &[name, value] : request.headers) {
        names.push_back(name.c_str());
        values.push_back(value.c_str());
      }
      ykien_http_request r{request.method.c_str(), request.url.c_str(), names.data(),       values.data(),
                           names.size(),           request.body.data(), request.body.size()};
      ykien_http_response out;
      int rc = fn_(&r, &out, ctx_);
      if (rc != 0) {
        return Status(ErrorCode::network, out.error.empty() ? "the host transport got no response" : out.error);
      }
      if (out.response.status < 100 || out.response.status > 599) {
        return Status(ErrorCode::network, "the host transport gave no valid HTTP status");
      }
      if (out.response.wire_bytes == 0) out.response.wire_bytes = static_cast<int64_t>(out.response.body.size());
      return std::move(out.response);
    } catch (const std::exception &e) {
      return Status(ErrorCode::network, std::string("host transport: ") + e.what());
    }
  }

 private:
  ykien_http_fn fn_;
  ykien_release_fn release_;
  void *ctx_;
};

struct SyncState {
  // Null once a wipe order let go of the database (ykien_sync_wipe_ordered).
  std::shared_ptr<DbState> db;  // guarded by db_mu after ykien_sync_new
  std::mutex db_mu;
  std::unique_ptr<sync::Transport> transport;
  std::unique_ptr<sync::SyncClient> client;
  std::shared_ptr<sync::KeyStore> secrets;  // the client's key store
  std::string server_url;
  std::string wipe_token;  // kept by ykien_sync_wipe_ordered for ykien_sync_report_wiped; guarded by run_mu
  std::mutex run_mu;  // one enroll/run at a time (SyncClient is not thread-safe)
  // The progress callback of the run in progress; set and called under run_mu.
  std::function<void(const sync::SyncProgress &)> on_progress;
  ~SyncState() {
    client.reset();  // before the transport it borrows
    transport.reset();
  }
  // The database, kept open by the copy for the caller's call.
  std::shared_ptr<DbState> database() {
    std::lock_guard<std::mutex> lock(db_mu);
    return db;
  }
};

struct SyncRegistry {
  std::mutex mu;
  std::unordered_map<const ykien_sync *, std::shared_ptr<SyncState>> open;  // guarded by mu
};
SyncRegistry &sync_registry() {
  static auto *r = new SyncRegistry;  // never destroyed: no release at static destruction
  return *r;
}

Status lookup_sync(ykien_sync *s, std::shared_ptr<SyncState> *out) {
  if (s == nullptr) return Status::Invalid("sync", "is NULL");
  std::lock_guard<std::mutex> lock(sync_registry().mu);
  auto it = sync_registry().open.find(s);
  if (it == sync_registry().open.end()) return {ErrorCode::invalid_state, "the sync handle is freed or not valid"};
  *out = it->second;
  return {};
}

nlohmann::json progress_json(const sync::SyncProgress &p) {
  return {{"phase", p.phase},
          {"pushed", p.pushed},
          {"pulled", p.pulled},
          {"refused", p.refused},
          {"bytes_sent", p.bytes_sent},
          {"bytes_received", p.bytes_received},
          {"round_trips", p.round_trips}};
}

}  // namespace

struct ykien_sync {
  char unused;
};

extern "C" {

YKIEN_API int ykien_http_response_set_status(ykien_http_response *response, int status) {
  return guard("ykien_http_response_set_status", nullptr, [&]() -> Status {
    YKIEN_TRY(need(response, "response"));
    response->response.status = status;
    return {};
  });
}

YKIEN_API int ykien_http_response_add_header(ykien_http_response *response, const char *name, const char *value) {
  return guard("ykien_http_response_add_header", nullptr, [&]() -> Status {
    YKIEN_TRY(need(response, "response"));
    YKIEN_TRY(need(name, "name"));
    YKIEN_TRY(need(value, "value"));
    response->response.headers.emplace_back(name, value);
    return {};
  });
}

YKIEN_API int ykien_http_response_set_body(ykien_http_response *response, const char *body, size_t size) {
  return guard("ykien_http_response_set_body", nullptr, [&]() -> Status {
    YKIEN_TRY(need(response, "response"));
    if (body == nullptr && size > 0) return Status::Invalid("body", "is NULL");
    response->response.body.assign(body == nullptr ? "" : body, size);
    return {};
  });
}

YKIEN_API int ykien_http_response_set_error(ykien_http_response *response, const char *message) {
  return guard("ykien_http_response_set_error", nullptr, [&]() -> Status {
    YKIEN_TRY(need(response, "response"));
    response->error = opt(message);
    return {};
  });
}

}  // extern "C"

namespace {

// `*db`: the sync's database, kept open until the caller's call returns.
Status sync_open_db(SyncState &state, std::shared_ptr<DbState> *db) {
  *db = state.database();
  if (!*db) return {ErrorCode::invalid_state, "this sync handle let go of its database after a wipe order"};
  if ((*db)->closed.load()) return {ErrorCode::invalid_state, "the database of this sync handle was closed"};
  return {};
}

// One enroll, run or wipe check at a time per handle (SyncClient is not thread-safe):
// `*lock` holds it, `*db` keeps the database open for the call.
Status begin_exclusive(ykien_sync *s, std::shared_ptr<SyncState> *state, std::shared_ptr<DbState> *db,
                       std::unique_lock<std::mutex> *lock) {
  YKIEN_TRY(lookup_sync(s, state));
  YKIEN_TRY(sync_open_db(**state, db));
  *lock = std::unique_lock<std::mutex>((*state)->run_mu, std::try_to_lock);
  if (!lock->owns_lock()) return {ErrorCode::invalid_state, "a sync is already running on this handle"};
  return {};
}

}  // namespace

extern "C" {

YKIEN_API int ykien_sync_new(ykien_sync **out, ykien_db *db, const ykien_sync_options *options, ykien_error *err) {
  if (out != nullptr) *out = nullptr;
  bool taken = false;        // the transport now owns http_ctx
  bool store_taken = false;  // the key store wrapper now owns key_store->ctx
  int code = guard("ykien_sync_new", err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    YKIEN_TRY(need(options, "options"));
    YKIEN_TRY(check_version(options->version, YKIEN_SYNC_OPTIONS_VERSION, "options.version"));
    if (options->server_url == nullptr || options->server_url[0] == '\0') {
      return Status::Invalid("options.server_url", "is required");
    }
    auto state = std::make_shared<SyncState>();
    YKIEN_TRY(lookup_db(db, &state->db));
    if (options->http != nullptr) {
      state->transport = std::make_unique<HostTransport>(options->http, options->http_release, options->http_ctx);
      taken = true;
    } else {
#if YKIEN_C_HAVE_CURL
      sync::CurlTransportOptions co;
      // Version 1 called the field verify_tls (1 = verify); since version 2 a zeroed
      // struct verifies.
      co.verify_tls = options->version == 1 ? options->skip_tls_verify != 0 : options->skip_tls_verify == 0;
      co.ca_file = opt(options->ca_file);
      state->transport = sync::make_curl_transport(co);
#else
      return Status::Invalid("options.http", "is required: this library was built without libcurl");
#endif
    }
    if (options->version >= 3 && options->key_store != nullptr) {
      auto store = host_key_store(*options->key_store, /*owns=*/true, "options.key_store");
      if (!store) return store.status();
      store_taken = true;
      state->secrets = std::move(*store);
    } else {
      state->secrets = sync::default_key_store(*state->db->db);
    }
    {
      std::lock_guard<std::mutex> lock(state->db->mu);
      state->db->key_store = state->secrets;
    }
    sync::SyncOptions so;
    so.server_url = options->server_url;
    while (!so.server_url.empty() && so.server_url.back() == '/') so.server_url.pop_back();
    state->server_url = so.server_url;
    so.key_store = state->secrets;
    if (options->max_attempts > 0) so.max_attempts = options->max_attempts;
    so.allow_plain_http = options->version >= 2 && options->allow_plain_http != 0;
    // The client lives inside the state, so the state outlives this callback.
    SyncState *raw = state.get();
    so.on_progress = [raw](const sync::SyncProgress &p) {
      if (raw->on_progress) raw->on_progress(p);
    };
    state->client = std::make_unique<sync::SyncClient>(*state->db->db, *state->transport, so);
    auto handle = std::make_unique<ykien_sync>();
    std::lock_guard<std::mutex> lock(sync_registry().mu);
    sync_registry().open.emplace(handle.get(), std::move(state));
    *out = handle.release();
    return {};
  });
  if (code != YKIEN_OK && !taken && options != nullptr && options->http != nullptr &&
      options->http_release != nullptr) {
    options->http_release(options->http_ctx);
  }
  if (code != YKIEN_OK && !store_taken && options != nullptr && options->version >= 3 &&
      options->key_store != nullptr && options->key_store->release != nullptr) {
    options->key_store->release(options->key_store->ctx);
  }
  return code;
}

YKIEN_API void ykien_sync_free(ykien_sync *s) {
  if (s == nullptr) return;
  try {
    std::shared_ptr<SyncState> state;
    {
      std::lock_guard<std::mutex> lock(sync_registry().mu);
      auto it = sync_registry().open.find(s);
      if (it == sync_registry().open.end()) return;
      state = std::move(it->second);
      sync_registry().open.erase(it);
      delete s;
    }
    state.reset();  // a run in progress elsewhere keeps it until it returns
  } catch (...) {
    log(YKIEN_LOG_ERROR, "ykien_sync_free: unexpected exception");
  }
}

YKIEN_API int ykien_sync_enroll(char **out_json, ykien_sync *s, const char *code, const char *device_name,
                                ykien_error *err) {
  return guard_out("ykien_sync_enroll", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(code, "code"));
    YKIEN_TRY(need(device_name, "device_name"));
    std::shared_ptr<SyncState> state;
    std::shared_ptr<DbState> db;
    std::unique_lock<std::mutex> lock;  // released before `state`, which holds the mutex
    YKIEN_TRY(begin_exclusive(s, &state, &db, &lock));
    auto reply = state->client->enroll(code, device_name);
    if (!reply) return reply.status();
    nlohmann::json j = {
        {"device_id", reply->device_id}, {"scopes", reply->scopes}, {"server_time_ms", reply->server_time_ms}};
    return put(out_json, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
}

YKIEN_API int ykien_sync_run(char **out_json, ykien_sync *s, ykien_progress_fn progress, void *ctx, ykien_error *err) {
  return guard_out("ykien_sync_run", out_json, err, [&]() -> Status {
    std::shared_ptr<SyncState> state;
    std::shared_ptr<DbState> db;
    std::unique_lock<std::mutex> lock;  // released before `state`, which holds the mutex
    YKIEN_TRY(begin_exclusive(s, &state, &db, &lock));
    // The client's options hold the progress callback for this run only. Observers
    // hear of each pulled batch from the engine as it commits.
    state->on_progress = [&](const sync::SyncProgress &p) {
      if (log_enabled(YKIEN_LOG_DEBUG)) log(YKIEN_LOG_DEBUG, "sync progress: " + progress_json(p).dump());
      if (progress == nullptr) return;
      ykien_sync_progress cp{p.phase.c_str(), p.pushed,         p.pulled,     p.refused,
                             p.bytes_sent,    p.bytes_received, p.round_trips};
      progress(&cp, ctx);
    };
    auto report = state->client->sync();
    state->on_progress = nullptr;
    if (!report) return report.status();
    nlohmann::json j = progress_json(*report);
    j["retries"] = report->retries;
    j["conflicts"] = report->conflicts;
    j["restamped"] = report->restamped;
    j["clock_offset_ms"] = report->clock_offset_ms;
    j["caught_up"] = report->caught_up;
    if (log_enabled(YKIEN_LOG_INFO)) log(YKIEN_LOG_INFO, "sync done: " + j.dump());
    return put(out_json, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
}

YKIEN_API int ykien_sync_cancel(ykien_sync *s, ykien_error *err) {
  return guard("ykien_sync_cancel", err, [&]() -> Status {
    std::shared_ptr<SyncState> state;
    YKIEN_TRY(lookup_sync(s, &state));
    state->client->cancel();
    return {};
  });
}

YKIEN_API int ykien_sync_refused(char **out_json, ykien_sync *s, ykien_error *err) {
  return guard_out("ykien_sync_refused", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    std::shared_ptr<SyncState> state;
    YKIEN_TRY(lookup_sync(s, &state));
    std::shared_ptr<DbState> db;
    YKIEN_TRY(sync_open_db(*state, &db));
    auto refused = state->client->refused_changes();
    if (!refused) return refused.status();
    std::vector<Change> changes;
    for (const auto &r : *refused) changes.push_back(r.change);
    auto encoded = nlohmann::json::parse(encode(ChangeSet{changes, 0, false}))["changes"];
    nlohmann::json a = nlohmann::json::array();
    for (size_t i = 0; i < refused->size(); ++i) {
      a.push_back({{"change", encoded[i]}, {"code", (*refused)[i].code}, {"message", (*refused)[i].message}});
    }
    return put(out_json, a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
}

YKIEN_API int ykien_sync_wipe_ordered(int *out_ordered, ykien_sync *s, ykien_error *err) {
  if (out_ordered != nullptr) *out_ordered = 0;
  return guard("ykien_sync_wipe_ordered", err, [&]() -> Status {
    YKIEN_TRY(need(out_ordered, "out_ordered"));
    std::shared_ptr<SyncState> state;
    std::shared_ptr<DbState> db;
    std::unique_lock<std::mutex> lock;  // released before `state`, which holds the mutex
    YKIEN_TRY(begin_exclusive(s, &state, &db, &lock));
    auto ordered = sync::wipe_ordered(*db->db);
    if (!ordered) return ordered.status();
    if (*ordered) {
      // The erase takes the key store with it: the report needs the token after.
      auto token = sync::take_secret(db->db->replica(), *state->secrets, sync::kTokenSecret);
      if (!token) return token.status();
      state->wipe_token = *token;
      // Let go of the database, so that ykien_db_close closes its files before the
      // erase (the client is never called again).
      std::lock_guard<std::mutex> db_lock(state->db_mu);
      state->db.reset();
    }
    *out_ordered = *ordered ? 1 : 0;
    return {};
  });
}

YKIEN_API int ykien_erase_database_files(const char *db_path, const ykien_key_store *key_store, ykien_error *err) {
  return guard("ykien_erase_database_files", err, [&]() -> Status {
    YKIEN_TRY(need(db_path, "db_path"));
    if (db_path[0] == '\0') return Status::Invalid("db_path", "is empty");
    if (key_store == nullptr) return sync::erase_database_files(db_path);
    auto store = host_key_store(*key_store, /*owns=*/false, "key_store");
    if (!store) return store.status();
    return sync::erase_database_files(db_path, **store);
  });
}

YKIEN_API int ykien_sync_report_wiped(ykien_sync *s, ykien_error *err) {
  return guard("ykien_sync_report_wiped", err, [&]() -> Status {
    std::shared_ptr<SyncState> state;
    YKIEN_TRY(lookup_sync(s, &state));
    std::unique_lock<std::mutex> lock(state->run_mu, std::try_to_lock);
    if (!lock.owns_lock()) return {ErrorCode::invalid_state, "a sync is already running on this handle"};
    std::string token = state->wipe_token;
    std::shared_ptr<DbState> db;
    if (token.empty() && sync_open_db(*state, &db).ok()) {
      auto kept = sync::take_secret(db->db->replica(), *state->secrets, sync::kTokenSecret);
      if (!kept) return kept.status();
      token = *kept;
    }
    if (token.empty()) return {ErrorCode::unauthorized, "no device token: call ykien_sync_wipe_ordered before erasing"};
    return sync::report_wiped(*state->transport, state->server_url, token);
  });
}

}  // extern "C"
