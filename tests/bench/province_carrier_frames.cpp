#include "province_carrier_frames.h"

#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace ykien::bench {
namespace {

constexpr uint32_t kMaxFields = 4096;
constexpr uint32_t kMaxFieldBytes = uint32_t{128} << 20;

// Where a send frame's "asked at" sits: after the field count, the length of "send",
// "send" and the stamp's own length.
constexpr size_t kAskedAtOffset = 3 * sizeof(uint32_t) + 4;

bool read_all(int fd, char *data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool read_count(int fd, uint32_t &n) { return read_all(fd, reinterpret_cast<char *>(&n), sizeof n); }

void append_count(std::string &out, size_t n) {
  const auto n32 = static_cast<uint32_t>(n);
  out.append(reinterpret_cast<const char *>(&n32), sizeof n32);
}

}  // namespace

std::string frame_of(const Fields &fields) {
  std::string out;
  append_count(out, fields.size());
  for (const auto &field : fields) {
    append_count(out, field.size());
    out += field;
  }
  return out;
}

bool write_frame(int fd, const std::string &frame) {
  const char *data = frame.data();
  size_t size = frame.size();
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::optional<Fields> read_frame(int fd) {
  uint32_t count = 0;
  if (!read_count(fd, count) || count > kMaxFields) return std::nullopt;
  Fields fields(count);
  for (auto &field : fields) {
    uint32_t size = 0;
    if (!read_count(fd, size) || size > kMaxFieldBytes) return std::nullopt;
    field.resize(size);
    if (!read_all(fd, field.data(), size)) return std::nullopt;
  }
  return fields;
}

std::string send_frame_of(const sync::HttpRequest &request) {
  Fields fields{"send", std::string(sizeof(int64_t), '\0'), request.method, request.url, request.body};
  append_headers(fields, request.headers);
  return frame_of(fields);
}

void stamp_send_frame(std::string &frame) {
  const int64_t now = steady_ns();
  std::memcpy(frame.data() + kAskedAtOffset, &now, sizeof now);
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> asked_at(const std::string &field) {
  if (field.size() != sizeof(int64_t)) return std::nullopt;
  int64_t ns = 0;
  std::memcpy(&ns, field.data(), sizeof ns);
  return ns;
}

std::optional<int64_t> number(const std::string &field) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), n);
  if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return n;
}

sync::HttpHeaders headers_from(const Fields &fields, size_t from) {
  sync::HttpHeaders headers;
  for (size_t i = from; i + 1 < fields.size(); i += 2) headers.emplace_back(fields[i], fields[i + 1]);
  return headers;
}

void append_headers(Fields &fields, const sync::HttpHeaders &headers) {
  for (const auto &[name, value] : headers) {
    fields.push_back(name);
    fields.push_back(value);
  }
}

}  // namespace ykien::bench
