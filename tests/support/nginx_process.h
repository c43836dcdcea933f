// nginx in the foreground with the province configuration of docs/server.md
// (docs/nginx-province.conf) as it is written, but for its addresses: for the
// serve/nginx test and `ykien-bench serve`. Catch-free: errors come back as a Status.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ykien/status.h"

namespace ykien::test {

inline constexpr const char *kNginxBinary = "/usr/sbin/nginx";

// Whether nginx is installed (scripts/install-deps.sh installs it).
bool nginx_installed();
// A TCP port on 127.0.0.1 that nothing listens on at the moment.
int free_loopback_port();

class NginxProcess {
 public:
  // `conf`: the path of docs/nginx-province.conf. `work_dir` (existing) receives
  // nginx's configuration, pid file, temporary files and error.log. It listens on
  // 127.0.0.1:`port`, with TLS when `cert` and `key` (PEM files) are given, else plain
  // HTTP (for clients that cannot speak TLS: raw sockets holding connections open);
  // it proxies to ykien-server processes on 127.0.0.1:`upstreams`.
  NginxProcess(std::string conf, std::string work_dir, int port, std::vector<int> upstreams, std::string cert = {},
               std::string key = {});
  ~NginxProcess();  // stop()
  NginxProcess(const NginxProcess &) = delete;
  NginxProcess &operator=(const NginxProcess &) = delete;

  // Writes the configuration, runs nginx and waits (up to 10 s) until it listens.
  // Errors: invalid_argument (the configuration is not as expected), server (nginx
  // exited or did not listen; see error.log).
  Status start();
  // SIGTERM; reaps it. Nothing when not running.
  void stop();

  int port() const { return port_; }
  std::string error_log() const;

 private:
  std::string conf_, work_dir_;
  int port_;
  std::vector<int> upstreams_;
  std::string cert_, key_;
  pid_t pid_ = -1;
};

}  // namespace ykien::test
