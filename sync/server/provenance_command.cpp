#include "provenance_command.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "command_output.h"
#include "evidence.h"
#include "ykien/merge.h"
#include "ykien/replica.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

// A stamp's wall-clock part as UTC ISO 8601 with milliseconds.
std::string stamp_time(Hlc stamp) {
  const auto ms = static_cast<int64_t>(stamp.millis());
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

// Who delivered a cell, as the admin reads it.
struct Sender {
  json j;
  std::string text;
};

Sender sender_of(const std::optional<std::string> &origin, const std::string &site,
                 const std::map<std::string, const DeviceRecord *> &devices,
                 const std::map<std::pair<std::string, std::string>, RelayedSite> &relayed) {
  if (!origin) return {json{{"kind", "unknown"}}, "unknown (its log entry was purged)"};
  if (origin->empty()) return {json{{"kind", "server"}}, "this server (an office or admin write, or a record it made)"};
  json j{{"kind", "device"}, {"device_id", *origin}};
  std::string text = "device " + *origin;
  if (auto it = devices.find(*origin); it != devices.end()) {
    const DeviceRecord &d = *it->second;
    j["name"] = d.name;
    j["hub"] = d.hub;
    text = (d.hub ? "hub \"" : "device \"") + d.name + "\" (" + d.id + ")";
    if (d.hub && site != d.site) {
      if (auto r = relayed.find({d.id, site}); r != relayed.end()) {
        const RelayedSite &t = r->second;
        j["relayed_for"] = {{"site", t.site}, {"device_id", t.device_id}, {"name", t.name}};
        text += ", relayed for " + (t.name.empty() ? "the hub itself" : "tablet \"" + t.name + "\"");
      }
    }
  } else {
    j["name"] = nullptr;
    text += " (not in the devices list)";
  }
  return {std::move(j), std::move(text)};
}

// Writes a batch's signed bytes and its signature beside them, so that anyone with the
// device's public key can check it with any Ed25519 tool. Returns the bytes' path.
Result<std::string> save_batch(const std::string &dir, const SignedBatch &b) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::storage, "cannot create " + dir + ": " + ec.message(), "save-batches");
  const std::string base = (std::filesystem::path(dir) / ("batch-" + std::to_string(b.id))).string();
  const std::string bytes = base + (b.kind == "bundle" ? ".ykb" : ".json");
  std::ofstream body(bytes, std::ios::binary | std::ios::trunc);
  body << b.body;
  std::ofstream sig(base + ".sig", std::ios::trunc);
  sig << "ed25519 signature " << b.signature << "\npublic key " << b.public_key << "\ndevice " << b.device_id
      << "\nsigned bytes "
      << (b.kind == "bundle" ? "the bundle file up to its \"\\ned25519 \" line" : "the whole .json file") << "\n";
  if (!body || !sig) return Status(ErrorCode::storage, "cannot write " + base + ".*", "save-batches");
  return bytes;
}

}  // namespace

std::unique_ptr<ProvenanceCommand> add_provenance_command(CLI::App &admin) {
  auto c = std::make_unique<ProvenanceCommand>();
  c->cmd = admin.add_subcommand("provenance", "who wrote each cell of a row, and when");
  c->cmd->add_option("--table", c->table, "table of the row (opinions, meetings...)")->required();
  c->cmd->add_option("--row", c->row, "id of the row")->required();
  c->cmd->add_option("--column", c->column, "only this cell");
  c->cmd->add_flag("--json", c->json, "print one JSON object");
  c->cmd->add_flag("--verify", c->verify,
                   "fail (exit 1) unless each cell a device delivered came in a signed batch that verifies");
  c->cmd->add_option("--save-batches", c->save_batches,
                     "write each signed batch shown (its exact bytes) and its signature into this directory");
  return c;
}

