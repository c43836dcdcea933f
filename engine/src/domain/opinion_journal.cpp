// The opinion's journal: corrections, withdrawals, merges of duplicates and pairs
// marked distinct, each an entry of the append-only status history whose note is
// a small JSON object (docs/domain.md, "Journal"). They replicate as any history
// entry does and never conflict.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "ykien/followup.h"
#include "ykien/unit_tree.h"

namespace ykien {

namespace {

std::string note_of(const nlohmann::json &j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The fields a patch changes, each as [old, new].
nlohmann::json changed_fields(const Opinion &before, const Opinion &after) {
  nlohmann::json edit = nlohmann::json::object();
  auto text = [&](const char *name, const std::string &a, const std::string &b) {
    if (a != b) edit[name] = {a, b};
  };
  text("kind", before.kind, after.kind);
  text("category", before.category, after.category);
  text("content", before.content, after.content);
  text("citizen_name", before.citizen_name, after.citizen_name);
  text("citizen_contact", before.citizen_contact, after.citizen_contact);
  text("jurisdiction", before.jurisdiction, after.jurisdiction);
  text("escalated_to", before.escalated_to, after.escalated_to);
  text("assigned_department", before.assigned_department, after.assigned_department);
  text("due_date", before.due_date, after.due_date);
  text("satisfaction", before.satisfaction, after.satisfaction);
  text("raised_at", before.raised_at, after.raised_at);
  if (before.anonymous != after.anonymous) edit["anonymous"] = {before.anonymous, after.anonymous};
  return edit;
}

Status check_entry(const std::string &by, const std::string &at) {
  YKIEN_TRY(validate::optional_text("by", by, 200));
  if (!at.empty()) YKIEN_TRY(validate::date_time("at", at));
  return Status::Ok();
}

// Two records of one opinion were raised at one meeting (or one of them typed
// outside it), in one unit, and neither was taken back. One unit by the units of
// the later record's day: a tablet that still held a hamlet merged away recorded
// it there, the office under the hamlet it went into (docs/units.md).
Status check_same_opinion(Database::Impl &impl, const Row &kept, const Row &dropped) {
  const std::string kept_meeting = text_of(kept, "meeting_id"), dropped_meeting = text_of(dropped, "meeting_id");
  if (!kept_meeting.empty() && !dropped_meeting.empty() && kept_meeting != dropped_meeting)
    return Status::Invalid("drop", "was raised at another meeting: only records of one meeting are merged");
  // What was said to a denunciation is as confidential as its complainant: kept with
  // an ordinary opinion, it would show to whoever may read that one.
  if (int_of(kept, "confidential") != int_of(dropped, "confidential"))
    return Status::Invalid("drop", "is confidential and the other is not: only records alike are merged");
  if (text_of(kept, "unit_id") == text_of(dropped, "unit_id")) return Status::Ok();
  auto tree = unit_tree(*impl.replica);
  if (!tree) return tree.status();
  const std::string day = std::max(text_of(kept, "raised_at"), text_of(dropped, "raised_at")).substr(0, 10);
  if (tree->resolve(kept.scope, day) != tree->resolve(dropped.scope, day))
    return Status::Invalid("drop", "was raised in another unit: only records of one unit are merged");
  return Status::Ok();
}

}  // namespace

Result<Opinion> Database::edit_opinion(const std::string &id, const OpinionPatch &p, const std::string &by,
                                       const std::string &at) {
  YKIEN_TRY(check_entry(by, at));
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto before = get_opinion(id);
    if (!before) return before.status();
    auto after = update_opinion(id, p);
    if (!after) return after.status();
    nlohmann::json edit = changed_fields(*before, *after);
    if (edit.empty()) return Status::Invalid("patch", "changes nothing");
    if (after->confidential) {  // a complainant's identity stays out of the history
      for (const char *c : {"citizen_name", "citizen_contact"})
        if (edit.contains(c)) edit[c] = {"", ""};
    }
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    YKIEN_TRY(append_history(*impl_, *row, after->status, after->status, note_of({{"edit", edit}}), by, at));
    return after;
  });
}

