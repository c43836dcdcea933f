#include "http_front.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <optional>
#include <thread>

#include "connection_watch.h"
#include "gzip.h"
#include "log.h"
#include "rate_limiter.h"
#include "request_body.h"
#include "work_pool.h"

namespace ykien::server {

std::string ServedRequest::header(const std::string &lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

// Replies smaller than this leave uncompressed: gzip would not pay for its header.
constexpr size_t kGzipReplyAbove = 1024;
// How often the watch looks for connections past their deadline.
constexpr int64_t kWatchTickMs = 250;
// A route's expected job time before any was measured.
constexpr int64_t kFirstServiceUs = 10000;

// State of one TCP connection (MHD's socket context).
struct ConnState {
  int fd = -1;
  int requests = 0;  // replies queued on this connection
  std::string address;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string address_of(const sockaddr *sa) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (sa == nullptr) return "";
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

void log_mhd(void *, const char *fmt, va_list ap) {
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  std::string message(buf);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  log_line("warn", "http", {{"message", message}});
}

}  // namespace

struct HttpFront::Impl {
  Impl(FrontOptions o, std::vector<Route> r, std::function<ServedReply(const Status &)> e)
      : options(std::move(o)),
        routes(std::move(r)),
        error_reply(std::move(e)),
        service_us(std::make_unique<std::atomic<int64_t>[]>(routes.size())) {
    for (size_t i = 0; i < routes.size(); ++i) service_us[i] = kFirstServiceUs;
  }

  FrontOptions options;
  std::vector<Route> routes;
  std::function<ServedReply(const Status &)> error_reply;
  int listen_fd = -1;
  int port = 0;
  bool ipv6 = false;
  MHD_Daemon *daemon = nullptr;
  std::unique_ptr<ConnectionWatch> watch;
  std::unique_ptr<WorkPool> pool;
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> calls{0};  // requests between their headers and their completion
  std::atomic<int64_t> overloaded{0};
  // Recent time a job of each route takes on a worker (moving average, microseconds,
  // by index in `routes`): a push takes tens of times a pull's, so one average for
  // all would misjudge a queue of pushes.
  std::unique_ptr<std::atomic<int64_t>[]> service_us;
  // The expected time of the jobs queued or running, summed: with the workers, the
  // wait a new request would have.
  std::atomic<int64_t> pending_us{0};
  std::mutex stop_mutex;

  // One HTTP request (MHD's per-request context).
  struct Call {
    Impl *impl = nullptr;
    MHD_Connection *connection = nullptr;
    ConnState *conn = nullptr;
    const Route *route = nullptr;
    ServedRequest request;
    size_t max_raw = 0;
    bool too_large = false;
    std::optional<ServedReply> reply;  // set: ready to send
    bool close_after = false;          // refused before its body was read
    int64_t expected_us = 0;           // counted in pending_us while queued or running
    int64_t queued_at_us = 0;          // steady clock
  };

  ServedReply refusal(const Status &st, int retry_after_s = 0) {
    ServedReply r = error_reply(st);
    if (retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return r;
  }

  const Route *find_route(const std::string &method, const std::string &path) const {
    for (const auto &r : routes) {
      if (!r.prefix && r.path == path && r.method == method) return &r;
    }
    const Route *best = nullptr;  // the longest prefix
    for (const auto &r : routes) {
      if (r.prefix && r.method == method && path.compare(0, r.path.size(), r.path) == 0 &&
          (best == nullptr || r.path.size() > best->path.size()))
        best = &r;
    }
    return best;
  }

  // Compressed replies for clients that accept gzip (docs/protocol.md).
  static void maybe_gzip(const ServedRequest &req, ServedReply *reply) {
    if (reply->body.size() <= kGzipReplyAbove) return;
    if (reply->content_type == "application/octet-stream") return;  // blobs: photos do not shrink
    if (req.header("accept-encoding").find("gzip") == std::string::npos) return;
    auto gz = sync::gzip_compress(reply->body);
    if (!gz.ok()) return;
    reply->body = std::move(*gz);
    reply->headers.emplace_back("Content-Encoding", "gzip");
  }

  // A page's (a form's) refusal by the front itself, in words for a person at a
  // browser: it was the API's JSON. Vietnamese, then English (the front does not know
  // the page's language).
  static void as_page(ServedReply &r) {
    std::string retry;
    for (const auto &[k, v] : r.headers)
      if (k == "Retry-After") retry = v;
    const char *vi = "Không xử lý được yêu cầu này.", *en = "This request could not be served.";
    if (r.status == 429) vi = "Quá nhiều lần thử từ địa chỉ này.", en = "Too many attempts from this address.";
    if (r.status == 413) vi = "Nội dung gửi lên quá lớn.", en = "What was sent is too large.";
    if (r.status == 503) vi = "Máy chủ đang bận.", en = "The server is busy.";
    std::string body = "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>ykien</title><p>";
    body += vi;
    if (!retry.empty()) body += " Hãy thử lại sau " + retry + " giây.";
    body += "</p><p lang=\"en\">";
    body += en;
    if (!retry.empty()) body += " Try again in " + retry + " s.";
    body += "</p><p><a href=\"/\">Trang chính · Home</a></p></html>";
    r.body = std::move(body);
    r.content_type = "text/html; charset=utf-8";
    // The page is sent as it is: a gzip'd JSON refusal's encoding does not apply.
    std::erase_if(r.headers, [](const auto &h) { return h.first == "Content-Encoding"; });
  }

  MHD_Result send(Call *call) {
    ServedReply &r = *call->reply;
    if (call->route != nullptr && call->route->page && r.status >= 400 &&
        r.content_type.starts_with("application/json"))
      as_page(r);
    MHD_Response *resp = MHD_create_response_from_buffer(r.body.size(), r.body.data(), MHD_RESPMEM_MUST_COPY);
    if (resp == nullptr) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r.content_type.c_str());
    for (const auto &[k, v] : r.headers) MHD_add_response_header(resp, k.c_str(), v.c_str());
    // The last request a connection may carry, and replies sent before their body was
    // read, close it: the client opens a new one (and meets the per-address limit again).
    if (call->close_after || ++call->conn->requests >= options.max_requests_per_connection) {
      MHD_add_response_header(resp, "Connection", "close");
    }
    MHD_Result rc = MHD_queue_response(call->connection, static_cast<unsigned>(r.status), resp);
    MHD_destroy_response(resp);
    watch->set_deadline(call->conn->fd, steady_now_ms() + options.reply_deadline_s * 1000LL);
    return rc;
  }

  MHD_Result refuse_now(Call *call, const Status &st, int retry_after_s = 0) {
    call->reply = refusal(st, retry_after_s);
    call->close_after = true;
    return send(call);
  }

  static MHD_Result collect_header(void *cls, MHD_ValueKind, const char *key, const char *value) {
    auto *headers = static_cast<std::map<std::string, std::string> *>(cls);
    if (key != nullptr) (*headers)[lower(key)] = value != nullptr ? value : "";
    return MHD_YES;
  }

  static MHD_Result collect_argument(void *cls, MHD_ValueKind, const char *key, const char *value) {
    auto *query = static_cast<std::map<std::string, std::string> *>(cls);
    if (key != nullptr) (*query)[key] = value != nullptr ? value : "";
    return MHD_YES;
  }

  // The headers are in: deadlines for the body, limits that need no body.
  MHD_Result begin(MHD_Connection *connection, const char *url, const char *method, void **con_cls) {
    auto *call = new Call;
    *con_cls = call;
    ++calls;
    call->impl = this;
    call->connection = connection;
    const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    call->conn = static_cast<ConnState *>(info != nullptr ? info->socket_context : nullptr);
    if (call->conn == nullptr) return MHD_NO;
    watch->set_deadline(call->conn->fd, steady_now_ms() + options.body_deadline_s * 1000LL);
    MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                              static_cast<unsigned>(options.request_idle_s));
    ServedRequest &req = call->request;
    req.method = method;
    req.path = url;
    int count = MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &req.headers);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_argument, &req.query);
    req.remote = call->conn->address;
    if (options.behind_proxy && !req.header("x-real-ip").empty()) req.remote = req.header("x-real-ip");
    if (count > options.max_header_count) {
      return refuse_now(call, {ErrorCode::too_large,
                               "a request carries at most " + std::to_string(options.max_header_count) + " headers",
                               "headers"});
    }
    call->route = find_route(req.method, req.path);
    if (call->route == nullptr) return refuse_now(call, {ErrorCode::not_found, "no such endpoint"});
    // A gzip body may be a few bytes longer than the JSON it holds.
    call->max_raw = call->route->max_body_bytes == 0 ? 0 : call->route->max_body_bytes + 1024;
    std::string length = req.header("content-length");
    const uint64_t declared = length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10);
    if (declared > call->max_raw && declared <= static_cast<uint64_t>(sync::tuning::kDrainRefusedBodyBytes)) {
      call->too_large = true;  // read and dropped, then refused (on_request): a 413, not a reset
    } else if (declared > call->max_raw) {
      return refuse_now(call, {ErrorCode::too_large,
                               "request body is larger than " + std::to_string(call->route->max_body_bytes) + " bytes",
                               "body"});
    }
    if (call->route->rate_limiter != nullptr) {
      int64_t wait_ms = call->route->rate_limiter->take(req.remote, steady_now_ms());
      if (wait_ms > 0) {
        int retry = static_cast<int>((wait_ms + 999) / 1000);
        call->reply = refusal(
            {ErrorCode::server, "too many attempts from this address; retry in " + std::to_string(retry) + " s"},
            retry);
        call->reply->status = 429;
        call->close_after = true;
        return send(call);
      }
    }
    return MHD_YES;
  }

  // The route's reply; an exception (a bug, or memory exhausted) becomes a 500 and a
  // log line, never the end of the process.
  ServedReply handle(const Call *call) {
    try {
      return call->route->handler(call->request);
    } catch (const std::exception &e) {
      log_line("error", "exception", {{"path", call->request.path}, {"message", e.what()}});
    } catch (...) {
      log_line("error", "exception", {{"path", call->request.path}, {"message", "unknown"}});
    }
    return refusal({ErrorCode::internal, "internal error; please report it"});
  }

  static int64_t steady_us(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }

  std::atomic<int64_t> &service_of(const Route *route) {
    return service_us[static_cast<size_t>(route - routes.data())];
  }

  void run_job(Call *call) {
    const auto t0 = std::chrono::steady_clock::now();
    call->request.waited_ms = (steady_us(t0) - call->queued_at_us) / 1000;
    ServedReply reply = handle(call);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    std::atomic<int64_t> &service = service_of(call->route);
    service.store((service.load() * 7 + took.count()) / 8);
    pending_us -= call->expected_us;
    maybe_gzip(call->request, &reply);
    call->reply = std::move(reply);
    MHD_resume_connection(call->connection);
  }

  // Whether a new request would wait longer than max_queue_wait_ms for a worker.
  bool queue_too_long() const {
    const auto pending = static_cast<int64_t>(pool->pending());
    const int64_t workers = options.workers;  // positive: start() checks it
    return pending >= workers && pending_us.load() / workers > options.max_queue_wait_ms * 1000;
  }

  MHD_Result busy(Call *call) {
    ++overloaded;
    call->reply = refusal({ErrorCode::server, "the server is busy; retry shortly"}, options.retry_after_s);
    return send(call);
  }

  MHD_Result on_request(MHD_Connection *connection, const char *url, const char *method, const char *upload_data,
                        size_t *upload_size, void **con_cls) {
    auto *call = static_cast<Call *>(*con_cls);
    if (call == nullptr) return begin(connection, url, method, con_cls);
    if (*upload_size > 0) {
      if (!call->reply && !call->too_large) {
        if (call->request.body.size() + *upload_size > call->max_raw) {
          call->too_large = true;
          call->request.body.clear();
          call->request.body.shrink_to_fit();
        } else {
          call->request.body.append(upload_data, *upload_size);
        }
      }
      *upload_size = 0;
      return MHD_YES;
    }
    if (call->reply) return send(call);  // refused early, or back from the pool
    if (call->too_large) {
      return refuse_now(call, {ErrorCode::too_large,
                               "request body is larger than " + std::to_string(call->route->max_body_bytes) + " bytes",
                               "body"});
    }
    if (call->route->max_body_bytes > 0 && !call->route->raw_body) {
      auto body = prepare_body(std::move(call->request.body), call->request.header("content-encoding"),
                               call->route->max_body_bytes, options.max_json_depth, &call->request.gzip_body);
      if (!body.ok()) {
        call->reply = refusal(body.status());
        return send(call);
      }
      call->request.body = std::move(*body);
    }
    if (call->route->runs_inline) {
      call->reply = handle(call);
      return send(call);
    }
    // Admission by session: the next exchange of a sync under way goes on; a new sync
    // waits its turn when the queue is long. Syncs under way finish sooner, and a
    // turned-away tablet has spent one exchange, not half a sync. A sync under way says
    // so (X-Ykien-Continuing); a request on a connection that already carried one is
    // one too, unless the connections are a proxy's, which every tablet shares.
    const bool continuing = !call->request.header("x-ykien-continuing").empty() ||
                            (!options.behind_proxy && call->conn->requests > 0);
    if (!continuing && queue_too_long()) return busy(call);
    // Storage work leaves the connection thread; the connection waits, suspended.
    watch->set_deadline(call->conn->fd, 0);
    MHD_suspend_connection(connection);
    call->expected_us = service_of(call->route).load();
    pending_us += call->expected_us;
    call->queued_at_us = steady_us(std::chrono::steady_clock::now());
    if (!pool->try_submit([this, call] { run_job(call); })) {
      pending_us -= call->expected_us;
      ++overloaded;
      call->reply = refusal({ErrorCode::server, "the server is busy; retry shortly"}, options.retry_after_s);
      MHD_resume_connection(connection);
    }
    return MHD_YES;
  }

  void on_completed(MHD_Connection *connection, void **con_cls, MHD_RequestTerminationCode toe) {
    auto *call = static_cast<Call *>(*con_cls);
    if (call == nullptr) return;
    *con_cls = nullptr;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && call->conn != nullptr) {
      // Between requests: a short keep-alive, then the next headers by their deadline.
      watch->set_deadline(call->conn->fd, steady_now_ms() + options.header_deadline_s * 1000LL);
      MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                static_cast<unsigned>(options.keep_alive_idle_s));
    }
    delete call;
    --calls;
  }

  void on_connection(MHD_Connection *connection, void **socket_context, MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto *conn = new ConnState;
      const MHD_ConnectionInfo *fd = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      const MHD_ConnectionInfo *addr = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
      conn->fd = fd != nullptr ? fd->connect_fd : -1;
      conn->address = addr != nullptr ? address_of(addr->client_addr) : "";
      *socket_context = conn;
      ++connections;
      if (conn->fd >= 0) watch->add(conn->fd, steady_now_ms() + options.header_deadline_s * 1000LL);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      auto *conn = static_cast<ConnState *>(*socket_context);
      if (conn == nullptr) return;
      *socket_context = nullptr;
      if (conn->fd >= 0) watch->remove(conn->fd);  // before MHD closes the descriptor
      delete conn;
      --connections;
    }
  }

  static MHD_Result access_cb(void *cls, MHD_Connection *connection, const char *url, const char *method,
                              const char *, const char *upload_data, size_t *upload_size, void **con_cls) {
    return static_cast<Impl *>(cls)->on_request(connection, url, method, upload_data, upload_size, con_cls);
  }
  static void completed_cb(void *cls, MHD_Connection *connection, void **con_cls, MHD_RequestTerminationCode toe) {
    static_cast<Impl *>(cls)->on_completed(connection, con_cls, toe);
  }
  static void connection_cb(void *cls, MHD_Connection *connection, void **socket_context,
                            MHD_ConnectionNotificationCode code) {
    static_cast<Impl *>(cls)->on_connection(connection, socket_context, code);
  }
};

