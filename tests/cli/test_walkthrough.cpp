// Issue 16's "done when", through the CLI as a secretary types it, in Vietnamese and
// on the real clock (docs/field-cli.md, "Walkthrough"): Núi Hồng's dialogue (seed 002)
// recorded in the interactive mode, a wrong field corrected, synced through a local
// ykien-server with the progress bar, a refused change seen in `ykien status` and
// fixed, a duplicate from a second tablet merged, and a report whose figures are the
// article's — those of the `nui-hong` preset.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "server_runner.h"

using namespace ykien::cli_test;

namespace {

constexpr const char *kHuyThuong = "vn/14/phu-yen/huy-thuong";
constexpr const char *kNuiHong = "vn/14/phu-yen/huy-thuong/nui-hong";

const char *const kUnits =
    "code,name,kind,parent\nvn,Việt Nam,country,\n14,Tỉnh Sơn La,province,vn\n"
    "phu-yen,Huyện Phù Yên,district,vn/14\nhuy-thuong,Xã Huy Thượng,commune,vn/14/phu-yen\n"
    "nui-hong,Bản Núi Hồng,hamlet,vn/14/phu-yen/huy-thuong\n";

// The ten opinions as the secretary types them: content, citizen, field number,
// 1 = answered at the meeting, the answer, 1 = satisfied. The sixth is filed under
// culture (8) by mistake: it is social (9).
std::string meeting_script() {
  struct Line {
    const char *content, *citizen, *field, *answer;
  };
  const Line lines[] = {
      {"Đề nghị hỗ trợ giống ngô cho bà con", "Lò Văn Pấng", "7", "Xã sẽ hỗ trợ trong vụ tới"},
      {"Xin vay vốn ưu đãi để phát triển chăn nuôi", "Cầm Thị Xuân", "7", "Ngân hàng chính sách sẽ xét cho vay"},
      {"Nhà văn hóa bản thiếu loa đài", "Quàng Văn Ơn", "8", "Xã bố trí kinh phí mua sắm"},
      {"Đề nghị duy trì đội văn nghệ của bản", "Lường Thị Hoa", "8", "Xã hỗ trợ trang phục biểu diễn"},
      {"Hộ cận nghèo chưa được cấp thẻ bảo hiểm y tế", "Hà Văn Duẩn", "9", "Xã rà soát, cấp thẻ trong tháng"},
      {"Chế độ cho người cao tuổi chậm chi trả", "Lò Thị Ban", "8", "Đã chi trả đủ từ tháng 6"},
      {"Chưa được cấp giấy chứng nhận quyền sử dụng đất", "Cầm Văn Khiêm", "3", "Xã hướng dẫn hồ sơ cấp giấy"},
      {"Tranh chấp ranh giới đất nương giữa hai hộ", "Quàng Thị Lả", "3", "Tổ hòa giải bản giải quyết"},
      {"Đường vào bản xuống cấp, mùa mưa lầy lội", "Lò Văn Sương", "10", "Đường được đưa vào kế hoạch năm 2025"},
      {"Đề nghị kéo điện lưới về các hộ cuối bản", "Lường Văn Tiến", "10", "Điện lực huyện đã khảo sát"},
  };
  std::string script;
  for (const Line &l : lines) {
    script += std::string(l.content) + "\n" + l.citizen + "\n" + l.field + "\n1\n" + l.answer + "\n1\n";
  }
  return script + "\n";  // an empty content ends the meeting
}

// The figures of a report that the article gives (and the preset prints).
nlohmann::json article_figures(nlohmann::json report) {
  auto by_key = [](nlohmann::json list) {
    std::sort(list.begin(), list.end(), [](const auto &x, const auto &y) { return x["key"] < y["key"]; });
    return list;
  };
  return {{"meetings", report["meetings"]},
          {"meetings_by_kind", by_key(report["meetings_by_kind"])},
          {"attendance", report["attendance"]},
          {"opinions", report["opinions"]},
          {"opinions_by_category", by_key(report["opinions_by_category"])},
          {"opinions_by_status", by_key(report["opinions_by_status"])},
          {"resolved", report["resolved"]},
          {"resolved_share", report["resolved_share"]},
          {"satisfaction", by_key(report["satisfaction"])},
          {"overdue", report["overdue"]},
          {"escalated", report["escalated"]}};
}

std::string ref_of(const Workspace &ws, const std::string &content) {
  const auto list = ws.ok_json({"opinion", "list"});
  for (const auto &o : list["opinions"]) {
    if (o["content"] == content) return o["ref"];
  }
  FAIL("no opinion \"" << content << "\" in " << list.dump());
  return {};
}

}  // namespace

