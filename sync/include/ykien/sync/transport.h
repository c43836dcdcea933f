// How the sync client reaches the server: one HTTP exchange at a time. libcurl is
// the default (curl_transport.h); a host app can supply OkHttp or URLSession here.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ykien/export.h"
#include "ykien/status.h"

namespace ykien::sync {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", "PUT" (a body, as POST) or "HEAD" (no body back)
  std::string url;     // absolute: "https://hub.example/v1/push"
  HttpHeaders headers; // sent as given (the client sets Content-Type, Content-Encoding...)
  std::string body;    // sent as given (already gzip-compressed when the headers say so)
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names as received
  // The body with any Content-Encoding (gzip) already removed.
  std::string body;
  // Bytes of the body as they crossed the network (compressed); 0 = unknown.
  int64_t wire_bytes = 0;
};

// Contract: send() performs one exchange and returns any HTTP response, whatever
// its status. It returns Status network when no response came (DNS, connect, TLS,
// timeout, connection dropped). It must not throw. Called from the thread that runs
// the sync; one call at a time per Transport.
class YKIEN_CXX_API Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<HttpResponse> send(const HttpRequest &request) = 0;
  // The exchanges of a sync (or an enrollment) are over: close the connections kept
  // alive for them, so that the server holds nothing for a tablet that went quiet
  // (and a hub keeps no upstream connection between rounds). Default: nothing.
  virtual void close_idle() {}
};

// Case-insensitive header lookup; empty when absent.
YKIEN_CXX_API std::string find_header(const HttpHeaders &headers, const std::string &name);

}  // namespace ykien::sync
