// Crash safety (DESIGN.md, invariant 2): a process killed with SIGKILL at any
// point loses nothing it had acknowledged, and the file passes integrity_check.
// A forked child writes; it reports each write over a pipe only after the call
// returned OK; the parent kills it at a random moment and checks the file.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/replicas.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"
#include "ykien/database.h"

using namespace ykien;
using Clock_ = std::chrono::steady_clock;

namespace {


// Child side: one line per acknowledged call, written only after it returned OK.
void report(int fd, const std::string &line) {
  std::string out = line + "\n";
  size_t at = 0;
  while (at < out.size()) {
    ssize_t n = ::write(fd, out.data() + at, out.size() - at);
    if (n <= 0) _exit(3);
    at += static_cast<size_t>(n);
  }
}

// Child: opens the database (creating its unit if needed) and writes until killed:
// a new opinion, then an edit of it, over and over. Never returns.
[[noreturn]] void write_stream(const std::string &path, int fd) {
  auto db = Database::open(path);
  if (!db) {
    report(fd, "E open: " + db.status().to_string());
    _exit(1);
  }
  auto unit = (*db)->find_unit_by_scope("vn-75");
  if (!unit) unit = (*db)->create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"});
  if (!unit) {
    report(fd, "E unit: " + unit.status().to_string());
    _exit(1);
  }
  for (int n = 0; n < 1'000'000; ++n) {
    auto o = (*db)->record_opinion({.unit_id = unit->id, .kind = "opinion", .category = "land",
                                    .content = "Ý kiến số " + std::to_string(n), .raised_at = "2024-07-03 09:00"});
    if (!o) {
      report(fd, "E record: " + o.status().to_string());
      _exit(1);
    }
    report(fd, "O " + o->id);
    auto e = (*db)->update_opinion(o->id, {.content = "Đã sửa " + std::to_string(n)});
    if (!e) {
      report(fd, "E update: " + e.status().to_string());
      _exit(1);
    }
    report(fd, "U " + o->id + " " + std::to_string(n));
  }
  _exit(0);
}

// The parent's view of a forked child and its pipe.
class Child {
 public:
  template <typename F>
  explicit Child(F &&body) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(fds[0]);
      body(fds[1]);
      _exit(0);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) kill();
    if (fd_ >= 0) ::close(fd_);
  }
  Child(const Child &) = delete;
  Child &operator=(const Child &) = delete;

  // Reads lines until `deadline` (or EOF); returns false at EOF.
  bool read_until(Clock_::time_point deadline, std::vector<std::string> &lines) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock_::now()).count();
      if (left < 0) return true;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left));
      if (r == 0) return true;
      if (r < 0) continue;
      if (!read_some(lines)) return false;
    }
  }
  // Reads one line, waiting at most `timeout`.
  std::string read_line(std::chrono::milliseconds timeout, std::vector<std::string> &lines) {
    auto deadline = Clock_::now() + timeout;
    while (lines.empty() && Clock_::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) > 0 && !read_some(lines)) break;
    }
    if (lines.empty()) return {};
    std::string first = lines.front();
    lines.erase(lines.begin());
    return first;
  }
  // SIGKILL, reap, and read what the child had written before dying.
  void kill_and_drain(std::vector<std::string> &lines) {
    kill();
    while (read_some(lines)) {
    }
  }
  // Waits for a normal exit; returns the exit status.
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  void kill() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  bool read_some(std::vector<std::string> &lines) {
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    partial_.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = partial_.find('\n')) != std::string::npos) {
      lines.push_back(partial_.substr(0, nl));
      partial_.erase(0, nl + 1);
    }
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string partial_;
};

}  // namespace

