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

std::string SyncProgressView::render(const SyncCounts &c, int64_t to_push, double seconds, bool terminal) {
  const bool push = c.phase == "push";
  const std::string phase = tr(push ? "sync.phase.push" : "sync.phase.pull");
  if (push) {
    const int64_t done = c.pushed + c.refused;
    const int64_t total = std::max(to_push, done);
    const double share = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    std::string line = phase + " ";
    if (terminal) {
      const int filled = static_cast<int>(share * kBarCells + 0.5);
      line += "[";
      for (int i = 0; i < kBarCells; ++i) line += i < filled ? "█" : "░";
      line += "] ";
    }
    line += std::to_string(static_cast<int>(share * 100 + 0.5)) + "% " +
            trf("sync.count_of", {num(done), num(total)}) + ", " + bytes_text(c.bytes_sent);
    if (done > 0 && done < total && seconds > 0) {
      line += ", " + time_left(seconds / static_cast<double>(done) * static_cast<double>(total - done));
    }
    return line;
  }
  return phase + " " + trf("sync.count", {num(c.pulled)}) + ", " + bytes_text(c.bytes_received);
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
