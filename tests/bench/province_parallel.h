// Running the long phases of `ykien-bench province`: many tasks on a few threads,
// with progress on stderr, and a way out on Ctrl-C that still cleans up.
#pragma once

#include <cstdint>
#include <functional>

namespace ykien::bench {

// From now on SIGINT, SIGTERM and SIGHUP only ask the long loops to stop: they throw
// std::runtime_error("interrupted") at their next step, so the stack unwinds and
// removes temporary files, the server process and the PostgreSQL database.
void stop_on_signals();
// Throws std::runtime_error("interrupted") once a stop was asked for.
void throw_if_interrupted();

// Runs task(i) for every i in [0, count) on `workers` threads, each taking the next
// index as soon as its task ends (closed loop: `workers` tasks in flight). Reports
// progress on stderr every tenth, prefixed by `label`. The first exception a task
// throws (or an interrupt) lets the running tasks end, starts no more, and is rethrown.
void run_parallel(int64_t count, int workers, const char *label, const std::function<void(int64_t)> &task);

// The calling thread's own work at the lowest priority from now on (a thread cannot
// raise it again: used on a burst's tablets' threads).
void lower_this_thread();

}  // namespace ykien::bench