TEST_CASE("SIGKILL during a stream of writes loses nothing acknowledged", "[engine][crash]") {
  const uint64_t seed = test::test_seed(7);
  INFO("seed " << seed << " (rerun with YKIEN_TEST_SEED=" << seed << ")");
  std::mt19937 rng(static_cast<unsigned>(seed));
  test::TempDir dir;
  const std::string path = dir.file("field.db");

  std::map<std::string, int> acknowledged;  // opinion id -> last acknowledged edit (-1: none)
  // Round 0 kills the child within a few milliseconds, likely while it creates the
  // file and its schema; later rounds kill it in the middle of its writes.
  const int delays_ms[] = {-1, 5, 40, 150, -1, 300, 80};
  for (int round = 0; round < 7; ++round) {
    INFO("round " << round);
    std::vector<std::string> lines;
    {
      Child child([&](int fd) { write_stream(path, fd); });
      if (round == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
      } else {
        // Wait until it writes, then let it run for a random while.
        std::string first = child.read_line(std::chrono::seconds(30), lines);
        REQUIRE(!first.empty());
        lines.insert(lines.begin(), first);
        int delay = delays_ms[round] >= 0 ? delays_ms[round] : std::uniform_int_distribution<int>(0, 250)(rng);
        delay += std::uniform_int_distribution<int>(0, 20)(rng);
        REQUIRE(child.read_until(Clock_::now() + std::chrono::milliseconds(delay), lines));
      }
      child.kill_and_drain(lines);
    }
    for (const auto &line : lines) {
      INFO(line);
      REQUIRE(line.size() > 2);
      REQUIRE(line[0] != 'E');
      if (line[0] == 'O') {
        acknowledged.emplace(line.substr(2), -1);
      } else {
        auto space = line.find(' ', 2);
        acknowledged[line.substr(2, space - 2)] = std::stoi(line.substr(space + 1));
      }
    }

    auto db = Database::open(path);
    INFO(db.status().to_string());
    REQUIRE(db.ok());
    auto integrity = (*db)->check_integrity();
    INFO(integrity.to_string());
    REQUIRE(integrity.ok());
    for (const auto &[id, edit] : acknowledged) {
      INFO("opinion " << id << ", last acknowledged edit " << edit);
      auto o = (*db)->get_opinion(id);
      REQUIRE(o.ok());
      if (edit >= 0) {
        // The acknowledged edit is there (or a later one made before the kill).
        REQUIRE(o->content.rfind("Đã sửa ", 0) == 0);
        CHECK(std::stoi(o->content.substr(std::string("Đã sửa ").size())) >= edit);
      }
    }
    // The database keeps working after the crash.
    auto unit = (*db)->find_unit_by_scope("vn-75");
    if (unit.ok()) {
      auto o = (*db)->record_opinion({.unit_id = unit->id, .kind = "opinion", .category = "land",
                                      .content = "Sau sự cố", .raised_at = "2024-07-03 10:00"});
      REQUIRE(o.ok());
      CHECK((*db)->get_opinion(o->id).ok());
    } else {
      CHECK(round == 0);  // killed before its first write
    }
  }
  CHECK(acknowledged.size() > 20);
}

