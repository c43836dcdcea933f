// Reports checked against the generated demo data (the seed articles' figures),
// and read back from CSV and JSON.
#include <map>

#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("Cầu Kè preset reproduces the seed's figures", "[cli][report][demo]") {
  Workspace ws;
  const auto gen = ws.ok_json({"demo-data", "--preset", "cau-ke", "--seed", "7"});
  REQUIRE(gen["generated"].size() == 1);

  const auto r = ws.ok_json({"report", "--unit", "vn/84/cau-ke", "--from", "1/1/2024", "--to", "30/6/2024",
                             "--format", "json", "--today", "2024-12-31"});
  CHECK(r["title"] == "Huyện Cầu Kè");
  CHECK(r["meetings"] == 55);
  CHECK(r["attendance"] == 1146);
  CHECK(r["opinions"] == 252);
  CHECK(r["resolved"] == 252);
  CHECK(r["resolved_share"].get<double>() == Approx(1.0));
  CHECK(r["overdue"] == 0);
  CHECK(r["support_visits"] == 55);
  CHECK(r["gift_value_vnd"] == 26500000);
  REQUIRE(r["parts"].size() == 11);
  int64_t meetings = 0;
  for (const auto &p : r["parts"]) {
    CHECK(p["meetings"] == 5);
    meetings += p["meetings"].get<int64_t>();
  }
  CHECK(meetings == 55);
  // The running total the article prints: 288 households helped, 128.5 million VND.
  const auto total = ws.ok_json({"report", "--unit", "vn/84/cau-ke", "--today", "2024-12-31"});
  CHECK(total["support_visits"] == 288);
  CHECK(total["gift_value_vnd"] == 128500000);
  REQUIRE(r["meetings_by_kind"].size() == 1);
  CHECK(r["meetings_by_kind"][0]["key"] == "listen_monthly");

  // CSV: section,key,label,value; Vietnamese labels for the fields.
  const auto csv = ws.run({"report", "--unit", "huyen cau ke", "--from", "2024-01-01", "--to", "2024-06-30",
                           "--format", "csv", "--today", "2024-12-31"});
  REQUIRE(csv.code == 0);
  REQUIRE(csv.out.starts_with("\xEF\xBB\xBF"));  // the BOM: Excel reads the Vietnamese right
  const auto rows = ykien::cli_test::parse_csv(csv.out.substr(3));
  REQUIRE(rows.size() > 10);
  CHECK(rows[0] == std::vector<std::string>{"section", "key", "label", "value"});
  std::map<std::string, std::string> single;
  int64_t by_category = 0;
  bool infrastructure_label = false;
  for (const auto &row : rows) {
    REQUIRE(row.size() == 4);
    if (row[1].empty()) single[row[0]] = row[3];
    if (row[0] == "opinions_by_category") {
      by_category += std::stoll(row[3]);
      infrastructure_label = infrastructure_label || row[2] == "Hạ tầng nông thôn";
    }
  }
  CHECK(single["meetings"] == "55");
  CHECK(single["attendance"] == "1146");
  CHECK(single["opinions"] == "252");
  CHECK(single["gift_value_vnd"] == "26500000");
  CHECK(single["resolved_share"] == "1.0000");
  CHECK(by_category == 252);
  CHECK(infrastructure_label);

  const auto table = ws.run({"report", "--unit", "vn/84/cau-ke", "--from", "1/1/2024", "--to", "30/6/2024", "--today",
                             "2024-12-31"});
  REQUIRE(table.code == 0);
  CHECK(ws.run({"report", "--unit", "vn/84/cau-ke"}).out.find("128.500.000") != std::string::npos);
  CHECK(table.out.find("Nghe dân nói – Làm dân tin") != std::string::npos);
  CHECK(table.out.find("1.146") != std::string::npos);
  CHECK(table.out.find("26.500.000") != std::string::npos);
  CHECK(table.out.find("100,0 %") != std::string::npos);

  // From 1 July 2025 the district is gone (dissolved, its province merged into Vĩnh
  // Long): its report by today's units says so and how to see its figures, and does
  // not say it went into itself.
  const auto gone = ws.run({"report", "--unit", "vn/84/cau-ke", "--from", "1/1/2024", "--to", "30/6/2024", "--today",
                            "2025-12-31"});
  REQUIRE(gone.code == 0);
  CHECK(gone.err.find("Huyện Cầu Kè đã giải thể từ 2025-07-01") != std::string::npos);
  CHECK(gone.err.find("--tree then") != std::string::npos);
  CHECK(gone.err.find("nhập vào Huyện Cầu Kè") == std::string::npos);
}

