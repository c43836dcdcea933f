// bundle export|import: sync by file where there is no network (docs/bundle-format.md).
// Built only when the sync library is present.
#include <memory>
#include <ostream>

#include "commands.h"
#include "engine_reasons.h"
#include "errors.h"
#include "i18n.h"
#include "text.h"

#if YKIEN_CLI_HAVE_SYNC
#include <unistd.h>

#include <iostream>

#include "ykien/sync/bundle.h"
#endif

namespace ykien::cli {
namespace {

struct BundleArgs {
  std::string peer, file, as;
};

#if YKIEN_CLI_HAVE_SYNC

// The bundle's own errors in the user's words; the rest as every command reports them.
CliError bundle_error(const Status &s, const std::string &file) {
  switch (s.code()) {
    case ErrorCode::not_found:
      return CliError(kExitNotFound, trf("bundle.error.no_file", {file}), tr("bundle.hint.no_file"), "FILE");
    case ErrorCode::corrupt:
      return CliError(kExitInvalidInput, trf("bundle.error.damaged", {localized_reason(s.message())}), tr("bundle.hint.damaged"),
                      "FILE");
    case ErrorCode::too_large:
      return CliError(kExitInvalidInput, trf("bundle.error.damaged", {localized_reason(s.message())}), tr("bundle.hint.damaged"),
                      "FILE");
    case ErrorCode::unsupported_version:
      return CliError(kExitInvalidInput, trf("bundle.error.version", {localized_reason(s.message())}), tr("hint.unsupported_version"),
                      "FILE");
    case ErrorCode::bad_signature:  // the file's signer, not this device's key with a server
      return CliError(kExitInvalidInput, trf("bundle.error.signature", {localized_reason(s.message())}),
                      tr("bundle.hint.signature"), "FILE");
    case ErrorCode::clock_drift:  // the file's stamps, not a sync: not error.clock_drift
      return CliError(kExitInvalidInput, trf("bundle.error.clock_drift", {localized_reason(s.message())}),
                      tr("bundle.hint.clock_drift"), "FILE");
    case ErrorCode::invalid_argument:
      if (s.field() == "for") {
        return CliError(kExitInvalidInput, trf("bundle.error.not_for_us", {localized_reason(s.message())}), tr("bundle.hint.not_for_us"),
                        "FILE");
      }
      if (s.field() == "name" || s.field() == "self") return from_status(Status::Invalid("--as", s.message()));
      break;
    case ErrorCode::storage:
      // The bundle's file (a folder that is not there, a full or read-only stick),
      // not the database.
      if (s.field() == "file")
        return CliError(kExitStorage, trf("bundle.error.file", {file, localized_reason(s.message())}), tr("bundle.hint.file"), "FILE");
      break;
    default:
      break;
  }
  return from_status(s);
}

sync::BundleProgressFn progress_line(const Context &ctx) {
  const bool tty = !ctx.json && isatty(2);
  if (!tty) return {};
  return [](const sync::BundleProgress &p) {
    std::cerr << '\r'
              << trf("bundle.progress", {tr("bundle.phase." + p.phase), std::to_string(p.done),
                                         p.total > 0 ? std::to_string(p.total) : std::string("?")})
              << "   " << std::flush;
  };
}

void end_progress(const Context &ctx) {
  if (!ctx.json && isatty(2)) std::cerr << '\n';
}

// --as is kept as this database's bundle name once the bundle is made or taken:
// checked first, saved after, so that a refused command changes nothing.
void check_name(const BundleArgs &a) {
  if (trim(a.as).empty()) return;
  Status st = sync::check_peer_name(trim(a.as), "name");
  if (!st.ok()) throw bundle_error(Status::Invalid("--as", st.message()), a.file);
}

void set_name(Database &db, const BundleArgs &a) {
  if (trim(a.as).empty()) return;
  Status st = sync::set_bundle_name(db, trim(a.as));
  if (!st.ok()) throw bundle_error(Status::Invalid("--as", st.message()), a.file);
}

void run_export(Context &ctx, const BundleArgs &a) {
  require_option(a.peer, "--for");
  require_option(a.file, "FILE");
  Database &db = ctx.db();
  check_name(a);
  sync::BundleExportOptions o;
  o.self = trim(a.as);  // empty: the name kept before
  o.on_progress = progress_line(ctx);
  o.key_store = sync::file_key_store_beside(ctx.db_path);  // the signing secret, as `ykien sync` keeps it
  auto r = sync::export_bundle(db, trim(a.peer), a.file, o);
  end_progress(ctx);
  if (!r.ok()) {
    if (r.status().field() == "for") throw invalid_input("--for", localized_reason(r.status().message()));
    throw bundle_error(r.status(), a.file);
  }
  set_name(db, a);
  const auto &m = r->manifest;
  ctx.emit({{"ok", true},
            {"file", a.file},
            {"for", m.for_peer},
            {"from", m.exporter},
            {"changes", m.changes},
            {"bytes", r->file_bytes},
            {"restamped", r->restamped},
            {"cursors", {{"from", m.from_cursor}, {"to", m.to_cursor}, {"received", m.received_cursor}}}},
           [&](std::ostream &out) {
             if (r->restamped > 0) out << trf("bundle.restamped", {std::to_string(r->restamped)}) << '\n';
             out << trf("bundle.exported", {m.for_peer, std::to_string(m.changes), std::to_string(r->file_bytes),
                                            a.file})
                 << '\n';
             out << trf("bundle.exported_next", {m.for_peer, a.file}) << '\n';
           });
}

void run_import(Context &ctx, const BundleArgs &a) {
  require_option(a.file, "FILE");
  Database &db = ctx.db();
  check_name(a);
  sync::BundleImportOptions o;
  if (!trim(a.as).empty()) {
    auto names = sync::bundle_names(db);
    if (!names.ok()) throw bundle_error(names.status(), a.file);
    o.self_names = std::move(*names);
    o.self_names.push_back(trim(a.as));
  }
  o.on_progress = progress_line(ctx);
  auto r = sync::import_bundle(db, a.file, o);
  end_progress(ctx);
  if (!r.ok()) throw bundle_error(r.status(), a.file);
  set_name(db, a);
  ctx.emit({{"ok", true},
            {"file", a.file},
            {"from", r->peer},
            {"for", r->manifest.for_peer},
            {"changes", r->manifest.changes},
            {"applied", r->applied},
            {"ignored", r->ignored},
            {"conflicts", r->conflicts},
            {"outside", r->outside},
            {"in_sequence", r->in_sequence}},
           [&](std::ostream &out) {
             out << trf("bundle.imported", {r->peer, std::to_string(r->applied), std::to_string(r->ignored)}) << '\n';
             if (r->conflicts > 0) out << trf("sync.conflicts", {std::to_string(r->conflicts)}) << '\n';
             if (r->outside > 0) out << trf("bundle.outside", {std::to_string(r->outside)}) << '\n';
             if (!r->in_sequence) out << trf("bundle.gap", {r->peer}) << '\n';
             out << trf("bundle.imported_next", {r->peer}) << '\n';
           });
}

#else

[[noreturn]] void unavailable() {
  throw CliError(kExitUnavailable, tr("error.sync_unavailable"), tr("hint.sync_unavailable"));
}
void run_export(Context &, const BundleArgs &) { unavailable(); }
void run_import(Context &, const BundleArgs &) { unavailable(); }

#endif

}  // namespace

void add_bundle_commands(CLI::App &app, Context &ctx) {
  CLI::App *bundle = add_command(app, "bundle", "cmd.bundle");
  bundle->require_subcommand(1);

  auto e = std::make_shared<BundleArgs>();
  CLI::App *ex = add_command(*bundle, "export", "cmd.bundle.export");
  ex->add_option("--for", e->peer, tr("opt.bundle.for"));
  ex->add_option("FILE", e->file, tr("opt.bundle.file_out"));
  ex->add_option("--as", e->as, tr("opt.bundle.as"));
  ex->callback([&ctx, e] { ctx.action = [&ctx, e] { run_export(ctx, *e); }; });

  auto i = std::make_shared<BundleArgs>();
  CLI::App *im = add_command(*bundle, "import", "cmd.bundle.import");
  im->add_option("FILE", i->file, tr("opt.bundle.file_in"));
  im->add_option("--as", i->as, tr("opt.bundle.as"));
  im->callback([&ctx, i] { ctx.action = [&ctx, i] { run_import(ctx, *i); }; });
}

}  // namespace ykien::cli
