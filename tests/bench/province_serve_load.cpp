#include "province_serve_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>

#include "province_exchanges.h"
#include "support/raw_http.h"

namespace ykien::bench {
namespace {

constexpr double kFailedCheckMs = 60000;

// A connection to 127.0.0.1:port from `source`, with a receive timeout; -1 on failure.
int open_from(const std::string &source, int port) {
  int fd = test::connect_from(source, port);
  timeval timeout{60, 0};
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

using test::send_all;

std::string address(int block, int i) {
  return "127.0." + std::to_string(block + i / 250) + "." + std::to_string(i % 250 + 1);
}

std::string gzip_of_zeros(size_t n) {
  std::string data(n, '\0');
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(n)), '\0');
  z.next_in = reinterpret_cast<Bytef *>(data.data());
  z.avail_in = static_cast<uInt>(n);
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int raw_exchange(int port, const std::string &source, const std::string &request) {
  int fd = open_from(source, port);
  if (fd < 0) return 0;
  const std::string reply = send_all(fd, request) ? test::read_reply(fd, 60000) : std::string();
  ::close(fd);
  return test::status_of(reply);
}

HeldConnections::HeldConnections(int port, int idle, int slow)
    : port_(port), idle_(idle), slow_(slow), thread_([this] { run(); }) {}

HeldConnections::~HeldConnections() {
  stop_ = true;
  thread_.join();
}

void HeldConnections::run() {
  struct Held {
    int fd = -1;
    bool slow = false;
    std::string source;
    size_t dripped = 0;
    double next_ms = 0;  // slow: next byte; closed: when to open again
  };
  const std::string drip = "GET /v1/health HTTP/1.1\r\nHost: ykien\r\nX-Slow: " + std::string(10000, 'a');
  std::vector<Held> held;
  for (int i = 0; i < idle_; ++i) held.push_back({-1, false, address(4, i)});
  for (int i = 0; i < slow_; ++i) held.push_back({-1, true, address(8, i)});
  while (!stop_.load()) {
    const double now = now_ms();
    std::vector<pollfd> fds;
    for (auto &h : held) {
      if (h.fd < 0 && now >= h.next_ms) {
        h.fd = open_from(h.source, port_);
        h.dripped = 0;
        if (h.fd >= 0 && !h.slow) send_all(h.fd, "GET /v1/health HTTP/1.1\r\nHost: ykien\r\n\r\n");
        if (h.fd < 0) h.next_ms = now + 100;
      }
      if (h.fd >= 0 && h.slow && now >= h.next_ms && h.dripped < drip.size()) {
        send_all(h.fd, drip.substr(h.dripped++, 1));
        h.next_ms = now + 1000;
      }
      if (h.fd >= 0) fds.push_back({h.fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
    for (const auto &p : fds) {
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[4096];
      if (::recv(p.fd, buf, sizeof buf, MSG_DONTWAIT) > 0) continue;  // the idle ones' health reply
      for (auto &h : held) {
        if (h.fd != p.fd) continue;
        ::close(h.fd);
        h.fd = -1;
        h.next_ms = now_ms() + 50;
        ++reopened_;
      }
    }
  }
  for (auto &h : held) {
    if (h.fd >= 0) ::close(h.fd);
  }
}

HealthProbe::HealthProbe(int port, int interval_ms)
    : port_(port), interval_ms_(interval_ms), thread_([this] {
        // A check every interval on the clock, timed from when it was due, not from
        // when this thread got the CPU to send it: a monitor on its own machine
        // would not wait for the servers to be idle before it asked.
        auto due = std::chrono::steady_clock::now();
        while (!stop_.load()) {
          std::this_thread::sleep_until(due);
          int status = raw_exchange(port_, "127.0.12.1",
                                    "GET /v1/health HTTP/1.1\r\nHost: ykien\r\nConnection: close\r\n\r\n");
          const double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - due).count();
          {
            std::lock_guard<std::mutex> lock(mutex_);
            times_ms_.push_back(status == 200 ? took : kFailedCheckMs);
            if (status != 200) ++failed_;
          }
          // The next one due an interval after this one, or now if that has passed
          // (a check slower than the interval does not make the next ones queue).
          due = std::max(due + std::chrono::milliseconds(interval_ms_), std::chrono::steady_clock::now());
        }
      }) {}

HealthProbe::~HealthProbe() { stop(); }

void HealthProbe::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<double> HealthProbe::times_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return times_ms_;
}

int64_t HealthProbe::failed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failed_;
}

int64_t send_enroll_bombs(int port, int rounds, int parallel) {
  const std::string big = gzip_of_zeros(size_t{16} << 20);
  const std::string small = gzip_of_zeros(size_t{4} << 20);
  const std::string head =
      "POST /v1/enroll HTTP/1.1\r\nHost: ykien\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
      "Connection: close\r\n";
  char chunk[32];
  std::snprintf(chunk, sizeof chunk, "%zx\r\n", small.size());
  const std::string with_length = head + "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big;
  const std::string chunked = head + "Transfer-Encoding: chunked\r\n\r\n" + chunk + small + "\r\n0\r\n\r\n";
  std::atomic<int64_t> refused{0};
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::thread> senders;
    for (int p = 0; p < parallel; ++p) {
      senders.emplace_back([&, r, p] {
        const std::string source = address(13, r * parallel + p);
        for (const std::string *request : {&with_length, &chunked}) {
          int status = raw_exchange(port, source, *request);
          if (status >= 400 && status < 500) ++refused;
        }
      });
    }
    for (auto &s : senders) s.join();
  }
  return refused.load();
}

}  // namespace ykien::bench
