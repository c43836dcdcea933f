// A request sent again while the server answers 503 (busy: its admission turned it
// away), after 50 ms each time, as a client does: tests that send raw requests from
// many threads at once count only real failures.
#pragma once

#include <chrono>
#include <thread>

namespace ykien::test {

// `send()` returns a Result of something with a `status` (an HTTP reply). The last
// reply is returned: still 503 after `attempts` sends, or whatever came.
template <class Send>
auto send_until_not_busy(Send send, int attempts = 200) {
  auto sent = send();
  for (int i = 1; i < attempts && sent.ok() && sent->status == 503; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sent = send();
  }
  return sent;
}

}  // namespace ykien::test
