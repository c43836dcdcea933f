// The office's index (sync/office/office_index.h) against the engine: after every
// sync, the office's lists and report say what the tablet's own database says, on
// both backends, whether the index followed the changes sync by sync or was read
// whole; and the list pages. Runs as office/... and office-pg/....
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "office_fixture.h"
#include "report.h"
#include "ykien/query.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::string pick(std::mt19937 &rng, const std::vector<std::string> &from) { return from[rng() % from.size()]; }

std::string random_day(std::mt19937 &rng) {
  char at[32];
  std::snprintf(at, sizeof at, "%d-%02u-%02u %02u:00", rng() % 4 == 0 ? 2023 : 2024, 1 + static_cast<unsigned>(rng() % 12),
                1 + static_cast<unsigned>(rng() % 28), 7 + static_cast<unsigned>(rng() % 10));
  return at;
}

void check_same(const Report &office, const Report &engine) {
  CHECK(office.meetings == engine.meetings);
  CHECK(office.meetings_by_kind == engine.meetings_by_kind);
  CHECK(office.attendance == engine.attendance);
  CHECK(office.opinions == engine.opinions);
  CHECK(office.opinions_by_category == engine.opinions_by_category);
  CHECK(office.opinions_by_status == engine.opinions_by_status);
  CHECK(office.opinions_by_month == engine.opinions_by_month);
  CHECK(office.resolved == engine.resolved);
  CHECK(office.withdrawn == engine.withdrawn);
  CHECK(office.resolved_share == Approx(engine.resolved_share));
  CHECK(office.answered_on_spot == engine.answered_on_spot);
  CHECK(office.overdue == engine.overdue);
  CHECK(office.satisfaction == engine.satisfaction);
  CHECK(office.escalated == engine.escalated);
  CHECK(office.support_visits == engine.support_visits);
  CHECK(office.gift_value_vnd == engine.gift_value_vnd);
  REQUIRE(office.parts.size() == engine.parts.size());
  for (size_t i = 0; i < office.parts.size(); ++i) {
    CHECK(office.parts[i].scope == engine.parts[i].scope);
    CHECK(office.parts[i].meetings == engine.parts[i].meetings);
    CHECK(office.parts[i].attendance == engine.parts[i].attendance);
    CHECK(office.parts[i].opinions == engine.parts[i].opinions);
    CHECK(office.parts[i].resolved == engine.parts[i].resolved);
  }
}

std::set<std::string> ids_of(const std::vector<Opinion> &opinions) {
  std::set<std::string> out;
  for (const auto &o : opinions) out.insert(o.id);
  return out;
}

}  // namespace

