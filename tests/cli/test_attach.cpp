// attach add | list | get in the field app (docs/field-cli.md, docs/attachments.md).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

namespace {

void write_file(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string jpeg(size_t size) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  for (size_t i = 0; bytes.size() < size; ++i) bytes.push_back(static_cast<char>((i * 7919) & 0xFF));
  return bytes;
}

}  // namespace

TEST_CASE("a photo of the minutes is attached, listed and saved back", "[cli][attach]") {
  Workspace ws;
  const std::string meeting = ykien::cli_test::setup_meeting(ws);
  const std::string photo = ws.dir() + "/bien-ban.jpg";
  write_file(photo, jpeg(150'000));

  const auto added = ws.ok_json({"attach", "add", photo, "--caption", "Biên bản hội nghị"});
  CHECK(added["attachment"]["meeting_id"] == meeting);
  CHECK(added["attachment"]["media_type"] == "image/jpeg");
  CHECK(added["attachment"]["size"] == 150000);
  CHECK(added["attachment"]["held_here"] == true);
  const std::string hash = added["attachment"]["sha256"];

  // Again: the same attachment, one blob.
  CHECK(ws.ok_json({"attach", "add", photo, "--to", meeting})["attachment"]["id"] == added["attachment"]["id"]);
  const auto opinion = ws.ok_json({"opinion", "add", "--content", "Đường hẻm 12 hư hỏng", "--category", "10"});
  const std::string opinion_ref = opinion["opinion"]["ref"];
  ws.ok_json({"attach", "add", photo, "--to", opinion_ref, "--caption", "Ảnh đường hẻm"});

  const auto list = ws.ok_json({"attach", "list"});
  CHECK(list["count"] == 2);
  CHECK(ws.ok_json({"attach", "list", "--to", opinion_ref})["count"] == 1);
  const auto text = ws.run({"attach", "list"});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("Biên bản hội nghị") != std::string::npos);
  CHECK(text.out.find("Ảnh JPEG") != std::string::npos);
  CHECK(text.out.find("150 KB") != std::string::npos);
  const auto en = ws.run({"--lang", "en", "attach", "list"});
  CHECK(en.out.find("JPEG photo") != std::string::npos);

  const std::string out = ws.dir() + "/ra.jpg";
  ws.ok_json({"attach", "get", hash.substr(0, 12), "--output", out});
  CHECK(read_file(out) == read_file(photo));
}

TEST_CASE("an attachment that is not a photo, PDF or recording is refused in Vietnamese", "[cli][attach]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const std::string doc = ws.dir() + "/ghi-chu.txt";
  write_file(doc, "Ghi chép cuộc họp");
  const auto bad = ws.run({"attach", "add", doc});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("không phải ảnh (JPEG, PNG, HEIC), tệp PDF hay bản ghi âm") != std::string::npos);
  const auto en = ws.run({"--lang", "en", "attach", "add", doc});
  CHECK(en.code == 2);
  CHECK(en.err.find("is not a photo") != std::string::npos);
  const auto nowhere = ws.run({"attach", "add", doc, "--to", "zzzzzzzz"});
  CHECK(nowhere.code == 3);
  CHECK(ws.ok_json({"attach", "list"})["count"] == 0);
  const auto missing = ws.run({"attach", "get", "deadbeefdeadbeef", "--output", ws.dir() + "/x"});
  CHECK(missing.code == 3);
}
