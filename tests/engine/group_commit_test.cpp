// sys::GroupCommit (ykien/sys/group_commit.h), the server's pushes and signed
// batches share commits through it: many writers at once against a model database
// whose transactions and savepoints fail at random. What each caller is told must be
// what the database kept: an acknowledged write is there, a refused or thrown one is
// not, and a group's failed commit takes none of its members (nor does one that
// throws, which must not leave the others waiting for it).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <new>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/test_seed.h"
#include "ykien/sys/group_commit.h"

using namespace ykien;

namespace {


// A database of numbers with one writer at a time: a transaction works on a copy of
// what is committed, a savepoint on a copy of the transaction's work.
class ModelDatabase {
 public:
  explicit ModelDatabase(uint64_t seed) : random_(seed) {}

  // The group's transaction: may fail to begin (the body never runs) or to commit,
  // or throw (out of memory) before or after its body.
  Status transaction(const std::function<Status()> &run) {
    std::lock_guard writer(writer_);
    ++transactions_;
    if (chance(0.05)) return {ErrorCode::storage, "cannot begin"};
    if (chance(0.02)) throw std::bad_alloc();
    working_ = committed_;
    Status st = run();
    if (chance(0.02)) throw std::bad_alloc();
    if (st.ok() && chance(0.1)) st = {ErrorCode::storage, "cannot commit"};
    if (st.ok()) committed_ = working_;
    return st;
  }

  Status savepoint(const sys::GroupCommit::Body &body) {
    ++savepoints_;
    const std::set<int> before = working_;
    try {
      Status st = body();
      if (!st.ok()) working_ = before;
      return st;
    } catch (...) {
      working_ = before;
      throw;
    }
  }

  // A body: adds `n`, then keeps it, refuses it or throws, at random.
  Status add(int n) {
    working_.insert(n);
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // long enough for others to queue
    if (chance(0.1)) return {ErrorCode::invalid_argument, "refused"};
    if (chance(0.05)) throw std::runtime_error("thrown");
    return {};
  }

  bool holds(int n) const {
    std::lock_guard writer(writer_);
    return committed_.count(n) > 0;
  }
  int transactions() const {
    std::lock_guard writer(writer_);
    return transactions_;
  }
  int savepoints() const {
    std::lock_guard writer(writer_);
    return savepoints_;
  }

 private:
  bool chance(double p) {
    std::lock_guard lock(random_mutex_);
    return std::uniform_real_distribution<double>(0, 1)(random_) < p;
  }

  mutable std::mutex writer_;
  std::set<int> committed_;  // guarded by writer_
  std::set<int> working_;    // the open transaction's, guarded by writer_ (held by the leader)
  int transactions_ = 0;     // guarded by writer_
  int savepoints_ = 0;       // guarded by writer_
  std::mutex random_mutex_;
  std::mt19937_64 random_;  // guarded by random_mutex_
};

enum class Told { kept, failed, thrown };

}  // namespace

TEST_CASE("group commit: each writer is told what the database kept, whatever fails", "[group-commit]") {
  const uint64_t seed = test::test_seed(20261205);
  INFO("seed " << seed << " (rerun with YKIEN_TEST_SEED=" << seed << ")");
  ModelDatabase db(seed);
  sys::GroupCommit group;
  constexpr int kThreads = 8, kEach = 60;
  std::vector<Told> told(kThreads * kEach);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int k = 0; k < kEach; ++k) {
        const int n = t * kEach + k;
        try {
          Status st = group.write([&] { return db.add(n); },
                                  [&](const std::function<Status()> &run) { return db.transaction(run); },
                                  [&](const sys::GroupCommit::Body &one) { return db.savepoint(one); });
          told[static_cast<size_t>(n)] = st.ok() ? Told::kept : Told::failed;
        } catch (const std::runtime_error &) {
          told[static_cast<size_t>(n)] = Told::thrown;
        }
      }
    });
  for (auto &w : writers) w.join();

  int kept = 0;
  for (int n = 0; n < kThreads * kEach; ++n) {
    INFO("write " << n);
    CHECK(db.holds(n) == (told[static_cast<size_t>(n)] == Told::kept));
    kept += told[static_cast<size_t>(n)] == Told::kept;
  }
  CHECK(kept > 0);
  // Writes that arrived during a commit shared the next one.
  CHECK(db.transactions() < kThreads * kEach);
}

TEST_CASE("group commit: a write alone in its group runs without a savepoint and is told what was kept",
          "[group-commit]") {
  const uint64_t seed = test::test_seed(20261207);
  INFO("seed " << seed << " (rerun with YKIEN_TEST_SEED=" << seed << ")");
  ModelDatabase db(seed);
  sys::GroupCommit group;
  constexpr int kWrites = 300;
  int kept = 0, failed = 0, thrown = 0;
  for (int n = 0; n < kWrites; ++n) {
    Told told = Told::failed;
    try {
      Status st = group.write([&] { return db.add(n); },
                              [&](const std::function<Status()> &run) { return db.transaction(run); },
                              [&](const sys::GroupCommit::Body &one) { return db.savepoint(one); });
      told = st.ok() ? Told::kept : Told::failed;
    } catch (const std::runtime_error &) {
      told = Told::thrown;
    }
    INFO("write " << n);
    CHECK(db.holds(n) == (told == Told::kept));
    kept += told == Told::kept;
    failed += told == Told::failed;
    thrown += told == Told::thrown;
  }
  // One writer at a time: every group held one write, and its failure (refused,
  // thrown, or the transaction's) left nothing of it.
  CHECK(db.savepoints() == 0);
  CHECK(db.transactions() == kWrites);
  CHECK(kept > 0);
  CHECK(failed > 0);
  CHECK(thrown > 0);
}