HttpFront::HttpFront(FrontOptions options, std::vector<Route> routes,
                     std::function<ServedReply(const Status &)> error_reply)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(routes), std::move(error_reply))) {}

HttpFront::~HttpFront() {
  stop();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
}

Status HttpFront::bind() {
  if (impl_->listen_fd >= 0) return {};
  const FrontOptions &o = impl_->options;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo *found = nullptr;
  std::string service = std::to_string(o.port);
  if (getaddrinfo(o.host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    return {ErrorCode::network, "cannot resolve the address to listen on: " + o.host};
  }
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  // SO_REUSEADDR lets a restart bind while old connections linger. Not SO_REUSEPORT:
  // with it a second server started on the same port binds silently and takes half
  // the devices.
  int yes = 1;
  if (fd >= 0) (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  bool ok = fd >= 0 && ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0;
  impl_->ipv6 = found->ai_family == AF_INET6;
  freeaddrinfo(found);
  if (!ok) {
    if (fd >= 0) ::close(fd);
    return {ErrorCode::network, "cannot listen on " + o.host + ":" + std::to_string(o.port)};
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &len);
  impl_->port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port
                                                  : reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
  impl_->listen_fd = fd;
  return {};
}

int HttpFront::port() const { return impl_->port; }

Status HttpFront::start() {
  Impl &m = *impl_;
  const FrontOptions &o = m.options;
  if (o.workers < 1)
    return {ErrorCode::invalid_argument, "the server needs at least one worker (--workers)", "workers"};
  YKIEN_TRY(bind());
  m.watch = std::make_unique<ConnectionWatch>(kWatchTickMs);
  m.pool = std::make_unique<WorkPool>(o.workers, static_cast<size_t>(o.max_queued));
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (m.ipv6) flags |= MHD_USE_IPv6;
  bool tls = !o.tls_cert_pem.empty() || !o.tls_key_pem.empty();
  if (tls) flags |= MHD_USE_TLS;
  // The logger first: libmicrohttpd reports the options after it through it (and
  // warns, through its own, that it was not first).
  std::vector<MHD_OptionItem> items = {
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&log_mhd), nullptr},
      {MHD_OPTION_LISTEN_SOCKET, m.listen_fd, nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::completed_cb), &m},
      {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Impl::connection_cb), &m},
      {MHD_OPTION_CONNECTION_TIMEOUT, o.request_idle_s, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, o.max_connections, nullptr},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT, o.max_connections_per_address, nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, o.connection_memory_bytes, nullptr},
  };
  if (o.io_threads > 1) items.push_back({MHD_OPTION_THREAD_POOL_SIZE, o.io_threads, nullptr});
  if (tls) {
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char *>(o.tls_cert_pem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char *>(o.tls_key_pem.c_str())});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  m.daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::access_cb, &m, MHD_OPTION_ARRAY, items.data(),
                              MHD_OPTION_END);
  if (m.daemon == nullptr) {
    return {ErrorCode::network, tls ? "cannot start serving HTTPS (is --tls-key the key of --tls-cert, both PEM?)"
                                    : "cannot start serving HTTP"};
  }
  m.listen_fd = -1;  // the daemon owns it now
  return {};
}

void HttpFront::stop() {
  Impl &m = *impl_;
  std::lock_guard<std::mutex> lock(m.stop_mutex);
  if (m.daemon == nullptr) return;
  // Stop accepting; requests in progress finish (their connections are kept).
  MHD_socket listen = MHD_quiesce_daemon(m.daemon);
  if (listen != MHD_INVALID_SOCKET) ::close(listen);
  int64_t give_up = steady_now_ms() + m.options.stop_grace_ms;
  while (m.calls.load() > 0 && steady_now_ms() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m.pool->close();  // runs what is queued: every suspended connection is resumed
  MHD_stop_daemon(m.daemon);
  m.daemon = nullptr;
  m.pool.reset();
  m.watch.reset();
}

HttpFront::Stats HttpFront::stats() const {
  Stats s;
  s.connections = impl_->connections.load();
  s.expired = impl_->watch ? impl_->watch->expired() : 0;
  s.overloaded = impl_->overloaded.load();
  s.pending = impl_->pool ? static_cast<int64_t>(impl_->pool->pending()) : 0;
  return s;
}

}  // namespace ykien::server
