// Attachments kept beside the database (docs/attachments.md): the same file stored
// once, only photos, PDFs and recordings accepted, nothing kept of a refused one, and
// the record replicated like any other row. Run as evidence/attach-* (CMakeLists.txt).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "support/temp_dir.h"
#include "ykien/database.h"
#include "ykien/replica.h"

using namespace ykien;

namespace {

template <typename T>
T must(Result<T> r, const char *what) {
  INFO(what << ": " << r.status().message());
  REQUIRE(r.ok());
  return std::move(*r);
}

// A JPEG's signature followed by `size` seeded random bytes: a "photo".
std::string photo(size_t size, uint32_t seed) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  std::mt19937 rng(seed);
  while (bytes.size() < size) bytes.push_back(static_cast<char>(rng() & 0xFF));
  return bytes;
}

void write_file(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Named blobs in a folder (not the partial-transfer folder nor temporary files).
size_t blob_files(const std::string &dir) {
  size_t n = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto &e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

struct Ward {
  Unit ward;
  Meeting meeting;
  Opinion opinion;
};

Ward make_ward(Database &db) {
  Ward w;
  auto province = must(db.create_unit({.code = "70", .name = "Tỉnh Bình Phước", .kind = "province"}), "province");
  w.ward = must(db.create_unit({.code = "tan-phu", .name = "Phường Tân Phú", .kind = "ward", .parent_id = province.id}),
                "ward");
  w.meeting = must(db.create_meeting({.unit_id = w.ward.id, .kind = "residential_saturday",
                                      .held_at = "2024-06-29 07:30", .attendance = 65}),
                   "meeting");
  w.opinion = must(db.record_opinion({.meeting_id = w.meeting.id, .kind = "opinion", .category = "rural_infrastructure",
                                      .content = "Đường hẻm 12 hư hỏng"}),
                   "opinion");
  return w;
}

}  // namespace

TEST_CASE("the same file attached twice is stored once", "[.][evidence-attach-dedup]") {
  test::TempDir dir;
  ManualClock clock(1'720'000'000'000);
  auto db = must(Database::open(dir.file("tablet.db"), {.clock = &clock}), "open");
  const Ward w = make_ward(*db);
  const std::string bytes = photo(300'000, 7);
  write_file(dir.file("bien-ban.jpg"), bytes);
  write_file(dir.file("copy.jpg"), bytes);

  int64_t last_done = 0, calls = 0;
  const Attachment first = must(
      db->add_attachment_file(dir.file("bien-ban.jpg"), {.meeting_id = w.meeting.id, .caption = "Biên bản hội nghị"},
                              [&](int64_t done, int64_t total) {
                                CHECK(total == static_cast<int64_t>(bytes.size()));
                                CHECK(done >= last_done);
                                last_done = done;
                                ++calls;
                                return true;
                              }),
      "attach");
  CHECK(calls > 0);
  CHECK(last_done == static_cast<int64_t>(bytes.size()));
  CHECK(first.media_type == "image/jpeg");
  CHECK(first.size == static_cast<int64_t>(bytes.size()));
  CHECK(first.scope == w.meeting.scope);
  CHECK(is_sha256_hex(first.sha256));
  CHECK(read_file(db->blobs().path(first.sha256)) == bytes);
  CHECK(db->blobs().dir() == dir.file("tablet.db") + ".blobs");

  // Again, from another copy, to the same meeting: the same attachment.
  const Attachment again = must(db->add_attachment_file(dir.file("copy.jpg"), {.meeting_id = w.meeting.id}), "again");
  CHECK(again.id == first.id);
  // To the opinion, from memory: another record, the same blob.
  const Attachment other = must(db->add_attachment_bytes(bytes, {.opinion_id = w.opinion.id}), "bytes");
  CHECK(other.id != first.id);
  CHECK(other.sha256 == first.sha256);
  CHECK(blob_files(db->blobs().dir()) == 1);
  CHECK(must(db->list_attachments(""), "list").size() == 2);
  CHECK(must(db->list_attachments("", w.opinion.id), "of opinion").size() == 1);
  CHECK(must(db->blobs().list(), "blobs").size() == 1);

  // Read back as a stream.
  auto reader = must(db->blobs().open(first.sha256), "open blob");
  std::string back;
  char buf[4096];
  for (;;) {
    const size_t n = must(reader->read(buf, sizeof buf), "read");
    if (n == 0) break;
    back.append(buf, n);
  }
  CHECK(back == bytes);

  // The record travels like any row; the blob is named by it.
  auto office = must(Database::open(dir.file("office.db"), {.clock = &clock}), "office");
  auto changes = must(db->export_changes(0), "export");
  must(office->apply_changes(changes.changes, {.origin = "tablet"}), "apply");
  auto there = must(office->list_attachments(""), "office list");
  REQUIRE(there.size() == 2);
  CHECK(there[0].sha256 == first.sha256);
  CHECK(!office->blobs().has(first.sha256));  // the file moves apart from the cells
  CHECK(must(office->state_hash(), "hash") == must(db->state_hash(), "hash"));
}

TEST_CASE("only photos, PDFs and recordings are attached, nothing is kept of a refusal", "[.][evidence-attach-media]") {
  test::TempDir dir;
  ManualClock clock(1'720'000'000'000);
  auto db = must(Database::open(dir.file("tablet.db"), {.clock = &clock}), "open");
  const Ward w = make_ward(*db);

  SECTION("each accepted kind is recognised from its first bytes") {
    const std::pair<std::string, std::string> kinds[] = {
        {"\xFF\xD8\xFF\xE1....Exif", "image/jpeg"},
        {std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16), "image/png"},
        {std::string("\0\0\0\x18" "ftypheic\0\0\0\0", 16), "image/heic"},
        {"%PDF-1.7\n%....", "application/pdf"},
        {"ID3\x04\0\0\0\0\0\0 mp3 ", "audio/mpeg"},
        {std::string("\0\0\0\x20" "ftypM4A \0\0\0\0", 16), "audio/mp4"},
        {"OggS\0\x02........", "audio/ogg"},
        {std::string("RIFF\x24\0\0\0WAVEfmt ", 16), "audio/wav"},
        {"#!AMR\n..........", "audio/amr"},
        {"fLaC\0\0\0\x22........", "audio/flac"},
    };
    for (const auto &[head, type] : kinds) {
      INFO(type);
      const Attachment a = must(db->add_attachment_bytes(head + "payload " + type, {.opinion_id = w.opinion.id}), "add");
      CHECK(a.media_type == type);
    }
  }

  SECTION("anything else is refused, naming the file, and leaves no blob") {
    const std::string others[] = {"Biên bản hội nghị (văn bản)", "PK\x03\x04 a zip or docx", "GIF89a......",
                                  std::string("MZ\x90\0 an executable", 18), ""};
    for (const auto &bytes : others) {
      auto r = db->add_attachment_bytes(bytes, {.opinion_id = w.opinion.id});
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == ErrorCode::invalid_argument);
      CHECK(r.status().field() == "file");
    }
    write_file(dir.file("notes.txt"), "Ghi chép cuộc họp");
    auto r = db->add_attachment_file(dir.file("notes.txt"), {.opinion_id = w.opinion.id});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "file");
    auto missing = db->add_attachment_file(dir.file("no-such.jpg"), {.opinion_id = w.opinion.id});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().field() == "file");
    CHECK(blob_files(db->blobs().dir()) == 0);
    CHECK(must(db->list_attachments(""), "list").empty());
  }

  SECTION("an attachment names exactly one record that exists") {
    const std::string bytes = photo(1000, 3);
    auto none = db->add_attachment_bytes(bytes, {});
    REQUIRE_FALSE(none.ok());
    CHECK(none.status().field() == "target");
    auto two = db->add_attachment_bytes(bytes, {.meeting_id = w.meeting.id, .opinion_id = w.opinion.id});
    REQUIRE_FALSE(two.ok());
    CHECK(two.status().field() == "target");
    auto unknown = db->add_attachment_bytes(bytes, {.visit_id = "01900000-0000-7000-8000-000000000000"});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.status().code() == ErrorCode::not_found);
    auto bad_caption = db->add_attachment_bytes(bytes, {.opinion_id = w.opinion.id, .caption = std::string(600, 'x')});
    REQUIRE_FALSE(bad_caption.ok());
    CHECK(bad_caption.status().field() == "caption");
    CHECK(blob_files(db->blobs().dir()) == 0);
  }

  SECTION("a cancelled copy keeps nothing") {
    write_file(dir.file("big.jpg"), photo(2'000'000, 5));
    auto r = db->add_attachment_file(dir.file("big.jpg"), {.opinion_id = w.opinion.id},
                                     [](int64_t, int64_t) { return false; });
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::cancelled);
    CHECK(blob_files(db->blobs().dir()) == 0);
    CHECK(must(db->list_attachments(""), "list").empty());
  }

  SECTION("a database in memory keeps no attachments") {
    auto mem = must(Database::open(":memory:", {.clock = &clock}), "memory");
    const Ward m = make_ward(*mem);
    auto r = mem->add_attachment_bytes(photo(100, 1), {.opinion_id = m.opinion.id});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::invalid_state);
  }
}

