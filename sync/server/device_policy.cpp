// What an enrolled device may read and write, whatever the backend (storage.h).
#include "storage.h"

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
  // relays its tablets' (any site, for now: docs/server.md, "Write policy").
  if (!device.hub) w.sites = {parse_site(device.site).value_or(SiteId{0})};
  return w;
}

}  // namespace ykien::server
