// What the office lists and counts, held in memory: units, meetings, opinions,
// answers and support visits, kept at the store's position by reading the change
// log since the last request (on either backend, with any number of server
// processes writing). A province holds 100,000 opinions; walking the store's rows
// for every page cost seconds (docs/office.md, "Speed"). Opinions are held without
// their long text and the complainant's contact: a page reads the rows it shows.
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "ykien/records.h"
#include "ykien/replica.h"

namespace ykien::office {

// An opinion as the index holds it.
struct IndexedOpinion {
  Opinion opinion;            // content and citizen_contact left empty
  std::string words;          // content, department, escalated_to: folded for search
  std::string citizen_words;  // the citizen's name, folded: searched only by those who may read it
};

// The index as one request reads it (under the index's shared lock).
struct IndexView {
  const std::vector<Unit> &units;  // live, by scope
  const std::unordered_map<std::string, IndexedOpinion> &opinions;
  const std::unordered_map<std::string, Meeting> &meetings;
  const std::unordered_map<std::string, Response> &responses;  // without their text
  const std::unordered_map<std::string, SupportVisit> &visits;
};

class OfficeIndex {
 public:
  explicit OfficeIndex(Replica &replica) : replica_(replica) {}

  // Runs `read` over the index brought up to every change committed before the
  // call. The first call reads every live row (the office warms it at start).
  // Errors: storage (the index stays as it was and is read again next time).
  Status read(const std::function<void(const IndexView &)> &read);

 private:
  Status refresh();
  Status load_all();
  Status reload(const std::vector<sys::RowKey> &keys);
  void apply(const sys::RowKey &key, const sys::StoredRow *row);
  void sort_units();

  Replica &replica_;
  std::shared_mutex mutex_;
  bool loaded_ = false;
  int64_t cursor_ = 0;  // every change at or below it is in the index
  std::unordered_map<std::string, Unit> units_by_id_;
  std::vector<Unit> units_;  // units_by_id_ by scope, made again when a unit changes
  std::unordered_map<std::string, IndexedOpinion> opinions_;
  std::unordered_map<std::string, Meeting> meetings_;
  std::unordered_map<std::string, Response> responses_;
  std::unordered_map<std::string, SupportVisit> visits_;
};

}  // namespace ykien::office
