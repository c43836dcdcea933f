#include "province_history.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "bench.h"
#include "province_meeting.h"
#include "province_parallel.h"
#include "support/seed_data.h"

namespace ykien::bench {
namespace {

using test::must;

// Meetings recorded between two merges into the storage: about 10,000 changes.
constexpr int64_t kMeetingsPerBatch = 36;

// Every change since `cursor`, in one list.
std::vector<Change> changes_since(const Database &db, int64_t cursor) {
  ExportOptions all;
  all.limit_changes = int64_t{1} << 40;
  all.limit_bytes = int64_t{1} << 40;
  return must(db.export_changes(cursor, all), "export_changes").changes;
}

// A tablet of one hamlet, holding the hamlet's unit as the server has it.
struct HamletTablet {
  std::unique_ptr<Database> db;
  Unit hamlet;
  int64_t meetings = 0;
};

HamletTablet open_tablet(server::Storage &storage, const std::string &scope, const std::string &path) {
  HamletTablet t;
  t.db = must(Database::open(path), "open " + path);
  ExportOptions units;
  units.scopes = {scope};
  int64_t cursor = 0;
  for (;;) {  // ends: the storage's cursor only grows, and `more` ends at its end
    ChangeSet batch = must(storage.export_changes(cursor, units), "export the units");
    if (!batch.changes.empty()) must(t.db->apply_changes(batch.changes, {}), "apply the units");
    if (!batch.more || batch.next_cursor <= cursor) break;
    cursor = batch.next_cursor;
  }
  t.hamlet = must(t.db->find_unit_by_scope(scope), "find unit " + scope);
  return t;
}

}  // namespace

HistoryReport seed_commune_history(server::Storage &storage, const std::vector<std::string> &hamlet_scopes,
                                   int64_t cells, const std::string &work_dir) {
  std::vector<HamletTablet> tablets;
  for (size_t h = 0; h < hamlet_scopes.size(); ++h) {
    tablets.push_back(
        open_tablet(storage, hamlet_scopes[h],
                    (std::filesystem::path(work_dir) / ("hamlet-" + std::to_string(h) + ".db")).string()));
  }
  HistoryReport report;
  Stopwatch recording, storing;
  double next_progress = 0.1;
  for (size_t turn = 0; report.cells < cells; ++turn) {  // each turn adds kMeetingsPerBatch meetings
    throw_if_interrupted();
    HamletTablet &t = tablets[turn % tablets.size()];
    recording.restart();
    const int64_t before = t.db->current_cursor();
    must(t.db->batch([&]() -> Status {
      for (int64_t m = 0; m < kMeetingsPerBatch; ++m) record_meeting(*t.db, t.hamlet, t.meetings++);
      return Status::Ok();
    }),
         "record meetings");
    std::vector<Change> changes = changes_since(*t.db, before);
    if (changes.empty()) throw std::runtime_error("recording meetings made no changes");
    report.record_s += recording.seconds();
    storing.restart();
    must(storage.apply_changes(changes, {}), "store the history");
    report.store_s += storing.seconds();
    report.cells += static_cast<int64_t>(changes.size());
    report.meetings += kMeetingsPerBatch;
    if (report.cells >= static_cast<int64_t>(next_progress * static_cast<double>(cells))) {
      std::fprintf(stderr, "history: %lld/%lld cells\n", static_cast<long long>(report.cells),
                   static_cast<long long>(cells));
      while (next_progress * static_cast<double>(cells) <= static_cast<double>(report.cells)) next_progress += 0.1;
    }
  }
  return report;
}

}  // namespace ykien::bench
