// ykien: the field command-line tool. See docs/field-cli.md.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <iostream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "context.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "parse_errors.h"

namespace ykien::cli {
namespace {

// The language must be known before the help texts are made, so it is read
// from the command line ahead of CLI11: "--lang en", "--lang=en", YKIEN_LANG.
void choose_language(int argc, char **argv) {
  std::string_view chosen;
  if (const char *env = std::getenv("YKIEN_LANG")) chosen = env;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--lang" && i + 1 < argc) chosen = argv[i + 1];
    if (a.starts_with("--lang=")) chosen = a.substr(7);
  }
  if (auto lang = parse_lang(chosen)) set_lang(*lang);
}

bool wants_json(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

void translate_help(CLI::App &app) {
  auto fmt = app.get_formatter();
  for (const char *label : {"Usage", "Options", "Positionals", "Subcommands", "OPTIONS", "SUBCOMMAND",
                            "SUBCOMMANDS", "REQUIRED", "TEXT", "INT", "UINT", "FLOAT", "Env"}) {
    fmt->label(label, tr(std::string("help.label.") + label));
  }
  fmt->column_width(34);
}

int report_error(const CliError &e, bool json) {
  if (json) {
    nlohmann::json j = {{"ok", false},
                        {"error",
                         {{"code", exit_code_name(e.exit_code)},
                          {"exit_code", e.exit_code},
                          {"field", e.field},
                          {"message", e.message},
                          {"hint", e.hint}}}};
    std::cout << dump_json(j) << '\n';
  } else {
    std::cerr << tr("error.prefix") << e.message << '\n';
    if (!e.hint.empty()) std::cerr << "→ " << e.hint << '\n';
  }
  return e.exit_code;
}

int run(int argc, char **argv) {
  choose_language(argc, argv);
  const bool json_early = wants_json(argc, argv);

  Context ctx;
  if (const char *db = std::getenv("YKIEN_DB"); db && *db) ctx.db_path = db;
  if (const char *user = std::getenv("YKIEN_USER")) ctx.user = user;
  // "Now" is the database's corrected clock, once there is a database.
  set_now_source([&ctx]() -> std::optional<std::string> {
    std::error_code ec;
    if (!std::filesystem::exists(ctx.db_path, ec)) return std::nullopt;
    return ctx.db().local_now();
  });

  CLI::App app(tr("app.description"), "ykien");
  translate_help(app);
  app.option_defaults()->group(tr("help.group.options"));
  app.set_help_flag("-h,--help", tr("help.flag"))->group(tr("help.group.options"));
  app.fallthrough();
  app.require_subcommand(1);
  app.footer(tr("app.footer"));

  std::string lang_text;
  app.add_option("--db", ctx.db_path, tr("opt.db"))->envname("YKIEN_DB");
  app.add_flag("--json", ctx.json, tr("opt.json"));
  app.add_option("--lang", lang_text, tr("opt.lang"))->envname("YKIEN_LANG");
  app.add_option("--user", ctx.user, tr("opt.user"))->envname("YKIEN_USER");
  app.add_flag_callback("--version", [] {
    std::cout << "ykien " << tr("app.version") << '\n';
    throw CLI::Success();
  }, tr("opt.version"));

  add_init_commands(app, ctx);
  add_unit_commands(app, ctx);
  add_meeting_commands(app, ctx);
  add_opinion_commands(app, ctx);
  add_report_command(app, ctx);
  add_conflict_commands(app, ctx);
  add_demo_data_command(app, ctx);
  add_sync_commands(app, ctx);
  add_bundle_commands(app, ctx);
  add_visit_commands(app, ctx);
  add_attach_commands(app, ctx);
  add_remind_command(app, ctx);
  add_duplicates_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::Success &) {
    return kExitOk;
  } catch (const CLI::ParseError &e) {
    return report_error(CliError(kExitUsage, trf("error.usage", {explain_parse_error(e, app)}), tr("hint.usage")),
                        json_early);
  } catch (const CliError &e) {
    return report_error(e, json_early);
  }
  if (!lang_text.empty() && !parse_lang(lang_text)) {
    return report_error(CliError(kExitUsage, trf("error.bad_lang", {lang_text}), tr("hint.bad_lang"), "--lang"),
                        ctx.json);
  }
  if (!ctx.action) {
    return report_error(CliError(kExitUsage, trf("error.usage", {""}), tr("hint.usage")), ctx.json);
  }
  try {
    ctx.action();
  } catch (const CliError &e) {
    return report_error(e, ctx.json);
  } catch (const std::exception &e) {
    return report_error(CliError(kExitInternal, trf("error.internal", {e.what()}), tr("hint.internal")),
                        ctx.json);
  }
  return kExitOk;
}

}  // namespace
}  // namespace ykien::cli

int main(int argc, char **argv) {
  try {
    return ykien::cli::run(argc, argv);
  } catch (const std::exception &e) {
    std::cerr << "ykien: " << e.what() << '\n';
    return ykien::cli::kExitInternal;
  }
}