Status Database::withdraw_opinion(const std::string &id, const std::string &reason, const std::string &by,
                                  const std::string &at) {
  YKIEN_TRY(validate::required_text("reason", reason, 5000));
  YKIEN_TRY(check_entry(by, at));
  return impl_->write_txn([&]() -> Status {
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    const std::string from = text_of(*row, "status");
    // The entry first: a replica accepts a status only with the entry that records it.
    YKIEN_TRY(append_history(*impl_, *row, from, "withdrawn", note_of({{"withdraw", reason}}), by, at));
    uint64_t mask = 0;
    put(*row, "status", std::string("withdrawn"), mask);
    put(*row, "_deleted", int64_t{1}, mask);
    return impl_->write_local(*row, mask);
  });
}

Result<Opinion> Database::merge_opinions(const std::string &keep, const std::string &drop, const std::string &by,
                                         const std::string &at) {
  YKIEN_TRY(check_entry(by, at));
  if (keep == drop) return Status::Invalid("drop", "is the opinion kept");
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto kept = impl_->load_live(opinions_table(), keep, "keep");
    if (!kept) return kept.status();
    auto dropped = impl_->load_live(opinions_table(), drop, "drop");
    if (!dropped) return dropped.status();
    YKIEN_TRY(check_same_opinion(*impl_, *kept, *dropped));
    const std::string kept_status = text_of(*kept, "status"), dropped_status = text_of(*dropped, "status");
    // The entry before the tombstone: a replica takes what names a row taken back
    // only if it was written before (authority.cpp), as for a withdrawal.
    YKIEN_TRY(append_history(*impl_, *dropped, dropped_status, dropped_status, note_of({{"merged_into", keep}}), by, at));
    uint64_t mask = 0;
    put(*dropped, "_deleted", int64_t{1}, mask);
    YKIEN_TRY(impl_->write_local(*dropped, mask));
    // The record kept goes as far as either went (one answered at the meeting, the
    // other only received): counted once, it must not count as less done. The
    // entry first: a replica accepts a status only with the entry that records it.
    const std::string status = followup::progress_step(dropped_status) > followup::progress_step(kept_status) ? dropped_status : kept_status;
    YKIEN_TRY(append_history(*impl_, *kept, kept_status, status, note_of({{"merged_from", drop}}), by, at));
    mask = 0;
    if (status != kept_status) put(*kept, "status", status, mask);
    const std::string dropped_satisfaction = text_of(*dropped, "satisfaction");
    if (text_of(*kept, "satisfaction") == "unknown" && dropped_satisfaction != "unknown" &&
        followup::check_satisfaction(dropped_satisfaction, status).ok())  // only with an answer
      put(*kept, "satisfaction", dropped_satisfaction, mask);
    if (mask) YKIEN_TRY(impl_->write_local(*kept, mask));
    return opinion_from(*kept);
  });
}

Status Database::mark_distinct(const std::string &a, const std::string &b, const std::string &by,
                               const std::string &at) {
  YKIEN_TRY(check_entry(by, at));
  if (a == b) return Status::Invalid("b", "is the same opinion");
  return impl_->write_txn([&]() -> Status {
    auto first = impl_->load_live(opinions_table(), a, "a");
    if (!first) return first.status();
    auto second = impl_->load_live(opinions_table(), b, "b");
    if (!second) return second.status();
    const std::string s1 = text_of(*first, "status"), s2 = text_of(*second, "status");
    YKIEN_TRY(append_history(*impl_, *first, s1, s1, note_of({{"distinct_from", b}}), by, at));
    return append_history(*impl_, *second, s2, s2, note_of({{"distinct_from", a}}), by, at);
  });
}

}  // namespace ykien
