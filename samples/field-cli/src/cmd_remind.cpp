// remind: the reminders an office would send, one per department, for the
// answers that fall due in the next days or are late (docs/field-cli.md).
#include <memory>
#include <ostream>

#include "commands.h"
#include "dates.h"
#include "due.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct RemindArgs {
  std::string days = "7", today, unit;
};

std::string item_line(const DueItem &item) {
  const std::string when =
      item.days_left < 0 ? trf("due.late", {std::to_string(-item.days_left)})
                         : (item.days_left == 0 ? tr("due.today") : trf("due.in_days", {std::to_string(item.days_left)}));
  const std::string what = item.kind == "appointment"
                               ? trf("remind.appointment", {item.when, item.place})
                               : trf("remind.due", {item.when});
  return "  - [" + short_id(item.opinion.id) + "] " + item.opinion.content + " — " + what + ", " + when;
}

void remind(Context &ctx, const RemindArgs &a) {
  Database &db = ctx.db();
  OpinionFilter f;
  if (!a.unit.empty()) f.scope = resolve_unit(db, a.unit, "--unit").scope;
  f.today = a.today.empty() ? today_local() : require_date(a.today, "--today");
  const int days = static_cast<int>(parse_count(a.days, "--days", 3650));
  const auto groups = due_by_department(db, f, days);
  nlohmann::json arr = nlohmann::json::array();
  std::string text;
  for (const auto &g : groups) {
    const std::string to = g.department.empty() ? tr("remind.to_office") : g.department;
    std::string message = trf("remind.header", {to}) + "\n";
    message += trf("remind.body", {std::to_string(g.items.size()), f.today}) + "\n";
    nlohmann::json refs = nlohmann::json::array();
    for (const auto &item : g.items) {
      message += item_line(item) + "\n";
      refs.push_back(short_id(item.opinion.id));
    }
    message += tr("remind.footer") + "\n";
    arr.push_back({{"to", g.department}, {"opinions", refs}, {"message", message}});
    text += message + "\n";
  }
  ctx.emit({{"ok", true}, {"today", f.today}, {"days", days}, {"reminders", arr}}, [&](std::ostream &out) {
    if (groups.empty()) {
      out << trf("due.none", {std::to_string(days)}) << '\n';
      return;
    }
    out << text;
  });
}

}  // namespace

void add_remind_command(CLI::App &app, Context &ctx) {
  auto a = std::make_shared<RemindArgs>();
  CLI::App *cmd = add_command(app, "remind", "cmd.remind");
  cmd->add_option("--days", a->days, tr("opt.remind.days"));
  cmd->add_option("--today", a->today, tr("opt.filter.today"));
  cmd->add_option("--unit,--hamlet", a->unit, tr("opt.filter.unit"));
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { remind(ctx, *a); }; });
}

}  // namespace ykien::cli
