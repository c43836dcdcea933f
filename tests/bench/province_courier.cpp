#include "province_courier.h"

#include <sys/resource.h>
#include <unistd.h>

namespace ykien::bench {

ExchangeCourier::ExchangeCourier(int threads) {
  carriers_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) carriers_.emplace_back([this] { serve(); });
}

ExchangeCourier::~ExchangeCourier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto &t : carriers_) t.join();
}

void ExchangeCourier::carry(const std::function<void()> &exchange) {
  Job job{&exchange};
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(&job);
  }
  work_.notify_one();
  job.done.acquire();
}

void ExchangeCourier::serve() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Job *job = queue_.front();
    queue_.pop_front();
    lock.unlock();
    (*job->exchange)();
    job->done.release();
    lock.lock();
  }
}

void ExchangeCourier::lower_this_thread() {
  // Linux: a priority is the thread's own (its id as the "process"); lowering it needs
  // no privilege. Where it fails, the tablet keeps its priority.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
}

}  // namespace ykien::bench
