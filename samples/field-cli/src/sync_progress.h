// What a sync shows while it runs: on a terminal one line redrawn in place,
// a bar with the phase, done/total, bytes and time left; otherwise one plain
// line per exchange (logs, scripts). Knows nothing of the sync library.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace ykien::cli {

struct SyncCounts {
  std::string phase;  // "push" or "pull"
  int64_t pushed = 0, refused = 0, pulled = 0, bytes_sent = 0, bytes_received = 0;
  // The pull's way through the server's log (positions covered, still ahead; -1:
  // the server does not say): the share done, and from it the estimated total.
  int64_t pull_scanned = 0, pull_left = -1;
};

class SyncProgressView {
 public:
  // `to_push`: the changes waiting to be sent when the sync starts.
  SyncProgressView(std::ostream &out, bool terminal, int64_t to_push);
  void update(const SyncCounts &c);
  // Ends the redrawn line (a terminal) before the summary.
  void finish();

  // One rendering, without the clock (tests): `seconds` since the phase began.
  static std::string render(const SyncCounts &c, int64_t to_push, double seconds, bool terminal);

 private:
  std::ostream &out_;
  bool terminal_;
  int64_t to_push_;
  std::string phase_;
  std::chrono::steady_clock::time_point phase_start_;
  std::size_t last_width_ = 0;
  bool drawn_ = false;
};

// "61,2 kB" / "61.2 kB"; "850 B"; "1,4 MB".
std::string bytes_text(int64_t n);

}  // namespace ykien::cli
