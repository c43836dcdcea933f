// The commune office's web application (docs/office.md), served by ykien-server
// beside the sync protocol: server-rendered pages from templates built into the
// binary, office users and sessions, follow-up of opinions, conflicts, reports and
// devices, on either backend.
#pragma once

#include <memory>
#include <vector>

#include "http_front.h"
#include "storage.h"
#include "ykien/sync/office_key.h"

namespace ykien::office {

struct OfficeOptions {
  // The commune's time zone (tz database name; "" = Asia/Ho_Chi_Minh, docs/time.md)
  // for the times shown and written. The clock is the storage's (Replica::clock).
  std::string time_zone{};
  bool https = false;  // cookies are marked Secure
  // Login attempts per client address: a burst, then one per interval (429).
  int login_burst = 10;
  int64_t login_interval_ms = 6000;
  // The office's keys: entitled users read complainants' sealed identities with
  // them (docs/security.md). Null: sealed cells are shown as sealed.
  std::shared_ptr<const sync::OfficeKeyRing> office_keys{};
  // The server's folder of attachments' blobs (ServerOptions::blobs_dir); "" = none:
  // every attachment shows as not yet uploaded.
  std::string blobs_dir{};
  // The address the server listens on ("" or a wildcard = every address): the
  // enrollment QR code of a page opened by 127.0.0.1 gives tablets the PC's LAN address.
  std::string listen_host{};
};

class Office;

// The office's routes, to serve with the sync server's (ServerOptions::extra_routes).
// The returned object owns what the routes use and must outlive the server.
struct OfficeRoutes {
  std::shared_ptr<Office> office;
  std::vector<server::Route> routes;
};
// Errors: invalid_argument (field "time_zone") for a zone the tz database lacks.
Result<OfficeRoutes> office_routes(server::Storage &storage, OfficeOptions options = {});

}  // namespace ykien::office
