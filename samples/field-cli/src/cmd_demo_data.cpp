// demo-data: realistic meetings and opinions shaped like the seed articles.
#include <memory>
#include <ostream>

#include "commands.h"
#include "demo_data.h"
#include "errors.h"
#include "i18n.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct DemoArgs {
  std::string preset = "all";
  std::string seed = "2023";
};

void demo_data(Context &ctx, const DemoArgs &a) {
  DemoOptions o;
  o.preset = fold(a.preset);
  bool known = false;
  for (const auto &p : demo_presets()) known = known || p == o.preset;
  if (!known) throw invalid_input("--preset", trf("error.unknown_choice", {a.preset}), tr("hint.preset"));
  o.seed = static_cast<uint64_t>(parse_count(a.seed, "--seed", 1'000'000'000'000LL));
  ctx.create_db();
  const auto parts = generate_demo(ctx.db(), o);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &p : parts) {
    arr.push_back({{"preset", p.preset},
                   {"name", p.name},
                   {"scope", p.scope},
                   {"meetings", p.meetings},
                   {"attendance", p.attendance},
                   {"opinions", p.opinions},
                   {"support_visits", p.support_visits},
                   {"gift_value_vnd", p.gift_value_vnd}});
  }
  ctx.emit({{"ok", true}, {"seed", o.seed}, {"generated", arr}}, [&](std::ostream &out) {
    out << trf("demo.done", {ctx.db_path}) << '\n';
    Table t({tr("col.unit"), tr("col.scope"), tr("col.meetings"), tr("col.attendance"), tr("col.opinions"),
             tr("col.gifts")});
    for (std::size_t c = 2; c <= 5; ++c) t.set_right(c);
    for (const auto &p : parts) {
      t.add_row({p.name, p.scope, std::to_string(p.meetings), std::to_string(p.attendance),
                 std::to_string(p.opinions), group_thousands(p.gift_value_vnd, thousands_sep())});
    }
    t.print(out);
    out << tr("demo.next") << '\n';
  });
}

}  // namespace

void add_demo_data_command(CLI::App &app, Context &ctx) {
  auto a = std::make_shared<DemoArgs>();
  CLI::App *cmd = add_command(app, "demo-data", "cmd.demo_data");
  cmd->add_option("--preset", a->preset, tr("opt.demo.preset"));
  cmd->add_option("--seed", a->seed, tr("opt.demo.seed"));
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { demo_data(ctx, *a); }; });
}

}  // namespace ykien::cli
