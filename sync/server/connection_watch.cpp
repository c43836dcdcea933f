#include "connection_watch.h"

#include <sys/socket.h>

#include <chrono>

namespace ykien::server {

int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ConnectionWatch::ConnectionWatch(int64_t tick_ms) : tick_ms_(tick_ms), thread_([this] { watch(); }) {}

ConnectionWatch::~ConnectionWatch() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ConnectionWatch::add(int fd, int64_t deadline_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  deadlines_[fd] = deadline_ms;
}

void ConnectionWatch::set_deadline(int fd, int64_t deadline_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = deadlines_.find(fd);
  if (it != deadlines_.end()) it->second = deadline_ms;
}

void ConnectionWatch::remove(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  deadlines_.erase(fd);
}

int64_t ConnectionWatch::expired() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return expired_;
}

void ConnectionWatch::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(tick_ms_));
    int64_t now = steady_now_ms();
    for (auto &[fd, deadline] : deadlines_) {
      if (deadline == 0 || deadline > now) continue;
      // shutdown, not close: the connection's owner sees end-of-stream, closes the
      // socket itself and calls remove().
      (void)::shutdown(fd, SHUT_RDWR);
      deadline = 0;
      ++expired_;
    }
  }
}

}  // namespace ykien::server