TEST_CASE("SIGKILL in the middle of apply_changes leaves all of the batch or none", "[engine][crash]") {
  const uint64_t seed = test::test_seed(11);
  INFO("seed " << seed << " (rerun with YKIEN_TEST_SEED=" << seed << ")");
  std::mt19937 rng(static_cast<unsigned>(seed));
  test::TempDir dir;
  ManualClock clock(1'720'000'000'000);

  // A large batch from another replica: many opinions, a few cells each.
  constexpr size_t kOpinions = 2500;
  std::vector<Change> batch;
  const SiteId remote = 0x5eed5eed5eedull;
  for (size_t i = 0; i < kOpinions; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "01900000-0000-7000-8000-%012zu", i);
    const Hlc hlc = Hlc::from_parts(1'720'000'000'000ull + i, 0);
    auto cell = [&](const char *column, Value v) {
      batch.push_back({.table = "opinions", .id = id, .scope = "vn-75/tan-phu", .column = column,
                       .value = std::move(v), .hlc = hlc, .site = remote});
    };
    cell("_deleted", int64_t{0});
    cell("kind", std::string("opinion"));
    cell("category", std::string("land"));
    cell("content", "Ý kiến số " + std::to_string(i));
    cell("status", std::string("received"));
    cell("raised_at", std::string("2024-07-03 09:00"));
  }

  // The target's starting file, copied for every round; the state before the
  // batch and after all of it, and how long applying it takes.
  const std::string start_file = dir.file("start.db");
  {
    auto db = Database::open(start_file, {.clock = &clock});
    REQUIRE(db.ok());
    REQUIRE((*db)->create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"}).ok());
  }
  auto copy_start = [&](const std::string &file) {
    std::filesystem::copy_file(start_file, dir.file(file), std::filesystem::copy_options::overwrite_existing);
    return dir.file(file);
  };
  std::string before, after;
  double apply_ms = 0;
  {
    auto probe = Database::open(copy_start("probe.db"), {.clock = &clock});
    REQUIRE(probe.ok());
    before = test::hash_of(**probe);
    auto t0 = Clock_::now();
    auto r = (*probe)->apply_changes(batch, {.origin = "remote"});
    apply_ms = std::chrono::duration<double, std::milli>(Clock_::now() - t0).count();
    REQUIRE(r.ok());
    REQUIRE(r->applied == static_cast<int64_t>(batch.size()));
    after = test::hash_of(**probe);
  }
  REQUIRE(before != after);
  INFO("apply of " << batch.size() << " changes takes " << apply_ms << " ms here");

  int interrupted = 0, completed = 0;
  // Fractions of the measured apply time: mostly inside the call, some around
  // its commit, one well after it.
  const double fractions[] = {0.05, 0.3, 0.6, 0.9, 1.0, 1.15, 5.0};
  for (int round = 0; round < 7; ++round) {
    INFO("round " << round);
    const std::string file = copy_start("target-" + std::to_string(round) + ".db");
    std::vector<std::string> lines;
    {
      Child child([&](int fd) {
        ManualClock child_clock(1'720'000'000'000);
        auto db = Database::open(file, {.clock = &child_clock});
        if (!db) {
          report(fd, "E " + db.status().to_string());
          _exit(1);
        }
        report(fd, "R");
        auto t0 = Clock_::now();
        auto r = (*db)->apply_changes(batch, {.origin = "remote"});
        auto ms = std::chrono::duration<double, std::milli>(Clock_::now() - t0).count();
        report(fd, r.ok() ? "D " + std::to_string(ms) : "E " + r.status().to_string());
        for (;;) pause();  // wait to be killed
      });
      REQUIRE(child.read_line(std::chrono::seconds(30), lines) == "R");
      const double jitter = std::uniform_real_distribution<double>(0.9, 1.1)(rng);
      const auto delay = std::chrono::microseconds(static_cast<int64_t>(apply_ms * fractions[round] * jitter * 1000));
      std::this_thread::sleep_for(delay);
      child.kill_and_drain(lines);
    }
    bool done = false;
    for (const auto &line : lines) {
      INFO(line);
      REQUIRE(line[0] != 'E');
      done = done || line[0] == 'D';
    }

    ManualClock clock2(1'720'000'000'000);
    auto db = Database::open(file, {.clock = &clock2});
    INFO(db.status().to_string());
    REQUIRE(db.ok());
    REQUIRE((*db)->check_integrity().ok());
    auto opinions = (*db)->list_opinions({.limit = 100000});
    REQUIRE(opinions.ok());
    const std::string hash = test::hash_of(**db);
    // Killed somewhere in the call: all of the batch or none of it, never a part.
    if (done) CHECK(hash == after);
    else CHECK((hash == before || hash == after));
    CHECK((opinions->empty() || opinions->size() == kOpinions));
    if (hash == before) ++interrupted;
    else ++completed;
    // Applying the batch again (the sync resuming) completes it.
    auto again = (*db)->apply_changes(batch, {.origin = "remote"});
    REQUIRE(again.ok());
    CHECK((*db)->list_opinions({.limit = 100000})->size() == kOpinions);
    CHECK(test::hash_of(**db) == after);
    CHECK((*db)->check_integrity().ok());
  }
  WARN("apply_changes of " << batch.size() << " changes: " << apply_ms << " ms; killed before commit in "
                           << interrupted << " of 7 rounds, after in " << completed);
  CHECK(interrupted > 0);
}