TEST_CASE("office: the index follows every sync as the tablet's own database says", "[office]") {
  OfficeSite site;
  site.add_user("chu-tich", office::Role::leader, kCommune, "", true);
  auto user = office::UserBook(site.storage().replica()).find("chu-tich");
  REQUIRE(user.ok());
  office::OfficeData followed(site.storage().replica());  // read sync after sync
  REQUIRE(followed.warm().ok());
  Database &t = site.tablet();
  std::mt19937 rng(Catch::rngSeed());
  const std::vector<std::string> hamlets{kHamlet1, kHamlet2};
  const std::vector<std::string> categories{"land", "environment", "traffic_safety", "social", "construction"};
  const std::vector<std::string> statuses{"assigned", "answered", "resolved", "closed", "withdrawn", "scheduled"};
  std::vector<std::string> opinions, meetings;
  for (int round = 0; round < 6; ++round) {
    for (int step = 0; step < 20; ++step) {
      const auto unit = t.find_unit_by_scope(pick(rng, hamlets));
      REQUIRE(unit.ok());
      switch (rng() % 7) {
        case 0: {
          Meeting m;
          m.unit_id = unit->id;
          m.kind = rng() % 2 ? "residential_saturday" : "listen_monthly";
          m.held_at = random_day(rng);
          m.attendance = static_cast<int64_t>(rng() % 90);
          auto made = t.create_meeting(m);
          REQUIRE(made.ok());
          meetings.push_back(made->id);
          break;
        }
        case 1:
        case 2: {
          Opinion o;
          if (!meetings.empty() && rng() % 2) o.meeting_id = pick(rng, meetings);
          else o.unit_id = unit->id;
          o.kind = "opinion";
          o.category = pick(rng, categories);
          o.content = "Ý kiến số " + std::to_string(opinions.size()) + " về đường liên ấp";
          if (o.meeting_id.empty()) o.raised_at = random_day(rng);  // else at its meeting
          if (rng() % 3 == 0) o.jurisdiction = "escalated", o.escalated_to = "Huyện";
          auto made = t.record_opinion(o);
          INFO(made.status().to_string());
          REQUIRE(made.ok());
          opinions.push_back(made->id);
          break;
        }
        case 3:
          if (!opinions.empty()) {
            const std::string to = pick(rng, statuses);
            if (to == "assigned") (void)t.assign_opinion(pick(rng, opinions), "Địa chính", rng() % 2 ? "2024-06-30" : "2024-12-31");
            else (void)t.change_status(pick(rng, opinions), {to, "", "Chủ tịch", "", true});  // refused moves change nothing
          }
          break;
        case 4:
          if (!opinions.empty())
            (void)t.add_response({"", pick(rng, opinions), "", rng() % 2 ? "answered_at_meeting" : "written_reply",
                                  "Đã trả lời", "Chủ tịch", "", "", ""});
          break;
        case 5:
          if (!opinions.empty()) (void)t.withdraw_opinion(pick(rng, opinions), "ghi nhầm", "Thư ký");
          break;
        case 6: {
          SupportVisit v;
          v.unit_id = unit->id;
          v.household = "Hộ bà Năm";
          v.kind = "gift";
          v.gift_value_vnd = static_cast<int64_t>(rng() % 5) * 500000;
          v.visited_at = random_day(rng);
          REQUIRE(t.record_support_visit(v).ok());
          break;
        }
      }
    }
    site.sync();
    INFO("round " << round);
    office::OfficeData fresh(site.storage().replica());  // read whole now
    for (const auto &[from, to] : std::vector<std::pair<std::string, std::string>>{
             {"", ""}, {"2024-01-01", "2024-06-30"}, {"", "2023-12-31"}, {"2024-07-01", ""}}) {
      INFO("period " << from << ".." << to);
      auto engine = t.report({kCommune, from, to, "2024-09-01"});
      REQUIRE(engine.ok());
      for (office::OfficeData *data : {&followed, &fresh}) {
        auto office = office::make_report(*data, *user, {kCommune, from, to, "2024-09-01"});
        REQUIRE(office.ok());
        check_same(*office, *engine);
      }
    }
    for (const std::string status : {"", "answered", "assigned"}) {
      OpinionFilter filter;
      filter.scope = kCommune;
      filter.status = status;
      auto engine = t.list_opinions(filter);
      REQUIRE(engine.ok());
      office::OpinionQuery q;
      q.status = status;
      q.limit = 1000;
      auto units = followed.units_within(user->units);
      REQUIRE(units.ok());
      auto office = followed.opinions(*user, q, *units);
      REQUIRE(office.ok());
      CHECK(office->total == engine->size());
      CHECK(ids_of(office->rows) == ids_of(*engine));
    }
  }
}

TEST_CASE("office: the opinion list pages by 50, newest first, keeping its filters", "[office]") {
  OfficeSite site;
  Database &t = site.tablet();
  const auto unit = t.find_unit_by_scope(kHamlet1);
  REQUIRE(unit.ok());
  REQUIRE(t.batch([&] {
    for (int i = 0; i < 120; ++i) {
      Opinion o;
      o.unit_id = unit->id;
      o.kind = "opinion";
      o.category = i % 2 ? "land" : "environment";
      o.content = "Ý kiến thứ " + std::to_string(i);
      char at[32];
      std::snprintf(at, sizeof at, "2024-03-%02d %02d:00", 1 + i / 10, 7 + i % 10);
      o.raised_at = at;
      auto made = t.record_opinion(o);
      if (!made) return made.status();
    }
    return Status::Ok();
  }).ok());
  site.sync();
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  auto rows_of = [](const std::string &body) {
    size_t n = 0;
    for (size_t at = body.find("href=\"/opinions/"); at != std::string::npos; at = body.find("href=\"/opinions/", at + 1)) ++n;
    return n;
  };
  Page first = b.get("/opinions");
  CHECK(first.status == 200);
  CHECK(rows_of(first.body) == 50);
  CHECK(first.body.find("<span id=\"count\">120</span>") != std::string::npos);
  CHECK(first.body.find("Ý kiến thứ 119") != std::string::npos);  // the newest first
  CHECK(first.body.find("page=2") != std::string::npos);
  CHECK(rows_of(b.get("/opinions?page=3").body) == 20);
  Page land = b.get("/opinions?category=land&page=2");
  CHECK(rows_of(land.body) == 10);  // 60 of them
  CHECK(land.body.find("category=land") != std::string::npos);  // the previous page keeps the filter
  CHECK(rows_of(b.get("/opinions?page=9").body) == 0);
  CHECK(b.get("/opinions?page=abc").status == 200);  // the first page
}
