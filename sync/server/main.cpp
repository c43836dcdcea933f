// ykien-server: the sync server and its admin commands (docs/server.md).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>
#include <thread>

#include "admin.h"
#include "bundle_command.h"
#include "conflicts_command.h"
#include "provenance_command.h"
#include "units_command.h"
#include "office.h"
#include "office_key_command.h"
#include "log.h"
#include "blob_gc.h"
#include "purge.h"
#include "server.h"
#include "storage.h"
#include "upstream.h"
#include "user_command.h"

namespace {

using namespace ykien;
using namespace ykien::server;

// One heap for the workers (tuning.h, kServerMallocArenas), unless the operator set
// glibc's own bound (MALLOC_ARENA_MAX, or glibc.malloc.arena_max in GLIBC_TUNABLES).
void bound_malloc_arenas() {
#ifdef M_ARENA_MAX
  const char *tunables = std::getenv("GLIBC_TUNABLES");
  if (std::getenv("MALLOC_ARENA_MAX") || (tunables && std::string_view(tunables).find("arena_max") != std::string_view::npos))
    return;
  mallopt(M_ARENA_MAX, sync::tuning::kServerMallocArenas);
#endif
}

// A number from `least` to `most`, said in words: CLI11's own checks print their range
// up to the largest double (a 309-digit number). `above_least`: `least` itself is
// refused too (a duration of 0 is no time at all).
CLI::Validator number_within(int least, int most = std::numeric_limits<int>::max(), bool above_least = false) {
  const bool bounded = most < std::numeric_limits<int>::max();
  const std::string from = (above_least ? "more than " : "") + std::to_string(least);
  const std::string range = bounded ? (above_least ? from + " and at most " : "from " + from + " to ") + std::to_string(most)
                                    : from + (above_least ? "" : " or more");
  return CLI::Validator(
      [least, most, above_least, range](std::string &text) -> std::string {
        char *end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        // strtod also reads "nan" and "inf", which no comparison below refuses.
        if (end == text.c_str() || *end != '\0' || !std::isfinite(value)) return "'" + text + "' is not a number";
        if (value < least || (above_least && value == least) || value > most) return "must be " + range + ", not " + text;
        return {};
      },
      "NUMBER " + range);
}

int fail(const Status &st) {
  std::cerr << "ykien-server: " << st.to_string() << "\n";
  return 1;
}

std::string format_time(int64_t ms) {
  if (ms == 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The SQLite data directory, or PostgreSQL when a conninfo is given.
Result<std::unique_ptr<Storage>> open_storage(const std::string &data_dir, const std::string &postgres) {
  if (!postgres.empty()) return open_postgres_storage(postgres);
  if (data_dir.empty()) return Status(ErrorCode::invalid_argument, "give --data DIR or --postgres CONNINFO");
  return open_sqlite_storage(data_dir);
}

// The whole of a PEM file named on the command line.
Result<std::string> read_pem(const std::string &path, const char *flag) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Status(ErrorCode::invalid_argument, std::string("cannot read ") + path, flag);
  if (text.find("-----BEGIN") == std::string::npos) {
    return Status(ErrorCode::invalid_argument, path + " is not a PEM file", flag);
  }
  return text;
}

// Every connection holds a descriptor: raise the soft limit to the hard one, so that
// kMaxConnections fit (the usual soft limit is 1024).
void raise_descriptor_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &lim);
  }
}

struct ServeFlags {
  std::string host = "0.0.0.0";
  int port = 8080;
  std::string port_file;
  std::string tls_cert;
  std::string tls_key;
  FrontOptions http;
  bool require_signatures = false;
  bool no_rows = false;
  std::string blobs_dir;  // "" = <data>/blobs (none on PostgreSQL unless given)
  int64_t blob_quota_mb = ykien::sync::tuning::kBlobQuotaBytes >> 20;
  std::string office_key;  // --office-key FILE
};

