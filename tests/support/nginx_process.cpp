#include "support/nginx_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/raw_http.h"

namespace ykien::test {
namespace {

std::string read_all(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces the one `from` of `text`; false when it is not there.
bool replace(std::string &text, const std::string &from, const std::string &to) {
  const auto at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

}  // namespace

bool nginx_installed() { return access(kNginxBinary, X_OK) == 0; }

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

NginxProcess::NginxProcess(std::string conf, std::string work_dir, int port, std::vector<int> upstreams,
                           std::string cert, std::string key)
    : conf_(std::move(conf)),
      work_dir_(std::move(work_dir)),
      port_(port),
      upstreams_(std::move(upstreams)),
      cert_(std::move(cert)),
      key_(std::move(key)) {}

NginxProcess::~NginxProcess() { stop(); }

std::string NginxProcess::error_log() const { return (std::filesystem::path(work_dir_) / "error.log").string(); }

Status NginxProcess::start() {
  if (pid_ > 0) return {};
  const std::filesystem::path dir(work_dir_);
  std::string site = read_all(conf_);
  std::string servers;
  for (int p : upstreams_) servers += "server 127.0.0.1:" + std::to_string(p) + ";\n    ";
  const bool tls = !cert_.empty();
  const bool as_written =
      replace(site, "server 127.0.0.1:8081;", servers) && replace(site, "server 127.0.0.1:8082;", "") &&
      replace(site, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(port_) + (tls ? " ssl;" : ";")) &&
      replace(site, "/etc/ykien/tls/fullchain.pem", tls ? cert_ : "") &&
      replace(site, "/etc/ykien/tls/privkey.pem", tls ? key_ : "");
  if (!as_written) return Status::Invalid("conf", conf_ + " no longer has the lines this test rewrites");
  if (!tls) {
    // No certificate: its lines go, the rest stays as written.
    for (const char *line : {"ssl_certificate ;", "ssl_certificate_key ;"})
      if (!replace(site, line, "")) return Status::Invalid("conf", conf_ + ": no '" + line + "' to drop");
  }
  std::ofstream(dir / "site.conf") << site;
  // Enough connections for a thousand tablets and the held ones, each with its
  // upstream connection.
  std::ofstream(dir / "nginx.conf") << "worker_processes 1;\nworker_rlimit_nofile 16384;\npid "
                                    << (dir / "nginx.pid").string() << ";\nerror_log " << error_log() << ";\n"
                                    << (geteuid() == 0 ? "user root root;\n" : "")
                                    << "events { worker_connections 8192; }\n"
                                    << "http {\n  access_log off;\n  client_body_temp_path " << dir.string()
                                    << ";\n  proxy_temp_path " << dir.string() << ";\n  include "
                                    << (dir / "site.conf").string() << ";\n}\n";
  const std::string prefix = dir.string() + "/", conf = (dir / "nginx.conf").string();
  const pid_t pid = fork();
  if (pid < 0) return {ErrorCode::internal, "cannot fork nginx"};
  if (pid == 0) {
    setsid();  // its own scheduling group, as ykien-server's (server_process.cpp)
    execl(kNginxBinary, "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-g", "daemon off;",
          static_cast<char *>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  for (int waited = 0; waited < 10000; waited += 10) {
    const int fd = connect_from("127.0.0.1", port_);
    if (fd >= 0) {
      ::close(fd);
      return {};
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return {ErrorCode::server, "nginx exited at start: " + read_all(error_log())};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  return {ErrorCode::server, "nginx did not listen within 10 s: " + read_all(error_log())};
}

void NginxProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace ykien::test
