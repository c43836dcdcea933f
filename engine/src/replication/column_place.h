// A change's column among its table's columns (schema), as its batch placed it.
#pragma once

#include "store/schema.h"
#include "ykien/change_batch.h"

namespace ykien {

// The index of `change`'s column in `table` (the schema's definition of its table),
// -1 when the table has no such column: the place its batch found, or looked up for
// a change seen alone.
int column_place(const schema::TableDef &table, const ChangeRef &change);

}  // namespace ykien
