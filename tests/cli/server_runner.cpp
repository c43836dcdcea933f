#include "server_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

namespace ykien::cli_test {

std::string capture(const std::string &command) {
  std::string out;
  FILE *pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  INFO(command << "\n" << out);
  REQUIRE(pclose(pipe) == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

Server::Server(const std::string &dir, const std::string &units_csv) : dir_(dir) {
  std::ofstream(dir_ + "/units.csv") << units_csv;
  capture(admin() + " import-units " + dir_ + "/units.csv");
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    std::string data = dir_ + "/server", port_file = dir_ + "/port";
    execl(YKIEN_SERVER_PATH, YKIEN_SERVER_PATH, "serve", "--data", data.c_str(), "--host", "127.0.0.1", "--port", "0",
          "--port-file", port_file.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200 && port_.empty(); ++i) {
    std::ifstream in(dir_ + "/port");
    std::getline(in, port_);
    if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE_FALSE(port_.empty());
}

Server::~Server() { stop(); }

void Server::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string Server::admin() const { return std::string(YKIEN_SERVER_PATH) + " admin --data " + dir_ + "/server"; }

std::string Server::code(const std::string &unit) const { return capture(admin() + " create-code --unit " + unit); }

}  // namespace ykien::cli_test
