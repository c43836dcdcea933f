// The likely-duplicate detector on labelled Vietnamese pairs: two records of one
// opinion at one meeting (two secretaries, a paper note typed later, with and
// without diacritics) and near misses (the same place or person, another request).
// Prints precision and recall; fails below the floor the docs promise.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "similarity.h"

using ykien::cli::likely_duplicate;
using ykien::cli::OpinionTraits;

namespace {

struct Pair {
  OpinionTraits a, b;
  bool duplicate;
};

const std::vector<Pair> kPairs = {
    // ---- Duplicates ----
    {{"Đề nghị lắp đèn chiếu sáng hẻm 12, đường Lê Duẩn", "rural_infrastructure", "Nguyễn Văn Hùng"},
     {"de nghi lap den chieu sang hem 12 duong Le Duan", "rural_infrastructure", "Nguyen Van Hung"}, true},
    {{"Chưa được cấp giấy chứng nhận quyền sử dụng đất", "land", ""},
     {"Chưa được cấp GCN quyền sử dụng đất cho hộ", "land", ""}, true},
    {{"Rác thải tồn đọng ở chợ, bốc mùi", "environment", ""},
     {"Rác tồn đọng ở khu chợ bốc mùi hôi", "environment", ""}, true},
    {{"Xe tải chạy quá tốc độ qua trường học", "traffic_safety", "Lê Thị Hạnh"},
     {"xe tai chay qua toc do doan truong hoc", "traffic_safety", "Le Thi Hanh"}, true},
    {{"Đường bê tông ấp 3 xuống cấp, đề nghị sửa chữa", "rural_infrastructure", ""},
     {"Đề nghị sửa chữa đường bê tông ấp 3 đã xuống cấp", "rural_infrastructure", ""}, true},
    {{"Tình trạng trộm cắp vặt gia tăng về đêm", "security_order", ""},
     {"Trộm cắp vặt gia tăng vào ban đêm", "security_order", ""}, true},
    {{"Cống thoát nước bị tắc gây ngập khi mưa", "environment", "Phạm Văn Nam"},
     {"Cống thoát nước tắc, mưa là ngập", "rural_infrastructure", "Phạm Văn Nam"}, true},
    {{"Hỗ trợ vốn vay cho hộ nghèo chăn nuôi bò", "economy", ""},
     {"Xin hỗ trợ vốn vay chăn nuôi bò cho hộ nghèo", "economy", ""}, true},
    {{"Bồi thường giải phóng mặt bằng dự án đường tránh chưa thỏa đáng", "compensation_clearance", ""},
     {"boi thuong GPMB du an duong tranh chua thoa dang", "compensation_clearance", ""}, true},
    {{"Lấn chiếm vỉa hè buôn bán trên đường Trần Hưng Đạo", "construction", ""},
     {"Lấn chiếm vỉa hè để buôn bán đường Trần Hưng Đạo", "security_order", ""}, true},
    {{"Thủ tục cấp đổi sổ hộ khẩu còn rườm rà", "administrative_procedure", ""},
     {"Thủ tục cấp đổi sổ hộ khẩu rườm rà", "administrative_procedure", ""}, true},
    {{"Nhà văn hóa ấp xuống cấp, dột mái", "culture", "Trần Văn Bảy"},
     {"nha van hoa ap bi dot mai xuong cap", "culture", "Tran Van Bay"}, true},
    {{"Đề nghị xây cầu bắc qua kênh Ba Cống", "rural_infrastructure", ""},
     {"Xây cầu qua kênh Ba Cống", "rural_infrastructure", ""}, true},
    {{"Tiếng ồn karaoke kéo dài đến khuya", "security_order", ""},
     {"Hát karaoke gây ồn đến khuya", "security_order", ""}, true},
    {{"Chế độ cho người có công chưa được chi trả", "social", "Võ Thị Lài"},
     {"Chưa được chi trả chế độ người có công", "social", "Võ Thị Lài"}, true},
    {{"Giá thu mua lúa thấp, thương lái ép giá", "economy", ""},
     {"Thương lái ép giá, giá lúa thấp", "economy", ""}, true},
    {{"Đèn tín hiệu giao thông ngã tư chợ bị hỏng", "traffic_safety", ""},
     {"Den tin hieu nga tu cho hong", "traffic_safety", ""}, true},
    {{"Nước sinh hoạt bị nhiễm phèn", "environment", ""},
     {"Nước sinh hoạt nhiễm phèn nặng", "environment", ""}, true},
    {{"Cấp phép xây dựng nhà ở chậm", "construction", "Đặng Văn Lợi"},
     {"Chậm cấp giấy phép xây dựng nhà ở", "construction", "Đặng Văn Lợi"}, true},
    {{"Xin hỗ trợ học bổng cho học sinh nghèo vượt khó", "social", ""},
     {"hoc bong cho hoc sinh ngheo vuot kho", "social", ""}, true},
    {{"Trạm y tế xã thiếu thuốc", "social", ""}, {"Trạm y tế xã thiếu thuốc điều trị", "social", ""}, true},
    {{"Tranh chấp ranh giới đất giữa hai hộ ông Tư và ông Năm", "land", ""},
     {"Tranh chấp ranh đất giữa hộ ông Tư và ông Năm", "land", ""}, true},
    // ---- Near misses ----
    {{"Đề nghị lắp đèn chiếu sáng hẻm 12", "rural_infrastructure", ""},
     {"Đề nghị sửa đường hẻm 15", "rural_infrastructure", ""}, false},
    {{"Chưa được cấp giấy chứng nhận quyền sử dụng đất", "land", ""},
     {"Tranh chấp ranh giới đất với hộ bên cạnh", "land", ""}, false},
    {{"Rác thải tồn đọng ở chợ", "environment", ""}, {"Khói bụi từ xưởng gỗ", "environment", ""}, false},
    {{"Xe tải chạy quá tốc độ qua trường học", "traffic_safety", ""},
     {"Thiếu biển báo giao thông trước trường học", "traffic_safety", ""}, false},
    {{"Đường bê tông ấp 3 xuống cấp", "rural_infrastructure", ""},
     {"Đường bê tông ấp 5 cần mở rộng", "rural_infrastructure", ""}, false},
    {{"Trộm cắp vặt gia tăng về đêm", "security_order", ""}, {"Thanh niên tụ tập đua xe về đêm", "security_order", ""}, false},
    {{"Hỗ trợ vốn vay chăn nuôi bò", "economy", "Lê Văn Tám"}, {"Hướng dẫn kỹ thuật trồng lúa", "economy", "Lê Văn Tám"}, false},
    {{"Bồi thường giải phóng mặt bằng chưa thỏa đáng", "compensation_clearance", ""},
     {"Chậm bố trí tái định cư cho hộ bị giải tỏa", "compensation_clearance", ""}, false},
    {{"Lấn chiếm vỉa hè buôn bán", "construction", ""}, {"Xây dựng nhà không phép", "construction", ""}, false},
    {{"Thủ tục cấp đổi sổ hộ khẩu rườm rà", "administrative_procedure", ""},
     {"Thủ tục đăng ký khai sinh mất nhiều thời gian", "administrative_procedure", ""}, false},
    {{"Nhà văn hóa ấp xuống cấp", "culture", ""}, {"Thiếu sân chơi cho trẻ em", "culture", ""}, false},
    {{"Xây cầu qua kênh Ba Cống", "rural_infrastructure", ""}, {"Nạo vét kênh Ba Cống", "rural_infrastructure", ""}, false},
    {{"Karaoke gây ồn đến khuya", "security_order", ""}, {"Chó thả rông cắn người", "security_order", ""}, false},
    {{"Chế độ người có công chưa chi trả", "social", ""}, {"Xét hộ nghèo chưa công bằng", "social", ""}, false},
    {{"Giá lúa thấp, thương lái ép giá", "economy", ""}, {"Giá phân bón tăng cao", "economy", ""}, false},
    {{"Đèn tín hiệu ngã tư chợ bị hỏng", "traffic_safety", ""}, {"Đèn đường ngã tư chợ không sáng", "rural_infrastructure", ""}, false},
    {{"Nước sinh hoạt nhiễm phèn", "environment", ""}, {"Nước thải chăn nuôi heo chảy ra kênh", "environment", ""}, false},
    {{"Cấp phép xây dựng nhà ở chậm", "construction", "Đặng Văn Lợi"}, {"Chậm cấp giấy chứng nhận đất", "land", "Đặng Văn Lợi"}, false},
    {{"Học bổng cho học sinh nghèo", "social", ""}, {"Trường học thiếu phòng học", "culture", ""}, false},
    {{"Trạm y tế xã thiếu thuốc", "social", ""}, {"Trạm y tế xã thiếu bác sĩ", "social", ""}, false},
    {{"Tranh chấp ranh đất giữa hộ ông Tư và ông Năm", "land", ""},
     {"Tranh chấp lối đi chung giữa hộ ông Tư và bà Sáu", "land", ""}, false},
    {{"Đề nghị lắp camera an ninh đầu hẻm 7", "security_order", ""}, {"Đề nghị lắp camera an ninh đầu hẻm 9", "security_order", ""}, false},
};

}  // namespace

