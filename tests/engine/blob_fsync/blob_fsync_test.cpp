// A blob acknowledged survives a power cut (docs/attachments.md): once a blob is named,
// the blob folder itself is synced, since the name is an entry in the folder's file.
// fsync cannot be watched from outside, so this executable (alone, to leave the other
// tests' fsync alone) defines fsync itself: it counts the folders synced, then does
// the system call. Run as evidence/attach-fsync.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "support/temp_dir.h"
#include "ykien/blob_store.h"

namespace {

std::mutex synced_mutex;
std::map<std::pair<dev_t, ino_t>, int> synced_folders;  // (device, inode) -> fsyncs

std::pair<dev_t, ino_t> identity(const std::string &path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return {st.st_dev, st.st_ino};
}

// How many times the folder at `path` was synced so far.
int syncs_of(const std::string &path) {
  const auto id = identity(path);
  std::lock_guard<std::mutex> lock(synced_mutex);
  auto it = synced_folders.find(id);
  return it == synced_folders.end() ? 0 : it->second;
}

}  // namespace

extern "C" int fsync(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    std::lock_guard<std::mutex> lock(synced_mutex);
    ++synced_folders[{st.st_dev, st.st_ino}];
  }
  return static_cast<int>(::syscall(SYS_fsync, fd));
}

using namespace ykien;

TEST_CASE("the blob folder is synced once per blob named, whichever way it came", "[.][evidence-attach-fsync]") {
  test::TempDir dir;
  const std::string folder = dir.file("blobs");
  BlobStore store(folder);

  // The first blob makes the folder: its parent is synced for the folder's name.
  const int parent_before = syncs_of(dir.path().string());
  auto first = store.put_bytes("%PDF-1.4\nbiên bản");
  REQUIRE(first.ok());
  CHECK(syncs_of(dir.path().string()) == parent_before + 1);
  CHECK(syncs_of(folder) == 1);

  // The same bytes again name nothing: no sync.
  REQUIRE(store.put_bytes("%PDF-1.4\nbiên bản").ok());
  CHECK(syncs_of(folder) == 1);

  // From a file.
  const std::string source = dir.file("photo.jpg");
  {
    std::FILE *f = std::fopen(source.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("\xFF\xD8\xFF\xE0 ảnh cầu gãy", f);
    std::fclose(f);
  }
  REQUIRE(store.put_file(source).ok());
  CHECK(syncs_of(folder) == 2);

  // By a resumable transfer: chunks are files' syncs, the name one folder sync.
  const std::string bytes = "\xFF\xD8\xFF\xE0 ảnh đường hỏng, gửi từng phần";
  BlobStore sender(dir.file("sender"));
  auto whole = sender.put_bytes(bytes);
  REQUIRE(whole.ok());
  REQUIRE(store.append_partial(whole->sha256, 0, bytes.substr(0, 10)).ok());
  REQUIRE(store.append_partial(whole->sha256, 10, bytes.substr(10)).ok());
  CHECK(syncs_of(folder) == 2);
  REQUIRE(store.finish_partial(whole->sha256).ok());
  CHECK(syncs_of(folder) == 3);
  CHECK(store.has(whole->sha256));

  // A blob copied out is named in its target folder, synced the same way.
  const std::string out = dir.file("out");
  std::filesystem::create_directories(out);
  REQUIRE(store.copy_to(first->sha256, out + "/bien-ban.pdf").ok());
  CHECK(syncs_of(out) == 1);
}
