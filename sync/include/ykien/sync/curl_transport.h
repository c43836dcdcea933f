// The default Transport, over libcurl (library target ykien_sync_curl).
#pragma once

#include <memory>
#include <string>

#include "ykien/export.h"
#include "ykien/sync/transport.h"

namespace ykien::sync {

struct CurlTransportOptions {
  long connect_timeout_ms = 10000;
  // Whole exchange; a 3G link moving a 4 MB batch needs a while.
  long timeout_ms = 120000;
  // Abort when fewer than low_speed_bytes/s flow for low_speed_time_s seconds.
  long low_speed_bytes = 1;
  long low_speed_time_s = 30;
  bool verify_tls = true;  // off only for tests against a self-signed server
  std::string ca_file;     // empty = the system's CA store
  // Optional certificate pinning, libcurl syntax: "sha256//<base64 of the SPKI hash>"
  // (several joined by ';'). Empty = no pinning.
  std::string pinned_public_key;
  // Local address connections leave from; empty = the system's choice. For hosts
  // with several addresses (ykien-bench spreads its simulated tablets over 127/8).
  std::string local_address;
  // A gzip reply inflated beyond this is refused (too_large): no server, however
  // broken or hostile, makes a tablet inflate without end. Pull replies and blob
  // chunks are far smaller (docs/protocol.md).
  size_t max_reply_bytes = size_t{64} << 20;
};

// A new transport; each owns its curl handle (connections are reused within a sync).
YKIEN_CXX_API std::unique_ptr<Transport> make_curl_transport(const CurlTransportOptions &options = {});

}  // namespace ykien::sync
