#include "province_own_session.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>

namespace ykien::bench {

pid_t fork_in_own_session(int parent_death_signal) {
  std::fflush(nullptr);  // no buffered output written twice
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child != 0) return child;
  ::prctl(PR_SET_PDEATHSIG, parent_death_signal);
  if (::getppid() != parent) _exit(1);  // the parent ended before the line above took effect
  ::setsid();
  return 0;
}

}  // namespace ykien::bench
