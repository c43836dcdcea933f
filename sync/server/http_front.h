// The HTTP layer of ykien-server on libmicrohttpd (docs/server.md, "Serving"): a few
// event-driven threads hold every connection, bounded in time and size before any
// authentication; requests that touch storage run on a bounded WorkPool.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ykien/status.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {

class RateLimiter;

struct ServedRequest {
  std::string method;
  std::string path;
  std::string remote;                         // client address (see FrontOptions::behind_proxy)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::map<std::string, std::string> query;    // the URL's arguments, decoded (last of a name wins)
  std::string body;  // inflated, size- and depth-checked JSON; as sent for a Route::raw_body
  // The body as it came when it came gzip'd (else empty): a signed push is kept so,
  // not compressed again (SignedBatch::gzip_body).
  std::string gzip_body;
  // How long it waited for a worker, once whole (0 for a route run inline).
  int64_t waited_ms = 0;

  std::string header(const std::string &lower_name) const;
};

struct ServedReply {
  int status = 200;
  std::string body;  // JSON unless content_type says otherwise
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/json";
};

struct Route {
  std::string method;
  std::string path;
  size_t max_body_bytes = 0;  // after gzip; 0 = no body
  // Runs on a connection thread, so it must neither block nor touch storage (health).
  bool runs_inline = false;
  // Attempts per client address, checked as the headers arrive (429); borrowed.
  RateLimiter *rate_limiter = nullptr;
  std::function<ServedReply(const ServedRequest &)> handler;
  // `path` ends with '/' and names every path below it too ("/office/" serves
  // "/office/opinions/42"); exact routes are matched first.
  bool prefix = false;
  // The body is not JSON (a form): bounded in size only, kept as sent.
  bool raw_body = false;
  // A page for a browser (the office): the front's own refusals (429, 413, 503) come
  // as a short page, not the API's JSON.
  bool page = false;
};

// Limits of docs/server.md, "Limits"; defaults from tuning.h.
struct FrontOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
  int io_threads = sync::tuning::kServerIoThreads;
  int workers = 0;  // threads doing storage work; 0 = the storage's own (Storage::workers)
  int max_queued = sync::tuning::kServerMaxQueued;
  int64_t max_queue_wait_ms = sync::tuning::kServerMaxQueueWaitMs;
  int header_deadline_s = sync::tuning::kHeaderDeadlineS;
  int body_deadline_s = sync::tuning::kBodyDeadlineS;
  int reply_deadline_s = sync::tuning::kReplyDeadlineS;
  int request_idle_s = sync::tuning::kRequestIdleS;
  int keep_alive_idle_s = sync::tuning::kKeepAliveIdleS;
  int max_requests_per_connection = sync::tuning::kMaxRequestsPerConnection;
  int max_header_count = sync::tuning::kMaxHeaderCount;
  int connection_memory_bytes = sync::tuning::kConnectionMemoryBytes;
  int max_connections = sync::tuning::kMaxConnections;
  int max_connections_per_address = sync::tuning::kMaxConnectionsPerAddress;  // 0 = no limit
  int max_json_depth = sync::tuning::kMaxJsonDepth;
  int retry_after_s = sync::tuning::kOverloadRetryAfterS;
  int64_t stop_grace_ms = sync::tuning::kServerStopGraceMs;
  // Behind a reverse proxy: every connection comes from it, so the client address is
  // taken from its X-Real-IP header instead.
  bool behind_proxy = false;
  // PEM text; both set = HTTPS.
  std::string tls_cert_pem;
  std::string tls_key_pem;
};

class HttpFront {
 public:
  // `error_reply` turns a refusal made here (404, 413, 429, 503...) into a reply.
  HttpFront(FrontOptions options, std::vector<Route> routes,
            std::function<ServedReply(const Status &)> error_reply);
  ~HttpFront();  // stop()
  HttpFront(const HttpFront &) = delete;
  HttpFront &operator=(const HttpFront &) = delete;

  // Opens the listening socket. Errors: network (address in use...).
  Status bind();
  int port() const;
  // Starts serving on the bound socket. Errors: network, invalid_argument (TLS key).
  Status start();
  // Stops accepting, lets requests in progress finish (up to stop_grace_ms), closes
  // the rest. Callable more than once.
  void stop();

  // Counters for logs and tests.
  struct Stats {
    int64_t connections = 0;  // open now
    int64_t expired = 0;      // shut at a deadline
    int64_t overloaded = 0;   // answered 503 because the work queue was full or too long
    int64_t pending = 0;      // requests waiting for a worker or being worked on
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ykien::server