TEST_CASE("the duplicate detector on labelled Vietnamese pairs", "[cli][duplicates]") {
  REQUIRE(kPairs.size() >= 40);
  int tp = 0, fp = 0, fn = 0, tn = 0;
  for (const auto &p : kPairs) {
    double score = 0;
    const bool flagged = likely_duplicate(p.a, p.b, &score);
    if (flagged != p.duplicate || std::getenv("YKIEN_DUPLICATES_VERBOSE")) {
      std::printf("  %s (%.2f): \"%s\" / \"%s\"\n",
                  flagged == p.duplicate ? "right" : (p.duplicate ? "missed" : "false alarm"), score,
                  p.a.content.c_str(), p.b.content.c_str());
    }
    (flagged ? (p.duplicate ? tp : fp) : (p.duplicate ? fn : tn))++;
    // Symmetric.
    CHECK(likely_duplicate(p.b, p.a) == flagged);
  }
  const double precision = tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp);
  const double recall = tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn);
  std::printf("BENCH duplicates_precision %.3f ratio\nBENCH duplicates_recall %.3f ratio\n", precision, recall);
  std::printf("duplicates: %d pairs, %d flagged right, %d false alarms, %d missed, %d told apart\n",
              static_cast<int>(kPairs.size()), tp, fp, fn, tn);
  CHECK(precision >= 0.85);
  CHECK(recall >= 0.8);
}
