// How long each push and pull exchange took, as the devices saw it: a thread-safe
// record of the times, and a Transport that times the one it wraps.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ykien/sync/transport.h"

namespace ykien::bench {

// Durations of HTTP exchanges in ms, by endpoint. Thread-safe.
class ExchangeTimes {
 public:
  // An exchange with `url` that took `ms` and got `response`.
  void add(const std::string &url, double ms, const Result<sync::HttpResponse> &response);
  std::vector<double> push_ms() const;
  std::vector<double> pull_ms() const;
  // Pushes and pulls not turned away: what a tablet waits once it is served.
  std::vector<double> served_sync_ms() const;
  int64_t count() const;

 private:
  mutable std::mutex mutex_;
  std::vector<double> push_ms_, pull_ms_, served_ms_;  // guarded by mutex_
  int64_t others_ = 0;                     // guarded by mutex_ (enroll, health)
};

// The value below which `fraction` (0..1) of `values` lie (nearest rank); 0 when empty.
double percentile(std::vector<double> values, double fraction);

// Times every exchange of `inner` into `times` (borrowed, may be null: not timed),
// failed ones too: a device waits for those as well.
class TimedTransport final : public sync::Transport {
 public:
  TimedTransport(std::unique_ptr<sync::Transport> inner, ExchangeTimes *times)
      : inner_(std::move(inner)), times_(times) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override;
  void close_idle() override { inner_->close_idle(); }

 private:
  std::unique_ptr<sync::Transport> inner_;
  ExchangeTimes *times_;
};

}  // namespace ykien::bench