int run_provenance_command(const ProvenanceCommand &command, Storage &storage) {
  auto cells = storage.replica().cell_origins({command.table, command.row});
  if (!cells.ok()) return fail_command(cells.status(), command.json);
  if (cells->empty())
    return fail_command(Status(ErrorCode::not_found, "no row " + command.row + " in table " + command.table),
                        command.json);
  auto devices = storage.list_devices();
  if (!devices.ok()) return fail_command(devices.status(), command.json);
  auto sites = storage.relayed_sites();
  if (!sites.ok()) return fail_command(sites.status(), command.json);
  std::map<std::string, const DeviceRecord *> by_id;
  for (const auto &d : *devices) by_id[d.id] = &d;
  std::map<std::pair<std::string, std::string>, RelayedSite> relayed;
  for (const auto &[hub, s] : *sites) relayed[{hub, s.site}] = s;

  json list = json::array();
  bool found = false;
  bool all_verified = true;
  std::set<int64_t> saved;
  WriteEvidenceCache evidence_of_writes;  // a row's cells share a few writes
  for (const auto &c : *cells) {
    if (!command.column.empty() && c.cell.column != command.column) continue;
    found = true;
    const std::string site = site_to_string(c.cell.stamp.site);
    Sender sender = sender_of(c.origin, site, by_id, relayed);
    const std::string value = merge::value_to_json(c.cell.value);
    auto evidence = evidence_for_cell(storage, command.table, command.row, c, &evidence_of_writes);
    if (!evidence.ok()) return fail_command(evidence.status(), command.json);
    const bool from_device = c.origin && !c.origin->empty();
    if (from_device && !evidence->verified) all_verified = false;
    json signed_batch = nullptr;
    std::string signed_text, saved_to;
    if (evidence->batch) {
      const SignedBatch &b = *evidence->batch;
      const Hlc received = Hlc::from_parts(static_cast<uint64_t>(b.received_ms), 0);
      signed_batch = {{"id", b.id},           {"kind", b.kind},       {"received", stamp_time(received)},
                      {"signature", b.signature}, {"public_key", b.public_key}, {"verified", evidence->verified}};
      if (!evidence->verified) signed_batch["problem"] = evidence->problem;
      if (!command.save_batches.empty() && saved.insert(b.id).second) {
        auto path = save_batch(command.save_batches, b);
        if (!path.ok()) return fail_command(path.status(), command.json);
        signed_batch["saved"] = *path;
        saved_to = "  saved to " + *path + " (signature beside it, .sig)\n";
      }
      signed_text = "  signed batch " + std::to_string(b.id) + " (" + b.kind + ", received " + stamp_time(received) +
                    "), signature " + b.signature.substr(0, 16) + "… by key " + b.public_key.substr(0, 16) + "…: " +
                    (evidence->verified ? "verifies" : "DOES NOT VERIFY: " + evidence->problem) + "\n" + saved_to;
    } else if (from_device) {
      signed_text = "  not signed: " + evidence->problem + "\n";
    }
    if (command.json) {
      list.push_back({{"column", c.cell.column},
                      {"value", json::parse(value, nullptr, false)},
                      {"site", site},
                      {"stamp", c.cell.stamp.hlc.to_string()},
                      {"time", stamp_time(c.cell.stamp.hlc)},
                      {"delivered_by", std::move(sender.j)},
                      {"signed_batch", std::move(signed_batch)}});
    } else {
      std::cout << command.table << "." << c.cell.column << " of " << command.row << " = " << value << "\n"
                << "  written " << stamp_time(c.cell.stamp.hlc) << " (stamp " << c.cell.stamp.hlc.to_string()
                << ") by site " << site << "\n  delivered by " << sender.text << "\n" << signed_text;
    }
  }
  if (!found)
    return fail_command(Status(ErrorCode::not_found, "row " + command.row + " has no cell " + command.column),
                        command.json);
  if (command.json)
    std::cout << dump_json({{"table", command.table}, {"row_id", command.row}, {"cells", std::move(list)}}, 2) << "\n";
  if (command.verify && !all_verified) {
    std::cerr << "not every cell a device delivered came in a signed batch that verifies (see above)\n";
    return 1;
  }
  return 0;
}

}  // namespace ykien::server