TEST_CASE("a resumable transfer names a blob only when its bytes hash to the name", "[.][evidence-attach-dedup]") {
  test::TempDir dir;
  BlobStore store(dir.file("blobs"));
  const std::string bytes = photo(100'000, 11);
  BlobStore source(dir.file("source"));
  const BlobInfo info = must(source.put_bytes(bytes), "source");
  // In chunks, a wrong offset refused without writing.
  REQUIRE(store.append_partial(info.sha256, 0, std::string_view(bytes).substr(0, 40'000)).ok());
  auto wrong = store.append_partial(info.sha256, 10, "x");
  CHECK(wrong.field() == "offset");
  CHECK(store.partial_size(info.sha256) == 40'000);
  REQUIRE(store.append_partial(info.sha256, 40'000, std::string_view(bytes).substr(40'000)).ok());
  CHECK(!store.has(info.sha256));
  CHECK(must(store.finish_partial(info.sha256), "finish").size == info.size);
  CHECK(store.has(info.sha256));
  CHECK(read_file(store.path(info.sha256)) == bytes);

  // Tampered bytes: dropped whole.
  const BlobInfo other = must(source.put_bytes(photo(5000, 12)), "other");
  std::string tampered = read_file(source.path(other.sha256));
  tampered[100] ^= 1;
  REQUIRE(store.append_partial(other.sha256, 0, tampered).ok());
  auto finished = store.finish_partial(other.sha256);
  REQUIRE_FALSE(finished.ok());
  CHECK(finished.status().code() == ErrorCode::corrupt);
  CHECK(!store.has(other.sha256));
  CHECK(store.partial_size(other.sha256) == 0);
}
