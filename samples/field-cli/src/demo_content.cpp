#include "demo_content.h"

#include <map>

namespace ykien::cli {
namespace {

using Lines = std::vector<std::string>;

const std::map<std::string, Lines> &opinion_texts() {
  static const std::map<std::string, Lines> texts = {
      {"security_order",
       {"Đề nghị tăng cường tuần tra ban đêm tại {p}, thời gian qua xảy ra trộm cắp vặt.",
        "Phản ánh tình trạng thanh thiếu niên tụ tập, chạy xe gây ồn ào vào buổi tối ở {p}.",
        "Đề nghị xử lý việc một số hộ kinh doanh lấn chiếm vỉa hè gây mất trật tự tại {p}."}},
      {"traffic_safety",
       {"Đề nghị lắp đèn tín hiệu và biển báo tại ngã ba đầu {p}, nhiều vụ va chạm giao thông.",
        "Phản ánh xe tải trọng lớn chạy qua đường nội bộ {p} làm hư hỏng mặt đường.",
        "Đề nghị lắp gờ giảm tốc trước cổng trường học thuộc {p}."}},
      {"land",
       {"Đề nghị hướng dẫn thủ tục cấp giấy chứng nhận quyền sử dụng đất cho các hộ ở {p}.",
        "Kiến nghị giải quyết tranh chấp ranh giới đất giữa hai hộ dân tại {p}.",
        "Đề nghị xem xét cho chuyển mục đích sử dụng đất nông nghiệp sang đất ở tại {p}."}},
      {"construction",
       {"Phản ánh tình trạng xây dựng nhà ở không phép tại {p}.",
        "Đề nghị kiểm tra công trình xây dựng lấn hành lang an toàn đường bộ ở {p}.",
        "Kiến nghị hướng dẫn thủ tục xin phép sửa chữa nhà ở cho người dân {p}."}},
      {"environment",
       {"Đề nghị thu gom rác thải thường xuyên hơn tại {p}, rác tồn đọng gây ô nhiễm.",
        "Phản ánh cơ sở chăn nuôi heo gây mùi hôi, ảnh hưởng các hộ dân xung quanh ở {p}.",
        "Đề nghị nạo vét mương thoát nước tại {p}, mùa mưa thường xuyên ngập úng."}},
      {"compensation_clearance",
       {"Kiến nghị xem xét lại đơn giá bồi thường khi giải phóng mặt bằng dự án qua {p}.",
        "Đề nghị sớm chi trả tiền bồi thường, hỗ trợ cho các hộ bị thu hồi đất ở {p}.",
        "Đề nghị bố trí tái định cư cho các hộ bị ảnh hưởng bởi dự án mở rộng đường tại {p}."}},
      {"economy",
       {"Đề nghị hỗ trợ vốn vay ưu đãi để người dân {p} phát triển chăn nuôi.",
        "Kiến nghị hỗ trợ giống cây trồng và hướng dẫn kỹ thuật canh tác cho {p}.",
        "Đề nghị hỗ trợ tìm đầu ra ổn định cho nông sản của bà con {p}."}},
      {"culture",
       {"Đề nghị sửa chữa nhà văn hóa {p} đã xuống cấp.",
        "Kiến nghị hỗ trợ trang phục, nhạc cụ cho đội văn nghệ {p}.",
        "Đề nghị tổ chức các hoạt động văn hóa, thể thao cho thanh niên {p}."}},
      {"social",
       {"Đề nghị xem xét hỗ trợ hộ nghèo, hộ cận nghèo tại {p} sửa chữa nhà ở.",
        "Kiến nghị giải quyết chế độ chính sách cho người có công ở {p}.",
        "Đề nghị hỗ trợ thẻ bảo hiểm y tế cho người cao tuổi khó khăn tại {p}."}},
      {"rural_infrastructure",
       {"Đề nghị đầu tư bê tông hóa tuyến đường nội đồng {p}.",
        "Kiến nghị sửa chữa cầu tạm qua kênh tại {p}, đi lại nguy hiểm.",
        "Đề nghị kéo điện sinh hoạt và nước sạch về các hộ cuối {p}."}},
      {"administrative_procedure",
       {"Phản ánh thời gian giải quyết hồ sơ chứng thực còn chậm, đề nghị cải thiện.",
        "Đề nghị hướng dẫn người dân {p} nộp hồ sơ trực tuyến trên Cổng dịch vụ công.",
        "Kiến nghị niêm yết công khai thủ tục hành chính tại nhà văn hóa {p}."}},
      {"other",
       {"Đề nghị lắp đặt thêm loa truyền thanh tại {p}.",
        "Kiến nghị tổ chức đối thoại định kỳ với người dân {p}.",
        "Đề nghị thông tin rõ hơn về kế hoạch phát triển của địa phương cho bà con {p}."}},
  };
  return texts;
}

const std::map<std::string, Lines> &answer_texts() {
  static const std::map<std::string, Lines> texts = {
      {"security_order", {"Công an sẽ tăng cường tuần tra, kiểm soát trong tháng tới.",
                          "Giao Công an và Ban điều hành khu dân cư phối hợp xử lý ngay."}},
      {"traffic_safety", {"Sẽ đề xuất lắp biển báo và gờ giảm tốc trong quý này.",
                          "Đã ghi nhận, giao bộ phận giao thông kiểm tra thực tế."}},
      {"land", {"Cán bộ địa chính sẽ hướng dẫn trực tiếp tại trụ sở, mang theo hồ sơ gốc.",
                "Sẽ tổ chức hòa giải tại cơ sở với sự tham gia của hai hộ."}},
      {"construction", {"Đã lập biên bản, yêu cầu tạm dừng thi công và làm thủ tục xin phép.",
                        "Bộ phận xây dựng sẽ kiểm tra và trả lời bằng văn bản."}},
      {"environment", {"Đã làm việc với đơn vị thu gom để tăng tần suất thu gom rác.",
                       "Sẽ kiểm tra cơ sở chăn nuôi và yêu cầu xử lý chất thải."}},
      {"compensation_clearance", {"Đơn giá được áp dụng theo quyết định của tỉnh; sẽ rà soát lại từng hộ.",
                                  "Tiền bồi thường sẽ được chi trả sau khi phê duyệt phương án."}},
      {"economy", {"Hội Nông dân sẽ hướng dẫn thủ tục vay vốn ưu đãi.",
                   "Sẽ phối hợp tổ chức lớp tập huấn kỹ thuật cho bà con."}},
      {"culture", {"Đã đưa vào kế hoạch sửa chữa nhà văn hóa năm nay.",
                   "Đoàn Thanh niên sẽ tổ chức giải thể thao cho thanh niên."}},
      {"social", {"Sẽ rà soát và đưa vào danh sách hỗ trợ theo quy định.",
                  "Bộ phận chính sách sẽ hướng dẫn hồ sơ hưởng chế độ."}},
      {"rural_infrastructure", {"Tuyến đường đã được đưa vào danh mục đầu tư, nhân dân cùng đóng góp ngày công.",
                                "Sẽ khảo sát và đề xuất kinh phí sửa chữa."}},
      {"administrative_procedure", {"Bộ phận một cửa sẽ rút ngắn thời gian trả kết quả.",
                                    "Tổ công nghệ số cộng đồng sẽ hướng dẫn tại nhà văn hóa."}},
      {"other", {"Đã tiếp thu, sẽ báo cáo cấp ủy xem xét.", "Đã giải thích, người dân thống nhất."}},
  };
  return texts;
}

std::string replace_place(std::string text, const std::string &place) {
  const auto pos = text.find("{p}");
  if (pos != std::string::npos) text.replace(pos, 3, place);
  return text;
}

}  // namespace

std::string demo_opinion_text(DemoRng &rng, const std::string &category, const std::string &place) {
  auto it = opinion_texts().find(category);
  if (it == opinion_texts().end()) it = opinion_texts().find("other");
  return replace_place(rng.pick(it->second), place);
}

std::string demo_answer_text(DemoRng &rng, const std::string &category) {
  auto it = answer_texts().find(category);
  if (it == answer_texts().end()) it = answer_texts().find("other");
  return rng.pick(it->second);
}

std::string demo_person_name(DemoRng &rng, bool highland) {
  static const Lines families = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ",
                                 "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"};
  static const Lines highland_families = {"Lò", "Cầm", "Hà", "Lường", "Quàng", "Đinh", "Vì", "Sa"};
  static const Lines givens = {"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan", "Long",
                               "Mai", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Xuân"};
  const bool woman = rng.chance(45);
  std::string middle = woman ? "Thị" : rng.pick(Lines{"Văn", "Hữu", "Minh", "Đức", "Thanh"});
  return rng.pick(highland ? highland_families : families) + " " + middle + " " + rng.pick(givens);
}

}  // namespace ykien::cli
