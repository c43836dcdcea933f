#include "sync_progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "i18n.h"
#include "text.h"

namespace ykien::cli {
namespace {

constexpr int kBarCells = 20;  // the bar's width in characters

std::string decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (current_lang() == Lang::vi) {
    for (char &c : s) {
      if (c == '.') c = ',';
    }
  }
  return s;
}

std::string num(int64_t n) { return group_thousands(n, thousands_sep()); }

std::string time_left(double seconds) {
  if (seconds < 60) return trf("sync.left_seconds", {std::to_string(static_cast<int>(std::ceil(seconds)))});
  return trf("sync.left_minutes", {std::to_string(static_cast<int>(std::ceil(seconds / 60)))});
}

}  // namespace

std::string bytes_text(int64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  if (n < 1024 * 1024) return decimal(static_cast<double>(n) / 1024.0) + " kB";
  return decimal(static_cast<double>(n) / (1024.0 * 1024.0)) + " MB";
}

namespace {

// "Phase [████░░░░] 40% done/total …, bytes, time left": the bar on a terminal only.
std::string bar_line(const std::string &phase, double share, const std::string &counts, int64_t bytes,
                     double seconds, bool terminal) {
  std::string line = phase + " ";
  if (terminal) {
    const int filled = static_cast<int>(share * kBarCells + 0.5);
    line += "[";
    for (int i = 0; i < kBarCells; ++i) line += i < filled ? "█" : "░";
    line += "] ";
  }
  line += std::to_string(static_cast<int>(share * 100 + 0.5)) + "% " + counts + ", " + bytes_text(bytes);
  if (share > 0 && share < 1 && seconds > 0) line += ", " + time_left(seconds / share * (1 - share));
  return line;
}

}  // namespace

std::string SyncProgressView::render(const SyncCounts &c, int64_t to_push, double seconds, bool terminal) {
  if (c.phase == "push") {
    const int64_t done = c.pushed + c.refused;
    const int64_t total = std::max(to_push, done);
    const double share = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    return bar_line(tr("sync.phase.push"), share, trf("sync.count_of", {num(done), num(total)}), c.bytes_sent,
                    seconds, terminal);
  }
  const std::string phase = tr("sync.phase.pull");
  if (c.pull_left < 0) return phase + " " + trf("sync.count", {num(c.pulled)}) + ", " + bytes_text(c.bytes_received);
  // The share of the server's log gone through; the total of changes is what came
  // so far scaled by it — an estimate (≈) until the last batch.
  const int64_t span = c.pull_scanned + c.pull_left;
  const double share = span == 0 ? 1.0 : static_cast<double>(c.pull_scanned) / static_cast<double>(span);
  const bool exact = c.pull_left == 0;
  const int64_t total =
      exact || share <= 0 ? c.pulled + (exact ? 0 : c.pull_left)
                          : std::max(c.pulled, static_cast<int64_t>(static_cast<double>(c.pulled) / share + 0.5));
  return bar_line(phase, share, trf("sync.count_of", {num(c.pulled), (exact ? "" : "≈") + num(total)}),
                  c.bytes_received, seconds, terminal);
}

SyncProgressView::SyncProgressView(std::ostream &out, bool terminal, int64_t to_push)
    : out_(out), terminal_(terminal), to_push_(to_push), phase_start_(std::chrono::steady_clock::now()) {}

void SyncProgressView::update(const SyncCounts &c) {
  if (c.phase != phase_) {
    if (terminal_ && drawn_) out_ << '\n';
    phase_ = c.phase;
    phase_start_ = std::chrono::steady_clock::now();
    last_width_ = 0;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_start_).count();
  const std::string line = render(c, to_push_, seconds, terminal_);
  if (terminal_) {
    const std::size_t width = display_width(line);
    out_ << '\r' << line;
    if (width < last_width_) out_ << std::string(last_width_ - width, ' ');
    last_width_ = width;
  } else {
    out_ << line << '\n';
  }
  out_ << std::flush;
  drawn_ = true;
}

void SyncProgressView::finish() {
  if (terminal_ && drawn_) out_ << '\n' << std::flush;
  drawn_ = false;
}

}  // namespace ykien::cli
