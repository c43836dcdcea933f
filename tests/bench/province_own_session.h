// A child process in a session of its own, hence a scheduling group of its own (Linux
// autogroup: a CPU weight shared by a session's processes): `ykien-bench serve` runs
// itself so when it lowers its group's weight, and its carriers so at normal weight.
#pragma once

#include <sys/types.h>

namespace ykien::bench {

// fork(2) whose child leads a new session and gets `parent_death_signal` when the
// forking thread ends (a bench stopped by Ctrl-C or a crash leaves nothing running).
// Returns as fork does: the child's pid in the parent, 0 in the child, -1 on failure.
pid_t fork_in_own_session(int parent_death_signal);

}  // namespace ykien::bench
