#include "ykien/json/changes_reader.h"

#include <array>
#include <string>

#include "json_scan.h"

namespace ykien::codec {
namespace {

// nlohmann's SAX events, turned into the envelope's values and the changes. A
// change's members are kept in eight slots (the keys the codec reads); any other
// key's value, however nested, is skipped. A row of "rows" (docs/protocol.md,
// "Rows") keeps its stamp's members in the same slots and its cells as changes
// with only a column and a value, completed from those members at its end.
class Sax final : public nlohmann::json_sax<Json> {
 public:
  Sax(Json &envelope, ChangesMember &changes) : envelope_(envelope), out_(changes) {}

  bool object_at_top() const { return object_at_top_; }

  bool null() override { return scalar(Json(nullptr)); }
  bool boolean(bool v) override { return scalar(Json(v)); }
  bool number_integer(number_integer_t v) override { return scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(Json(v)); }
  bool number_float(number_float_t v, const string_t &) override { return scalar(Json(v)); }
  bool string(string_t &v) override {
    // A cell's column or text value, the most frequent string: taken as it is, with
    // no JSON value made for it (what scalar() and cell() would do with one).
    if (skip_ == 0 && state_ == State::cells) {
      cell_text(std::move(v));
      return true;
    }
    // A change's or a row's member (a stamp, an id), the next most frequent: into the
    // JSON string its slot held for the last change, whose memory is swapped, not
    // allocated again.
    if (skip_ == 0 && slot_ != nullptr && (state_ == State::change || (state_ == State::row && !awaiting_cells_))) {
      Json &kept = keep_place();
      if (kept.is_string())
        kept.get_ref<std::string &>().swap(v);
      else
        kept = std::move(v);
      return true;
    }
    return scalar(Json(std::move(v)));
  }
  bool binary(binary_t &) override { return scalar(Json(nullptr)); }  // never from JSON text

