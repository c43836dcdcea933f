// Seeded property test of the merge (DESIGN.md, invariants 1 and 3): replicas do
// random work and exchange batches in random order, with duplicates and replays;
// once they have exchanged everything they hold the same state. Set
// YKIEN_TEST_SEED=<number> to replay a failing run, or YKIEN_TEST_SEED=random.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "support/replicas.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"
#include "ykien/change_batch.h"
#include "ykien/database.h"
#include "ykien/json/changes.h"

using namespace ykien;

namespace {

constexpr int64_t kStart = 1'720'000'000'000;  // 2024-07-03


const std::vector<std::string> kContents = {
    "Đường liên ấp ngập nước mỗi khi mưa lớn", "Đề nghị lắp thêm đèn chiếu sáng", "Tranh chấp ranh giới đất đai",
    "Rác thải tồn đọng ở chợ", "Quán karaoke gây ồn sau 22 giờ"};
const std::vector<std::string> kCategories = {"security_order", "traffic_safety", "land", "environment", "social"};
const std::vector<std::string> kOpinionKinds = {"opinion", "petition", "report", "complaint", "denunciation"};
const std::vector<std::string> kMeetingKinds = {"residential_saturday", "listen_monthly", "leader_dialogue",
                                                "voter_contact"};
const std::vector<std::string> kStatuses = {"received", "answered", "scheduled", "assigned",
                                            "resolved", "closed",   "withdrawn"};
const std::vector<std::string> kDepartments = {"Phòng TN&MT", "Công an phường", "Phòng Kinh tế", "UBND phường"};
const std::vector<std::string> kNames = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"};

struct Replica {
  std::string name;
  std::unique_ptr<ManualClock> clock;  // declared before db: outlives it
  std::unique_ptr<Database> db;
  std::map<size_t, int64_t> cursor;  // how far this replica has pulled from each peer
};

struct Delivered {
  std::string origin;
  std::vector<Change> changes;
};

class Simulation {
 public:
  Simulation(uint64_t seed, int replicas) : rng_(seed) {
    // Clocks: one right, others a few minutes or hours off, one a day behind.
    const int64_t skews[] = {0, 3 * 60'000, -2 * 3'600'000, 45'000, -86'400'000};
    for (int i = 0; i < replicas; ++i) {
      Replica r;
      r.name = "replica-" + std::to_string(i);
      r.clock = std::make_unique<ManualClock>(kStart + skews[i % 5] + uniform(0, 5000));
      auto db = Database::open(dir_.file(r.name + ".db"), {.clock = r.clock.get()});
      INFO(db.status().to_string());
      REQUIRE(db.ok());
      r.db = std::move(db.value());
      reps_.push_back(std::move(r));
    }
    // Shared administrative units, made on replica 0 and copied everywhere.
    Database &first = *reps_[0].db;
    auto province = first.create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"});
    REQUIRE(province.ok());
    for (const char *code : {"tan-phu", "trang-dai", "long-binh"}) {
      auto ward = first.create_unit({.code = code, .name = std::string("Phường ") + code, .kind = "ward",
                                     .parent_id = province->id});
      REQUIRE(ward.ok());
      units_.push_back(ward->id);
    }
    for (size_t i = 1; i < reps_.size(); ++i) pull(i, 0, false, 1000);
  }

  size_t size() const { return reps_.size(); }
  Replica &replica(size_t i) { return reps_[i]; }
  std::mt19937_64 &rng() { return rng_; }
  const std::map<std::string, int> &stats() const { return stats_; }
  int stat(const std::string &key) const {
    auto it = stats_.find(key);
    return it == stats_.end() ? 0 : it->second;
  }

