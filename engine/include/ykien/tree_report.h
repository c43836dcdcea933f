// A report that follows the units' history (issue 18, docs/units.md and
// docs/reports.md): Database::report's figures, each record counted where the tree
// of today — or, with `then`, of the record's own day — finds its unit.
#pragma once

#include "ykien/database.h"
#include "ykien/export.h"
#include "ykien/query.h"
#include "ykien/status.h"

namespace ykien {

// Without any unit history, Database::report's answer. Errors: those of
// Database::report (from, to, today), storage.
YKIEN_CXX_API Result<Report> report_by_tree(Database &db, ReportRequest request, bool then);

}  // namespace ykien
