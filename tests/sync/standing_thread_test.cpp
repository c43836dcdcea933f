// The thread a push sends its batches from (sync/src/standing_thread.h).
#include "standing_thread.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using ykien::sync::StandingThread;

TEST_CASE("a standing thread runs its jobs one after another on one thread of its own", "[sync][standing-thread]") {
  StandingThread thread;
  std::vector<int> order;  // written by the jobs only, read once they are done
  std::vector<std::thread::id> ran_on;
  for (int round = 0; round < 50; ++round) {
    auto first = thread.run([&, round] {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      order.push_back(2 * round);
      ran_on.push_back(std::this_thread::get_id());
      return 2 * round;
    });
    auto second = thread.run([&, round] {
      order.push_back(2 * round + 1);
      ran_on.push_back(std::this_thread::get_id());
      return 2 * round + 1;
    });
    CHECK(second.get() == 2 * round + 1);
    CHECK(first.get() == 2 * round);
  }
  REQUIRE(order.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(order[static_cast<size_t>(i)] == i);
  for (const auto &id : ran_on) {
    CHECK(id == ran_on.front());
    CHECK(id != std::this_thread::get_id());
  }
}

TEST_CASE("a standing thread's job that throws hands the exception to whoever reads its outcome",
          "[sync][standing-thread]") {
  StandingThread thread;
  auto failing = thread.run([]() -> int { throw std::runtime_error("the job failed"); });
  CHECK_THROWS_WITH(failing.get(), "the job failed");
  // The thread goes on with the next job.
  CHECK(thread.run([] { return 7; }).get() == 7);
}

TEST_CASE("a job's outcome dropped unread waits for the job: it may use what its caller holds",
          "[sync][standing-thread]") {
  StandingThread thread;
  std::atomic<bool> done{false};
  {
    auto job = thread.run([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      done = true;
    });
  }
  CHECK(done);
}

TEST_CASE("a standing thread runs the jobs given to it before it stops", "[sync][standing-thread]") {
  std::atomic<int> ran{0};
  {
    std::vector<StandingThread::Job<void>> jobs;  // dropped after the thread
    StandingThread thread;
    for (int i = 0; i < 5; ++i)
      jobs.push_back(thread.run([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ++ran;
      }));
  }
  CHECK(ran == 5);
}
