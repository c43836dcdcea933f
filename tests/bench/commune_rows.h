// The commune the sync suites work in (sync, stages): its units and the opinion a
// tablet records, so that every suite measures the same rows.
#pragma once

#include <cstddef>
#include <string>

#include "ykien/records.h"
#include "ykien/replica.h"

namespace ykien::bench {

// The hamlet the opinions are recorded in, and the ward tablets are enrolled for.
inline constexpr const char *kBenchHamlet = "vn/79/26734/ap-1";
inline constexpr const char *kBenchWard = "vn/79/26734";

// Creates country, province, ward and hamlet on `replica` (a server's); exits the
// bench with a message on error.
void create_commune_units(Replica &replica);

// The `n`th opinion of a meeting in unit `unit_id`: a road complaint of ordinary
// length, its citizen named.
Opinion sample_opinion(const std::string &unit_id, size_t n);

}  // namespace ykien::bench
