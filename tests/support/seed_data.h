// Data sets shaped like the seeds (shared/domain/DOMAIN.md, "Figures the seeds
// report"), recorded through the public API so that report, search and sync tests
// can share them. Every call that fails throws std::runtime_error with the
// engine's message; Catch2 reports it as a test failure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ykien/database.h"

namespace ykien::test {

[[noreturn]] void throw_failure(const std::string &what, const Status &status);
void must(const Status &status, const std::string &what);
// The value of `result`, or a throw naming `what` and the engine's error.
template <typename T>
T must(Result<T> result, const std::string &what) {
  if (!result.ok()) throw_failure(what, result.status());
  return std::move(result).value();
}

// Thin helpers over the Database API with the defaults field tests need.
class SeedBuilder {
 public:
  explicit SeedBuilder(Database &db) : db_(db) {}

  Unit unit(const Unit *parent, const std::string &code, const std::string &name, const std::string &kind);
  Meeting meeting(const Unit &unit, const std::string &kind, const std::string &held_at, int64_t attendance,
                  const std::string &title = {});
  // An opinion raised at `meeting` (raised_at = the meeting's time).
  Opinion opinion(const Meeting &meeting, const std::string &category, const std::string &content,
                  const std::string &kind = "opinion");
  // An opinion received outside a meeting, e.g. at the office.
  Opinion opinion_at(const Unit &unit, const std::string &raised_at, const std::string &category,
                     const std::string &content);
  // Each leaves the opinion in the status named.
  Opinion answer_at_meeting(const Opinion &opinion, const std::string &answer);         // answered
  Opinion appoint(const Opinion &opinion, const std::string &at, const std::string &place);  // scheduled
  Opinion written_reply(const Opinion &opinion, const std::string &reply);              // answered
  Opinion assign(const Opinion &opinion, const std::string &department, const std::string &due_date);  // assigned
  Opinion set_status(const Opinion &opinion, const std::string &to);
  Opinion set_satisfaction(const Opinion &opinion, const std::string &satisfaction);
  SupportVisit gift(const Meeting &meeting, const std::string &household, int64_t value_vnd);
  SupportVisit gift_at(const Unit &unit, const std::string &visited_at, const std::string &household,
                       int64_t value_vnd);

  Database &db() { return db_; }

 private:
  Database &db_;
};

// Seed 000: Đồng Xoài city (Bình Phước), the pilot of "Ngày thứ Bảy về với khu
// dân cư – lắng nghe dân nói" in Tân Phú ward and Tiến Hưng commune, Mar–Oct 2023.
struct Seed000 {
  static constexpr const char *kFrom = "2023-03-01";
  static constexpr const char *kTo = "2023-10-31";
  static constexpr int64_t kMeetings = 11;  // 5 in Tân Phú + 6 in Tiến Hưng
  static constexpr int64_t kTanPhuMeetings = 5, kTienHungMeetings = 6;
  static constexpr int64_t kTanPhuAttendance = 350, kTienHungAttendance = 400;
  static constexpr int64_t kAttendance = 750;
  static constexpr int64_t kOpinions = 106;

  Unit province, city, tan_phu, tien_hung, other_town;
  std::vector<Unit> residential_areas;  // khu phố / ấp where the meetings were held
  std::vector<Meeting> meetings;        // the 11 of the period, in order
  std::map<std::string, int64_t> opinions_by_category;  // of the 106
  std::map<std::string, int64_t> opinions_by_unit;       // tan_phu.id / tien_hung.id -> count

  // Recorded too, and never counted in the city's Mar–Oct figures:
  // in Tân Phú, one meeting on 2023-02-25 and one on 2023-11-04 (40 attendances,
  // 3 opinions each); in Phước Long town (same province), one meeting in the
  // period (55 attendances, 4 opinions); and one opinion in the period, deleted.
  static constexpr int64_t kOutsidePeriodMeetings = 2, kOutsidePeriodAttendance = 80, kOutsidePeriodOpinions = 6;
  static constexpr int64_t kOtherTownMeetings = 1, kOtherTownAttendance = 55, kOtherTownOpinions = 4;
};
Seed000 build_seed_000(Database &db);

// Seed 002: Huy Thượng commune (Phù Yên, Sơn La), dialogue between its leaders and
// the people of Núi Hồng hamlet, 2024: 10 opinions over economy, culture, social,
// land and rural infrastructure, all answered at the meeting, all satisfied;
// conclusion notice 80-TB/ĐU.
struct Seed002 {
  static constexpr int64_t kOpinions = 10;
  Unit commune, hamlet;
  Meeting meeting;
  std::vector<Opinion> opinions;
};
Seed002 build_seed_002(Database &db);

// Seed 003: Cầu Kè district (Trà Vinh), "Nghe dân nói – Làm dân tin" on the first
// Monday of the month, first half of 2024, in its 11 communes and towns: 55
// sessions, 1,146 attendees, 252 opinions all resolved, 55 gifts worth 26.5
// million VND. Gifts of 2023 bring the cumulative figures to 288 households and
// 128.5 million VND; one session of July 2024 (20 attendees, 2 opinions still
// received, no gift) lies outside the half year.
struct Seed003 {
  static constexpr const char *kFrom = "2024-01-01";
  static constexpr const char *kTo = "2024-06-30";
  static constexpr int64_t kCommunes = 11;
  static constexpr int64_t kSessions = 55;
  static constexpr int64_t kAttendees = 1146;
  static constexpr int64_t kOpinions = 252;
  static constexpr int64_t kGifts = 55;
  static constexpr int64_t kGiftValueVnd = 26'500'000;
  static constexpr int64_t kCumulativeGifts = 288;
  static constexpr int64_t kCumulativeGiftValueVnd = 128'500'000;

  Unit province, district;
  std::vector<Unit> communes;
  std::vector<Meeting> sessions;  // the 55 of the half year
  std::map<std::string, int64_t> opinions_by_status;
};
Seed003 build_seed_003(Database &db);

}  // namespace ykien::test
