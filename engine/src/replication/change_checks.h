// Validation of a change received from any peer, before anything is applied: the
// checks every batch gets, whoever sent it (the write policy adds the rest,
// replication/authority.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/schema.h"
#include "ykien/status.h"

namespace ykien {

// Checks one change: names (never a replica's internal table), stamps, UTF-8 with
// no NUL, sizes, and the value's type for columns this version knows. The
// refusal's code is "invalid_change", its column the field at fault.
// `row`: its table, id and scope are those of a change that passed before (the cells
// of a row come together): not checked again, and its table as found then.
struct RowChecked {
  const schema::TableDef *table;  // null: a table this version does not know
};
std::optional<Refusal> check_change_form(const ChangeRef &change, size_t index, const RowChecked *row = nullptr);

// The same, as an error naming "changes[i].<field>".
Status check_change(const Change &change, size_t index);

// The error that stands for a batch's refusals: the first one's, naming
// "changes[i].<column>" (forbidden for policy and scope, invalid_argument else).
Status refusal_status(const Refusal &refusal, size_t count);

// JSON text of a value (for conflict records).
std::string value_to_json(const Value &v);

}  // namespace ykien
