// init: create the device database; status: what this device holds.
#include <ostream>

#include "commands.h"
#include "errors.h"
#include "i18n.h"
#include "record_names.h"
#include "records_json.h"
#include "refused.h"
#include "resolve.h"
#include "sync_pending.h"
#include "ykien/hlc.h"

namespace ykien::cli {

void add_init_commands(CLI::App &app, Context &ctx) {
  CLI::App *init = add_command(app, "init", "cmd.init");
  init->callback([&ctx] {
    ctx.action = [&ctx] {
      const bool created = ctx.create_db();
      Database &db = ctx.db();
      const std::string site = site_to_string(db.site_id());
      nlohmann::json j = {{"ok", true},
                          {"created", created},
                          {"db", ctx.db_path},
                          {"site_id", site},
                          {"schema_version", db.schema_version()}};
      ctx.emit(j, [&](std::ostream &out) {
        out << trf(created ? "init.created" : "init.exists", {ctx.db_path}) << '\n';
        out << trf("init.site", {site}) << '\n';
        out << tr("init.next") << '\n';
      });
    };
  });

  CLI::App *status = add_command(app, "status", "cmd.status");
  status->callback([&ctx] {
    ctx.action = [&ctx] {
      Database &db = ctx.db();
      const std::string site = site_to_string(db.site_id());
      const auto units = all_units(db);
      const auto meetings = take(db.list_meetings(""));
      OpinionFilter all;
      all.limit = 10'000'000;
      const auto opinions = take(db.list_opinions(all));
      const auto conflicts = take(db.list_conflicts(true));
      const std::string server = take(db.get_setting("cli.sync.server"));
      const std::string last_sync = take(db.get_setting("cli.sync.last_at"));
      const std::string current = current_meeting_id(db);
      const int64_t pending = pending_changes(db);
      const auto refused = refused_entries(db);
      nlohmann::json rj = nlohmann::json::array();
      for (const auto &e : refused) {
        rj.push_back({{"table", e.table}, {"id", e.id}, {"ref", short_id(e.id)}, {"column", e.column},
                      {"code", e.code}, {"what", e.view.what}, {"reason", e.view.reason}, {"fix", e.view.fix},
                      {"corrected", e.view.corrected}});
      }
      nlohmann::json cj = nlohmann::json::array();
      for (const auto &c : conflicts) cj.push_back(to_json(c));
      nlohmann::json j = {{"ok", true},
                          {"db", ctx.db_path},
                          {"site_id", site},
                          {"schema_version", db.schema_version()},
                          {"units", units.size()},
                          {"meetings", meetings.size()},
                          {"opinions", opinions.size()},
                          {"open_conflicts", conflicts.size()},
                          {"conflicts", cj},
                          {"pending_changes", pending},
                          {"refused_changes", rj},
                          {"current_meeting", current},
                          {"last_change", db.last_hlc().to_string()},
                          {"sync", {{"server", server}, {"enrolled", !server.empty()}, {"last_sync", last_sync}}}};
      ctx.emit(j, [&](std::ostream &out) {
        out << trf("status.db", {ctx.db_path}) << '\n'
            << trf("status.site", {site}) << '\n'
            << trf("status.counts", {std::to_string(units.size()), std::to_string(meetings.size()),
                                     std::to_string(opinions.size())})
            << '\n';
        if (!current.empty()) out << trf("status.current_meeting", {short_id(current)}) << '\n';
        if (server.empty()) {
          out << tr("status.not_enrolled") << '\n';
        } else {
          out << trf("status.enrolled", {server, last_sync.empty() ? tr("status.never") : last_sync}) << '\n';
        }
        out << trf("status.pending", {std::to_string(pending)}) << '\n';
        out << trf("status.refused", {std::to_string(refused.size())}) << '\n';
        std::vector<RefusedView> views;
        for (const auto &e : refused) views.push_back(e.view);
        for (const auto &v : distinct(views)) {
          out << "  - " << v.what << ": " << v.reason << '\n';
          out << "    → " << (v.corrected ? tr("status.refused_corrected") : v.fix) << '\n';
        }
        out << trf("status.conflicts", {std::to_string(conflicts.size())}) << '\n';
        for (const auto &c : conflicts) {
          out << "  - " << short_id(c.id) << "  " << conflict_subject(c) << '\n';
        }
        if (!conflicts.empty()) out << "    → " << tr("status.conflicts_fix") << '\n';
      });
    };
  });
}

}  // namespace ykien::cli
