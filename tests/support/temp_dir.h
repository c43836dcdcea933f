// A temporary directory removed when the test ends.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

namespace ykien::test {

class TempDir {
 public:
  // mkdtemp makes a new directory or fails: never one another test is using.
  TempDir() {
    std::string name = (std::filesystem::temp_directory_path() / "ykien-test-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr)
      throw std::system_error(errno, std::generic_category(), "cannot make a temporary directory in " +
                                                                  std::filesystem::temp_directory_path().string());
    path_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string file(const std::string &name) const { return (path_ / name).string(); }
  const std::filesystem::path &path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace ykien::test
