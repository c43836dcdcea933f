// Bodies' gzip (sync/src/gzip.h): libdeflate's and zlib's read each other's output,
// keep to the size limit however the body lies about its size, and refuse
// anything but one whole gzip member; the libcurl transport inflates replies
// with it, within its limit.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "gzip.h"
#include "support/raw_http.h"
#include "ykien/sync/curl_transport.h"

using namespace ykien;
using sync::gzip_compress;
using sync::gzip_decompress;
using sync::zlib_gzip_compress;
using sync::zlib_gzip_decompress;

namespace {

constexpr size_t kLimit = 1 << 20;

// Random bytes, Vietnamese text and long runs, mixed: what bodies and bombs look like.
std::string random_body(std::mt19937 &rng) {
  static const std::string words[] = {"Đường ", "liên ấp ", "xuống cấp, ", "đề nghị ", "sửa chữa. ", "{\"col\":",
                                      "\"0190a1b2c3d4e5f6\",", "ngập úng ", "ở ấp Tân Phú "};
  std::string out;
  const size_t parts = std::uniform_int_distribution<size_t>(0, 40)(rng);
  for (size_t i = 0; i < parts; ++i) {
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
      case 0:
        for (int n = std::uniform_int_distribution<int>(1, 2000)(rng); n > 0; --n)
          out += static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        break;
      case 1:
        for (int n = std::uniform_int_distribution<int>(1, 300)(rng); n > 0; --n)
          out += words[std::uniform_int_distribution<size_t>(0, std::size(words) - 1)(rng)];
        break;
      default:
        out.append(std::uniform_int_distribution<size_t>(1, 20000)(rng), 'a');
    }
  }
  return out;
}

std::string ok_or_fail(const Result<std::string> &r) {
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("libdeflate's gzip and zlib's read each other's bodies", "[sync][gzip]") {
  std::mt19937 rng(20261204);
  for (int round = 0; round < 200; ++round) {
    const std::string body = random_body(rng);
    INFO("round " << round << ", " << body.size() << " bytes");
    const std::string fast = ok_or_fail(gzip_compress(body));
    const std::string slow = ok_or_fail(zlib_gzip_compress(body));
    CHECK(ok_or_fail(zlib_gzip_decompress(fast, kLimit)) == body);
    CHECK(ok_or_fail(gzip_decompress(slow, kLimit)) == body);
    CHECK(ok_or_fail(gzip_decompress(fast, kLimit)) == body);
  }
}

TEST_CASE("a body one byte over the limit is too large, at the limit it is taken", "[sync][gzip]") {
  const std::string body(100000, 'x');
  for (auto *inflate : {&gzip_decompress, &zlib_gzip_decompress}) {
    const std::string gz = ok_or_fail(gzip_compress(body));
    CHECK(ok_or_fail(inflate(gz, body.size())) == body);
    auto over = inflate(gz, body.size() - 1);
    REQUIRE(!over.ok());
    CHECK(over.status().code() == ErrorCode::too_large);
  }
}

TEST_CASE("a bomb is refused at the limit whatever its trailer says", "[sync][gzip]") {
  const std::string bomb = ok_or_fail(zlib_gzip_compress(std::string(16 << 20, '\0')));
  auto with_size = [&](uint32_t n) {
    std::string b = bomb;
    for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<char>(n >> (8 * i) & 0xff);
    return b;
  };
  // The truth, a small lie, zero, a size just under the limit, and one over it.
  for (uint32_t stated : {uint32_t{16 << 20}, uint32_t{100}, uint32_t{0}, uint32_t{4095}, uint32_t{1 << 30}}) {
    INFO("trailer says " << stated);
    for (auto *inflate : {&gzip_decompress, &zlib_gzip_decompress}) {
      auto r = inflate(with_size(stated), 4096);
      REQUIRE(!r.ok());
      CHECK((r.status().code() == ErrorCode::too_large || r.status().code() == ErrorCode::corrupt));
    }
  }
  auto r = gzip_decompress(bomb, 4096);
  CHECK(r.status().code() == ErrorCode::too_large);
}

TEST_CASE("a trailer that lies about a small body is refused as corrupt", "[sync][gzip]") {
  const std::string body = "Đề nghị sửa đường liên ấp.";
  std::string gz = ok_or_fail(gzip_compress(body));
  gz[gz.size() - 4] = static_cast<char>(gz[gz.size() - 4] + 1);  // one byte more than it is
  for (auto *inflate : {&gzip_decompress, &zlib_gzip_decompress}) {
    auto r = inflate(gz, kLimit);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == ErrorCode::corrupt);
  }
}

TEST_CASE("a cut body, or bytes after the gzip member, are refused as corrupt", "[sync][gzip]") {
  const std::string body(5000, 'y');
  const std::string gz = ok_or_fail(gzip_compress(body));
  for (auto *inflate : {&gzip_decompress, &zlib_gzip_decompress}) {
    for (size_t n = 0; n < gz.size(); ++n) {
      INFO("cut at " << n);
      auto r = inflate(gz.substr(0, n), kLimit);
      REQUIRE(!r.ok());
      CHECK(r.status().code() == ErrorCode::corrupt);
    }
    for (const std::string &extra : {std::string("x"), gz}) {
      auto r = inflate(gz + extra, kLimit);
      REQUIRE(!r.ok());
      CHECK(r.status().code() == ErrorCode::corrupt);
    }
  }
}

namespace {

std::string reply_with(const std::string &encoding, const std::string &body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: " + encoding +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

Result<sync::HttpResponse> get(const std::string &url, size_t max_reply_bytes) {
  sync::CurlTransportOptions options;
  options.max_reply_bytes = max_reply_bytes;
  sync::HttpRequest request;
  request.method = "GET";
  request.url = url;
  return sync::make_curl_transport(options)->send(request);
}

}  // namespace

TEST_CASE("the libcurl transport inflates a gzip reply and drops its encoding", "[sync][gzip]") {
  const std::string body = R"({"status":"ok","message":"Đã nhận ý kiến"})";
  test::OneReplyServer server(reply_with("gzip", ok_or_fail(zlib_gzip_compress(body))));
  auto r = get(server.url() + "/v1/health", kLimit);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  CHECK(r->body == body);
  CHECK(sync::find_header(r->headers, "Content-Encoding").empty());
}

TEST_CASE("the libcurl transport refuses a gzip bomb of a reply at its limit", "[sync][gzip]") {
  test::OneReplyServer server(reply_with("gzip", ok_or_fail(zlib_gzip_compress(std::string(64 << 20, '{')))));
  auto r = get(server.url() + "/v1/health", kLimit);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == ErrorCode::too_large);
  CHECK(r.status().message().find("the server's reply") != std::string::npos);
}

TEST_CASE("the libcurl transport refuses a reply in an encoding it did not ask for", "[sync][gzip]") {
  test::OneReplyServer server(reply_with("br", "\x0b\x02\x80{}\x03"));
  auto r = get(server.url() + "/v1/health", kLimit);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == ErrorCode::corrupt);
  CHECK(r.status().message().find("br") != std::string::npos);
}