  bool start_object(std::size_t) override { return open(Json::object()); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t &k) override {
    if (skip_ > 0) return true;
    if (state_ == State::change) {
      slot_ = members_.slot(k);
      return true;
    }
    if (state_ == State::row) {
      awaiting_cells_ = k == "cells";
      if (awaiting_cells_) {
        // The last "cells" wins, as in a parsed object.
        cells_ = Cells::absent;
        cells_count_ = 0;
        cells_error_ = Status::Ok();
        pending_.clear();
      }
      // A row's stamp and place, not a cell's column or value: those are in "cells".
      slot_ = awaiting_cells_ || k == "col" || k == "value" ? nullptr : members_.slot(k);
      return true;
    }
    if (stack_.size() == 1 && (k == "changes" || k == "rows")) {
      // The last "changes" (or "rows") wins, as in a parsed object; both are refused.
      const bool rows = k == "rows";
      (rows ? seen_rows_ : seen_changes_) = true;
      envelope_.erase(k);
      out_.array = false;
      out_.rows = rows;
      out_.both = seen_rows_ && seen_changes_;
      out_.changes.clear();
      out_.row_writes.clear();
      out_.error = Status::Ok();
      next_index_ = 0;
      copied_ = 0;
      expanded_ = 0;
      awaiting_changes_ = true;
    }
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override { return false; }

 private:
  enum class State { envelope, changes, change, rows, row, cells };
  enum class Cells { absent, array, not_array };

  bool scalar(Json v) {
    if (skip_ > 0) return true;
    awaiting_changes_ = false;
    switch (state_) {
      case State::change:
        if (slot_ != nullptr) keep(std::move(v));
        return true;
      case State::row:
        if (awaiting_cells_) {
          awaiting_cells_ = false;
          if (!v.is_null()) cells_ = Cells::not_array;  // null reads as absent (lenient)
        } else if (slot_ != nullptr) {
          keep(std::move(v));
        }
        return true;
      case State::cells:
        cell(std::move(v));
        return true;
      case State::changes:
      case State::rows:
        refuse_element();
        return true;
      case State::envelope:
        if (stack_.empty()) envelope_ = std::move(v);  // a document that is one scalar
        else add(std::move(v));
        return true;
    }
    return true;
  }

  bool open(Json empty) {
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    switch (state_) {
      case State::change:
        // A container where a member wants a scalar: kept as one so the member's
        // check refuses it; its contents do not matter.
        if (slot_ != nullptr) keep(Json::array());
        skip_ = 1;
        return true;
      case State::row:
        if (awaiting_cells_ && empty.is_array()) {
          awaiting_cells_ = false;
          cells_ = Cells::array;
          state_ = State::cells;
          return true;
        }
        if (awaiting_cells_) cells_ = Cells::not_array;
        else if (slot_ != nullptr) keep(Json::array());  // as for a change's member
        awaiting_cells_ = false;
        skip_ = 1;
        return true;
      case State::cells:
        refuse_cell(cells_count_++ % 2 == 0 ? kNotAColumn : kNotAValue);
        skip_ = 1;
        return true;
      case State::changes:
      case State::rows:
        if (empty.is_object()) {
          state_ = state_ == State::rows ? State::row : State::change;
          members_ = {};
          slot_ = nullptr;
          used_ = 0;
          awaiting_cells_ = false;
          cells_ = Cells::absent;
          cells_count_ = 0;
          cells_error_ = Status::Ok();
          pending_.clear();
        } else {
          refuse_element();
          skip_ = 1;
        }
        return true;
      case State::envelope:
        break;
    }
    if (awaiting_changes_ && empty.is_array()) {
      awaiting_changes_ = false;
      out_.array = true;
      state_ = out_.rows ? State::rows : State::changes;
      return true;
    }
    awaiting_changes_ = false;
    if (stack_.empty()) {
      object_at_top_ = empty.is_object();
      envelope_ = std::move(empty);
      stack_.push_back(&envelope_);
    } else {
      stack_.push_back(&add(std::move(empty)));
    }
    return true;
  }

  bool close() {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    switch (state_) {
      case State::change:
        finish_change();
        state_ = State::changes;
        return true;
      case State::row:
        finish_row();
        state_ = State::rows;
        return true;
      case State::cells:
        state_ = State::row;
        return true;
      case State::changes:
      case State::rows:
        state_ = State::envelope;
        return true;
      case State::envelope:
        stack_.pop_back();
        return true;
    }
    return true;
  }

  // Adds a value to the open envelope container; returns where it now lies.
  Json &add(Json v) {
    Json &top = *stack_.back();
    if (top.is_object()) return top[key_] = std::move(v);
    top.push_back(std::move(v));
    return top.back();
  }

  void keep(Json v) { keep_place() = std::move(v); }

  // Where the member named by slot_ keeps its value: a key given twice keeps its last
  // value, as in a parsed object.
  Json &keep_place() {
    for (size_t i = 0; i < used_; ++i)
      if (*slot_ == &values_[i]) return values_[i];
    *slot_ = &values_[used_];
    return values_[used_++];
  }

  void finish_change() {
    const size_t index = next_index_++;
    if (!out_.error.ok()) return;
    Change c;
    if (from_members(members_, "", Strictness::lenient, "", &c).ok()) {
      out_.changes.push_back(std::move(c));
      return;
    }
    // The field names of an error carry the change's index: made only on an error.
    out_.error = from_members(members_, "changes[" + std::to_string(index) + "].", Strictness::lenient, "", &c);
  }

  static constexpr const char *kNotAColumn = "must be a column name (a string, not empty)";
  static constexpr const char *kNotAValue = "must be null, a number or a string";

  // One item of a row's "cells": a column's name at even places, its value at odd ones.
  void cell(Json v) {
    if (v.is_string()) return cell_text(std::move(v.get_ref<std::string &>()));
    const size_t at = cells_count_++;
    if (!cells_error_.ok()) return;
    if (at % 2 == 0) return refuse_cell(kNotAColumn);
    static const std::string kUnnamed;  // the cell's name is made only on an error
    if (!from_json(v, kUnnamed, &pending_.back().value).ok())
      cells_error_ = from_json(v, cell_name(at), &pending_.back().value);
  }

  void cell_text(std::string &&text) {
    const size_t at = cells_count_++;
    if (!cells_error_.ok()) return;
    if (at % 2 != 0) {
      pending_.back().value = std::move(text);
      return;
    }
    if (text.empty()) return refuse_cell(kNotAColumn);
    if (expanded_ + pending_.size() >= kMaxRowsChanges) {
      cells_error_ = too_large("more than " + std::to_string(kMaxRowsChanges) + " changes");
      return;
    }
    pending_.emplace_back().column = std::move(text);
  }

  static Status too_large(const std::string &what) {
    return {ErrorCode::too_large, "rows that expand to " + what + " are refused", "rows"};
  }

  void refuse_cell(const char *reason) {
    if (cells_error_.ok()) cells_error_ = Status::Invalid(cell_name(cells_count_ - 1), reason);
  }

  std::string row_name() const { return "rows[" + std::to_string(next_index_) + "]"; }
  std::string cell_name(size_t at) const { return row_name() + ".cells[" + std::to_string(at) + "]"; }

  // A row's stamp and place, checked as a change's (from_members), then its cells.
  void finish_row() {
    if (out_.error.ok()) out_.error = check_row();
    ++next_index_;
    if (!out_.error.ok()) return;
    expanded_ += pending_.size();
    if (out_.keep_rows) {
      out_.row_writes.push_back({std::move(head_.table), std::move(head_.id), std::move(head_.scope), head_.hlc,
                                 head_.site, head_.base, std::move(pending_)});
      // Moved from: empty again, and room for a row like this one (rows of a batch
      // are alike; growing cell by cell cost a few moves of every cell).
      pending_.clear();
      pending_.reserve(out_.row_writes.back().cells.size());
      return;
    }
    for (CellWrite &cell : pending_)
      out_.changes.push_back({head_.table, head_.id, head_.scope, std::move(cell.column), std::move(cell.value),
                              head_.hlc, head_.site, head_.base});
  }

  Status check_row() {
    static const Json kColumn("-"), kValue;  // a cell's part, checked in cell()
    head_ = Change{};
    ChangeMembers m = members_;
    m.col = &kColumn;
    m.value = &kValue;
    if (!from_members(m, "", Strictness::lenient, "", &head_).ok())
      return from_members(m, row_name() + ".", Strictness::lenient, "", &head_);
    if (cells_ == Cells::absent) return Status::Invalid(row_name() + ".cells", "is missing");
    if (cells_ == Cells::not_array) return Status::Invalid(row_name() + ".cells", "must be an array");
    YKIEN_TRY(cells_error_);
    if (cells_count_ == 0) return Status::Invalid(row_name() + ".cells", "must not be empty");
    if (cells_count_ % 2 != 0)
      return Status::Invalid(row_name() + ".cells", "must hold pairs of a column and its value (an odd count)");
    const size_t copies = pending_.size() * (head_.table.size() + head_.id.size() + head_.scope.size());
    if (copies > kMaxRowsCopiedBytes - copied_)
      return too_large("more than " + std::to_string(kMaxRowsCopiedBytes >> 20) + " MiB of tables, ids and scopes");
    copied_ += copies;
    return {};
  }

  void refuse_element() {
    const size_t index = next_index_++;
    if (out_.error.ok())
      out_.error = Status::Invalid((out_.rows ? "rows[" : "changes[") + std::to_string(index) + "]",
                                   "must be a JSON object");
  }

  Json &envelope_;
  ChangesMember &out_;
  std::vector<Json *> stack_;  // the open envelope containers
  std::string key_;            // the envelope member whose value comes next
  bool object_at_top_ = false;
  bool awaiting_changes_ = false;
  bool seen_changes_ = false, seen_rows_ = false;
  State state_ = State::envelope;
  int skip_ = 0;  // depth inside a value being skipped
  // The change or row being read: its members point into values_.
  ChangeMembers members_;
  const Json **slot_ = nullptr;
  std::array<Json, 8> values_;
  size_t used_ = 0;
  size_t next_index_ = 0;
  // The row being read: its cells (column and value) and their first error.
  bool awaiting_cells_ = false;
  Cells cells_ = Cells::absent;
  size_t cells_count_ = 0;
  Status cells_error_;
  std::vector<CellWrite> pending_;
  Change head_;        // the row's checked stamp and place
  size_t copied_ = 0;  // bytes of tables, ids and scopes copied into the rows' changes
  size_t expanded_ = 0;  // changes the rows read so far expand to
};

}  // namespace

Status parse_with_changes(std::string_view text, Json *envelope, ChangesMember *changes) {
  const auto outcome = [&](bool parsed, const Sax &sax) -> Status {
    if (!parsed) return {ErrorCode::corrupt, "not valid JSON (or not valid UTF-8)"};
    if (!sax.object_at_top()) return {ErrorCode::corrupt, "not a JSON object"};
    return {};
  };
  const bool keep_rows = changes->keep_rows;
  *envelope = Json();
  *changes = ChangesMember{};
  changes->keep_rows = keep_rows;
  {
    Sax fast(*envelope, *changes);
    if (const ScanOutcome scanned = scan_json(text, fast); scanned != ScanOutcome::unsure)
      return outcome(scanned == ScanOutcome::done, fast);
  }
  // What the fast path leaves (json_scan.h) is read again from the start by nlohmann.
  *envelope = Json();
  *changes = ChangesMember{};
  changes->keep_rows = keep_rows;
  Sax sax(*envelope, *changes);
  return outcome(Json::sax_parse(text.begin(), text.end(), &sax), sax);
}

}  // namespace ykien::codec
