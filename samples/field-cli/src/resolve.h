// Finding the unit, meeting or opinion a user refers to on the command line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ykien/database.h"

namespace ykien::cli {

// Short reference shown in tables: the last 8 characters of a UUID.
std::string short_id(const std::string &id);
// Whether a ref typed by the user names `id`: the whole id, or at least 6 of its
// first or last characters.
bool id_matches(const std::string &id, std::string_view ref);

struct UnitNode {
  Unit unit;
  int depth = 0;
};
// Every unit, depth first, children by name.
std::vector<UnitNode> all_units(const Database &db);

// By id, scope ("vn/70/dong-xoai"), code or name when unique (diacritics ignored).
Unit resolve_unit(const Database &db, std::string_view ref, const std::string &option);
// By id or short id; empty = the current meeting (the last one opened here).
Meeting resolve_meeting(Database &db, std::string_view ref, const std::string &option);
// By id or short id.
Opinion resolve_opinion(const Database &db, std::string_view ref, const std::string &option);

// The meeting `meeting open` made current ("" when none).
std::string current_meeting_id(const Database &db);
void set_current_meeting_id(Database &db, const std::string &id);

}  // namespace ykien::cli
