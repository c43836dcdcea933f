#include "resolve.h"

#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {

bool id_matches(const std::string &id, std::string_view ref) {
  if (ref.size() < 6 || ref.size() > id.size()) return id == ref;
  return id == ref || id.compare(id.size() - ref.size(), ref.size(), ref) == 0 ||
         id.compare(0, ref.size(), ref) == 0;
}

namespace {

constexpr const char *kCurrentMeetingKey = "cli.current_meeting";

CliError ambiguous(const std::string &option, std::string_view ref) {
  return CliError(kExitInvalidInput, trf("error.ambiguous", {arg_name(option), std::string(ref)}),
                  tr("hint.ambiguous"), option);
}

void walk(const Database &db, const std::string &parent, int depth, std::vector<UnitNode> &out) {
  auto children = take(db.list_units(parent));
  for (auto &u : children) {
    const std::string id = u.id;
    out.push_back({std::move(u), depth});
    walk(db, id, depth + 1, out);
  }
}

}  // namespace

std::string short_id(const std::string &id) {
  return id.size() > 8 ? id.substr(id.size() - 8) : id;
}

std::vector<UnitNode> all_units(const Database &db) {
  std::vector<UnitNode> out;
  walk(db, "", 0, out);
  return out;
}

Unit resolve_unit(const Database &db, std::string_view ref_in, const std::string &option) {
  const std::string ref = trim(ref_in);
  if (ref.empty()) throw invalid_input(option, tr("error.empty"), tr("hint.unit_ref"));
  if (ref.find('/') != std::string::npos) {
    auto r = db.find_unit_by_scope(ref);
    if (r.ok()) return std::move(r).value();
    if (r.status().code() != ErrorCode::not_found) check(r.status());
  }
  const std::string folded = fold(ref);
  std::vector<Unit> by_code, by_name, by_short_name;
  for (auto &node : all_units(db)) {
    if (node.unit.id == ref || node.unit.scope == ref) return node.unit;
    if (node.unit.code == ref) by_code.push_back(node.unit);
    const std::string name = fold(node.unit.name);
    if (name == folded) by_name.push_back(node.unit);
    // "cau ke" for "Huyện Cầu Kè": the name without its kind word.
    if (name.size() > folded.size() && name.ends_with(" " + folded)) by_short_name.push_back(node.unit);
  }
  if (by_code.size() == 1) return by_code.front();
  if (by_code.size() > 1 || by_name.size() > 1) throw ambiguous(option, ref);
  if (by_name.size() == 1) return by_name.front();
  if (by_short_name.size() > 1) throw ambiguous(option, ref);
  if (by_short_name.size() == 1) return by_short_name.front();
  throw CliError(kExitNotFound, trf("error.unit_not_found", {arg_name(option), ref}), tr("hint.unit_ref"), option);
}

std::string current_meeting_id(const Database &db) {
  auto r = db.get_setting(kCurrentMeetingKey);
  return r.ok() ? r.value() : std::string();
}

void set_current_meeting_id(Database &db, const std::string &id) {
  check(db.set_setting(kCurrentMeetingKey, id));
}

Meeting resolve_meeting(Database &db, std::string_view ref_in, const std::string &option) {
  std::string ref = trim(ref_in);
  if (ref.empty()) {
    ref = current_meeting_id(db);
    if (ref.empty()) {
      throw CliError(kExitInvalidInput, trf("error.no_current_meeting", {arg_name(option)}),
                     tr("hint.no_current_meeting"), option);
    }
  }
  if (ref.size() == 36) {
    auto r = db.get_meeting(ref);
    if (r.ok()) return std::move(r).value();
    if (r.status().code() != ErrorCode::not_found) check(r.status());
  }
  std::vector<Meeting> found;
  for (auto &m : take(db.list_meetings(""))) {
    if (id_matches(m.id, ref)) found.push_back(std::move(m));
  }
  if (found.size() > 1) throw ambiguous(option, ref);
  if (found.empty()) {
    throw CliError(kExitNotFound, trf("error.meeting_not_found", {arg_name(option), ref}), tr("hint.meeting_ref"),
                   option);
  }
  return std::move(found.front());
}

Opinion resolve_opinion(const Database &db, std::string_view ref_in, const std::string &option) {
  const std::string ref = trim(ref_in);
  if (ref.size() == 36) {
    auto r = db.get_opinion(ref);
    if (r.ok()) return std::move(r).value();
    if (r.status().code() != ErrorCode::not_found) check(r.status());
  }
  std::vector<Opinion> found;
  if (!ref.empty()) {
    OpinionFilter all;
    all.limit = 10'000'000;
    for (auto &o : take(db.list_opinions(all))) {
      if (id_matches(o.id, ref)) found.push_back(std::move(o));
    }
  }
  if (found.size() > 1) throw ambiguous(option, ref);
  if (found.empty()) {
    throw CliError(kExitNotFound, trf("error.opinion_not_found", {arg_name(option), ref}), tr("hint.opinion_ref"),
                   option);
  }
  return std::move(found.front());
}

}  // namespace ykien::cli
