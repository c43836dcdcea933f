#include "log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace ykien::server {
namespace {
std::atomic<bool> g_enabled{true};
std::mutex g_mutex;

void append_value(std::string *out, const std::string &v) {
  bool quote = v.empty() || v.find_first_of(" \"=\t\n") != std::string::npos;
  if (!quote) {
    *out += v;
    return;
  }
  *out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') *out += '\\';
    if (c == '\n') {
      *out += "\\n";
      continue;
    }
    *out += c;
  }
  *out += '"';
}
}  // namespace

void set_log_enabled(bool on) { g_enabled.store(on); }

void log_line(std::string_view level, std::string_view event, LogFields fields) {
  if (!g_enabled.load()) return;
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  std::string line = "ts=";
  line += stamp;
  line += " level=";
  line += level;
  line += " event=";
  line += event;
  for (const auto &[k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    append_value(&line, v);
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ykien::server
