// How long each push and pull exchange took, as the devices saw it: a Transport that
// times the one it wraps, and a thread-safe record of the times.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "ykien/sync/transport.h"

namespace ykien::bench {

// Durations of HTTP exchanges in ms, by endpoint. Thread-safe.
class ExchangeTimes {
 public:
  // `turned_away`: answered 503 with Retry-After (come back later).
  void add(const std::string &url, double ms, bool turned_away = false);
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

class ExchangeCourier;

// Times every exchange of `inner` (borrowed) into `times` (borrowed, may be null: not
// timed), failed ones too: a device waits for those as well. With a courier
// (borrowed, may be null), each exchange runs on one of its threads, timed from when
// the device asked for it: the courier's own wait for the CPU counts too.
class TimedTransport final : public sync::Transport {
 public:
  TimedTransport(sync::Transport &inner, ExchangeTimes *times, ExchangeCourier *courier = nullptr)
      : inner_(inner), times_(times), courier_(courier) {}
  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override;
  void close_idle() override { inner_.close_idle(); }

 private:
  Result<sync::HttpResponse> timed_send(const sync::HttpRequest &request,
                                        std::chrono::steady_clock::time_point asked);

  sync::Transport &inner_;
  ExchangeTimes *times_;
  ExchangeCourier *courier_;
};

}  // namespace ykien::bench
