#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace ykien::test {
namespace {

int connect_local(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TcpProxy::TcpProxy(int target_port, const char *listen_address) : target_(target_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (inet_pton(AF_INET, listen_address, &addr.sin_addr) != 1) throw std::runtime_error("proxy: bad address");
  if (bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("proxy: cannot listen");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stop_.store(true);
  shutdown(listen_fd_, SHUT_RDWR);
  close(listen_fd_);
  acceptor_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto &t : pumps_) t.join();
}

void TcpProxy::set_cut(double probability, int64_t max_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  cut_probability_ = probability;
  cut_max_bytes_ = max_bytes;
}

void TcpProxy::accept_loop() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    int server = connect_local(target_.load());
    if (server < 0) {
      close(client);
      continue;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t cut_after = -1;
    if (cut_probability_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < cut_probability_) {
      cut_after = std::uniform_int_distribution<int64_t>(1, cut_max_bytes_)(rng_);
    }
    pumps_.emplace_back([this, client, server, cut_after] { pump(client, server, cut_after); });
  }
}

void TcpProxy::pump(int client, int server, int64_t cut_after) {
  int64_t moved = 0;
  char buf[8192];
  bool open = true;
  while (open && !stop_.load()) {
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    int n = poll(p, 2, 50);
    if (n <= 0) continue;
    for (int i = 0; i < 2 && open; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      int from = i == 0 ? client : server;
      int to = i == 0 ? server : client;
      ssize_t got = read(from, buf, sizeof buf);
      if (got <= 0) {
        open = false;
        break;
      }
      size_t len = static_cast<size_t>(got);
      if (cut_after >= 0 && moved + got >= cut_after) {
        len = static_cast<size_t>(cut_after - moved);
        if (len > 0 && send(to, buf, len, MSG_NOSIGNAL) < 0) {}
        cuts_.fetch_add(1);
        open = false;
        break;
      }
      moved += got;
      size_t off = 0;
      while (off < len) {
        ssize_t w = send(to, buf + off, len - off, MSG_NOSIGNAL);
        if (w <= 0) {
          open = false;
          break;
        }
        off += static_cast<size_t>(w);
      }
    }
  }
  close(client);
  close(server);
}

}  // namespace ykien::test
