// Replication semantics beyond plain convergence: tombstones and their purge,
// cells from a newer app version, export filters, clock skew repair, and
// all-or-nothing refusal of a bad batch (DESIGN.md, "Replicated data", "Time").
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/replicas.h"
#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;

namespace {

constexpr int64_t kStart = 1'720'000'000'000;  // 2024-07-03
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kYears5 = 5LL * 365 * 24 * kHour;

std::unique_ptr<Database> open_db(const test::TempDir &dir, const std::string &name, const Clock &clock) {
  auto db = Database::open(dir.file(name), {.clock = &clock});
  INFO(db.status().to_string());
  REQUIRE(db.ok());
  return std::move(db.value());
}

// A province, a ward under it, a hamlet under a ward.
Unit make_unit(Database &db, const std::string &code, const std::string &parent = {}) {
  const std::string kind = parent.empty() ? "province" : db.get_unit(parent).value().kind == "province" ? "ward" : "hamlet";
  auto u = db.create_unit({.code = code, .name = "Đơn vị " + code, .kind = kind, .parent_id = parent});
  INFO(u.status().to_string());
  REQUIRE(u.ok());
  return *u;
}

Opinion make_opinion(Database &db, const Unit &unit, const std::string &content, Opinion extra = {}) {
  extra.unit_id = unit.id;
  if (extra.kind.empty()) extra.kind = "opinion";
  extra.category = "land";
  extra.content = content;
  extra.raised_at = "2024-07-03 09:00";
  auto o = db.record_opinion(extra);
  INFO(o.status().to_string());
  REQUIRE(o.ok());
  return *o;
}

std::set<std::string> ids_of(const std::vector<Change> &changes, const std::string &table) {
  std::set<std::string> ids;
  for (const auto &c : changes)
    if (c.table == table) ids.insert(c.id);
  return ids;
}

const Change *find_change(const std::vector<Change> &changes, const std::string &id, const std::string &column) {
  for (const auto &c : changes)
    if (c.id == id && c.column == column) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("a delete wins over older writes and a stale edit does not resurrect", "[engine][replication][tombstone]") {
  test::TempDir dir;
  ManualClock clock_a(kStart), clock_b(kStart - kHour), clock_c(kStart);
  auto a = open_db(dir, "a.db", clock_a);
  auto b = open_db(dir, "b.db", clock_b);
  auto c = open_db(dir, "c.db", clock_c);
  const Unit unit = make_unit(*a, "vn-75");
  const Opinion o = make_opinion(*a, unit, "Đường ngập nước");
  const auto created = test::all_changes(*a);
  test::transfer(*a, *b, 0, {.origin = "a"});

  // B edits (its clock is behind, so its edit is older than A's delete) ...
  clock_b.advance_ms(60'000);
  REQUIRE(b->update_opinion(o.id, {.content = std::string("Nội dung cũ của B")}).ok());
  const auto b_edit = b->export_changes(0, {.exclude_origin = "a"});
  REQUIRE(b_edit.ok());
  REQUIRE(b_edit->changes.size() == 1);
  // ... and A deletes.
  clock_a.advance_ms(120'000);
  REQUIRE(a->delete_opinion(o.id).ok());
  CHECK(a->get_opinion(o.id).status().code() == ErrorCode::not_found);

  // C receives the tombstone first, then the creation, then B's edit: still deleted.
  std::vector<Change> tombstone;
  for (const auto &ch : test::all_changes(*a))
    if (ch.column == "_deleted" && ch.id == o.id) tombstone.push_back(ch);
  REQUIRE(tombstone.size() == 1);
  CHECK(std::get<int64_t>(tombstone[0].value) == 1);
  REQUIRE(c->apply_changes(tombstone, {.origin = "a"}).ok());
  REQUIRE(c->apply_changes(created, {.origin = "a"}).ok());
  REQUIRE(c->apply_changes(b_edit->changes, {.origin = "b"}).ok());
  CHECK(c->get_opinion(o.id).status().code() == ErrorCode::not_found);
  CHECK(c->list_opinions({})->empty());

  // Everyone exchanges everything: deleted everywhere, one state.
  test::transfer(*b, *a, 0, {.origin = "b"});
  test::transfer(*a, *b, 0, {.origin = "a"});
  test::transfer(*a, *c, 0, {.origin = "a"});
  test::transfer(*b, *c, 0, {.origin = "b"});
  for (Database *db : {a.get(), b.get(), c.get()}) {
    CHECK(db->get_opinion(o.id).status().code() == ErrorCode::not_found);
    CHECK(db->list_opinions({})->empty());
  }
  const std::string converged = test::hash_of(*a);
  CHECK(test::hash_of(*b) == converged);
  CHECK(test::hash_of(*c) == converged);

  // A stale edit delivered again long after changes nothing.
  auto stale = b->apply_changes(b_edit->changes, {.origin = "b"});
  REQUIRE(stale.ok());
  CHECK(stale->applied == 0);
  auto stale_create = b->apply_changes(created, {.origin = "a"});
  REQUIRE(stale_create.ok());
  CHECK(stale_create->applied == 0);
  CHECK(b->get_opinion(o.id).status().code() == ErrorCode::not_found);
  CHECK(test::hash_of(*b) == converged);

  // Even a newer edit from a replica that had not heard of the delete does not
  // bring the row back: the tombstone is its own cell.
  clock_c.advance_ms(10 * kHour);
  std::vector<Change> late = b_edit->changes;
  late[0].hlc = Hlc::from_parts(static_cast<uint64_t>(kStart + 10 * kHour), 0);
  late[0].value = std::string("Sửa muộn");
  REQUIRE(c->apply_changes(late, {.origin = "b"}).ok());
  CHECK(c->get_opinion(o.id).status().code() == ErrorCode::not_found);
}

TEST_CASE("purge_tombstones purges only at or below the acknowledged stamp, and the cursor never goes back",
          "[engine][replication][tombstone][purge]") {
  test::TempDir dir;
  ManualClock clock(kStart);
  Hlc first_delete, second_delete;
  int64_t cursor_before_purge = 0;
  std::string first_id, second_id, kept_id;
  {
    auto a = open_db(dir, "a.db", clock);
    const Unit unit = make_unit(*a, "vn-75");
    first_id = make_opinion(*a, unit, "Một").id;
    second_id = make_opinion(*a, unit, "Hai").id;
    kept_id = make_opinion(*a, unit, "Ba").id;
    clock.advance_ms(1000);
    REQUIRE(a->delete_opinion(first_id).ok());
    first_delete = a->last_hlc();
    clock.advance_ms(1000);
    // The second delete is the newest entry of the change log.
    REQUIRE(a->delete_opinion(second_id).ok());
    second_delete = a->last_hlc();
    REQUIRE(first_delete < second_delete);
    cursor_before_purge = a->current_cursor();

    // Nothing is acknowledged yet: nothing goes.
    auto none = a->purge_tombstones(Hlc::from_parts(first_delete.millis() - 1, 0));
    REQUIRE(none.ok());
    CHECK(*none == 0);
    // Acknowledged up to between the deletes: only the first goes.
    auto one = a->purge_tombstones(Hlc(first_delete.raw() + 1));
    REQUIRE(one.ok());
    CHECK(*one == 1);
    auto left = test::all_changes(*a);
    CHECK(ids_of(left, "opinions") == std::set<std::string>{second_id, kept_id});
    CHECK(a->current_cursor() == cursor_before_purge);
    // Acknowledged exactly at the second delete: it goes too.
    auto two = a->purge_tombstones(second_delete);
    REQUIRE(two.ok());
    CHECK(*two == 1);
    CHECK(ids_of(test::all_changes(*a), "opinions") == std::set<std::string>{kept_id});
    auto again = a->purge_tombstones(second_delete);
    REQUIRE(again.ok());
    CHECK(*again == 0);
    CHECK(a->current_cursor() == cursor_before_purge);
    CHECK(a->get_opinion(kept_id).ok());
    CHECK(a->check_integrity().ok());
  }
  // Reopened: the cursor stays where it was and new changes come after it, so a
  // peer holding that cursor does not miss them.
  auto a = open_db(dir, "a.db", clock);
  CHECK(a->current_cursor() >= cursor_before_purge);
  clock.advance_ms(1000);
  REQUIRE(a->update_opinion(kept_id, {.content = std::string("Ba (sửa)")}).ok());
  CHECK(a->current_cursor() > cursor_before_purge);
  auto fresh = a->export_changes(cursor_before_purge);
  REQUIRE(fresh.ok());
  REQUIRE(fresh->changes.size() == 1);
  CHECK(fresh->changes[0].id == kept_id);
  CHECK(fresh->changes[0].column == "content");
  CHECK(fresh->next_cursor > cursor_before_purge);
}

TEST_CASE("tables and columns from a newer app version are kept and relayed unchanged",
          "[engine][replication][foreign]") {
  test::TempDir dir;
  ManualClock clock(kStart);
  auto a = open_db(dir, "a.db", clock);
  auto b = open_db(dir, "b.db", clock);
  auto c = open_db(dir, "c.db", clock);
  const Unit unit = make_unit(*a, "vn-75");
  const Opinion o = make_opinion(*a, unit, "Đường ngập nước");
  test::transfer(*a, *b, 0, {.origin = "a"});
  test::transfer(*a, *c, 0, {.origin = "a"});

  // What a tablet with a newer schema sends: a new table, and a new column of a
  // known table, beside an ordinary change.
  const SiteId newer = 0x0123456789abcdefull;
  const Hlc h1 = Hlc::from_parts(static_cast<uint64_t>(kStart) + 5000, 0);
  const Hlc h0 = Hlc::from_parts(static_cast<uint64_t>(kStart) + 4000, 3);
  const std::string att = "01907000-0000-7000-8000-000000000001";
  std::vector<Change> from_newer = {
      {.table = "attachments", .id = att, .scope = unit.scope, .column = "_deleted", .value = int64_t{0},
       .hlc = h1, .site = newer},
      {.table = "attachments", .id = att, .scope = unit.scope, .column = "file_name",
       .value = std::string("biên bản họp.pdf"), .hlc = h1, .site = newer},
      {.table = "attachments", .id = att, .scope = unit.scope, .column = "size_bytes", .value = int64_t{123456},
       .hlc = h1, .site = newer},
      {.table = "attachments", .id = att, .scope = unit.scope, .column = "ratio", .value = 0.25, .hlc = h1,
       .site = newer},
      {.table = "attachments", .id = att, .scope = unit.scope, .column = "note", .value = Value{}, .hlc = h1,
       .site = newer},
      {.table = "opinions", .id = o.id, .scope = o.scope, .column = "priority", .value = std::string("high"),
       .hlc = h1, .site = newer, .base = h0},
      {.table = "opinions", .id = o.id, .scope = o.scope, .column = "satisfaction",
       .value = std::string("satisfied"), .hlc = h1, .site = newer},
  };
  auto applied = b->apply_changes(from_newer, {.origin = "newer-tablet"});
  INFO(applied.status().to_string());
  REQUIRE(applied.ok());
  CHECK(applied->applied == static_cast<int64_t>(from_newer.size()));
  CHECK(b->get_opinion(o.id)->satisfaction == "satisfied");

  // Replays and older versions of those cells change nothing.
  const std::string b_hash = test::hash_of(*b);
  auto replay = b->apply_changes(from_newer, {.origin = "newer-tablet"});
  REQUIRE(replay.ok());
  CHECK(replay->applied == 0);
  std::vector<Change> older = {from_newer[1]};
  older[0].hlc = h0;
  older[0].value = std::string("cũ.pdf");
  REQUIRE(b->apply_changes(older).ok());
  CHECK(test::hash_of(*b) == b_hash);

  // B relays to C: the same cells, byte for byte, and the same state.
  auto relayed = test::transfer(*b, *c, 0, {.origin = "b"});
  CHECK(relayed.applied == static_cast<int64_t>(from_newer.size()));
  CHECK(test::hash_of(*c) == b_hash);
  auto out = c->export_changes(0, {.exclude_origin = "a"});
  REQUIRE(out.ok());
  for (const auto &sent : from_newer) {
    INFO(sent.table << "." << sent.column);
    const Change *got = find_change(out->changes, sent.id, sent.column);
    REQUIRE(got != nullptr);
    CHECK(*got == sent);
  }
  // A newer version of an unknown cell wins and travels on too.
  std::vector<Change> newer_name = {from_newer[1]};
  newer_name[0].hlc = Hlc::from_parts(static_cast<uint64_t>(kStart) + 9000, 0);
  newer_name[0].base = h1;
  newer_name[0].value = std::string("biên bản (bản 2).pdf");
  REQUIRE(c->apply_changes(newer_name, {.origin = "newer-tablet"}).ok());
  test::transfer(*c, *a, 0, {.origin = "c"});
  test::transfer(*c, *b, 0, {.origin = "c"});
  const std::string c_hash = test::hash_of(*c);
  CHECK(test::hash_of(*a) == c_hash);
  CHECK(test::hash_of(*b) == c_hash);
  const auto at_a = test::all_changes(*a);
  const Change *name = find_change(at_a, att, "file_name");
  REQUIRE(name != nullptr);
  CHECK(*name == newer_name[0]);
}

namespace {

// Two replicas of one unit, and the site and two stamps of a tablet whose batches b
// applies (a newer app version's, or one writing a cell twice).
struct BatchPair {
  test::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<Database> a = open_db(dir, "a.db", clock);
  std::unique_ptr<Database> b = open_db(dir, "b.db", clock);
  Unit unit = make_unit(*a, "vn-75");
  SiteId site = 0x0123456789abcdefull;
  Hlc h0 = Hlc::from_parts(static_cast<uint64_t>(kStart) + 4000, 0);
  Hlc h1 = Hlc::from_parts(static_cast<uint64_t>(kStart) + 5000, 0);
};

}  // namespace

// A store remembers, within a transaction, which rows it found absent and whether it
// holds cells of unknown columns (SqliteStoreTxn): what one apply writes, the next
// apply of the same batch must still find.
TEST_CASE_METHOD(BatchPair, "within one batch, a row or an unknown cell written by one apply is found by the next",
                 "[engine][replication][foreign]") {
  const SiteId newer = site;  // a tablet with a newer app version
  const Opinion o = make_opinion(*a, unit, "Đèn đường hỏng");
  test::transfer(*a, *b, 0, {.origin = "a"});

  const std::string att = "01907000-0000-7000-8000-0000000000aa";
  const Change later_priority{.table = "opinions", .id = o.id, .scope = o.scope, .column = "priority",
                              .value = std::string("high"), .hlc = h1, .site = newer};
  Change earlier_priority = later_priority;
  earlier_priority.value = std::string("low");
  earlier_priority.hlc = h0;
  const Change new_row{.table = "attachments", .id = att, .scope = unit.scope, .column = "_deleted",
                       .value = int64_t{0}, .hlc = h1, .site = newer};
  Change new_row_older = new_row;
  new_row_older.column = "caption";
  new_row_older.value = std::string("ảnh chụp");
  new_row_older.hlc = h0;

  int64_t first_applied = -1, second_applied = -1;
  REQUIRE(b->batch([&]() -> Status {
               auto first = b->apply_changes({later_priority, new_row}, {.origin = "newer-tablet"});
               if (!first.ok()) return first.status();
               first_applied = first->applied;
               // The store held no unknown cell and no such row when the batch began.
               auto second = b->apply_changes({earlier_priority, new_row_older}, {.origin = "newer-tablet"});
               if (!second.ok()) return second.status();
               second_applied = second->applied;
               return Status::Ok();
             }).ok());
  CHECK(first_applied == 2);
  CHECK(second_applied == 1);  // the caption, new; the older priority loses

  auto out = b->export_changes(0, {});
  REQUIRE(out.ok());
  const Change *priority = find_change(out->changes, o.id, "priority");
  REQUIRE(priority != nullptr);
  CHECK(*priority == later_priority);
  const Change *caption = find_change(out->changes, att, "caption");
  REQUIRE(caption != nullptr);
  CHECK(caption->value == Value{std::string("ảnh chụp")});
  CHECK(find_change(out->changes, att, "_deleted") != nullptr);
}

TEST_CASE_METHOD(BatchPair, "a new row's cell written twice in one batch keeps the later write whichever comes first",
                 "[engine][replication]") {
  test::transfer(*a, *b, 0, {.origin = "a"});

  for (const bool later_first : {false, true}) {
    INFO("later first: " << later_first);
    const std::string att =
        later_first ? "01907000-0000-7000-8000-0000000000b2" : "01907000-0000-7000-8000-0000000000b1";
    const Change made{.table = "attachments",
                      .id = att,
                      .scope = unit.scope,
                      .column = "_deleted",
                      .value = int64_t{0},
                      .hlc = h0,
                      .site = site};
    Change earlier = made, later = made;
    earlier.column = later.column = "caption";
    earlier.value = std::string("ảnh cũ");
    later.value = std::string("ảnh mới");
    later.hlc = h1;
    std::vector<Change> batch = {made, earlier, later};
    if (later_first) std::swap(batch[1], batch[2]);
    auto applied = b->apply_changes(batch, {.origin = "tablet"});
    INFO(applied.status().to_string());
    REQUIRE(applied.ok());
    CHECK(applied->applied == (later_first ? 2 : 3));  // the earlier caption loses when it comes second

    auto out = b->export_changes(0, {});
    REQUIRE(out.ok());
    const auto captions = std::count_if(out->changes.begin(), out->changes.end(),
                                        [&](const Change &c) { return c.id == att && c.column == "caption"; });
    CHECK(captions == 1);
    const Change *caption = find_change(out->changes, att, "caption");
    REQUIRE(caption != nullptr);
    CHECK(*caption == later);
  }
}

TEST_CASE("export filters: scopes, exclude_origin, confidential cells", "[engine][replication][export]") {
  test::TempDir dir;
  ManualClock clock(kStart);
  auto a = open_db(dir, "a.db", clock);
  const Unit vn = make_unit(*a, "vn");
  const Unit hcm = make_unit(*a, "79", vn.id);
  const Unit ward_a = make_unit(*a, "a", hcm.id);
  const Unit ward_ab = make_unit(*a, "ab", hcm.id);  // "vn/79/ab" starts like "vn/79/a"
  const Unit dn = make_unit(*a, "75", vn.id);
  const Opinion in_a = make_opinion(*a, ward_a, "Ở phường A");
  const Opinion in_ab = make_opinion(*a, ward_ab, "Ở phường AB");
  const Opinion in_dn = make_opinion(*a, dn, "Ở Đồng Nai");

  SECTION("scopes keep a subtree, not a prefix of a name") {
    auto only_a = test::all_changes(*a, {.scopes = {"vn/79/a"}});
    CHECK(ids_of(only_a, "opinions") == std::set<std::string>{in_a.id});
    CHECK(ids_of(only_a, "units") == std::set<std::string>{ward_a.id});
    for (const auto &ch : only_a) CHECK(ch.scope == "vn/79/a");

    auto hcm_tree = test::all_changes(*a, {.scopes = {"vn/79"}});
    CHECK(ids_of(hcm_tree, "opinions") == std::set<std::string>{in_a.id, in_ab.id});
    CHECK(ids_of(hcm_tree, "units") == std::set<std::string>{hcm.id, ward_a.id, ward_ab.id});

    auto two = test::all_changes(*a, {.scopes = {"vn/79/ab", "vn/75"}});
    CHECK(ids_of(two, "opinions") == std::set<std::string>{in_ab.id, in_dn.id});

    CHECK(test::all_changes(*a, {.scopes = {"vn/8"}}).empty());
    CHECK(ids_of(test::all_changes(*a), "opinions").size() == 3);

    // Small batches with a scope filter still reach the end and miss nothing.
    std::set<std::string> batched;
    int64_t cursor = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      auto batch = a->export_changes(cursor, {.limit_changes = 1, .scopes = {"vn/79"}});
      REQUIRE(batch.ok());
      for (const auto &ch : batch->changes) batched.insert(ch.id);
      cursor = batch->next_cursor;
      if (!batch->more) break;
    }
    CHECK(batched == std::set<std::string>{hcm.id, ward_a.id, ward_ab.id, in_a.id, in_ab.id});
  }

  SECTION("exclude_origin skips what came from that peer, not what was written here") {
    auto b = open_db(dir, "b.db", clock);
    test::transfer(*a, *b, 0, {.origin = "a"});
    clock.advance_ms(1000);
    const Opinion own = make_opinion(*b, ward_a, "Của B");
    REQUIRE(b->update_opinion(in_dn.id, {.content = std::string("B sửa")}).ok());
    // Something from a third peer, relayed through B.
    auto c = open_db(dir, "c.db", clock);
    test::transfer(*a, *c, 0, {.origin = "a"});
    clock.advance_ms(1000);
    const Opinion from_c = make_opinion(*c, ward_ab, "Của C");
    test::transfer(*c, *b, 0, {.origin = "c"}, {.exclude_origin = "b"});

    auto back_to_a = test::all_changes(*b, {.exclude_origin = "a"});
    CHECK(ids_of(back_to_a, "opinions") == std::set<std::string>{own.id, in_dn.id, from_c.id});
    CHECK(ids_of(back_to_a, "units").empty());
    // Of A's opinion that B edited, only B's edit goes back.
    std::vector<std::string> columns;
    for (const auto &ch : back_to_a)
      if (ch.id == in_dn.id) columns.push_back(ch.column);
    CHECK(columns == std::vector<std::string>{"content"});
    CHECK(ids_of(test::all_changes(*b, {.exclude_origin = "c"}), "opinions") ==
          std::set<std::string>{in_a.id, in_ab.id, in_dn.id, own.id});
    // An unknown peer name excludes nothing.
    CHECK(test::all_changes(*b, {.exclude_origin = "nobody"}).size() == test::all_changes(*b).size());
  }

  SECTION("include_confidential = false hides a denunciation's complainant only") {
    const Opinion denunciation =
        make_opinion(*a, ward_a, "Tố cáo cán bộ địa chính",
                     {.kind = "denunciation", .citizen_name = "Trần Thị Bình", .citizen_contact = "0901 234 567"});
    CHECK(denunciation.confidential);
    const Opinion named = make_opinion(*a, ward_a, "Kiến nghị sửa đường", {.citizen_name = "Lê Văn Cường"});
    auto hidden = test::all_changes(*a, {.include_confidential = false});
    CHECK(find_change(hidden, denunciation.id, "citizen_name") == nullptr);
    CHECK(find_change(hidden, denunciation.id, "citizen_contact") == nullptr);
    CHECK(find_change(hidden, denunciation.id, "content") != nullptr);
    CHECK(find_change(hidden, denunciation.id, "confidential") != nullptr);
    REQUIRE(find_change(hidden, named.id, "citizen_name") != nullptr);
    CHECK(std::get<std::string>(find_change(hidden, named.id, "citizen_name")->value) == "Lê Văn Cường");
    for (const auto &ch : hidden) {
      if (const auto *s = std::get_if<std::string>(&ch.value)) {
        INFO(ch.table << "." << ch.column);
        CHECK(s->find("Trần Thị Bình") == std::string::npos);
        CHECK(s->find("0901 234 567") == std::string::npos);
      }
    }
    auto shown = test::all_changes(*a);
    REQUIRE(find_change(shown, denunciation.id, "citizen_name") != nullptr);
    CHECK(std::get<std::string>(find_change(shown, denunciation.id, "citizen_name")->value) == "Trần Thị Bình");

    // Two officials fix the complainant's name concurrently: the conflict record
    // holds both names, and must not carry them out either.
    auto b = open_db(dir, "b.db", clock);
    auto server = open_db(dir, "server.db", clock);
    const int64_t a_pushed = test::transfer(*a, *server, 0, {.origin = "a", .detect_conflicts = true}).cursor;
    test::transfer(*server, *b, 0, {.origin = "server"});
    const int64_t b_pushed = b->current_cursor();
    clock.advance_ms(1000);
    REQUIRE(a->update_opinion(denunciation.id, {.citizen_name = std::string("Trần Thị Bính")}).ok());
    REQUIRE(b->update_opinion(denunciation.id, {.citizen_name = std::string("Trần Thị Bình (chị)")}).ok());
    test::transfer(*a, *server, a_pushed, {.origin = "a", .detect_conflicts = true}, {.exclude_origin = "server"});
    auto pushed = test::transfer(*b, *server, b_pushed, {.origin = "b", .detect_conflicts = true},
                                 {.exclude_origin = "server"});
    REQUIRE(pushed.conflicts == 1);
    for (const auto &ch : test::all_changes(*server, {.include_confidential = false})) {
      if (const auto *s = std::get_if<std::string>(&ch.value)) {
        INFO(ch.table << "." << ch.column << " = " << *s);
        CHECK(s->find("Trần Thị") == std::string::npos);
      }
    }
    // The conflict itself still travels, so the office that may see names can act on it.
    auto with_names = test::all_changes(*server);
    CHECK(ids_of(with_names, "conflicts") == ids_of(test::all_changes(*server, {.include_confidential = false}), "conflicts"));
    // A conflict about a cell that is not confidential keeps its values.
    REQUIRE(a->update_opinion(named.id, {.content = std::string("Sửa đường (A)")}).ok());
    REQUIRE(b->apply_changes(test::all_changes(*server)).ok());
    REQUIRE(b->update_opinion(named.id, {.content = std::string("Sửa đường (B)")}).ok());
    test::transfer(*a, *server, 0, {.origin = "a", .detect_conflicts = true}, {.exclude_origin = "server"});
    REQUIRE(test::transfer(*b, *server, 0, {.origin = "b", .detect_conflicts = true}, {.exclude_origin = "server"})
                .conflicts == 1);
    bool content_values_sent = false;
    for (const auto &ch : test::all_changes(*server, {.include_confidential = false}))
      if (ch.table == "conflicts" && ch.column == "winner_value" && std::get<std::string>(ch.value).find("Sửa đường") != std::string::npos)
        content_values_sent = true;
    CHECK(content_values_sent);

    // A replica that got the filtered export still holds a usable denunciation.
    auto office = open_db(dir, "office.db", clock);
    REQUIRE(office->apply_changes(hidden).ok());
    auto got = office->get_opinion(denunciation.id);
    REQUIRE(got.ok());
    CHECK(got->citizen_name.empty());
    CHECK(got->content == "Tố cáo cán bộ địa chính");
  }
}

TEST_CASE("a clock years ahead: learning the offset and restamping stops it winning later edits",
          "[engine][replication][clock]") {
  test::TempDir dir;
  ManualClock real(kStart), fast(kStart + kYears5);
  auto advance = [&](int64_t ms) {
    real.advance_ms(ms);
    fast.advance_ms(ms);
  };
  auto n = open_db(dir, "normal.db", real);
  auto f = open_db(dir, "fast.db", fast);
  const Unit unit = make_unit(*n, "vn-75");
  const Opinion o = make_opinion(*n, unit, "Đường ngập nước");
  int64_t n_to_f = test::transfer(*n, *f, 0, {.origin = "n"}).cursor;

  advance(60'000);
  REQUIRE(f->update_opinion(o.id, {.content = std::string("F sửa"), .assigned_department = std::string("Phòng TN-MT")})
              .ok());
  const Opinion f_new = make_opinion(*f, unit, "F ghi mới");
  REQUIRE(f->change_status(f_new.id, {.to = "answered", .by = "F"}).ok());
  CHECK(f->last_hlc().millis() > static_cast<uint64_t>(kStart + kYears5 / 2));

  // The server tells F its clock runs five years ahead.
  REQUIRE(f->set_clock_offset_ms(-kYears5).ok());
  CHECK(f->clock_offset_ms() == -kYears5);
  auto restamped = f->restamp_local_changes(0);
  INFO(restamped.status().to_string());
  REQUIRE(restamped.ok());
  CHECK(*restamped > 0);
  const uint64_t limit = static_cast<uint64_t>(real.now_ms()) + 1000;
  CHECK(f->last_hlc().millis() <= limit);
  auto pending = test::all_changes(*f, {.exclude_origin = "n"});
  REQUIRE(!pending.empty());
  for (const auto &ch : pending) {
    INFO(ch.table << "." << ch.column);
    CHECK(ch.hlc.millis() <= limit);
    CHECK(ch.base <= ch.hlc);
  }
  // New writes follow the corrected clock too, and stay after the restamped ones.
  const Hlc after_restamp = f->last_hlc();
  advance(1000);
  REQUIRE(f->update_opinion(f_new.id, {.category = std::string("environment")}).ok());
  CHECK(f->last_hlc() > after_restamp);
  CHECK(f->last_hlc().millis() <= static_cast<uint64_t>(real.now_ms()) + 1000);

  // F syncs; an hour later N edits the same field: N's later edit wins everywhere.
  test::transfer(*f, *n, 0, {.origin = "f"}, {.exclude_origin = "n"});
  CHECK(n->get_opinion(o.id)->content == "F sửa");
  advance(kHour);
  REQUIRE(n->update_opinion(o.id, {.content = std::string("N sửa sau")}).ok());
  n_to_f = test::transfer(*n, *f, n_to_f, {.origin = "n"}, {.exclude_origin = "f"}).cursor;
  test::transfer(*f, *n, 0, {.origin = "f"}, {.exclude_origin = "n"});
  for (Database *db : {n.get(), f.get()}) {
    CHECK(db->get_opinion(o.id)->content == "N sửa sau");
    CHECK(db->get_opinion(o.id)->assigned_department == "Phòng TN-MT");  // F's other edit stays
    CHECK(db->get_opinion(f_new.id)->status == "answered");
    CHECK(db->get_opinion(f_new.id)->category == "environment");
  }
  CHECK(test::hash_of(*n) == test::hash_of(*f));

  // The corrected clock survives a reopen: stamps stay near the real time.
  f.reset();
  auto f2 = open_db(dir, "fast.db", fast);
  CHECK(f2->clock_offset_ms() == -kYears5);
  advance(1000);
  REQUIRE(f2->update_opinion(o.id, {.assigned_department = std::string("Phòng Kinh tế")}).ok());
  CHECK(f2->last_hlc().millis() <= static_cast<uint64_t>(real.now_ms()) + 1000);
}

TEST_CASE("a clock years behind: restamped edits are not lost to earlier edits elsewhere",
          "[engine][replication][clock]") {
  test::TempDir dir;
  ManualClock real(kStart), slow(kStart - kYears5);
  auto advance = [&](int64_t ms) {
    real.advance_ms(ms);
    slow.advance_ms(ms);
  };
  auto n = open_db(dir, "normal.db", real);
  auto s = open_db(dir, "slow.db", slow);
  const Unit unit = make_unit(*n, "vn-75");
  const Opinion o = make_opinion(*n, unit, "Đường ngập nước");
  test::transfer(*n, *s, 0, {.origin = "n"});

  // N edits an hour later; S, offline, edits the same field an hour after that,
  // and another field, and records a new opinion. Its HLC stays at what it saw.
  advance(kHour);
  REQUIRE(n->update_opinion(o.id, {.content = std::string("N sửa trước")}).ok());
  advance(kHour);
  REQUIRE(s->update_opinion(o.id, {.category = std::string("environment"), .content = std::string("S sửa sau")}).ok());
  const Opinion s_new = make_opinion(*s, unit, "S ghi mới");
  CHECK(s->last_hlc().millis() < static_cast<uint64_t>(kStart + kHour));

  // S learns it runs five years behind and restamps what no peer has yet.
  REQUIRE(s->set_clock_offset_ms(kYears5).ok());
  auto restamped = s->restamp_local_changes(0);
  REQUIRE(restamped.ok());
  CHECK(*restamped > 0);
  for (const auto &ch : test::all_changes(*s, {.exclude_origin = "n"})) {
    INFO(ch.table << "." << ch.column);
    CHECK(ch.hlc.millis() >= static_cast<uint64_t>(kStart + 2 * kHour));
    CHECK(ch.hlc.millis() <= static_cast<uint64_t>(real.now_ms()) + 1000);
  }

  test::transfer(*s, *n, 0, {.origin = "s"}, {.exclude_origin = "n"});
  test::transfer(*n, *s, 0, {.origin = "n"}, {.exclude_origin = "s"});
  for (Database *db : {n.get(), s.get()}) {
    CHECK(db->get_opinion(o.id)->content == "S sửa sau");
    CHECK(db->get_opinion(o.id)->category == "environment");
    CHECK(db->get_opinion(s_new.id).ok());
  }
  CHECK(test::hash_of(*n) == test::hash_of(*s));
}

TEST_CASE("a batch with one bad change is refused whole, naming the change and field",
          "[engine][replication][validation]") {
  test::TempDir dir;
  ManualClock clock(kStart);
  auto a = open_db(dir, "a.db", clock);
  auto b = open_db(dir, "b.db", clock);
  const Unit unit = make_unit(*a, "vn-75");
  auto meeting = a->create_meeting({.unit_id = unit.id, .kind = "residential_saturday", .held_at = "2024-07-06 08:00"});
  REQUIRE(meeting.ok());
  const Opinion o = make_opinion(*a, unit, "Đường ngập nước");
  test::transfer(*a, *b, 0, {.origin = "a"});

  // A good batch: edits, a new opinion, and a cell for a table from a newer version.
  clock.advance_ms(5000);
  const int64_t cursor = a->current_cursor();
  REQUIRE(a->update_opinion(o.id, {.content = std::string("Đã sửa")}).ok());
  make_opinion(*a, unit, "Ý kiến mới");
  auto good_batch = a->export_changes(cursor);
  REQUIRE(good_batch.ok());
  std::vector<Change> good = good_batch->changes;
  good.insert(good.begin(), Change{.table = "attachments", .id = "x-1", .scope = unit.scope, .column = "name",
                                   .value = std::string("a.pdf"), .hlc = good.front().hlc, .site = good.front().site});
  // A change stamped far in the future must not move B's clock if the batch is refused.
  Change future = good.back();
  future.hlc = Hlc::from_parts(static_cast<uint64_t>(kStart + kYears5), 0);
  good.push_back(future);

  const Change edit = *find_change(good, o.id, "content");
  struct Case {
    const char *what;
    Change bad;
    const char *field;
  };
  auto with = [&](auto change) {
    Change c = edit;
    change(c);
    return c;
  };
  const std::vector<Case> cases = {
      {"text in an integer column", with([&](Change &c) {
         c.table = "meetings";
         c.id = meeting->id;
         c.column = "attendance";
         c.value = std::string("nhiều");
       }),
       "value"},
      {"integer in a text column", with([](Change &c) { c.value = int64_t{7}; }), "value"},
      {"tombstone other than 0 or 1", with([](Change &c) {
         c.column = "_deleted";
         c.value = int64_t{2};
       }),
       "value"},
      {"invalid UTF-8 value", with([](Change &c) { c.value = std::string("ngập \xff\xfe nước"); }), "value"},
      {"truncated UTF-8 value", with([](Change &c) { c.value = std::string("ng\xe1\xba"); }), "value"},
      {"invalid UTF-8 id", with([](Change &c) { c.id = "id-\xc3"; }), "id"},
      {"invalid UTF-8 scope", with([](Change &c) { c.scope = "vn-75/\x80"; }), "scope"},
      {"zero hlc", with([](Change &c) { c.hlc = Hlc(); }), "hlc"},
      {"zero site", with([](Change &c) { c.site = 0; }), "site"},
      {"base after hlc", with([](Change &c) { c.base = Hlc(c.hlc.raw() + 1); }), "base"},
      {"bad table name", with([](Change &c) { c.table = "opinions; DROP TABLE units"; }), "table"},
      {"empty column", with([](Change &c) { c.column = ""; }), "column"},
      {"scope mismatch on an existing row", with([](Change &c) { c.scope = "vn-80"; }), "scope"},
  };
  const std::string before = test::hash_of(*b);
  const int64_t cursor_before = b->current_cursor();
  const Hlc hlc_before = b->last_hlc();
  for (const auto &tc : cases) {
    for (size_t at : {size_t{0}, good.size() / 2, good.size()}) {
      INFO(tc.what << " at position " << at);
      std::vector<Change> batch = good;
      batch.insert(batch.begin() + static_cast<std::ptrdiff_t>(at), tc.bad);
      auto r = b->apply_changes(batch, {.origin = "a", .detect_conflicts = true});
      REQUIRE_FALSE(r.ok());
      const std::string field = "changes[" + std::to_string(at) + "]." + tc.field;
      INFO(r.status().to_string());
      CHECK(r.status().code() == ErrorCode::invalid_argument);
      CHECK(r.status().field() == field);
      CHECK(r.status().message().find(field) != std::string::npos);
      CHECK(test::hash_of(*b) == before);
      CHECK(b->current_cursor() == cursor_before);
      CHECK(b->last_hlc() == hlc_before);
    }
  }
  CHECK(b->get_opinion(o.id)->content == "Đường ngập nước");
  CHECK(b->check_integrity().ok());

  // Without the bad change the batch goes in, and local writes continue normally.
  auto ok = b->apply_changes(good, {.origin = "a", .detect_conflicts = true});
  INFO(ok.status().to_string());
  REQUIRE(ok.ok());
  CHECK(b->get_opinion(o.id)->content == "Đã sửa");
  CHECK(b->current_cursor() > cursor_before);
  const int64_t after_apply = b->current_cursor();
  REQUIRE(b->update_opinion(o.id, {.assigned_department = std::string("Phòng TN-MT")}).ok());
  auto tail = b->export_changes(after_apply);
  REQUIRE(tail.ok());
  REQUIRE(tail->changes.size() == 1);
  CHECK(tail->changes[0].column == "assigned_department");
}
