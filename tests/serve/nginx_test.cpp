// The nginx configuration of docs/server.md (docs/nginx-province.conf), run as it is
// written, in front of a ykien-server: tablets sync through it over HTTPS, and its
// enrollment rate limit answers 429. Skipped when nginx is not installed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "fixture.h"
#include "support/raw_http.h"
#include "ykien/sync/client.h"

using namespace ykien;
using namespace ykien::test;

namespace {

constexpr const char *kNginx = "/usr/sbin/nginx";

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace(std::string &text, const std::string &from, const std::string &to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// nginx in the foreground on `port`, the docs' configuration proxying to `upstream`.
class Nginx {
 public:
  Nginx(const TempDir &dir, int port, int upstream, const std::string &cert, const std::string &key) {
    std::string site = read_file(YKIEN_SOURCE_DIR "/docs/nginx-province.conf");
    replace(site, "server 127.0.0.1:8081;", "server 127.0.0.1:" + std::to_string(upstream) + ";");
    replace(site, "server 127.0.0.1:8082;", "");
    replace(site, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(port) + " ssl;");
    replace(site, "/etc/ykien/tls/fullchain.pem", cert);
    replace(site, "/etc/ykien/tls/privkey.pem", key);
    std::ofstream(dir.file("site.conf")) << site;
    std::ofstream(dir.file("nginx.conf"))
        << "worker_processes 1;\npid " << dir.file("nginx.pid") << ";\nerror_log " << dir.file("error.log")
        << ";\n" << (geteuid() == 0 ? "user root root;\n" : "") << "events { worker_connections 1024; }\n"
        << "http {\n  access_log off;\n  client_body_temp_path " << dir.path().string() << ";\n  proxy_temp_path "
        << dir.path().string() << ";\n  include " << dir.file("site.conf") << ";\n}\n";
    const std::string prefix = dir.path().string() + "/", conf = dir.file("nginx.conf");
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      execl(kNginx, "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-g", "daemon off;",
            static_cast<char *>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 1000; ++i) {  // until it listens
      int fd = connect_from("127.0.0.1", port);
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    INFO(read_file(dir.file("error.log")));
    FAIL("nginx did not start");
  }
  ~Nginx() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
};

void run(const std::string &command) { REQUIRE(std::system(command.c_str()) == 0); }

}  // namespace

TEST_CASE("nginx as docs/server.md configures it: tablets sync through it, enrollment is rate-limited",
          "[serve][nginx]") {
  if (access(kNginx, X_OK) != 0) {
    std::puts("YKIEN-SKIP: nginx is not installed (scripts/install-deps.sh installs it)");
    FAIL("nginx missing");
  }
  TempDir dir;
  const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=ykien-test "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null");
  server::ServerOptions options;
  options.http.behind_proxy = true;
  options.http.max_connections_per_address = 0;
  options.http.keep_alive_idle_s = sync::tuning::kProxyKeepAliveIdleS;
  TestServer server(options);
  const std::string plain = server.url();
  const int upstream = std::stoi(plain.substr(plain.rfind(':') + 1));
  const int port = free_port();
  Nginx nginx(dir, port, upstream, cert, key);
  const std::string url = "https://127.0.0.1:" + std::to_string(port);

  sync::CurlTransportOptions co;
  co.ca_file = cert;
  auto transport = sync::make_curl_transport(co);
  auto db = Database::open(dir.file("tablet.db"));
  REQUIRE(db.ok());
  sync::SyncOptions so;
  so.server_url = url;
  sync::SyncClient client(**db, *transport, so);
  auto enrolled = client.enroll(server.code({kCommune}), "qua nginx");
  INFO(enrolled.status().to_string());
  REQUIRE(enrolled.ok());
  REQUIRE(client.sync().ok());
  record_in(**db, kHamlet1, "qua nginx");
  auto synced = client.sync();
  INFO(synced.status().to_string());
  REQUIRE(synced.ok());
  CHECK(synced->pushed > 0);
  CHECK(count_opinions(server.data(), kCommune) == 1);

  // Enrollment attempts beyond nginx's burst (20) get 429 from nginx itself.
  int refused = 0;
  for (int i = 0; i < 25; ++i) {
    auto r = transport->send({"POST", url + "/v1/enroll", {{"Content-Type", "application/json"}},
                              R"({"protocol":1,"code":"AAAA-BBBB-CCCC","site":"0123456789abcdef"})"});
    REQUIRE(r.ok());
    if (r->status == 429) ++refused;
  }
  CHECK(refused >= 4);
}
