// Uses the installed C++ API (docs/cpp-api.md) through libykien: opens a database,
// records an opinion at a meeting and finds it again; a refusal is a Status.
#include <cstdio>
#include <string>

#include <ykien/database.h>
#if __has_include(<ykien/sync/protocol.h>)  // installed when the library has sync
#include <ykien/sync/protocol.h>
#define CONSUMER_HAS_SYNC 1
#endif

namespace {

int fail(const char *what, const ykien::Status &status) {
  std::fprintf(stderr, "%s: %s\n", what, status.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: consumer_cxx <database file>\n");
    return 2;
  }
  auto opened = ykien::Database::open(argv[1]);
  if (!opened) return fail("open", opened.status());
  ykien::Database &db = **opened;

  ykien::Unit hamlet;
  hamlet.code = "kp-3";
  hamlet.name = "Khu phố 3";
  hamlet.kind = "hamlet";
  auto unit = db.create_unit(hamlet);
  if (!unit) return fail("unit", unit.status());

  ykien::Meeting m;
  m.unit_id = unit->id;
  m.kind = "residential_saturday";
  m.held_at = "2024-06-29 07:30";
  auto meeting = db.create_meeting(m);
  if (!meeting) return fail("meeting", meeting.status());

  ykien::Opinion o;
  o.meeting_id = meeting->id;
  o.kind = "opinion";
  o.category = "land";
  o.content = "Đề nghị cấp sổ đỏ cho hộ ông Tư";
  auto recorded = db.record_opinion(o);
  if (!recorded) return fail("record", recorded.status());

  // Found without diacritics (the library's search, FTS5 inside).
  ykien::OpinionFilter filter;
  filter.text = "so do";
  auto found = db.list_opinions(filter);
  if (!found) return fail("search", found.status());
  if (found->size() != 1 || (*found)[0].id != recorded->id || (*found)[0].content != o.content) {
    std::fprintf(stderr, "search found %zu opinions, not the one recorded\n", found->size());
    return 1;
  }

  // Bad input is refused with a code and the field, not thrown.
  auto refused = db.record_opinion(ykien::Opinion{});
  if (refused || refused.status().code() != ykien::ErrorCode::invalid_argument) {
    std::fprintf(stderr, "an empty opinion was not refused as invalid_argument\n");
    return 1;
  }

#ifdef CONSUMER_HAS_SYNC
  // The sync side of the API is exported too.
  std::string health = ykien::sync::encode(ykien::sync::HealthReply{});
  if (health.find("\"status\"") == std::string::npos) {
    std::fprintf(stderr, "sync::encode gave %s\n", health.c_str());
    return 1;
  }
#endif
  std::printf("ykien C++ API: opinion %s recorded and found (%s)\n", recorded->id.c_str(),
              ykien::error_code_name(refused.status().code()));
  return 0;
}
