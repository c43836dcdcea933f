#include "province_device.h"

#include "province_meeting.h"
#include "support/seed_data.h"
#include "ykien/sync/curl_transport.h"

namespace ykien::bench {

using test::must;

SimulatedDevice::SimulatedDevice(const std::string &db_path, std::string server_url, std::string hamlet_scope)
    : db_(must(Database::open(db_path), "open " + db_path)),
      server_url_(std::move(server_url)),
      hamlet_scope_(std::move(hamlet_scope)) {}

void SimulatedDevice::enroll(const std::string &code) {
  auto curl = sync::make_curl_transport();
  sync::SyncOptions options;
  options.server_url = server_url_;
  sync::SyncClient client(*db_, *curl, options);
  must(client.enroll(code, "Máy tính bảng " + hamlet_scope_), "enroll");
  (void)must(client.sync(), "first sync");
}

void SimulatedDevice::record_meeting(int64_t n) {
  Unit hamlet = must(db_->find_unit_by_scope(hamlet_scope_), "find unit " + hamlet_scope_);
  bench::record_meeting(*db_, hamlet, n);
}

// A tablet opens a connection for a sync and drops it afterwards. Left open, an idle
// connection would hold one of the server's worker threads (cpp-httplib serves a
// connection on one thread) until its keep-alive timeout: so each sync gets its own
// transport, and thus its own connection, closed when the sync ends.
sync::SyncReport SimulatedDevice::sync(ExchangeTimes &times) {
  auto curl = sync::make_curl_transport();
  TimedTransport timed(*curl, times);
  sync::SyncOptions options;
  options.server_url = server_url_;
  sync::SyncClient client(*db_, timed, options);
  return must(client.sync(), "sync");
}

}  // namespace ykien::bench
