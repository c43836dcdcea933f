// `ykien report --tree now|then` after units changed (issue 18, docs/units.md): the
// meeting recorded in Phường Tân Phú in 2024 counts under the ward it merged into
// by today's tree (the default), under Tân Phú by the tree of then; the totals are
// the same, and the merged ward names the old ward it covers.
#include <catch2/catch.hpp>

#include "cli_runner.h"
#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

using namespace ykien::cli_test;

namespace {

std::vector<std::string> part_names(const nlohmann::json &report) {
  std::vector<std::string> out;
  for (const auto &p : report["parts"]) out.push_back(p["name"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("report --tree: by today's units or those of the record's day", "[cli][report][units]") {
  Workspace ws;
  setup_meeting(ws);
  ws.ok_json({"unit", "add", "--name", "Phường Đồng Xoài", "--code", "dong-xoai", "--kind", "ward", "--parent", "70"});
  merge_units(ws, "70/tan-phu", "70/dong-xoai", "2025-07-01");
  const std::vector<std::string> year = {"report", "--unit", "70", "--from", "2024-01-01", "--today", "2025-12-31"};
  auto with = [&](const std::string &tree) {
    auto args = year;
    args.insert(args.end(), {"--tree", tree});
    return ws.ok_json(args);
  };
  const auto now = with("now"), then = with("then"), plain = ws.ok_json(year);
  CHECK(now["meetings"] == 1);
  CHECK(then["meetings"] == 1);
  CHECK(plain["meetings"] == 1);
  CHECK(part_names(now) == std::vector<std::string>{"Phường Đồng Xoài"});
  CHECK(part_names(then) == std::vector<std::string>{"Phường Tân Phú"});
  CHECK(part_names(plain) == std::vector<std::string>{"Phường Đồng Xoài"});
  REQUIRE(now["parts"][0]["covers"].size() == 1);
  CHECK(now["parts"][0]["covers"][0]["name"] == "Phường Tân Phú");
  CHECK(then["parts"][0]["covers"].empty());

  const auto shown = ws.run({"report", "--unit", "70", "--from", "2024-01-01", "--today", "2025-12-31"});
  REQUIRE(shown.code == 0);
  CHECK(shown.out.find("Phường Đồng Xoài gồm cả các đơn vị cũ: Phường Tân Phú") != std::string::npos);

  // The old ward's own report, by today's units, is the merged ward's: said, with
  // the way to the old ward's figures; not so by the tree of then, nor before the day.
  const std::vector<std::string> old_ward = {"report", "--unit", "70/tan-phu", "--today", "2025-12-31"};
  const auto gone = ws.run(old_ward);
  REQUIRE(gone.code == 0);
  CHECK(gone.err.find("Phường Tân Phú đã nhập vào Phường Đồng Xoài từ 2025-07-01") != std::string::npos);
  CHECK(gone.err.find("--tree then") != std::string::npos);
  CHECK(ws.ok_json({"report", "--unit", "70/tan-phu", "--today", "2025-12-31"})["note"].get<std::string>().find(
            "Phường Đồng Xoài") != std::string::npos);
  CHECK(ws.run({"report", "--unit", "70/tan-phu", "--today", "2025-12-31", "--tree", "then"}).err.empty());
  CHECK(ws.run({"report", "--unit", "70/tan-phu", "--today", "2025-06-30"}).err.empty());
  // Merged again later (Đồng Xoài into Bình Phước city): Tân Phú's rows are found in
  // the last one, and the note names it, not the ward gone in between.
  ws.ok_json({"unit", "add", "--name", "Thành phố Bình Phước", "--code", "tp-binh-phuoc", "--kind", "district",
              "--parent", "70"});
  merge_units(ws, "70/dong-xoai", "70/tp-binh-phuoc", "2025-09-01");
  CHECK(ws.run(old_ward).err.find("Phường Tân Phú đã nhập vào Thành phố Bình Phước từ 2025-07-01") != std::string::npos);

  auto args = year;
  args.insert(args.end(), {"--tree", "hom-qua"});
  const auto wrong = ws.run(args);
  CHECK(wrong.code != 0);
  CHECK(wrong.err.find("--tree") != std::string::npos);
}

TEST_CASE("a renamed unit's report is headed by its name of the report's day", "[cli][report][units]") {
  Workspace ws;
  setup_meeting(ws);
  {
    auto db = ykien::Database::open(ws.db());
    REQUIRE(db.ok());
    ykien::Replica &r = (*db)->replica();
    auto ward = r.find_unit_by_scope("70/tan-phu");
    REQUIRE(ward.ok());
    REQUIRE(ykien::record_unit_events(
                r, {{.kind = "rename", .unit_id = ward->id, .name = "Phường Tân Phú Mới", .effective_on = "2025-01-01"}})
                .ok());
  }
  const std::vector<std::string> base = {"report", "--unit", "70/tan-phu", "--from", "2024-01-01"};
  auto title = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ws.ok_json(args)["title"].get<std::string>();
  };
  // By today's tree, today's name; by the tree of then, the name on the period's last day.
  CHECK(title({"--today", "2025-06-01"}) == "Phường Tân Phú Mới");
  CHECK(title({"--today", "2025-06-01", "--tree", "then", "--to", "2024-12-31"}) == "Phường Tân Phú");
  CHECK(title({"--today", "2025-06-01", "--tree", "then", "--to", "2025-03-31"}) == "Phường Tân Phú Mới");
  CHECK(title({"--today", "2024-06-30"}) == "Phường Tân Phú");
}
