// The history a fresh hub pulls at its first upstream sync: years of meetings in the
// hub commune's hamlets, put into the server's storage before the hub comes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage.h"

namespace ykien::bench {

struct HistoryReport {
  int64_t cells = 0;  // cells stored (changes applied)
  int64_t meetings = 0;
  double record_s = 0;  // recording the meetings on the tablets, and exporting them
  double store_s = 0;   // the server storage merging them (Storage::apply_changes)
};

// Records meetings in `hamlet_scopes` until at least `cells` cells are made, one
// engine database per hamlet (a tablet: its own site) in `work_dir`, and merges them
// into `storage` in batches of about 10,000 changes with the server's own
// Storage::apply_changes: the path of a push, without HTTP and JSON. The units must
// be in `storage` already. Throws std::runtime_error on failure or interrupt.
HistoryReport seed_commune_history(server::Storage &storage, const std::vector<std::string> &hamlet_scopes,
                                   int64_t cells, const std::string &work_dir);

}  // namespace ykien::bench
