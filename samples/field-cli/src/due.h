// What falls due: answers owed by a date (assigned opinions) and appointments
// to answer, within a number of days or already late, per department
// (opinion list --due N, remind).
#pragma once

#include <string>
#include <vector>

#include "context.h"
#include "ykien/database.h"

namespace ykien::cli {

struct DueItem {
  Opinion opinion;
  std::string kind;  // "due" (a due date) or "appointment"
  std::string when;  // the due day, or the appointment's time
  std::string place;  // of an appointment
  long days_left = 0;  // negative: late by that many days
};

struct DepartmentDue {
  std::string department;  // empty: not assigned to any
  std::vector<DueItem> items;  // the latest first, then the soonest due
};

// Open opinions (received, scheduled, assigned) of `filter` whose due date or
// appointment is at most `days` days after filter.today, or already past.
std::vector<DepartmentDue> due_by_department(const Database &db, OpinionFilter filter, int days);

// opinion list --due N: the lists, per department.
void print_due(Context &ctx, const OpinionFilter &filter, int days);

}  // namespace ykien::cli
