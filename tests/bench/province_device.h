// One simulated tablet of `ykien-bench province`: its own engine database, enrolled at
// the server with a one-time code as a real tablet is, syncing with the real
// SyncClient over the libcurl transport.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "province_exchanges.h"
#include "ykien/database.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"

namespace ykien::bench {

class CarrierProcess;

class SimulatedDevice {
 public:
  // Creates the device's database at `db_path`; `hamlet_scope` is the unit it serves;
  // its connections leave from `local_address` (empty = the system's choice).
  // Every call throws std::runtime_error with the engine's or the server's message.
  SimulatedDevice(const std::string &db_path, std::string server_url, std::string hamlet_scope,
                  std::string local_address = {});

  // Enrolls with a one-time code and syncs once, bringing the hamlet's units.
  void enroll(const std::string &code);
  // Records meeting number `n` of its hamlet, on the device only (`opinions`: as
  // bench::record_meeting).
  void record_meeting(int64_t n, int opinions = 0);
  // One sync (push, then pull until caught up), its exchanges timed into `times`.
  sync::SyncReport sync(ExchangeTimes &times);
  // From now on its exchanges (enrolling's too) are made by `carriers` (borrowed), from
  // its address (their transports' other options are libcurl's defaults, as here).
  void carry_exchanges_by(CarrierProcess *carriers) { carriers_ = carriers; }

 private:
  // A transport for one enrollment or sync, timed into `times` (may be null).
  std::unique_ptr<sync::Transport> make_transport(ExchangeTimes *times) const;

  std::unique_ptr<Database> db_;
  std::string server_url_;
  std::string hamlet_scope_;
  sync::CurlTransportOptions curl_options_;
  CarrierProcess *carriers_ = nullptr;
};

}  // namespace ykien::bench
