// HTTP endpoints of the sync protocol (docs/protocol.md) on cpp-httplib.
#include "server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "cursor.h"
#include "log.h"
#include "purge.h"
#include "tokens.h"
#include "ykien/sync/protocol.h"
#include "ykien/uuid.h"

namespace ykien::server {

using namespace ykien::sync;

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct SyncServer::Impl {
  Impl(Storage &s, ServerOptions o)
      : storage(s), options(std::move(o)), clock(options.clock != nullptr ? *options.clock : SystemClock::instance()) {}

  Storage &storage;
  ServerOptions options;
  const Clock &clock;
  httplib::Server http;
  std::thread thread;
  std::thread purger;
  int port = 0;
  bool bound = false;
  socket_t listen_socket = INVALID_SOCKET;  // set by the socket-options hook, before bind

  std::mutex inflight_mutex;
  std::map<std::string, int> inflight;  // device id -> requests running; guarded by inflight_mutex

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;  // guarded by stop_mutex
  // stop() may run on two threads at once (the signal watcher, and main once run()
  // returns): joining one std::thread from both never returns. Held while joining.
  std::mutex join_mutex;

  int64_t now() const { return clock.now_ms(); }

  void reply_json(httplib::Response &res, int status, const std::string &body) {
    res.status = status;
    res.set_content(body, "application/json");
  }

  void reply_error(httplib::Response &res, const Status &st, std::vector<int64_t> refused = {}) {
    ErrorReply e{st.code(), st.message(), st.field(), std::move(refused), now()};
    reply_json(res, http_status_for(st.code()), encode(e));
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

  Result<DeviceRecord> authenticate(const httplib::Request &req) {
    std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.compare(0, kBearer.size(), kBearer) != 0) {
      return Status(ErrorCode::unauthorized, "missing \"Authorization: Bearer <token>\" header");
    }
    std::string token = header.substr(kBearer.size());
    if (token.size() != 64) return Status(ErrorCode::unauthorized, "unknown device token");
    auto device = storage.device_by_token(sha256_hex(token));
    if (!device.ok()) return device.status();
    if (device->revoked_at_ms != 0) {
      return Status(ErrorCode::unauthorized, "this device was revoked; ask the operator to enroll it again");
    }
    return device;
  }

  Status read_body(const httplib::Request &req, const httplib::ContentReader &reader, std::string *body) {
    bool too_big = false;
    auto limit = static_cast<size_t>(options.max_body_bytes);
    if (std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > limit) too_big = true;
    bool ok = !too_big && reader([&](const char *data, size_t n) {
      if (body->size() + n > limit) {
        too_big = true;
        return false;
      }
      body->append(data, n);
      return true;
    });
    if (too_big) {
      return {ErrorCode::too_large, "request body is larger than " + std::to_string(limit) + " bytes"};
    }
    if (!ok) return {ErrorCode::corrupt, "cannot read the request body (truncated or bad gzip)"};
    return {};
  }

  void handle_health(const httplib::Request &, httplib::Response &res) {
    HealthReply h;
    h.server_time_ms = now();
    reply_json(res, 200, encode(h));
  }

  void handle_enroll(const httplib::Request &req, httplib::Response &res, const httplib::ContentReader &reader) {
    int64_t t0 = steady_ms();
    std::string body;
    Status st = read_body(req, reader, &body);
    EnrollRequest request;
    if (st.ok()) st = decode(body, &request);
    if (!st.ok()) return fail(req, res, "enroll", "", st, t0);
    std::string device_id = new_uuid_v7(clock);
    std::string token = new_device_token();
    auto device = storage.enroll(sha256_hex(normalize_code(request.code)), device_id, request.device_name,
                                 request.site, sha256_hex(token), now());
    if (!device.ok()) return fail(req, res, "enroll", "", device.status(), t0);
    EnrollReply reply{device->id, token, device->scopes, now()};
    reply_json(res, 200, encode(reply));
    log_line("info", "enroll", {{"device", device->id}, {"name", device->name}, {"site", device->site},
                                {"ms", std::to_string(steady_ms() - t0)}});
  }

  void fail(const httplib::Request &req, httplib::Response &res, const char *event, const std::string &device,
            const Status &st, int64_t t0, std::vector<int64_t> refused = {}) {
    reply_error(res, st, std::move(refused));
    log_line(res.status >= 500 ? "error" : "warn", event,
             {{"device", device}, {"status", std::to_string(res.status)}, {"code", error_code_name(st.code())},
              {"message", st.message()}, {"remote", req.remote_addr}, {"ms", std::to_string(steady_ms() - t0)}});
  }

  void handle_push(const httplib::Request &req, httplib::Response &res, const httplib::ContentReader &reader) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, res, "push", "", device.status(), t0);
    Slot slot(*this, device->id);
    if (!slot.held()) {
      return fail(req, res, "push", device->id, {ErrorCode::server, "too many requests from this device at once"}, t0);
    }
    std::string body;
    Status st = read_body(req, reader, &body);
    PushRequest request;
    if (st.ok()) st = decode(body, &request);
    if (!st.ok()) return fail(req, res, "push", device->id, st, t0);
    if (static_cast<int64_t>(request.changes.size()) > options.max_push_changes) {
      return fail(req, res, "push", device->id,
                  {ErrorCode::too_large, "a push holds at most " + std::to_string(options.max_push_changes) + " changes",
                   "changes"},
                  t0);
    }
    int64_t server_now = now();
    int64_t drift = request.client_time_ms - server_now;
    if (drift > options.max_clock_drift_ms || -drift > options.max_clock_drift_ms) {
      return fail(req, res, "push", device->id,
                  {ErrorCode::clock_drift,
                   "the device clock differs from the server's by " + std::to_string(drift / 1000) +
                       " s; correct it with the server_time of this reply and re-stamp",
                   "client_time"},
                  t0);
    }
    std::vector<int64_t> refused;
    for (size_t i = 0; i < request.changes.size(); ++i) {
      const Change &c = request.changes[i];
      if (static_cast<int64_t>(c.hlc.millis()) > server_now + options.max_clock_drift_ms) {
        return fail(req, res, "push", device->id,
                    {ErrorCode::clock_drift, "a change is stamped in the future (" + c.hlc.to_string() + ")",
                     "changes[" + std::to_string(i) + "].hlc"},
                    t0);
      }
      if (!scope_covers(device->scopes, c.scope)) refused.push_back(static_cast<int64_t>(i));
    }
    if (!refused.empty()) {
      const Change &c = request.changes[static_cast<size_t>(refused.front())];
      return fail(req, res, "push", device->id,
                  {ErrorCode::forbidden,
                   std::to_string(refused.size()) + " change(s) lie outside this device's units (first: " + c.table +
                       " " + c.id + " in " + c.scope + "); nothing was applied",
                   "changes[" + std::to_string(refused.front()) + "].scope"},
                  t0, refused);
    }
    ApplyOptions ao;
    ao.origin = device->id;
    ao.detect_conflicts = true;
    Result<ApplyReport> applied = storage.apply_changes(request.changes, ao);
    if (!applied.ok()) return fail(req, res, "push", device->id, applied.status(), t0);
    PushReply reply{applied->applied, applied->ignored, applied->conflicts, now()};
    reply_json(res, 200, encode(reply));
    log_line("info", "push",
             {{"device", device->id}, {"changes", std::to_string(request.changes.size())},
              {"applied", std::to_string(reply.applied)}, {"ignored", std::to_string(reply.ignored)},
              {"conflicts", std::to_string(reply.conflicts)}, {"bytes", std::to_string(body.size())},
              {"ms", std::to_string(steady_ms() - t0)}});
  }

  void handle_pull(const httplib::Request &req, httplib::Response &res, const httplib::ContentReader &reader) {
    int64_t t0 = steady_ms();
    auto device = authenticate(req);
    if (!device.ok()) return fail(req, res, "pull", "", device.status(), t0);
    Slot slot(*this, device->id);
    if (!slot.held()) {
      return fail(req, res, "pull", device->id, {ErrorCode::server, "too many requests from this device at once"}, t0);
    }
    std::string body;
    Status st = read_body(req, reader, &body);
    PullRequest request;
    if (st.ok()) st = decode(body, &request);
    PullCursor cursor;
    if (st.ok()) st = PullCursor::parse(request.cursor, &cursor);
    if (!st.ok()) return fail(req, res, "pull", device->id, st, t0);
    std::map<std::string, int64_t> positions = cursor.for_scopes(device->scopes);
    PullReply reply;
    if (!positions.empty()) {
      // The device holds everything up to its smallest position: that is its ack.
      int64_t acked = std::min_element(positions.begin(), positions.end(), [](const auto &a, const auto &b) {
                        return a.second < b.second;
                      })->second;
      st = storage.record_pull_ack(device->id, acked, now());
      if (!st.ok()) return fail(req, res, "pull", device->id, st, t0);
      // Serve the scopes that are furthest behind (new scopes start at 0).
      std::vector<std::string> group;
      for (const auto &[scope, pos] : positions) {
        if (pos == acked) group.push_back(scope);
      }
      ExportOptions eo;
      eo.limit_changes = request.limit > 0 ? std::min(request.limit, options.max_pull_changes) : options.max_pull_changes;
      eo.limit_bytes = options.max_pull_bytes;
      eo.scopes = group;
      eo.exclude_origin = device->id;
      eo.include_confidential = device->confidential;
      // When no more is left, the storage's next_cursor covers every committed change.
      auto batch = storage.export_changes(acked, eo);
      if (!batch.ok()) return fail(req, res, "pull", device->id, batch.status(), t0);
      int64_t reached = batch->next_cursor;
      for (const auto &scope : group) positions[scope] = reached;
      bool equal = std::all_of(positions.begin(), positions.end(),
                               [&](const auto &p) { return p.second == positions.begin()->second; });
      reply.changes = std::move(batch->changes);
      reply.more = batch->more || !equal;
    }
    PullCursor next;
    next.positions = std::move(positions);
    reply.cursor = next.to_string();
    reply.server_time_ms = now();
    reply_json(res, 200, encode(reply));
    log_line("info", "pull",
             {{"device", device->id}, {"changes", std::to_string(reply.changes.size())},
              {"more", reply.more ? "true" : "false"}, {"ms", std::to_string(steady_ms() - t0)}});
  }

  void purge_loop() {
    std::unique_lock<std::mutex> lock(stop_mutex);
    while (!stopping) {
      stop_cv.wait_for(lock, std::chrono::milliseconds(options.purge_interval_ms));
      if (stopping) break;
      lock.unlock();
      // One write transaction of the core: pushes wait for it, none slips in.
      Result<int64_t> purged = purge_acknowledged_tombstones(storage);
      if (purged.ok()) {
        log_line("info", "purge", {{"rows", std::to_string(*purged)}});
      } else {
        log_line("error", "purge", {{"message", purged.status().message()}});
      }
      lock.lock();
    }
  }

  void install_routes() {
    http.new_task_queue = [n = options.threads] { return new httplib::ThreadPool(static_cast<size_t>(n)); };
    http.set_payload_max_length(static_cast<size_t>(options.max_body_bytes));
    http.set_read_timeout(sync::tuning::kServerReadTimeoutS, 0);
    http.set_write_timeout(sync::tuning::kServerWriteTimeoutS, 0);
    // A reply leaves in two writes (headers, body): without TCP_NODELAY the body waits
    // for the client's delayed ACK, about 40 ms per exchange.
    http.set_tcp_nodelay(true);
    // cpp-httplib 0.11 listens with a backlog of 5: more new connections at once than
    // that overflow the accept queue, the kernel drops their SYNs, and the clients
    // resend them only after a second (then 3 s...). The hook sees the listening
    // socket before bind; bind() raises its backlog once it listens.
    // Not httplib's default options: they set SO_REUSEPORT, with which a second
    // server started on the same port binds silently and takes half the devices.
    // SO_REUSEADDR alone lets a restart bind while old connections linger.
    http.set_socket_options([this](socket_t sock) {
      int yes = 1;
      (void)setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      listen_socket = sock;
    });
    http.Get(kPathHealth, [this](const httplib::Request &q, httplib::Response &r) { handle_health(q, r); });
    http.Post(kPathEnroll, [this](const httplib::Request &q, httplib::Response &r, const httplib::ContentReader &c) {
      handle_enroll(q, r, c);
    });
    http.Post(kPathPush, [this](const httplib::Request &q, httplib::Response &r, const httplib::ContentReader &c) {
      handle_push(q, r, c);
    });
    http.Post(kPathPull, [this](const httplib::Request &q, httplib::Response &r, const httplib::ContentReader &c) {
      handle_pull(q, r, c);
    });
    // Replies httplib makes itself (404, 413 on Content-Length, 400) get a JSON body too.
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request &, httplib::Response &res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      ErrorCode code = res.status == 404   ? ErrorCode::not_found
                       : res.status == 413 ? ErrorCode::too_large
                       : res.status >= 500 ? ErrorCode::internal
                                           : ErrorCode::corrupt;
      std::string message = res.status == 404   ? "no such endpoint"
                            : res.status == 413 ? "request body is too large"
                                                : "bad request";
      ErrorReply e{code, message, {}, {}, now()};
      res.set_content(encode(e), "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([this](const httplib::Request &req, httplib::Response &res, std::exception_ptr ep) {
      std::string what = "unknown";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception &e) {
        what = e.what();
      } catch (...) {
      }
      log_line("error", "exception", {{"path", req.path}, {"message", what}});
      reply_error(res, {ErrorCode::internal, "internal error; please report it"});
    });
  }
};

