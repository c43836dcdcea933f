// What an enrolled device may read and write, whatever the backend (storage.h).
#include <algorithm>

#include "storage.h"
#include "unit_scopes.h"
#include "ykien/unit_tree.h"

namespace ykien::server {

bool scope_covers(const std::vector<std::string> &scopes, const std::string &row_scope) {
  return scope_within(row_scope, scopes);
}

Writer writer_of(const DeviceRecord &device) {
  Writer w;
  w.role = device.hub ? WriterRole::hub : WriterRole::device;
  w.scopes = device.scopes;
  w.confidential = device.confidential;
  // A tablet sends only its own writes (a site that does not parse: none); a hub
  // its own and those of the sites it registered (its tablets', docs/server.md "Hub
  // provenance").
  w.sites = {parse_site(device.site).value_or(SiteId{0})};
  if (device.hub)
    for (const auto &s : device.relayed_sites)
      if (auto site = parse_site(s)) w.sites.push_back(*site);
  return w;
}

namespace {

// `reader`: a Replica or a snapshot of one.
template <class Reader>
Result<DeviceRecord> held_to(Reader &reader, DeviceRecord device) {
  auto scopes = effective_scopes(reader, device.scopes);
  if (!scopes) return scopes.status();
  device.scopes = std::move(*scopes);
  return device;
}

}  // namespace

Result<DeviceRecord> with_effective_scopes(Replica &replica, DeviceRecord device) {
  return held_to(replica, std::move(device));
}

Result<DeviceRecord> with_effective_scopes(Replica::Snapshot &snapshot, DeviceRecord device) {
  return held_to(snapshot, std::move(device));
}

std::vector<std::string> sites_owned_elsewhere(const std::string &hub_id, const std::vector<RelayedSite> &sites,
                                               const std::vector<DeviceRecord> &devices,
                                               const std::vector<std::pair<std::string, RelayedSite>> &registered) {
  std::vector<std::string> out;
  for (const auto &s : sites) {
    const bool device_own = std::any_of(devices.begin(), devices.end(),
                                        [&](const DeviceRecord &d) { return d.id != hub_id && d.site == s.site; });
    const bool other_hub = std::any_of(registered.begin(), registered.end(), [&](const auto &r) {
      return r.first != hub_id && r.second.site == s.site;
    });
    if (device_own || other_hub || !parse_site(s.site) || *parse_site(s.site) == 0) out.push_back(s.site);
  }
  return out;
}

}  // namespace ykien::server
