#include "bundle_command.h"

#include <unistd.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "command_output.h"

#include "bundle_admin.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

// A progress line on a terminal's stderr, for bundles big enough to wait for.
sync::BundleProgressFn progress_line(bool as_json) {
  if (as_json || isatty(2) == 0) return {};
  return [](const sync::BundleProgress &p) {
    std::cerr << "\r[" << p.phase << "] " << p.done;
    if (p.total > 0) std::cerr << "/" << p.total;
    std::cerr << " changes   " << std::flush;
  };
}

void end_progress(bool as_json) {
  if (!as_json && isatty(2) != 0) std::cerr << "\n";
}

}  // namespace

std::unique_ptr<BundleCommand> add_bundle_commands(CLI::App &admin) {
  auto c = std::make_unique<BundleCommand>();
  auto *bundle = admin.add_subcommand("bundle", "sync by file with a device or peer out of network reach");
  bundle->require_subcommand(1);
  c->export_cmd = bundle->add_subcommand("export", "write the changes a device or peer lacks to a bundle file");
  c->export_cmd->add_option("--for", c->peer, "device id, or another peer's name")->required();
  c->export_cmd->add_option("file", c->file, "bundle file to write")->required();
  c->export_cmd->add_option("--unit", c->units, "a peer that is not a device: only this unit (repeatable)");
  c->export_cmd->add_flag("--confidential", c->confidential,
                          "a peer that is not a device: include confidential fields");
  c->export_cmd->add_flag("--json", c->json, "print the result as one JSON object");
  c->import_cmd = bundle->add_subcommand("import", "apply a bundle file made by a device or peer");
  c->import_cmd->add_option("file", c->file, "bundle file to read")->required();
  c->import_cmd->add_flag("--json", c->json, "print the result as one JSON object");
  for (auto *cmd : {c->export_cmd, c->import_cmd})
    cmd->add_option("--blobs", c->blobs_dir, "folder of attachments' files (default DATA/blobs with --data)");
  return c;
}

int run_bundle_command(const BundleCommand &c, Storage &storage) {
  if (c.export_cmd->parsed()) {
    ServerBundleExport o;
    o.scopes = c.units;
    o.confidential = c.confidential;
    o.on_progress = progress_line(c.json);
    o.blobs_dir = c.blobs_dir;
    auto r = export_server_bundle(storage, c.peer, c.file, o);
    end_progress(c.json);
    if (!r.ok()) return fail_command(r.status(), c.json);
    const auto &m = r->manifest;
    if (c.json) {
      std::cout << dump_json({{"ok", true},
                         {"file", c.file},
                         {"for", m.for_peer},
                         {"changes", m.changes},
                         {"bytes", r->file_bytes},
                         {"from_cursor", m.from_cursor},
                         {"to_cursor", m.to_cursor},
                         {"scopes", m.scopes}})
                << "\n";
    } else {
      std::cout << "bundle for " << m.for_peer << ": " << m.changes << " changes, " << r->file_bytes
                << " bytes written to " << c.file << "\n";
    }
    return 0;
  }
  auto r = import_server_bundle(storage, c.file, progress_line(c.json), c.blobs_dir, c.office_key);
  end_progress(c.json);
  if (!r.ok()) return fail_command(r.status(), c.json);
  if (c.json) {
    std::cout << dump_json({{"ok", true},
                       {"file", c.file},
                       {"from", r->peer},
                       {"applied", r->applied},
                       {"ignored", r->ignored},
                       {"conflicts", r->conflicts},
                       {"in_sequence", r->in_sequence}})
              << "\n";
  } else {
    std::cout << "bundle from " << r->peer << ": " << r->applied << " changes applied, " << r->ignored
              << " already here, " << r->conflicts << " conflicts\n";
    if (!r->in_sequence) {
      std::cout << "an earlier bundle from " << r->peer << " is missing: its next bundle will carry it\n";
    }
  }
  return 0;
}

}  // namespace ykien::server