SyncServer::SyncServer(Storage &storage, ServerOptions options)
    : impl_(std::make_unique<Impl>(storage, std::move(options))) {
  impl_->install_routes();
}

SyncServer::~SyncServer() { stop(); }

Status SyncServer::bind() {
  if (impl_->bound) return {};
  int port = impl_->options.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(impl_->options.host);
    if (port < 0) port = 0;
  } else if (!impl_->http.bind_to_port(impl_->options.host, port)) {
    port = 0;
  }
  if (port == 0) {
    return {ErrorCode::network, "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port)};
  }
  // listen() again on a listening socket only changes its backlog (capped by the
  // kernel's net.core.somaxconn).
  if (impl_->listen_socket != INVALID_SOCKET) (void)::listen(impl_->listen_socket, SOMAXCONN);
  impl_->port = port;
  impl_->bound = true;
  return {};
}

int SyncServer::port() const { return impl_->port; }

void SyncServer::run() {
  if (impl_->options.purge_interval_ms > 0) impl_->purger = std::thread([this] { impl_->purge_loop(); });
  log_line("info", "listening", {{"host", impl_->options.host}, {"port", std::to_string(impl_->port)}});
  impl_->http.listen_after_bind();
  log_line("info", "stopped", {});
}

Status SyncServer::start() {
  YKIEN_TRY(bind());
  impl_->thread = std::thread([this] { run(); });
  // Serve before returning, so a caller can connect at once.
  for (int i = 0; i < 500 && !impl_->http.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return {};
}

void SyncServer::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->stop_mutex);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->http.stop();
  std::lock_guard<std::mutex> joining(impl_->join_mutex);
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) impl_->thread.join();
  if (impl_->purger.joinable()) impl_->purger.join();
}

}  // namespace ykien::server
