// A real ykien-server for the CLI's sync tests: started on 127.0.0.1 and a free
// port over a data directory, with the units given, stopped at the end.
#pragma once

#include <sys/types.h>

#include <string>

namespace ykien::cli_test {

// Runs a shell command and returns its stdout without the final line break (the
// admin commands print one value); fails the test if the command fails.
std::string capture(const std::string &command);

class Server {
 public:
  // `units_csv`: the import-units file (code,name,kind,parent); Tân Phú ward's by default.
  explicit Server(const std::string &dir, const std::string &units_csv = kTanPhuUnits);
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  void stop();
  std::string url() const { return "http://127.0.0.1:" + port_; }
  // `ykien-server admin --data …`, to which a subcommand is appended.
  std::string admin() const;
  // An enrollment code for a unit's subtree (default Tân Phú ward).
  std::string code(const std::string &unit = "70/tan-phu") const;

  static constexpr const char *kTanPhuUnits =
      "code,name,kind,parent\n70,Tỉnh Bình Phước,province,\n"
      "tan-phu,Phường Tân Phú,ward,70\nkp-3,Khu phố 3,hamlet,70/tan-phu\n";

 private:
  std::string dir_, port_;
  pid_t pid_ = -1;
};

}  // namespace ykien::cli_test
