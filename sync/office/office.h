// The commune office's web application (docs/office.md), served by ykien-server
// beside the sync protocol: server-rendered pages from templates built into the
// binary, office users and sessions, follow-up of opinions, conflicts, reports and
// devices, on either backend.
#pragma once

#include <memory>
#include <vector>

#include "http_front.h"
#include "storage.h"
#include "ykien/clock.h"

namespace ykien::office {

struct OfficeOptions {
  const Clock *clock = nullptr;  // borrowed; null = the system clock
  bool https = false;            // cookies are marked Secure
  // Login attempts per client address: a burst, then one per interval (429).
  int login_burst = 10;
  int64_t login_interval_ms = 6000;
};

class Office;

// The office's routes, to serve with the sync server's (ServerOptions::extra_routes).
// The returned object owns what the routes use and must outlive the server.
struct OfficeRoutes {
  std::shared_ptr<Office> office;
  std::vector<server::Route> routes;
};
OfficeRoutes office_routes(server::Storage &storage, OfficeOptions options = {});

}  // namespace ykien::office
