// ykien-server as a child process on 127.0.0.1 and a free port, for benchmarks and
// tests that want the real binary (its own memory and CPU, nothing shared with the
// caller). Catch-free: errors come back as a Status.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ykien/status.h"

namespace ykien::test {

// Peak resident set of a process in MB (VmHWM of /proc/PID/status); 0 if unknown.
double peak_rss_mb(pid_t pid);
// Its resident set now in MB (VmRSS); 0 if unknown.
double current_rss_mb(pid_t pid);

class ServerProcess {
 public:
  // `binary`: the ykien-server executable. `storage_args`: {"--data", DIR} or
  // {"--postgres", CONNINFO}. `work_dir` (existing) receives the port file and the
  // server's log, server.log (its stdout and stderr).
  ServerProcess(std::string binary, std::vector<std::string> storage_args, std::string work_dir);
  ~ServerProcess();  // stop()
  ServerProcess(const ServerProcess &) = delete;
  ServerProcess &operator=(const ServerProcess &) = delete;

  // Runs `ykien-server serve` with `extra` arguments and waits (up to 30 s) until it
  // listens, on `port` (0: a free one). Call it from the thread that outlives the
  // child: the child gets SIGTERM when that thread ends (PR_SET_PDEATHSIG), so no
  // server outlives a test or bench that crashed or was killed.
  // Errors: internal (cannot fork), server (exited or did not listen; see the log).
  Status start(const std::vector<std::string> &extra = {}, int port = 0);
  // Sends it a signal (SIGUSR1: a hub syncs with its upstream now).
  void signal(int sig) const;
  // SIGTERM, then SIGKILL after 10 s; reaps the child. Returns how it ended: its exit
  // code, 128 + the signal that ended it, or -1 when it was not running.
  int stop();
  // SIGKILL at once (a power cut, as far as the server can tell); reaps the child.
  void kill9();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string url() const;
  const std::string &log_path() const { return log_path_; }
  // CPU time (user + system) the child used so far, in seconds; 0 when not running.
  double cpu_seconds() const;
  // Its peak resident set so far in MB (VmHWM); 0 when not running.
  double peak_rss_mb() const;

 private:
  std::string binary_;
  std::vector<std::string> storage_args_;
  std::string port_file_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace ykien::test
