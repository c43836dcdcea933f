#include "support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace ykien::test {
namespace {

// Waits up to `ms` for the child to exit; true when it did (and was reaped, its
// wait status in `status`).
bool reaped_within(pid_t pid, int ms, int &status) {
  for (int waited = 0; waited <= ms; waited += 10) {
    if (waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int ended_with(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> storage_args, std::string work_dir)
    : binary_(std::move(binary)),
      storage_args_(std::move(storage_args)),
      port_file_((std::filesystem::path(work_dir) / "port").string()),
      log_path_((std::filesystem::path(work_dir) / "server.log").string()) {}

ServerProcess::~ServerProcess() { stop(); }

std::string ServerProcess::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

Status ServerProcess::start(const std::vector<std::string> &extra, int port) {
  if (running()) return {};
  std::error_code ec;
  std::filesystem::remove(port_file_, ec);
  // Everything the child needs is made before fork: between fork and exec it only
  // makes async-signal-safe calls (the caller has threads: libcurl's, SQLite's).
  std::vector<std::string> args = {"ykien-server", "serve"};
  args.insert(args.end(), storage_args_.begin(), storage_args_.end());
  for (const char *a : {"--host", "127.0.0.1", "--port"}) args.emplace_back(a);
  args.push_back(std::to_string(port));
  args.emplace_back("--port-file");
  args.push_back(port_file_);
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char *> argv;
  for (auto &a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid < 0) {
    if (log_fd >= 0) ::close(log_fd);
    return {ErrorCode::internal, "cannot fork ykien-server"};
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the parent is already gone
    // Its own session, so its own scheduling group (Linux autogroup): on one
    // machine the server then gets its share of the cores however many threads the
    // caller runs, as a server does on its own hardware (a thousand simulated
    // tablets' threads would otherwise starve it: docs/benchmarks.md, "serve").
    setsid();
    // Its output to the log, not the caller's: a server left running must not hold
    // the caller's pipes open (CTest waits for them to close).
    if (log_fd >= 0) {
      dup2(log_fd, 1);
      dup2(log_fd, 2);
    }
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  pid_ = pid;
  for (int waited = 0; waited < 30000; waited += 10) {
    std::ifstream in(port_file_);
    int listening = 0;
    if (in >> listening && listening > 0) {
      port_ = listening;
      return {};
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return {ErrorCode::server,
              "ykien-server exited at start with " + std::to_string(ended_with(status)) + " (see " + log_path_ + ")"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  return {ErrorCode::server, "ykien-server did not listen within 30 s (see " + log_path_ + ")"};
}

void ServerProcess::signal(int sig) const {
  if (running()) ::kill(pid_, sig);
}

int ServerProcess::stop() {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!reaped_within(pid_, 10000, status)) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  port_ = 0;
  return ended_with(status);
}

void ServerProcess::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  port_ = 0;
}

double ServerProcess::cpu_seconds() const {
  if (!running()) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  std::getline(in, line);
  // Fields after the command name, which is in parentheses and may hold spaces:
  // state is field 3, utime and stime are fields 14 and 15.
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

namespace {

// A "Vm...:" line of /proc/PID/status in MB; 0 if unknown.
double status_mb(pid_t pid, const std::string &wanted) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == wanted) {
      double kb = 0;
      in >> kb;
      return kb / 1024.0;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

}  // namespace

double peak_rss_mb(pid_t pid) { return status_mb(pid, "VmHWM:"); }

double current_rss_mb(pid_t pid) { return status_mb(pid, "VmRSS:"); }

double ServerProcess::peak_rss_mb() const { return running() ? test::peak_rss_mb(pid_) : 0; }

}  // namespace ykien::test
