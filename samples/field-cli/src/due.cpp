#include "due.h"

#include <algorithm>
#include <map>
#include <ostream>

#include "choices.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {

std::vector<DepartmentDue> due_by_department(const Database &db, OpinionFilter filter, int days) {
  filter.text.clear();
  filter.overdue_only = false;
  filter.limit = 10'000'000;
  const std::string today = filter.today.empty() ? today_local() : filter.today;
  std::map<std::string, std::vector<DueItem>> by_department;
  for (const char *status : {"received", "scheduled", "assigned"}) {
    if (!filter.status.empty() && filter.status != status) continue;
    OpinionFilter f = filter;
    f.status = status;
    for (auto &o : take(db.list_opinions(f))) {
      std::vector<DueItem> items;
      if (!o.due_date.empty()) items.push_back({o, "due", o.due_date, "", days_between(today, o.due_date)});
      if (o.status == "scheduled") {
        for (const auto &r : take(db.list_responses(o.id))) {
          if (r.kind != "appointment") continue;
          items.push_back({o, "appointment", r.appointment_at, r.appointment_place,
                           days_between(today, r.appointment_at.substr(0, 10))});
        }
      }
      for (auto &item : items) {
        if (item.days_left <= days) by_department[o.assigned_department].push_back(std::move(item));
      }
    }
  }
  std::vector<DepartmentDue> out;
  for (auto &[department, items] : by_department) {
    std::stable_sort(items.begin(), items.end(),
                     [](const DueItem &a, const DueItem &b) { return a.days_left < b.days_left; });
    out.push_back({department, std::move(items)});
  }
  // Departments by name; opinions not assigned to any last.
  std::stable_sort(out.begin(), out.end(), [](const DepartmentDue &a, const DepartmentDue &b) {
    return !a.department.empty() && (b.department.empty() || a.department < b.department);
  });
  return out;
}

namespace {

std::string when_text(const DueItem &item) {
  if (item.days_left < 0) return trf("due.late", {std::to_string(-item.days_left)});
  if (item.days_left == 0) return tr("due.today");
  return trf("due.in_days", {std::to_string(item.days_left)});
}

}  // namespace

void print_due(Context &ctx, const OpinionFilter &filter, int days) {
  const auto groups = due_by_department(ctx.db(), filter, days);
  nlohmann::json arr = nlohmann::json::array();
  size_t total = 0, late = 0;
  for (const auto &g : groups) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto &item : g.items) {
      items.push_back({{"opinion", to_json(item.opinion)},
                       {"kind", item.kind},
                       {"when", item.when},
                       {"place", item.place},
                       {"days_left", item.days_left},
                       {"overdue", item.days_left < 0}});
      ++total;
      if (item.days_left < 0) ++late;
    }
    arr.push_back({{"department", g.department}, {"items", items}});
  }
  ctx.emit({{"ok", true}, {"days", days}, {"count", total}, {"overdue", late}, {"departments", arr}},
           [&](std::ostream &out) {
             if (groups.empty()) {
               out << trf("due.none", {std::to_string(days)}) << '\n';
               return;
             }
             for (const auto &g : groups) {
               out << (g.department.empty() ? tr("due.no_department") : g.department) << '\n';
               Table t({tr("col.ref"), tr("col.due_kind"), tr("col.due"), tr("col.due_left"), tr("col.content")});
               t.set_max_width(4, 56);
               for (const auto &item : g.items) {
                 t.add_row({short_id(item.opinion.id), tr("due.kind." + item.kind),
                            item.when + (item.place.empty() ? "" : ", " + item.place), when_text(item),
                            item.opinion.content});
               }
               t.print(out);
               out << '\n';
             }
             out << trf("due.summary", {std::to_string(total), std::to_string(late), std::to_string(days)}) << '\n';
           });
}

}  // namespace ykien::cli
