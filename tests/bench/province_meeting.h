// A meeting's worth of changes, as a hamlet's tablet records them: the meeting, the
// opinions raised there (8 to 12), what was answered on the spot, scheduled or handed
// to a department, and the meeting closed with its conclusion. The simulated devices
// of `ykien-bench province` push one each; the commune history is made of many.
#pragma once

#include <cstdint>

#include "ykien/database.h"

namespace ykien::bench {

// Records meeting number `n` of `hamlet` (its date, opinions and answers follow from
// n) in `db`, in one transaction, with `opinions` opinions (0 = 8 to 12, by n).
// Throws std::runtime_error naming the call the engine refused (support/seed_data.h,
// must()).
void record_meeting(Database &db, const Unit &hamlet, int64_t n, int opinions = 0);

}  // namespace ykien::bench
