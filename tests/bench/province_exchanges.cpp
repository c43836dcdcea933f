#include "province_exchanges.h"

#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ykien/sync/protocol.h"

namespace ykien::bench {
namespace {

bool ends_with(const std::string &s, const char *suffix) {
  const std::string_view tail(suffix);
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Answered 503 with Retry-After: turned away by the admission or the device's limit,
// "come back shortly" (a storage error's 503 says no such thing, and can be slow).
bool turned_away(const Result<sync::HttpResponse> &response) {
  if (!response.ok() || response->status != 503) return false;
  for (const auto &[name, value] : response->headers)
    if (name.size() == 11 && strncasecmp(name.c_str(), "retry-after", 11) == 0) return true;
  return false;
}

}  // namespace

void ExchangeTimes::add(const std::string &url, double ms, const Result<sync::HttpResponse> &response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ends_with(url, sync::kPathPush)) {
    push_ms_.push_back(ms);
  } else if (ends_with(url, sync::kPathPull)) {
    pull_ms_.push_back(ms);
  } else {
    ++others_;
    return;
  }
  if (!turned_away(response)) served_ms_.push_back(ms);
}

std::vector<double> ExchangeTimes::push_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return push_ms_;
}

std::vector<double> ExchangeTimes::pull_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pull_ms_;
}

std::vector<double> ExchangeTimes::served_sync_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return served_ms_;
}

int64_t ExchangeTimes::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(push_ms_.size() + pull_ms_.size()) + others_;
}

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

Result<sync::HttpResponse> TimedTransport::send(const sync::HttpRequest &request) {
  const auto asked = std::chrono::steady_clock::now();
  auto response = inner_->send(request);
  if (times_)
    times_->add(request.url,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count(), response);
  return response;
}

}  // namespace ykien::bench
