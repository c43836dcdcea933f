// A thread that stays for a sync's exchanges, running one job at a time.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

namespace ykien::sync {

// A push sends each batch from another thread while the caller makes the next one,
// and a pull asks for its next batch while the caller applies this one. A thread
// started for each batch waited up to 5 ms to run, the server idle meanwhile; this
// one is started once and woken for each batch.
class StandingThread {
 public:
  StandingThread() : thread_([this] { serve(); }) {}
  ~StandingThread() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  StandingThread(const StandingThread &) = delete;
  StandingThread &operator=(const StandingThread &) = delete;

  // A job's outcome. As std::async's future, it waits for its job when dropped
  // unread: a job may use what its caller holds until it is done.
  template <class T>
  class Job {
   public:
    explicit Job(std::future<T> outcome) : outcome_(std::move(outcome)) {}
    Job(Job &&) noexcept = default;
    Job &operator=(Job &&) = delete;
    ~Job() {
      if (outcome_.valid()) outcome_.wait();
    }
    // The job's result, or the exception it threw.
    T get() { return outcome_.get(); }

   private:
    std::future<T> outcome_;
  };

  // Runs `work` on the thread after the jobs given before it.
  template <class Work>
  auto run(Work work) -> Job<decltype(work())> {
    auto task = std::make_shared<std::packaged_task<decltype(work())()>>(std::move(work));
    Job<decltype(work())> result(task->get_future());
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back([task] { (*task)(); });
    }
    wake_.notify_one();
    return result;
  }

 private:
  void serve() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left to run
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::thread thread_;                      // last: started once the rest is ready
};

}  // namespace ykien::sync
