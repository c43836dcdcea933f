// HTTP by hand over a socket, for tests and benchmarks that must misbehave (drip
// headers, hold connections, come from a chosen loopback address). Catch-free.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace ykien::test {

// A TCP connection to 127.0.0.1:port from `source` (any address of 127.0.0.0/8),
// with a receive buffer of `receive_buffer` bytes when given (set before connecting,
// so that the window it offers stays small: a client that reads slowly or not at all).
// Returns the descriptor, -1 on failure.
int connect_from(const std::string &source, int port, int receive_buffer = 0);
// Sends all of `data`; false when the peer closed.
bool send_all(int fd, const std::string &data);
// One reply: headers and a Content-Length body. Empty when the server closed (or
// reset) the connection without replying. Gives up after `timeout_ms` of silence.
std::string read_reply(int fd, int timeout_ms = 30000);
// The status code of a reply ("HTTP/1.1 429 ..." -> 429); 0 when empty.
int status_of(const std::string &reply);
// A reply's header value (case-insensitive name); empty when absent.
std::string header_of(const std::string &reply, const std::string &name);
// True once the server closed the connection (a read returns end-of-stream or
// an error); waits at most `timeout_ms`.
bool closed_by_peer(int fd, int timeout_ms);
// A GET of `path` from `source` with Connection: close; the reply.
std::string get_from(const std::string &source, int port, const std::string &path);

// A server of one reply on 127.0.0.1: accepts one connection, reads the request's
// headers, sends `reply` as given and closes. For what no ykien-server sends.
// Throws std::runtime_error when it cannot listen.
class OneReplyServer {
 public:
  explicit OneReplyServer(std::string reply);
  ~OneReplyServer();
  OneReplyServer(const OneReplyServer &) = delete;
  OneReplyServer &operator=(const OneReplyServer &) = delete;

  // http://127.0.0.1:PORT (no path).
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Blocks until the reply was sent.
  void wait_replied() { replied_.wait(false); }

 private:
  std::string reply_;
  std::atomic<bool> replied_{false};
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace ykien::test
