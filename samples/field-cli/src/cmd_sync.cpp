// enroll: trade an enrollment code for a device token; sync: push then pull,
// with a progress line. Built only when the sync client library is present.
#include <algorithm>
#include <memory>
#include <ostream>

#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "text.h"

#if YKIEN_CLI_HAVE_SYNC
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "duplicates.h"
#include "refused.h"
#include "sync_pending.h"
#include "sync_progress.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/wipe.h"
#endif

namespace ykien::cli {
namespace {

struct SyncArgs {
  std::string server, code, name, ca_file;
  bool insecure = false;
  bool allow_http = false;
};

#if YKIEN_CLI_HAVE_SYNC

// Settings of this tool (the sync client keeps its own under "sync.").
constexpr const char *kServerKey = "cli.sync.server";
constexpr const char *kLastSyncKey = "cli.sync.last_at";
constexpr const char *kAllowHttpKey = "cli.sync.allow_http";  // "1": given --allow-http at enrollment

std::unique_ptr<sync::Transport> transport_for(const SyncArgs &a) {
  sync::CurlTransportOptions o;
  o.verify_tls = !a.insecure;
  o.ca_file = a.ca_file;
  return sync::make_curl_transport(o);
}

void enroll(Context &ctx, const SyncArgs &a) {
  require_option(a.server, "--server");
  require_option(a.code, "--code");
  Database &db = ctx.db();
  auto transport = transport_for(a);
  sync::SyncOptions opts;
  opts.server_url = trim(a.server);
  opts.allow_plain_http = a.allow_http;
  opts.key_store = sync::file_key_store_beside(ctx.db_path);
  sync::SyncClient client(db, *transport, opts);
  const std::string name = a.name.empty() ? (ctx.user.empty() ? std::string("ykien-cli") : ctx.user) : a.name;
  const sync::EnrollReply reply = take(client.enroll(trim(a.code), name));
  check(db.set_setting(kServerKey, opts.server_url));
  check(db.set_setting(kAllowHttpKey, a.allow_http ? "1" : ""));
  ctx.emit({{"ok", true}, {"server", opts.server_url}, {"device_id", reply.device_id}, {"scopes", reply.scopes}},
           [&](std::ostream &out) {
             std::string scopes;
             for (const auto &s : reply.scopes) scopes += (scopes.empty() ? "" : ", ") + s;
             out << trf("sync.enrolled", {opts.server_url, reply.device_id, scopes}) << '\n';
             out << tr("sync.enrolled_next") << '\n';
           });
}

// The server revoked this device (a lost tablet): everything it holds — the data, the
// token and signing secret in its key store ("<db>.keys") — is overwritten and removed, the server told and
// the user too (docs/security.md). The process ends at once: the open database is
// never written again.
[[noreturn]] void wipe_device(Context &ctx, sync::Transport &transport, const std::string &server) {
  const auto secrets = sync::file_key_store_beside(ctx.db_path);
  const std::string token = take(sync::take_secret(ctx.db().replica(), *secrets, sync::kTokenSecret));
  const Status erased = sync::erase_database_files(ctx.db_path);
  const Status told = erased.ok() ? sync::report_wiped(transport, server, token) : erased;
  // What happened, in the user's language (the JSON form with --json).
  if (ctx.json) {
    ctx.out() << dump_json({{"ok", false}, {"wiped", erased.ok()}, {"reported", told.ok()}}) << '\n';
  } else if (!erased.ok()) {
    ctx.err() << trf("sync.wipe_failed", {ctx.db_path, erased.message()}) << '\n';
  } else {
    ctx.err() << trf("sync.wiped", {ctx.db_path}) << '\n';
    if (!told.ok()) ctx.err() << tr("sync.wipe_not_reported") << '\n';
  }
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(erased.ok() ? kExitNetwork : kExitStorage);
}

void run_sync(Context &ctx, const SyncArgs &a) {
  Database &db = ctx.db();
  std::string server = trim(a.server);
  if (server.empty()) server = take(db.get_setting(kServerKey));
  if (server.empty()) {
    throw CliError(kExitInvalidState, tr("error.not_enrolled"), tr("hint.not_enrolled"), "--server");
  }
  auto transport = transport_for(a);
  sync::SyncOptions opts;
  opts.server_url = server;
  opts.allow_plain_http = a.allow_http || take(db.get_setting(kAllowHttpKey)) == "1";
  opts.key_store = sync::file_key_store_beside(ctx.db_path);
  // YKIEN_PROGRESS=terminal draws the bar even when stderr is not a terminal
  // (tests, screen recordings).
  const char *forced = std::getenv("YKIEN_PROGRESS");
  const bool tty = !ctx.json && (isatty(2) || (forced && std::string(forced) == "terminal"));
  SyncProgressView view(std::cerr, tty, pending_changes(db));
  opts.on_progress = [&ctx, &view](const sync::SyncProgress &p) {
    if (ctx.json) return;
    view.update({p.phase, p.pushed, p.refused, p.pulled, p.bytes_sent, p.bytes_received, p.pull_scanned, p.pull_left});
  };
  sync::SyncClient client(db, *transport, opts);
  if (!client.enrolled()) {
    throw CliError(kExitInvalidState, tr("error.not_enrolled"), tr("hint.not_enrolled"), "--server");
  }
  auto result = client.sync();
  view.finish();
  if (!result.ok() && result.status().code() == ErrorCode::unauthorized && take(sync::wipe_ordered(db)))
    wipe_device(ctx, *transport, server);
  const sync::SyncReport r = take(std::move(result));
  check(db.set_setting(kLastSyncKey, now_local()));
  // The changes refused in this sync are the last ones recorded.
  auto all_refused = take(client.refused_changes());
  const auto first_new = all_refused.size() - std::min<size_t>(all_refused.size(), static_cast<size_t>(r.refused));
  nlohmann::json refused = nlohmann::json::array();
  std::vector<RefusedView> views;
  for (size_t i = first_new; i < all_refused.size(); ++i) {
    const auto &rc = all_refused[i];
    views.push_back(describe_refused(db, rc.change.table, rc.change.id, rc.change.column, value_json(rc.change.value),
                                     rc.code, rc.message));
    refused.push_back({{"table", rc.change.table}, {"id", rc.change.id}, {"column", rc.change.column},
                       {"code", rc.code}, {"reason", views.back().reason}, {"fix", views.back().fix}});
  }
  // Opinions of one meeting from several tablets arrive now: say if some look alike.
  const size_t duplicates = r.pulled > 0 ? likely_duplicates(db, "", "").size() : 0;
  nlohmann::json j = {{"ok", true},        {"server", server},         {"pushed", r.pushed}, {"duplicates", duplicates},
                      {"pulled", r.pulled}, {"refused", r.refused},     {"conflicts", r.conflicts},
                      {"refused_changes", refused},
                      {"bytes_sent", r.bytes_sent}, {"bytes_received", r.bytes_received},
                      {"retries", r.retries}, {"restamped", r.restamped}, {"clock_offset_ms", r.clock_offset_ms},
                      {"caught_up", r.caught_up}};
  ctx.emit(j, [&](std::ostream &out) {
    out << trf("sync.done", {std::to_string(r.pushed), std::to_string(r.pulled), bytes_text(r.bytes_sent),
                             bytes_text(r.bytes_received)})
        << '\n';
    if (r.conflicts > 0) out << trf("sync.conflicts", {std::to_string(r.conflicts)}) << '\n';
    if (r.refused > 0) {
      out << trf("sync.refused", {std::to_string(r.refused)}) << '\n';
      for (const auto &v : distinct(views)) out << "  - " << v.what << ": " << v.reason << "\n    → " << v.fix << '\n';
    }
    if (r.restamped > 0) out << trf("sync.restamped", {std::to_string(r.restamped)}) << '\n';
    if (duplicates > 0) out << trf("sync.duplicates", {std::to_string(duplicates)}) << '\n';
    if (!r.caught_up) out << tr("sync.not_caught_up") << '\n';
  });
}

#else

[[noreturn]] void unavailable() {
  throw CliError(kExitUnavailable, tr("error.sync_unavailable"), tr("hint.sync_unavailable"));
}
void enroll(Context &, const SyncArgs &) { unavailable(); }
void run_sync(Context &, const SyncArgs &) { unavailable(); }

#endif

}  // namespace

void add_sync_commands(CLI::App &app, Context &ctx) {
  auto e = std::make_shared<SyncArgs>();
  CLI::App *en = add_command(app, "enroll", "cmd.enroll");
  en->add_option("--server", e->server, tr("opt.sync.server"));
  en->add_option("--code", e->code, tr("opt.sync.code"));
  en->add_option("--name", e->name, tr("opt.sync.name"));
  en->add_option("--ca-file", e->ca_file, tr("opt.sync.ca_file"));
  en->add_flag("--insecure", e->insecure, tr("opt.sync.insecure"));
  en->add_flag("--allow-http", e->allow_http, tr("opt.sync.allow_http"));
  en->callback([&ctx, e] { ctx.action = [&ctx, e] { enroll(ctx, *e); }; });

  auto s = std::make_shared<SyncArgs>();
  CLI::App *sy = add_command(app, "sync", "cmd.sync");
  sy->add_option("--server", s->server, tr("opt.sync.server_override"));
  sy->add_option("--ca-file", s->ca_file, tr("opt.sync.ca_file"));
  sy->add_flag("--insecure", s->insecure, tr("opt.sync.insecure"));
  sy->add_flag("--allow-http", s->allow_http, tr("opt.sync.allow_http"));
  sy->callback([&ctx, s] { ctx.action = [&ctx, s] { run_sync(ctx, *s); }; });
}

}  // namespace ykien::cli
