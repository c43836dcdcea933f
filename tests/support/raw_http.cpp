#include "support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ykien::test {

int connect_from(const std::string &source, int port, int receive_buffer) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr *>(&server), sizeof server) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string &data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string header_of(const std::string &reply, const std::string &name) {
  std::string lower_reply = reply;
  std::string lower_name = name + ":";
  auto to_lower = [](std::string &s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  };
  to_lower(lower_reply);
  to_lower(lower_name);
  auto end = lower_reply.find("\r\n\r\n");
  auto at = lower_reply.find("\r\n" + lower_name);
  if (at == std::string::npos || at > end) return {};
  at += 2 + lower_name.size();
  auto eol = reply.find("\r\n", at);
  std::string value = reply.substr(at, eol - at);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

std::string read_reply(int fd, int timeout_ms) {
  std::string got;
  for (;;) {
    auto end = got.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = std::stoul("0" + header_of(got, "Content-Length"));
      if (got.size() >= end + 4 + length) return got;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return got;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<size_t>(n));
  }
}

int status_of(const std::string &reply) {
  if (reply.compare(0, 5, "HTTP/") != 0) return 0;
  auto space = reply.find(' ');
  return space == std::string::npos ? 0 : std::atoi(reply.c_str() + space + 1);
}

bool closed_by_peer(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char buf[256];
  return ::recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0;
}

std::string get_from(const std::string &source, int port, const std::string &path) {
  int fd = connect_from(source, port);
  if (fd < 0) return {};
  send_all(fd, "GET " + path + " HTTP/1.1\r\nHost: ykien\r\nConnection: close\r\n\r\n");
  std::string reply = read_reply(fd);
  ::close(fd);
  return reply;
}

OneReplyServer::OneReplyServer(std::string reply) : reply_(std::move(reply)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr *>(&addr), len) != 0 ||
      ::listen(listener_, 1) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    if (listener_ >= 0) ::close(listener_);
    throw std::runtime_error("OneReplyServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] {
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      request.append(buf, static_cast<size_t>(n));
    }
    send_all(fd, reply_);
    ::close(fd);
    replied_.store(true);
    replied_.notify_all();
  });
}

OneReplyServer::~OneReplyServer() {
  ::shutdown(listener_, SHUT_RDWR);  // ends an accept that no client came to
  thread_.join();
  ::close(listener_);
}

}  // namespace ykien::test
