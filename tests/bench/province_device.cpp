#include "province_device.h"

#include "province_carriers.h"
#include "province_meeting.h"
#include "support/seed_data.h"
#include "ykien/sync/curl_transport.h"

namespace ykien::bench {

using test::must;

SimulatedDevice::SimulatedDevice(const std::string &db_path, std::string server_url, std::string hamlet_scope,
                                 std::string local_address)
    : db_(must(Database::open(db_path), "open " + db_path)),
      server_url_(std::move(server_url)),
      hamlet_scope_(std::move(hamlet_scope)) {
  curl_options_.local_address = std::move(local_address);
}

void SimulatedDevice::enroll(const std::string &code) {
  auto transport = make_transport(nullptr);  // not timed
  sync::SyncOptions options;
  options.server_url = server_url_;
  sync::SyncClient client(*db_, *transport, options);
  must(client.enroll(code, "Máy tính bảng " + hamlet_scope_), "enroll");
  (void)must(client.sync(), "first sync");
}

void SimulatedDevice::record_meeting(int64_t n, int opinions) {
  Unit hamlet = must(db_->find_unit_by_scope(hamlet_scope_), "find unit " + hamlet_scope_);
  bench::record_meeting(*db_, hamlet, n, opinions);
}

// A tablet opens a connection for a sync and drops it afterwards (the client closes
// it when the sync ends: Transport::close_idle), as a real one does.
sync::SyncReport SimulatedDevice::sync(ExchangeTimes &times) {
  auto transport = make_transport(&times);
  sync::SyncOptions options;
  options.server_url = server_url_;
  sync::SyncClient client(*db_, *transport, options);
  return must(client.sync(), "sync");
}

std::unique_ptr<sync::Transport> SimulatedDevice::make_transport(ExchangeTimes *times) const {
  if (carriers_) return carriers_->transport(curl_options_.local_address, times);
  return std::make_unique<TimedTransport>(sync::make_curl_transport(curl_options_), times);
}

}  // namespace ykien::bench
