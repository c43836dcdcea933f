// Structured log lines for the server: "ts=... level=info event=push device=... ms=3",
// one per line on stderr, values quoted when they hold spaces. Thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ykien::server {

using LogFields = std::initializer_list<std::pair<std::string_view, std::string>>;

void log_line(std::string_view level, std::string_view event, LogFields fields = {});
// Tests silence the server.
void set_log_enabled(bool on);

}  // namespace ykien::server