  int64_t uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool coin(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T &pick(const std::vector<T> &v) {
    return v[static_cast<size_t>(uniform(0, static_cast<int64_t>(v.size()) - 1))];
  }

  // The clock of a replica moves on between operations; now and then it jumps back.
  void tick(Replica &r) {
    if (coin(0.01)) r.clock->advance_ms(-uniform(1, 600'000));
    else r.clock->advance_ms(uniform(0, 3000));
  }

  // One random domain operation on replica `i`.
  void random_operation(size_t i) {
    Replica &r = reps_[i];
    tick(r);
    const int64_t dice = uniform(0, 99);
    if (dice < 5) create_meeting(r);
    else if (dice < 22) record_opinion(r);
    else if (dice < 52) edit_opinion(r);
    else if (dice < 62) edit_meeting(r);
    else if (dice < 73) change_status(r);
    else if (dice < 83) add_response(r);
    else if (dice < 87) delete_opinion(r);
    else if (dice < 90) close_meeting(r);
    else if (dice < 92) assign(r);
    else resolve_conflict(r);
  }

  // Replica `t` pulls a few batches from replica `s`, maybe out of order, maybe
  // twice, maybe with conflict detection; sometimes an old batch is delivered again.
  void random_exchange(size_t t, size_t s) {
    Replica &to = reps_[t];
    Replica &from = reps_[s];
    ExportOptions exp{.limit_changes = uniform(1, 40)};
    if (coin(0.5)) exp.exclude_origin = to.name;
    const ApplyOptions apply{.origin = from.name, .detect_conflicts = coin(0.3)};
    std::vector<std::vector<Change>> batches;
    int64_t cursor = to.cursor[s];
    const int64_t n = uniform(1, 4);
    for (int64_t b = 0; b < n; ++b) {
      check_rows_export(*from.db, cursor, exp);
      auto batch = from.db->export_changes(cursor, exp);
      INFO(batch.status().to_string());
      REQUIRE(batch.ok());
      REQUIRE(batch->next_cursor >= cursor);
      cursor = batch->next_cursor;
      if (!batch->changes.empty()) batches.push_back(std::move(batch->changes));
      if (!batch->more) break;
    }
    if (coin(0.3)) std::shuffle(batches.begin(), batches.end(), rng_);
    for (auto &b : batches) {
      apply_batch(to, b, apply);
      if (coin(0.1)) apply_batch(to, b, apply);  // delivered twice
      if (history_.size() < 400) history_.push_back({from.name, b});
      else history_[static_cast<size_t>(uniform(0, 399))] = {from.name, b};
    }
    to.cursor[s] = cursor;
    if (!history_.empty() && coin(0.1)) {  // an old batch arrives again, long after
      const Delivered &old = pick(history_);
      apply_batch(to, old.changes, {.origin = old.origin, .detect_conflicts = coin(0.3)});
      ++stats_["redelivered"];
    }
    ++stats_["exchanges"];
  }

  // Replica `t` pulls everything from `s`; returns the cells that won.
  int64_t pull(size_t t, size_t s, bool exclude_own, int64_t limit) {
    Replica &to = reps_[t];
    ExportOptions exp{.limit_changes = limit};
    if (exclude_own) exp.exclude_origin = to.name;
    auto moved = test::transfer(*reps_[s].db, *to.db, to.cursor[s], {.origin = reps_[s].name}, exp);
    to.cursor[s] = moved.cursor;
    return moved.applied;
  }

 private:
  // The same export by row (ExportOptions::as_rows), with the same options and a random
  // choice of the filters, stands for the same changes, ends at the same cursor and is
  // written as the same "rows" text.
  void check_rows_export(const Database &db, int64_t cursor, ExportOptions exp) {
    exp.include_confidential = coin(0.7);
    exp.conflict_records = coin(0.7);
    if (coin(0.2)) exp.limit_bytes = uniform(1, 2000);
    auto changes = db.export_changes(cursor, exp);
    exp.as_rows = true;
    auto rows = db.export_changes(cursor, exp);
    REQUIRE(changes.ok());
    REQUIRE(rows.ok());
    CHECK(rows->changes.empty());
    REQUIRE(expand_rows(rows->rows) == changes->changes);
    CHECK(codec::dump_rows(rows->rows) == codec::dump_rows(changes->changes));
    CHECK(rows->next_cursor == changes->next_cursor);
    CHECK(rows->more == changes->more);
    ++stats_["rows_exports_checked"];
  }

  void apply_batch(Replica &to, const std::vector<Change> &changes, const ApplyOptions &options) {
    auto report = to.db->apply_changes(changes, options);
    INFO(report.status().to_string());
    REQUIRE(report.ok());
    stats_["cells_applied"] += static_cast<int>(report->applied);
    stats_["conflicts_detected"] += static_cast<int>(report->conflicts);
  }

  // Domain errors (a rule refused, a row not here yet, a row deleted) are part of
  // the game; anything else is a bug.
  template <typename R>
  void note(const std::string &op, const R &result) {
    if (result.ok()) {
      ++stats_[op];
      return;
    }
    const Status &st = result.status();
    INFO(op << ": " << st.to_string());
    REQUIRE((st.code() == ErrorCode::invalid_argument || st.code() == ErrorCode::invalid_state ||
             st.code() == ErrorCode::not_found));
    ++stats_[op + " refused(" + (st.field().empty() ? error_code_name(st.code()) : st.field()) + ")"];
  }

  // Recent rows are picked more often, so that replicas edit the same rows concurrently.
  const std::string *pick_recent(const std::vector<std::string> &ids) {
    if (ids.empty()) return nullptr;
    const int64_t n = static_cast<int64_t>(ids.size());
    int64_t k = coin(0.7) ? uniform(std::max<int64_t>(0, n - 15), n - 1) : uniform(0, n - 1);
    return &ids[static_cast<size_t>(k)];
  }

  std::string day(int month, int64_t d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "2024-%02d-%02d", month, static_cast<int>(d));
    return buf;
  }
  std::string time_in(int month) {
    char buf[8];
    std::snprintf(buf, sizeof buf, " %02d:%02d", static_cast<int>(uniform(7, 20)), static_cast<int>(uniform(0, 59)));
    return day(month, uniform(1, 28)) + buf;
  }
  std::string content() {
    std::string c = pick(kContents);
    if (coin(0.5)) c += " (" + std::to_string(uniform(1, 9)) + ")";
    return c;
  }

  void create_meeting(Replica &r) {
    auto m = r.db->create_meeting({.unit_id = pick(units_), .kind = pick(kMeetingKinds), .title = "Họp dân",
                                   .held_at = time_in(7), .attendance = uniform(10, 120)});
    if (m.ok()) meetings_.push_back(m->id);
    note("create_meeting", m);
  }

  void record_opinion(Replica &r) {
    Opinion o{.kind = pick(kOpinionKinds), .category = pick(kCategories), .content = content()};
    if (!meetings_.empty() && coin(0.7)) {
      o.meeting_id = *pick_recent(meetings_);
    } else {
      o.unit_id = pick(units_);
      o.raised_at = time_in(7);
    }
    if (coin(0.5)) o.citizen_name = pick(kNames);
    else o.anonymous = coin(0.5);
    auto created = r.db->record_opinion(o);
    if (created.ok()) opinions_.push_back(created->id);
    note("record_opinion", created);
  }

  void edit_opinion(Replica &r) {
    const std::string *id = pick_recent(opinions_);
    if (!id) return;
    OpinionPatch p;
    const int64_t fields = uniform(1, 2);
    for (int64_t f = 0; f < fields; ++f) {
      switch (uniform(0, 7)) {
        case 0: p.content = content(); break;
        case 1: p.category = pick(kCategories); break;
        case 2: p.satisfaction = coin(0.5) ? "satisfied" : "unsatisfied"; break;
        case 3: p.assigned_department = pick(kDepartments); break;
        case 4: p.due_date = day(9, uniform(1, 30)); break;
        case 5: p.kind = pick(kOpinionKinds); break;
        case 6:
          if (coin(0.5)) {
            p.jurisdiction = "escalated";
            p.escalated_to = pick(kDepartments);
          } else {
            p.jurisdiction = "local";
            p.escalated_to = "";
          }
          break;
        default: p.citizen_name = pick(kNames); break;
      }
    }
    note("update_opinion", r.db->update_opinion(*id, p));
  }

  void edit_meeting(Replica &r) {
    const std::string *id = pick_recent(meetings_);
    if (!id) return;
    MeetingPatch p;
    switch (uniform(0, 4)) {
      case 0: p.title = "Họp dân lần " + std::to_string(uniform(1, 5)); break;
      case 1: p.place = "Nhà văn hóa khu phố " + std::to_string(uniform(1, 3)); break;
      case 2: p.attendance = uniform(10, 120); break;
      case 3: p.departments = std::vector<std::string>{pick(kDepartments), pick(kDepartments)}; break;
      default: p.notes = content(); break;
    }
    note("update_meeting", r.db->update_meeting(*id, p));
  }

  void change_status(Replica &r) {
    const std::string *id = pick_recent(opinions_);
    if (!id) return;
    note("change_status", r.db->change_status(*id, {.to = pick(kStatuses), .note = "theo dõi", .by = r.name,
                                                    .reopen = coin(0.3)}));
  }

  void add_response(Replica &r) {
    const std::string *id = pick_recent(opinions_);
    if (!id) return;
    Response resp{.opinion_id = *id, .responder = r.name};
    switch (uniform(0, 2)) {
      case 0:
        resp.kind = "answered_at_meeting";
        resp.content = "Đã giải thích tại buổi họp";
        break;
      case 1:
        resp.kind = "appointment";
        resp.appointment_at = time_in(8);
        resp.appointment_place = "UBND phường";
        break;
      default:
        resp.kind = "written_reply";
        resp.content = "Công văn trả lời số " + std::to_string(uniform(1, 999));
        break;
    }
    note("add_response", r.db->add_response(resp));
  }

  void delete_opinion(Replica &r) {
    const std::string *id = pick_recent(opinions_);
    if (!id) return;
    Status st = r.db->delete_opinion(*id);
    if (st.ok()) ++stats_["delete_opinion"];
    else note("delete_opinion", Result<int>(st));
  }

  void close_meeting(Replica &r) {
    const std::string *id = pick_recent(meetings_);
    if (!id) return;
    note("close_meeting", r.db->close_meeting(*id, uniform(10, 120), "Thông báo kết luận", time_in(8)));
  }

  void assign(Replica &r) {
    const std::string *id = pick_recent(opinions_);
    if (!id) return;
    note("assign_opinion", r.db->assign_opinion(*id, pick(kDepartments), day(10, uniform(1, 30)), r.name));
  }

  void resolve_conflict(Replica &r) {
    auto open = r.db->list_conflicts(true);
    INFO(open.status().to_string());
    REQUIRE(open.ok());
    if (open->empty()) return;
    const Conflict &c = pick(*open);
    Status st = r.db->resolve_conflict(c.id, coin(0.5) ? c.winner_value : c.loser_value, r.name);
    if (st.ok()) ++stats_["resolve_conflict"];
    else note("resolve_conflict", Result<int>(st));
  }

  std::mt19937_64 rng_;
  test::TempDir dir_;  // declared before reps_: outlives the databases
  std::vector<Replica> reps_;
  std::vector<std::string> units_, meetings_, opinions_;
  std::vector<Delivered> history_;
  std::map<std::string, int> stats_;
};

std::string stats_text(const std::map<std::string, int> &stats) {
  std::string out;
  for (const auto &[k, v] : stats) out += k + "=" + std::to_string(v) + " ";
  return out;
}

// Applies `changes` to a fresh database in chunks of random size; returns its hash.
std::string merged_hash(const test::TempDir &dir, const std::string &name, const std::vector<std::vector<Change>> &sets,
                        std::mt19937_64 &rng, bool chunked, bool twice) {
  ManualClock clock(kStart);
  auto db = Database::open(dir.file(name), {.clock = &clock});
  REQUIRE(db.ok());
  for (const auto &set : sets) {
    size_t at = 0;
    while (at < set.size()) {
      size_t n = chunked ? std::uniform_int_distribution<size_t>(1, 300)(rng) : set.size();
      std::vector<Change> chunk(set.begin() + static_cast<std::ptrdiff_t>(at),
                                set.begin() + static_cast<std::ptrdiff_t>(std::min(set.size(), at + n)));
      for (int k = 0; k < (twice ? 2 : 1); ++k) {
        auto r = (*db)->apply_changes(chunk);
        INFO(r.status().to_string());
        REQUIRE(r.ok());
        if (k == 1) CHECK(r->applied == 0);  // idempotent
      }
      at += n;
    }
  }
  return test::hash_of(**db);
}

}  // namespace

TEST_CASE("random work and random exchanges converge to one state", "[engine][merge][property]") {
  const uint64_t seed = test::test_seed(20240703);
  INFO("seed " << seed << " (rerun with YKIEN_TEST_SEED=" << seed << ")");
  const auto started = std::chrono::steady_clock::now();
  std::mt19937_64 setup(seed);
  const int replicas = std::uniform_int_distribution<int>(3, 5)(setup);
  Simulation sim(setup(), replicas);
  INFO("replicas " << replicas);

  // Random work: each step one replica works, now and then two replicas exchange.
  const int steps = 2400;
  for (int step = 0; step < steps; ++step) {
    const size_t i = static_cast<size_t>(sim.uniform(0, replicas - 1));
    if (sim.coin(0.25)) {
      size_t s = static_cast<size_t>(sim.uniform(0, replicas - 2));
      if (s >= i) ++s;
      sim.random_exchange(i, s);
    } else {
      sim.random_operation(i);
    }
  }
  INFO("stats " << stats_text(sim.stats()));

  // What each replica holds now: the change sets for the algebraic checks below.
  std::vector<std::vector<Change>> sets;
  for (size_t i = 0; i < sim.size(); ++i) sets.push_back(test::all_changes(*sim.replica(i).db));

  // Full exchange until nothing moves.
  bool quiet = false;
  for (int round = 0; round < 10 && !quiet; ++round) {
    int64_t moved = 0;
    for (size_t t = 0; t < sim.size(); ++t)
      for (size_t s = 0; s < sim.size(); ++s)
        if (s != t) moved += sim.pull(t, s, sim.coin(0.5), sim.uniform(20, 400));
    quiet = moved == 0;
  }
  REQUIRE(quiet);

  const std::string converged = test::hash_of(*sim.replica(0).db);
  for (size_t i = 1; i < sim.size(); ++i) {
    INFO("replica " << i);
    CHECK(test::hash_of(*sim.replica(i).db) == converged);
  }
  // The same records, through the domain API too.
  auto opinions0 = sim.replica(0).db->list_opinions({.limit = 100000});
  auto conflicts0 = sim.replica(0).db->list_conflicts(false);
  REQUIRE(opinions0.ok());
  REQUIRE(conflicts0.ok());
  for (size_t i = 0; i < sim.size(); ++i) {
    auto &db = *sim.replica(i).db;
    CHECK(db.check_integrity().ok());
    auto opinions = db.list_opinions({.limit = 100000});
    REQUIRE(opinions.ok());
    REQUIRE(opinions->size() == opinions0->size());
    for (size_t k = 0; k < opinions->size(); ++k) {
      CHECK((*opinions)[k].id == (*opinions0)[k].id);
      CHECK((*opinions)[k].content == (*opinions0)[k].content);
      CHECK((*opinions)[k].status == (*opinions0)[k].status);
    }
    auto conflicts = db.list_conflicts(false);
    REQUIRE(conflicts.ok());
    REQUIRE(conflicts->size() == conflicts0->size());
    for (size_t k = 0; k < conflicts->size(); ++k) {
      CHECK((*conflicts)[k].id == (*conflicts0)[k].id);
      CHECK((*conflicts)[k].status == (*conflicts0)[k].status);
    }
  }
  // The run did real work: many writes, concurrent edits recorded as conflicts.
  CHECK(sim.stat("record_opinion") > 80);
  CHECK(sim.stat("update_opinion") > 80);
  CHECK(sim.stat("exchanges") > 300);
  CHECK(sim.stat("conflicts_detected") > 0);
  CHECK(!conflicts0->empty());

  // Merge algebra on the replicas' change sets, applied to fresh databases:
  // in order, permuted and chunked and replayed, change by change shuffled, and
  // grouped differently. All equal the converged state.
  test::TempDir dir;
  auto &rng = sim.rng();
  CHECK(merged_hash(dir, "in-order.db", sets, rng, false, false) == converged);
  auto permuted = sets;
  std::shuffle(permuted.begin(), permuted.end(), rng);
  for (auto &s : permuted) std::reverse(s.begin(), s.end());
  CHECK(merged_hash(dir, "permuted.db", permuted, rng, true, true) == converged);
  std::vector<Change> every;
  for (const auto &s : sets) every.insert(every.end(), s.begin(), s.end());
  std::shuffle(every.begin(), every.end(), rng);
  CHECK(merged_hash(dir, "shuffled.db", {every}, rng, true, false) == converged);
  {
    // (A + B) + rest versus A + (B + rest), through an intermediate replica's export.
    ManualClock clock(kStart);
    auto ab = Database::open(dir.file("ab.db"), {.clock = &clock});
    auto rest = Database::open(dir.file("rest.db"), {.clock = &clock});
    REQUIRE(ab.ok());
    REQUIRE(rest.ok());
    for (size_t i = 0; i < 2; ++i) REQUIRE((*ab)->apply_changes(sets[i]).ok());
    for (size_t i = 1; i < sets.size(); ++i) REQUIRE((*rest)->apply_changes(sets[i]).ok());
    std::vector<std::vector<Change>> left = {test::all_changes(**ab)};
    for (size_t i = 2; i < sets.size(); ++i) left.push_back(sets[i]);
    std::vector<std::vector<Change>> right = {sets[0], test::all_changes(**rest)};
    CHECK(merged_hash(dir, "left.db", left, rng, true, false) == converged);
    CHECK(merged_hash(dir, "right.db", right, rng, true, false) == converged);
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WARN("merge property: seed " << seed << ", " << replicas << " replicas, " << seconds << " s; "
                               << stats_text(sim.stats()));
}

TEST_CASE("concurrent edits of one field make exactly one conflict, with both values", "[engine][merge][conflict]") {
  test::TempDir dir;
  ManualClock clock_a(kStart), clock_b(kStart + 1000), clock_s(kStart + 500), clock_d(kStart);
  auto open = [&](const char *name, ManualClock &clock) {
    auto db = Database::open(dir.file(name), {.clock = &clock});
    REQUIRE(db.ok());
    return std::move(db.value());
  };
  auto a = open("a.db", clock_a), b = open("b.db", clock_b), server = open("server.db", clock_s),
       other = open("other.db", clock_d);

  auto unit = a->create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"});
  REQUIRE(unit.ok());
  auto op = a->record_opinion({.unit_id = unit->id, .kind = "opinion", .category = "land",
                               .content = "Tranh chấp ranh giới đất", .raised_at = "2024-07-03 09:00"});
  REQUIRE(op.ok());
  // A pushes to the server; B pulls from it. Both now start from the same base.
  auto push_a = test::transfer(*a, *server, 0, {.origin = "a", .detect_conflicts = true});
  test::transfer(*server, *b, 0, {.origin = "server"});
  int64_t b_pushed = b->current_cursor();
  CHECK(push_a.conflicts == 0);
  const std::vector<Change> created = test::all_changes(*a);

  clock_a.advance_ms(60'000);
  clock_b.advance_ms(90'000);
  REQUIRE(a->update_opinion(op->id, {.content = std::string("Nội dung của A")}).ok());
  REQUIRE(b->update_opinion(op->id, {.content = std::string("Nội dung của B")}).ok());
  // B also edits another field nobody else touches: no conflict for it.
  REQUIRE(b->update_opinion(op->id, {.category = std::string("construction")}).ok());

  auto a_batch = a->export_changes(push_a.cursor, {.exclude_origin = "server"});
  auto b_batch = b->export_changes(b_pushed, {.exclude_origin = "server"});
  REQUIRE(a_batch.ok());
  REQUIRE(b_batch.ok());
  CHECK(a_batch->changes.size() == 1);
  CHECK(b_batch->changes.size() == 2);

  auto first = server->apply_changes(a_batch->changes, {.origin = "a", .detect_conflicts = true});
  REQUIRE(first.ok());
  CHECK(first->conflicts == 0);
  auto second = server->apply_changes(b_batch->changes, {.origin = "b", .detect_conflicts = true});
  REQUIRE(second.ok());
  CHECK(second->conflicts == 1);

  auto conflicts = server->list_conflicts();
  REQUIRE(conflicts.ok());
  REQUIRE(conflicts->size() == 1);
  const Conflict c = conflicts->front();
  CHECK(c.table == "opinions");
  CHECK(c.row_id == op->id);
  CHECK(c.column == "content");
  CHECK(std::set<std::string>{c.winner_value, c.loser_value} ==
        std::set<std::string>{"\"Nội dung của A\"", "\"Nội dung của B\""});
  // B's clock is ahead, so B's edit wins by (hlc, site).
  CHECK(c.winner_value == "\"Nội dung của B\"");
  CHECK(c.winner_site == site_to_string(b->site_id()));
  CHECK(c.loser_site == site_to_string(a->site_id()));
  CHECK(server->get_opinion(op->id)->content == "Nội dung của B");
  CHECK(server->get_opinion(op->id)->category == "construction");

  // Replays change nothing: still one conflict, same state.
  const std::string before_replay = test::hash_of(*server);
  for (int k = 0; k < 2; ++k) {
    auto r1 = server->apply_changes(b_batch->changes, {.origin = "b", .detect_conflicts = true});
    auto r2 = server->apply_changes(a_batch->changes, {.origin = "a", .detect_conflicts = true});
    REQUIRE(r1.ok());
    REQUIRE(r2.ok());
    CHECK(r1->applied + r2->applied == 0);
    CHECK(r1->conflicts + r2->conflicts == 0);
  }
  CHECK(server->list_conflicts()->size() == 1);
  CHECK(test::hash_of(*server) == before_replay);

  // Another receiver, in the other order, records the same conflict (same id).
  REQUIRE(other->apply_changes(created, {.origin = "a"}).ok());
  auto o1 = other->apply_changes(b_batch->changes, {.origin = "b", .detect_conflicts = true});
  auto o2 = other->apply_changes(a_batch->changes, {.origin = "a", .detect_conflicts = true});
  REQUIRE(o1.ok());
  REQUIRE(o2.ok());
  CHECK(o1->conflicts == 0);
  CHECK(o2->conflicts == 1);
  CHECK(other->get_opinion(op->id)->content == "Nội dung của B");
  auto other_conflicts = other->list_conflicts();
  REQUIRE(other_conflicts.ok());
  REQUIRE(other_conflicts->size() == 1);
  CHECK(other_conflicts->front().id == c.id);

  // Cells travel one by one: a replica holding only part of the conflict record
  // does not list it, and cannot resolve it yet.
  {
    std::vector<Change> part;
    for (const auto &ch : test::all_changes(*server))
      if (ch.table == "conflicts" && (ch.column == "status" || ch.column == "resolution")) part.push_back(ch);
    REQUIRE(part.size() == 2);
    auto partial = open("partial.db", clock_d);
    REQUIRE(partial->apply_changes(part).ok());
    CHECK(partial->list_conflicts(false)->empty());
    Status st = partial->resolve_conflict(c.id, c.winner_value, "chủ tịch");
    CHECK(st.code() == ErrorCode::invalid_state);
    CHECK(st.field() == "conflict_id");
  }

  // Devices pulling the server's compacted state never invent conflicts, and get
  // the conflict record itself.
  auto a_pull = test::transfer(*server, *a, 0, {.origin = "server"});
  auto b_pull = test::transfer(*server, *b, 0, {.origin = "server"});
  CHECK(a_pull.conflicts == 0);
  CHECK(b_pull.conflicts == 0);
  REQUIRE(a->list_conflicts()->size() == 1);
  CHECK(a->get_opinion(op->id)->content == "Nội dung của B");

  // An office resolves it on A, choosing A's text; the resolution wins everywhere.
  clock_a.advance_ms(60'000);
  REQUIRE(a->resolve_conflict(c.id, c.loser_value, "chủ tịch").ok());
  auto resolved_push = test::transfer(*a, *server, push_a.cursor, {.origin = "a", .detect_conflicts = true},
                                      {.exclude_origin = "server"});
  CHECK(resolved_push.conflicts == 0);
  test::transfer(*server, *b, 0, {.origin = "server"});
  for (Database *db : {a.get(), b.get(), server.get()}) {
    CHECK(db->get_opinion(op->id)->content == "Nội dung của A");
    CHECK(db->list_conflicts(true)->empty());
    auto all = db->list_conflicts(false);
    REQUIRE(all->size() == 1);
    CHECK(all->front().status == "resolved");
  }
  CHECK(test::hash_of(*a) == test::hash_of(*server));
  CHECK(test::hash_of(*b) == test::hash_of(*server));
}

TEST_CASE("sequential edits and equal concurrent values are not conflicts", "[engine][merge][conflict]") {
  test::TempDir dir;
  ManualClock clock(kStart);
  auto a = Database::open(dir.file("a.db"), {.clock = &clock});
  auto b = Database::open(dir.file("b.db"), {.clock = &clock});
  auto s = Database::open(dir.file("s.db"), {.clock = &clock});
  REQUIRE((a.ok() && b.ok() && s.ok()));
  auto unit = (*a)->create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"});
  REQUIRE(unit.ok());
  auto op = (*a)->record_opinion({.unit_id = unit->id, .kind = "opinion", .category = "land",
                                  .content = "Tranh chấp", .raised_at = "2024-07-03 09:00"});
  REQUIRE(op.ok());
  const ApplyOptions from_a{.origin = "a", .detect_conflicts = true};
  const ApplyOptions from_b{.origin = "b", .detect_conflicts = true};
  int64_t a_cur = test::transfer(**a, **s, 0, from_a).cursor;
  test::transfer(**s, **b, 0, {.origin = "s"});
  int64_t b_cur = (*b)->current_cursor();

  // Same value written concurrently: nothing to review.
  clock.advance_ms(1000);
  REQUIRE((*a)->update_opinion(op->id, {.assigned_department = std::string("Phòng TN-MT")}).ok());
  REQUIRE((*b)->update_opinion(op->id, {.assigned_department = std::string("Phòng TN-MT")}).ok());
  a_cur = test::transfer(**a, **s, a_cur, from_a, {.exclude_origin = "s"}).cursor;
  b_cur = test::transfer(**b, **s, b_cur, from_b, {.exclude_origin = "s"}).cursor;
  CHECK((*s)->list_conflicts()->empty());

  // B edits after seeing A's edit: sequential, no conflict, B's value stands.
  clock.advance_ms(1000);
  REQUIRE((*a)->update_opinion(op->id, {.content = std::string("Sửa lần 1")}).ok());
  a_cur = test::transfer(**a, **s, a_cur, from_a, {.exclude_origin = "s"}).cursor;
  test::transfer(**s, **b, 0, {.origin = "s"});
  clock.advance_ms(1000);
  REQUIRE((*b)->update_opinion(op->id, {.content = std::string("Sửa lần 2")}).ok());
  test::transfer(**b, **s, b_cur, from_b, {.exclude_origin = "s"});
  CHECK((*s)->list_conflicts()->empty());
  CHECK((*s)->get_opinion(op->id)->content == "Sửa lần 2");

  // A edits twice without syncing: its own overwrite is not a conflict either.
  clock.advance_ms(1000);
  REQUIRE((*a)->update_opinion(op->id, {.category = std::string("construction")}).ok());
  REQUIRE((*a)->update_opinion(op->id, {.category = std::string("environment")}).ok());
  test::transfer(**a, **s, a_cur, from_a, {.exclude_origin = "s"});
  CHECK((*s)->list_conflicts()->empty());
  CHECK((*s)->get_opinion(op->id)->category == "environment");
}