int serve(const std::string &data_dir, const std::string &postgres, const ServeFlags &flags,
          UpstreamOptions hub_options) {
  // SIGTERM/SIGINT are taken by one thread with sigwait, so no handler runs at a
  // random point: it calls stop(), which lets in-flight requests finish. SIGUSR1
  // asks a hub for an upstream sync now.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server

  auto storage = open_storage(data_dir, postgres);
  if (!storage.ok()) return fail(storage.status());
  // Attachments' blobs (docs/protocol.md, "Blobs"): in the data directory by default.
  // A hub relays them from this folder too (docs/server.md, "Hub").
  const std::string blobs_dir =
      !flags.blobs_dir.empty() ? flags.blobs_dir : data_dir.empty() ? std::string() : data_dir + "/blobs";
  hub_options.client.blobs_dir = blobs_dir;
  auto hub = Upstream::open(**storage, std::move(hub_options));  // null unless this server is a hub
  if (!hub.ok()) return fail(hub.status());
  ServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.http = flags.http;
  options.require_signatures = flags.require_signatures;
  options.change_rows = !flags.no_rows;
  options.blobs_dir = blobs_dir;
  options.blob_quota_bytes = flags.blob_quota_mb << 20;
  if (!flags.tls_cert.empty() || !flags.tls_key.empty()) {
    if (flags.tls_cert.empty() || flags.tls_key.empty()) {
      return fail({ErrorCode::invalid_argument, "give both --tls-cert and --tls-key", "--tls-key"});
    }
    auto cert = read_pem(flags.tls_cert, "--tls-cert");
    if (!cert.ok()) return fail(cert.status());
    auto key = read_pem(flags.tls_key, "--tls-key");
    if (!key.ok()) return fail(key.status());
    options.http.tls_cert_pem = std::move(*cert);
    options.http.tls_key_pem = std::move(*key);
  }
  // The office's key (docs/security.md): made at the first start beside the data. A
  // hub without one of its own hands on its upstream's public key (ServerOptions), so
  // it makes none. A hub is told by Upstream::open, not by --upstream: hub_options is
  // moved from by then, and a restarted hub gives no --upstream (its URL is stored).
  const bool is_hub = *hub != nullptr;
  const std::string key_path = office_key_path(flags.office_key, data_dir);
  auto office_keys = load_office_keys(key_path, !key_path.empty() && (!is_hub || !flags.office_key.empty()));
  if (!office_keys.ok()) return fail(office_keys.status());
  if (*office_keys && (*office_keys)->current()) options.office_key = (*office_keys)->current()->public_hex;
  // The commune office's web application, on the same port (docs/office.md).
  office::OfficeOptions office_options;
  office_options.office_keys = *office_keys;
  office_options.blobs_dir = options.blobs_dir;
  office_options.listen_host = flags.host;
  office_options.https = !options.http.tls_cert_pem.empty() || flags.http.behind_proxy;
  auto office = office::office_routes(**storage, office_options);
  if (!office.ok()) return fail(office.status());
  options.extra_routes = std::move(office->routes);
  raise_descriptor_limit();
  SyncServer server(**storage, options);
  Status st = server.bind();
  if (!st.ok()) return fail(st);
  st = server.start();  // before the port file: whoever reads it can connect
  if (!st.ok()) return fail(st);
  if (!flags.port_file.empty()) {
    std::ofstream out(flags.port_file + ".tmp");
    out << server.port() << "\n";
    out.close();
    std::rename((flags.port_file + ".tmp").c_str(), flags.port_file.c_str());
  }
  if (*hub) (*hub)->start(&server);
  std::thread watcher([&] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGUSR1) {
      log_line("info", "signal", {{"signal", "SIGUSR1"}});
      if (*hub) (*hub)->request_sync();
    }
    log_line("info", "signal", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.stop();
  });
  server.run();
  server.stop();
  if (*hub) (*hub)->stop();  // lets a running upstream sync finish
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes the watcher if no signal came
  watcher.join();
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  bound_malloc_arenas();  // before any thread starts
  CLI::App app{"ykien-server: sync server for ykien tablets (docs/server.md)"};
  app.require_subcommand(1);
  std::string data_dir;

  auto *serve_cmd = app.add_subcommand("serve", "serve the sync protocol over HTTP");
  ServeFlags flags;
  std::string postgres;
  auto *serve_data = serve_cmd->add_option("--data", data_dir, "data directory (created if missing)");
  serve_cmd->add_option("--postgres", postgres, "PostgreSQL connection string (libpq) instead of --data")
      ->excludes(serve_data);
  serve_cmd->add_option("--host", flags.host, "address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", flags.port, "port to listen on (0 = any free port)")
      ->capture_default_str()
      ->check(number_within(0, 65535));
  serve_cmd->add_option("--port-file", flags.port_file, "write the port listened on to this file");
  serve_cmd->add_option("--tls-cert", flags.tls_cert, "serve HTTPS with this certificate (PEM; chain after it)");
  serve_cmd->add_option("--tls-key", flags.tls_key, "the certificate's private key (PEM)");
  serve_cmd->add_flag("--behind-proxy", flags.http.behind_proxy,
                      "a reverse proxy on this machine forwards every request: take the client address from its "
                      "X-Real-IP header and leave the per-address connection limit to it");
  serve_cmd->add_option("--max-connections-per-address", flags.http.max_connections_per_address,
                        "connections one client address may hold (0 = no limit)")
      ->capture_default_str();
  serve_cmd->add_flag("--require-signatures", flags.require_signatures,
                      "refuse unsigned pushes from devices that registered no key (apps older than signatures); "
                      "devices with a key must sign in any case");
  serve_cmd->add_flag("--no-rows", flags.no_rows,
                      "neither read nor write changes grouped by row: plain \"changes\", as a server before rows "
                      "(docs/protocol.md, \"Rows\")");
  serve_cmd->add_option("--blobs", flags.blobs_dir,
                        "folder of attachments' files (default DIR/blobs with --data; none with --postgres unless given)");
  serve_cmd->add_option("--blob-quota-mb", flags.blob_quota_mb, "megabytes of attachments each device may store")
      ->capture_default_str()
      ->check(number_within(1));
  serve_cmd->add_option("--office-key", flags.office_key,
                        "the office's key file (default DATA/office.key, made at the first start; docs/security.md)");
  serve_cmd->add_option("--workers", flags.http.workers,
                        "threads doing storage work (default or 0: 2 on SQLite, its one writer; on PostgreSQL one "
                        "for every two cores, 1 to 4 a process)")
      ->check(number_within(0));
  serve_cmd->add_option("--max-queue-wait-ms", flags.http.max_queue_wait_ms,
                        "a new connection whose first request would wait longer for a worker is told 503 "
                        "with Retry-After")
      ->capture_default_str();
  UpstreamOptions hub_options;
  double upstream_interval_s = static_cast<double>(hub_options.interval_ms) / 1000.0;
  serve_cmd->add_option("--upstream", hub_options.url, "hub: the server to sync with as a client (kept for later starts)");
  serve_cmd->add_option("--enroll-code", hub_options.enroll_code, "hub: one-time code from the upstream server");
  serve_cmd->add_flag("--upstream-allow-http", hub_options.client.allow_plain_http,
                      "hub: allow an http:// upstream on another machine (test networks only: no encryption)");
  serve_cmd->add_option("--upstream-interval", upstream_interval_s, "hub: seconds between upstream syncs")
      ->capture_default_str();

  auto *admin = app.add_subcommand("admin", "operator commands on a data directory");
  admin->require_subcommand(1);
  auto *admin_data = admin->add_option("--data", data_dir, "data directory");
  admin->add_option("--postgres", postgres, "PostgreSQL connection string (libpq) instead of --data")
      ->excludes(admin_data);

  std::string units_file;
  auto *import_cmd = admin->add_subcommand("import-units", "import units from a JSON or CSV file");
  import_cmd->add_option("file", units_file, "units file")->required();

  std::vector<std::string> scopes;
  bool confidential = false;
  bool for_hub = false;
  double ttl_hours = 24.0 * 7;
  auto *code_cmd = admin->add_subcommand("create-code", "create a one-time enrollment code");
  code_cmd->add_option("--unit", scopes, "unit scope the device may sync (repeatable)")->required();
  code_cmd->add_flag("--confidential", confidential, "the device may receive confidential fields");
  code_cmd->add_flag("--hub", for_hub, "the code enrolls a commune hub (it relays its tablets' changes)");
  // At most ten years: a code is meant for one enrollment soon, and hours beyond that
  // would overflow the expiry's milliseconds.
  code_cmd->add_option("--ttl-hours", ttl_hours, "hours the code stays valid")
      ->capture_default_str()
      ->check(number_within(0, 24 * 365 * 10, true));

  bool as_json = false;
  auto *list_cmd = admin->add_subcommand("list-devices", "list enrolled devices");
  list_cmd->add_flag("--json", as_json, "one JSON object per line");

  std::string device_id;
  auto *revoke_cmd = admin->add_subcommand("revoke", "revoke a device: its token stops working");
  revoke_cmd->add_option("device", device_id, "device id")->required();

  auto *scopes_cmd = admin->add_subcommand("set-scopes", "replace the units a device may sync");
  scopes_cmd->add_option("device", device_id, "device id")->required();
  scopes_cmd->add_option("--unit", scopes, "unit scope (repeatable)")->required();

  admin->add_subcommand("purge", "purge tombstones every device acknowledged");
  auto *blobs_cmd = admin->add_subcommand("blobs", "attachments' files in the server's folder");
  blobs_cmd->require_subcommand(1);
  auto *blobs_gc_cmd = blobs_cmd->add_subcommand("gc", "remove files no attachment names, older than a day");
  std::string gc_blobs_dir;
  double gc_min_age_hours = 24;
  bool gc_dry_run = false;
  blobs_gc_cmd->add_option("--blobs", gc_blobs_dir, "the folder (default DATA/blobs with --data)");
  blobs_gc_cmd->add_option("--min-age-hours", gc_min_age_hours, "leave younger files (a record may be on its way)")
      ->capture_default_str()
      ->check(number_within(0));
  blobs_gc_cmd->add_flag("--dry-run", gc_dry_run, "only count what would be removed");
  auto *hub_cmd = admin->add_subcommand("upstream-status", "a hub's upstream enrollment and last sync");
  auto bundle_cmd = add_bundle_commands(*admin);
  auto conflicts_cmd = add_conflicts_commands(*admin);
  auto provenance_cmd = add_provenance_command(*admin);
  auto units_cmd = add_units_commands(*admin);
  auto user_cmd = add_user_commands(*admin);
  std::string office_key_file;
  admin->add_option("--office-key", office_key_file, "the office's key file (default DATA/office.key)");
  auto office_key_cmd = add_office_key_command(*admin);

  CLI11_PARSE(app, argc, argv);

  if (serve_cmd->parsed()) {
    hub_options.interval_ms = static_cast<int64_t>(upstream_interval_s * 1000);
    if (flags.http.behind_proxy) {
      flags.http.keep_alive_idle_s = sync::tuning::kProxyKeepAliveIdleS;
      if (serve_cmd->get_option("--max-connections-per-address")->count() == 0) {
        flags.http.max_connections_per_address = 0;
      }
    }
    return serve(data_dir, postgres, flags, std::move(hub_options));
  }

  // The key is kept apart from the data: no database is opened for it.
  if (office_key_cmd->parsed()) return run_office_key_command(*office_key_cmd, office_key_path(office_key_file, data_dir));
  auto storage = open_storage(data_dir, postgres);
  if (!storage.ok()) return fail(storage.status());
  Storage &s = **storage;
  const Clock &clock = s.replica().clock();  // the server's corrected clock (docs/time.md)
  if (import_cmd->parsed()) {
    auto hub = read_upstream_state(s);
    if (hub.ok() && !hub->url.empty()) {
      return fail({ErrorCode::invalid_state, "this server is a hub: its units come from " + hub->url +
                                                 " (import them there; the next upstream sync brings them)"});
    }
    auto r = import_units(s, units_file);
    if (!r.ok()) return fail(r.status());
    std::cout << "units created: " << r->created << ", already present: " << r->existing << "\n";
  } else if (code_cmd->parsed()) {
    auto code = create_enrollment_code(s, scopes, confidential, static_cast<int64_t>(ttl_hours * 3600 * 1000), clock,
                                       for_hub);
    if (!code.ok()) return fail(code.status());
    std::cout << *code << "\n";
  } else if (list_cmd->parsed()) {
    auto devices = s.list_devices();
    if (!devices.ok()) return fail(devices.status());
    // A hub's registered sites: its own replica's and its tablets' (docs/server.md, "Hub provenance").
    auto relayed = s.relayed_sites();
    if (!relayed.ok()) return fail(relayed.status());
    nlohmann::json list = nlohmann::json::array();
    for (const auto &d : *devices) {
      std::string scope_list;
      for (const auto &sc : d.scopes) scope_list += (scope_list.empty() ? "" : ",") + sc;
      nlohmann::json sites = nlohmann::json::array();
      std::string site_list;
      for (const auto &[hub, r] : *relayed) {
        if (hub != d.id) continue;
        sites.push_back({{"site", r.site}, {"device_id", r.device_id}, {"name", r.name}});
        site_list += (site_list.empty() ? "" : ",") + r.site + (r.name.empty() ? "" : "(" + r.name + ")");
      }
      // Its signing key: "" for a device whose app has not registered one yet (what
      // --require-signatures would refuse: docs/protocol.md, "Signatures").
      auto key = s.signatures().device_key(d.id);
      if (!key.ok()) return fail(key.status());
      // When a revoked device reported that it erased itself (docs/security.md).
      auto wiped = s.replica().setting("wiped_at." + d.id);
      if (!wiped.ok()) return fail(wiped.status());
      const std::string wiped_at = wiped->empty() ? std::string() : format_time(std::stoll(*wiped));
      if (as_json) {
        nlohmann::json entry{{"id", d.id},
                             {"name", d.name},
                             {"site", d.site},
                             {"scopes", d.scopes},
                             {"hub", d.hub},
                             {"revoked", d.revoked_at_ms != 0},
                             {"wiped_at", wiped_at},
                             {"last_seen", format_time(d.last_seen_ms)},
                             {"acked_cursor", d.acked_cursor},
                             {"public_key", *key}};
        if (d.hub) entry["relayed_sites"] = std::move(sites);
        list.push_back(std::move(entry));
      } else {
        std::cout << d.id << "  " << (d.revoked_at_ms != 0 ? "revoked" : "active ") << (d.hub ? "  hub" : "")
                  << "  site=" << d.site
                  << "  scopes=" << scope_list << "  last_seen=" << format_time(d.last_seen_ms) << "  name=\""
                  << d.name << "\"";
        if (d.hub) std::cout << "  relays=" << (site_list.empty() ? "-" : site_list);
        std::cout << "  key=" << (key->empty() ? "none" : key->substr(0, 16) + "…");
        if (d.revoked_at_ms != 0) std::cout << "  wiped_at=" << (wiped_at.empty() ? "-" : wiped_at);
        std::cout << "\n";
      }
    }
    if (as_json) std::cout << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (revoke_cmd->parsed()) {
    Status st = s.revoke_device(device_id, clock.now_ms());
    if (st.code() == ErrorCode::not_found) {  // revoked already: said, and done (a script may run twice)
      auto devices = s.list_devices();
      if (!devices.ok()) return fail(devices.status());
      for (const auto &d : *devices)
        if (d.id == device_id && d.revoked_at_ms != 0) {
          std::cout << "already revoked " << device_id << " (at " << format_time(d.revoked_at_ms) << ")\n";
          return 0;
        }
    }
    if (!st.ok()) return fail(st);
    std::cout << "revoked " << device_id << "\n";
  } else if (scopes_cmd->parsed()) {
    Status st = check_device_units(s, scopes);  // as a code's: units the server holds
    if (st.ok()) st = s.set_device_scopes(device_id, scopes);
    if (!st.ok()) return fail(st);
    std::cout << "scopes of " << device_id << " set\n";
  } else if (hub_cmd->parsed()) {
    auto hub = read_upstream_state(s);
    if (!hub.ok()) return fail(hub.status());
    if (hub->url.empty()) {
      std::cout << "not a hub (no upstream server)\n";
    } else {
      std::string scope_list;
      for (const auto &sc : hub->scopes) scope_list += (scope_list.empty() ? "" : ",") + sc;
      std::cout << "upstream=" << hub->url << "  enrolled=" << (hub->enrolled ? "yes" : "no")
                << "  device=" << (hub->device_id.empty() ? "-" : hub->device_id) << "  scopes=" << scope_list
                << "\nlast_ok=" << format_time(hub->last_ok_ms) << "  last_attempt=" << format_time(hub->last_attempt_ms)
                << "  last_error=" << (hub->last_error.empty() ? "-" : hub->last_error) << "\nrefused_upstream="
                << hub->refused << (hub->refused > 0 ? "  last_refused=" + hub->last_refusal : std::string()) << "\n";
    }
  } else if (blobs_gc_cmd->parsed()) {
    if (gc_blobs_dir.empty() && !data_dir.empty()) gc_blobs_dir = data_dir + "/blobs";
    auto gc = collect_orphan_blobs(s, gc_blobs_dir, SystemClock::instance().now_ms(),
                                   static_cast<int64_t>(gc_min_age_hours * 3600 * 1000), gc_dry_run);
    if (!gc.ok()) return fail(gc.status());
    std::cout << (gc_dry_run ? "would remove: " : "removed: ") << gc->removed << " files, " << gc->removed_bytes
              << " bytes; kept: " << gc->kept << "; too young: " << gc->too_young << "\n";
  } else if (bundle_cmd->parsed()) {
    // The attachments' files go with the records, as serve keeps them.
    if (bundle_cmd->blobs_dir.empty() && !data_dir.empty()) bundle_cmd->blobs_dir = data_dir + "/blobs";
    // A clear identity is refused as serve refuses it: with the key serve would load.
    auto office_keys = load_office_keys(office_key_path(office_key_file, data_dir), false);
    if (!office_keys.ok()) return fail(office_keys.status());
    if (*office_keys && (*office_keys)->current()) bundle_cmd->office_key = (*office_keys)->current()->public_hex;
    return run_bundle_command(*bundle_cmd, s);
  } else if (conflicts_cmd->parsed()) {
    // A complainant typed with --value is sealed with the key serve would load.
    auto office_keys = load_office_keys(office_key_path(office_key_file, data_dir), false);
    if (!office_keys.ok()) return fail(office_keys.status());
    return run_conflicts_command(*conflicts_cmd, s, office_keys->get());
  } else if (provenance_cmd->parsed()) {
    return run_provenance_command(*provenance_cmd, s);
  } else if (units_cmd->parsed()) {
    return run_units_command(*units_cmd, s);
  } else if (user_cmd->parsed()) {
    return run_user_command(*user_cmd, s);
  } else {
    Result<int64_t> purged = purge_acknowledged_tombstones(s);
    if (!purged.ok()) return fail(purged.status());
    std::cout << "rows purged: " << *purged << "\n";
  }
  return 0;
}
