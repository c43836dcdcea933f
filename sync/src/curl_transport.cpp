// Transport over libcurl: one easy handle per transport, so keep-alive connections
// are reused between the requests of a sync, and closed when it ends (close_idle).
#include "ykien/sync/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <strings.h>

#include "gzip.h"

namespace ykien::sync {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char *data, size_t size, size_t count, void *user) {
  static_cast<std::string *>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char *data, size_t size, size_t count, void *user) {
  auto *headers = static_cast<HttpHeaders *>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a 100 Continue or a redirect)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
    headers->emplace_back(std::move(name), std::move(value));
  }
  return size * count;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
    global_init_once();
    curl_ = curl_easy_init();
  }
  ~CurlTransport() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  CurlTransport(const CurlTransport &) = delete;
  CurlTransport &operator=(const CurlTransport &) = delete;

  void close_idle() override {
    // The easy handle owns the connection cache: a fresh handle starts without one.
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
    curl_ = curl_easy_init();
  }

  Result<HttpResponse> send(const HttpRequest &request) override {
    if (curl_ == nullptr) return Status(ErrorCode::internal, "libcurl: cannot create a handle");
    CURL *c = curl_;
    curl_easy_reset(c);
    HttpResponse response;
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.local_address.empty()) {
      const std::string local = "host!" + options_.local_address;
      curl_easy_setopt(c, CURLOPT_INTERFACE, local.c_str());
    }
    if (!options_.pinned_public_key.empty()) {
      curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, options_.pinned_public_key.c_str());
    }
    // gzip only (docs/protocol.md). Not "" (every encoding libcurl has): a server
    // built with brotli then compresses at brotli's slowest level, about a second
    // per large pull reply. Inflated here, not by libcurl: within max_reply_bytes,
    // and with the faster inflater of gzip.h.
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
    if (request.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);  // else libcurl waits for a body that never comes
    } else if (request.method != "GET") {
      // POST, PUT...: the body as given. (CUSTOMREQUEST alone would send a PUT without it.)
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      if (request.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_slist *list = nullptr;
    for (const auto &[k, v] : request.headers) {
      std::string line = k + ": " + v;
      list = curl_slist_append(list, line.c_str());
    }
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) return failure(rc, detail);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    curl_off_t wire = 0;
    if (curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &wire) == CURLE_OK) {
      response.wire_bytes = static_cast<int64_t>(wire);
    }
    YKIEN_TRY(inflate_body(response));
    return response;
  }

 private:
  // Why no reply came, in words an operator can act on; TLS refusals say so.
  static Status failure(CURLcode rc, const char *detail) {
    std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
    if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
      return {ErrorCode::network, "the server's TLS key is not the pinned one (" + why +
                                      "): a different server, or its certificate was replaced"};
    }
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
      return {ErrorCode::network, "the server's TLS certificate is not trusted (" + why +
                                      "): check the server address and the CA file"};
    }
    return {ErrorCode::network, "cannot reach the server: " + why};
  }

  // A gzip reply's body inflated, its Content-Encoding gone (transport.h).
  Status inflate_body(HttpResponse &response) const {
    auto encoding = std::find_if(response.headers.begin(), response.headers.end(),
                                 [](const auto &h) { return strcasecmp(h.first.c_str(), "Content-Encoding") == 0; });
    if (encoding == response.headers.end()) return Status::Ok();
    if (response.body.empty()) {  // HEAD, or a reply without a body
      response.headers.erase(encoding);
      return Status::Ok();
    }
    if (strcasecmp(encoding->second.c_str(), "gzip") != 0) {
      return {ErrorCode::corrupt, "the server replied in an encoding not asked for: " + encoding->second};
    }
    auto body = gzip_decompress(response.body, options_.max_reply_bytes);
    if (!body.ok()) return {body.status().code(), "the server's reply: " + body.status().message()};
    response.body = std::move(*body);
    response.headers.erase(encoding);
    return Status::Ok();
  }

  CurlTransportOptions options_;
  CURL *curl_ = nullptr;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const CurlTransportOptions &options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace ykien::sync