TEST_CASE("Đồng Xoài and Núi Hồng presets reproduce their seeds", "[cli][report][demo]") {
  Workspace ws;
  ws.ok_json({"demo-data", "--preset", "dong-xoai"});
  ws.ok_json({"demo-data", "--preset", "nui-hong"});

  const auto r = ws.ok_json({"report", "--unit", "vn/70/dong-xoai", "--from", "2023-03-01", "--to", "2023-10-31"});
  CHECK(r["meetings"] == 11);
  CHECK(r["attendance"] == 748);
  CHECK(r["opinions"] == 106);
  std::map<std::string, int64_t> parts;
  for (const auto &p : r["parts"]) parts[p["name"].get<std::string>()] = p["meetings"].get<int64_t>();
  CHECK(parts["Phường Tân Phú"] == 5);
  CHECK(parts["Xã Tiến Hưng"] == 6);
  std::map<std::string, int64_t> categories;
  int64_t total = 0;
  for (const auto &c : r["opinions_by_category"]) {
    categories[c["key"].get<std::string>()] = c["count"].get<int64_t>();
    total += c["count"].get<int64_t>();
  }
  CHECK(total == 106);
  CHECK(categories.size() == 6);
  CHECK(categories.count("compensation_clearance") == 1);

  // The preset carries the 2025 successors: by today's units the same figures fall
  // under Tỉnh Đồng Nai's new wards.
  const auto now = ws.ok_json({"report", "--unit", "vn/75", "--from", "2023-03-01", "--to", "2023-10-31", "--today",
                               "2025-12-31", "--tree", "now"});
  CHECK(now["meetings"] == 11);
  CHECK(now["opinions"] == 106);
  std::map<std::string, int64_t> wards;
  for (const auto &p : now["parts"]) wards[p["name"].get<std::string>()] = p["meetings"].get<int64_t>();
  CHECK(wards == std::map<std::string, int64_t>{{"Phường Bình Phước", 6}, {"Phường Đồng Xoài", 5}});

  const auto n = ws.ok_json({"report", "--unit", "Xã Huy Thượng"});
  CHECK(n["opinions"] == 10);
  CHECK(n["resolved"] == 10);
  CHECK(n["satisfaction"][0]["key"] == "satisfied");
  CHECK(n["satisfaction"][0]["count"] == 10);
  const auto meetings = ws.ok_json({"meeting", "list", "--unit", "nui-hong"});
  REQUIRE(meetings["meetings"].size() == 1);
  CHECK(meetings["meetings"][0]["conclusion"] == "Thông báo kết luận số 80-TB/ĐU ngày 03/7/2024");

  // Outside the period: nothing.
  const auto before = ws.ok_json({"report", "--unit", "vn/70/dong-xoai", "--to", "2023-02-28"});
  CHECK(before["meetings"] == 0);

  // The same preset twice in one database is refused.
  const auto again = ws.run({"demo-data", "--preset", "nui-hong"});
  CHECK(again.code == 4);
}

TEST_CASE("demo data is deterministic for a seed", "[cli][demo]") {
  Workspace a, b;
  a.ok_json({"demo-data", "--preset", "nui-hong", "--seed", "42"});
  b.ok_json({"demo-data", "--preset", "nui-hong", "--seed", "42"});
  const auto la = a.ok_json({"opinion", "list"});
  const auto lb = b.ok_json({"opinion", "list"});
  REQUIRE(la["count"] == 10);
  REQUIRE(la["count"] == lb["count"]);
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(la["opinions"][i]["content"] == lb["opinions"][i]["content"]);
    CHECK(la["opinions"][i]["category"] == lb["opinions"][i]["category"]);
    CHECK(la["opinions"][i]["citizen_name"] == lb["opinions"][i]["citizen_name"]);
  }
}