TEST_CASE("a secretary records Núi Hồng's dialogue and reports the article's figures", "[cli][walkthrough]") {
  Workspace preset, a, b;
  for (Workspace *ws : {&preset, &a, &b}) ws->use_real_clock();

  // The article's figures, as the seed preset prints them.
  REQUIRE(preset.run({"init"}).code == 0);
  REQUIRE(preset.run({"demo-data", "--preset", "nui-hong"}).code == 0);
  const auto expected = article_figures(preset.ok_json({"report", "--unit", kNuiHong}));

  // Two tablets of the commune.
  Server server(a.dir(), kUnits);
  for (const Workspace *ws : {&a, &b}) {
    REQUIRE(ws->run({"init"}).code == 0);
    const auto enrolled = ws->run({"enroll", "--server", server.url(), "--code", server.code(kHuyThuong)});
    INFO(enrolled.out << enrolled.err);
    REQUIRE(enrolled.code == 0);
    REQUIRE(ws->run({"sync"}).code == 0);
  }
  // The office then gives tablet A to Bản Núi Hồng's secretary: that hamlet only.
  const auto devices = nlohmann::json::parse(capture(server.admin() + " list-devices --json"), nullptr, false);
  REQUIRE(devices.is_array());
  const std::string site = a.ok_json({"status"})["site_id"];
  std::string device;
  for (const auto &d : devices) {
    if (d.value("site", "") == site) device = d.value("id", "");
  }
  REQUIRE_FALSE(device.empty());
  capture(server.admin() + " set-scopes " + device + " --unit " + kNuiHong);

  // At the dialogue, offline: the meeting, then its opinions in the interactive mode.
  const auto opened = a.run({"meeting", "open", "--kind", "3", "--hamlet", "ban nui hong", "--at",
                             "28/6/2024 8:00", "--place", "Nhà văn hóa Bản Núi Hồng", "--chair",
                             "Bí thư Đảng ủy xã Huy Thượng", "--attendance", "86"});
  INFO(opened.out << opened.err);
  REQUIRE(opened.code == 0);
  CHECK(opened.out.find("Đã mở hội nghị: Đối thoại với người đứng đầu – Bản Núi Hồng, 2024-06-28 08:00") !=
        std::string::npos);
  const auto recorded = a.run({"record"}, meeting_script());
  INFO(recorded.out << recorded.err);
  REQUIRE(recorded.code == 0);
  CHECK(std::count(recorded.out.begin(), recorded.out.end(), '\n') > 10);
  CHECK(recorded.out.find("✓ Đã ghi ") != std::string::npos);
  CHECK(recorded.out.find("Xã hội, chính sách · Đã trả lời · Hà Văn Duẩn") != std::string::npos);
  const auto listed = a.ok_json({"opinion", "list"});
  REQUIRE(listed["count"] == 10);
  // Typed years later, each opinion counts on the meeting's day.
  for (const auto &o : listed["opinions"]) CHECK(o["raised_at"] == "2024-06-28 08:00");

  // The mistake: the elderly's allowance is social policy, not culture.
  const std::string wrong = ref_of(a, "Chế độ cho người cao tuổi chậm chi trả");
  REQUIRE(a.run({"opinion", "edit", wrong, "--category", "xa hoi"}).code == 0);
  const auto shown = a.run({"opinion", "show", wrong});
  CHECK(shown.out.find("lĩnh vực: Văn hóa → Xã hội, chính sách") != std::string::npos);
  REQUIRE(a.run({"meeting", "close", "--at", "28/6/2024 11:00", "--conclusion",
                 "Thông báo kết luận số 80-TB/ĐU ngày 03/7/2024"})
              .code == 0);
  // After the dialogue, a gift the commune gave: recorded at the commune, which this
  // tablet no longer covers.
  REQUIRE(a.run({"visit", "add", "--household", "Hộ ông Lò Văn Pấng", "--value", "500.000", "--reason", "hộ nghèo",
                 "--no-meeting", "--unit", "xa huy thuong", "--at", "28/6/2024 14:00"})
              .code == 0);

  // Back at the commune office: sync with the bar; the gift is refused.
  const auto synced = a.run({"sync"}, "", {"YKIEN_PROGRESS=terminal"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.code == 0);
  CHECK(synced.err.find("Gửi lên [") != std::string::npos);
  CHECK(synced.err.find("100% ") != std::string::npos);
  CHECK(synced.err.find("Nhận về [") != std::string::npos);  // the pull has its total too
  CHECK(synced.out.find("Đồng bộ xong: gửi ") != std::string::npos);
  CHECK(synced.out.find("Máy chủ từ chối") != std::string::npos);

  // ykien status says what, why and what to do; the office gives the commune back.
  const auto status = a.run({"status"});
  INFO(status.out);
  CHECK(status.out.find("Thăm hỏi, tặng quà") != std::string::npos);
  CHECK(status.out.find("ngoài địa bàn của máy này") != std::string::npos);
  CHECK(status.out.find("văn phòng") != std::string::npos);
  // One line for the row refused whole, not one per field.
  CHECK(status.out.find("Thăm hỏi, tặng quà") == status.out.rfind("Thăm hỏi, tặng quà"));
  capture(server.admin() + " set-scopes " + device + " --unit " + kHuyThuong);
  REQUIRE(a.run({"sync"}).code == 0);
  CHECK(a.ok_json({"status"})["refused_changes"].empty());
  CHECK(a.ok_json({"status"})["pending_changes"] == 0);

  // A second secretary typed one opinion again, from paper, without diacritics.
  REQUIRE(b.run({"sync"}).code == 0);
  const std::string meeting = b.ok_json({"meeting", "list"})["meetings"][0]["ref"];
  REQUIRE(b.run({"opinion", "add", "--meeting", meeting, "--content", "Duong vao ban xuong cap, mua mua lay loi",
                 "--category", "10", "--citizen", "Lo Van Suong"})
              .code == 0);
  REQUIRE(b.run({"sync"}).code == 0);
  const auto pulled = a.run({"sync"});
  INFO(pulled.out << pulled.err);
  REQUIRE(pulled.code == 0);
  CHECK(pulled.out.find("ykien duplicates") != std::string::npos);
  const auto pairs = a.ok_json({"duplicates"});
  REQUIRE(pairs["count"] == 1);
  const std::string keep = ref_of(a, "Đường vào bản xuống cấp, mùa mưa lầy lội");
  const std::string drop = ref_of(a, "Duong vao ban xuong cap, mua mua lay loi");
  REQUIRE(a.run({"duplicates", "merge", keep, drop}).code == 0);
  REQUIRE(a.run({"sync"}).code == 0);
  REQUIRE(b.run({"sync"}).code == 0);

  // The report, on both tablets: the article's figures, in June 2024.
  for (const Workspace *ws : {&a, &b}) {
    const auto report = ws->ok_json({"report", "--unit", "ban nui hong", "--from", "1/6/2024", "--to", "30/6/2024"});
    CHECK(article_figures(report) == expected);
  }
  const auto printed = a.run({"report", "--unit", "ban nui hong", "--from", "1/6/2024", "--to", "30/6/2024"});
  INFO(printed.out);
  CHECK(printed.out.find("Số ý kiến, kiến nghị                      10") != std::string::npos);
  CHECK(printed.out.find("10 (100,0 %)") != std::string::npos);
  CHECK(printed.out.find("Hài lòng                    10") != std::string::npos);
  // The gift counts for the commune, once the server took it.
  CHECK(a.ok_json({"report", "--unit", kHuyThuong})["support_visits"] == 1);
}
