#include "bundle_admin.h"

#include <fstream>
#include <iterator>
#include <optional>

#include "server.h"
#include "unit_scopes.h"
#include "ykien/hlc.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {
namespace {

std::vector<std::string> server_names(Replica &replica) {
  std::vector<std::string> names{kServerBundleName};
  if (auto own = sync::bundle_names(replica); own.ok()) names.insert(names.end(), own->begin(), own->end());
  return names;
}

// The enrolled device a bundle or a name stands for; null when none.
Result<std::optional<DeviceRecord>> find_device(Storage &storage, const std::string &id, const std::string &site) {
  auto devices = storage.list_devices();
  if (!devices) return devices.status();
  std::optional<DeviceRecord> found;
  for (const auto &d : *devices) {
    if (d.id == id || (!site.empty() && d.site == site)) {
      // An active enrollment of the same tablet wins over a revoked one.
      if (!found || (found->revoked_at_ms != 0 && d.revoked_at_ms == 0)) found = d;
    }
  }
  return found;
}

}  // namespace

Result<sync::BundleExportReport> export_server_bundle(Storage &storage, const std::string &peer,
                                                      const std::string &path, const ServerBundleExport &options) {
  YKIEN_TRY(sync::check_peer_name(peer, "for"));
  sync::BundleExportOptions eo;
  eo.self = kServerBundleName;
  eo.on_progress = options.on_progress;
  // Devices pull the server's changes without acknowledging each: no cursor tells
  // which of them no peer holds yet, so none may get new stamps.
  eo.restamp_ahead = false;
  auto device = find_device(storage, peer, {});
  if (!device) return device.status();
  if (device->has_value()) {
    const DeviceRecord &d = **device;
    if (d.revoked_at_ms != 0) return Status(ErrorCode::unauthorized, "device " + d.id + " is revoked");
    auto held_to = with_effective_scopes(storage.replica(), d);  // its units as they are today
    if (!held_to) return held_to.status();
    eo.scopes = held_to->scopes;
    eo.include_confidential = d.confidential;
  } else {
    eo.scopes = options.scopes;
    eo.include_confidential = options.confidential;
  }
  auto r = sync::export_bundle(storage.replica(), peer, path, eo);
  if (r.ok() && !options.blobs_dir.empty()) YKIEN_TRY(sync::export_bundle_blobs(BlobStore(options.blobs_dir), path));
  return r;
}

Result<sync::BundleImportReport> import_server_bundle(Storage &storage, const std::string &path,
                                                      const sync::BundleProgressFn &on_progress,
                                                      const std::string &blobs_dir,
                                                      const std::string &office_key) {
  Replica &replica = storage.replica();
  std::optional<DeviceRecord> device;
  std::string device_key;  // the device's registered key; "" = none
  std::vector<WriteKey> writes;
  sync::BundleImportOptions io;
  io.self_names = server_names(replica);
  io.on_progress = on_progress;
  // The limit a push meets (ServerOptions::max_clock_drift_ms): a USB stick is no
  // way around it.
  io.max_clock_drift_ms = sync::tuning::kMaxClockDriftMs;
  io.check = [&](const sync::BundleManifest &m, const std::vector<Change> &changes, std::string *peer,
                 Writer *writer) -> Status {
    auto found = find_device(storage, m.exporter, m.exporter_site);
    if (!found) return found.status();
    device = *found;
    if (!device) {
      // Not a device of this server: the operator who imports it vouches for it, as
      // for the office's own writes (docs/server.md, "Write policy").
      writer->role = WriterRole::office;
      return {};
    }
    if (device->revoked_at_ms != 0) {
      return {ErrorCode::unauthorized, "the bundle comes from device " + device->id + ", which is revoked"};
    }
    // Authenticated by its signature, not by the name or site written inside it.
    auto key = storage.signatures().device_key(device->id);
    if (!key) return key.status();
    device_key = *key;
    if (!device_key.empty() && m.signer_key != device_key) {
      return {ErrorCode::bad_signature,
              m.signer_key.empty()
                  ? "the bundle names device " + device->id + " but is not signed, and that device has a signing key: "
                        "it was altered or made by an older app; nothing was applied. Export it again on the device"
                  : "the bundle names device " + device->id + " but another key signed it: it was forged, or made "
                        "by another database; nothing was applied. Import only bundles exported by that device",
              "signer_key"};
    }
    auto held_to = with_effective_scopes(storage.replica(), *device);
    if (!held_to) return held_to.status();
    *writer = writer_of(*held_to);  // checked change by change, as its pushes are
    writer->sealed_identities = !devices_office_key(replica, office_key).empty();
    *peer = device->id;            // as its pushes: pulls then leave these changes out
    writes = writes_of(changes);
    return {};
  };
  auto r = sync::import_bundle(replica, path, io);
  if (!r) return r;
  // A device's signed bundle is kept like its signed pushes: provenance names it.
  if (device && !device_key.empty()) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SignedBatch batch{0,          device->id, "bundle", replica.now_ms(), std::move(bytes), r->manifest.signature,
                      device_key, {},         {}};
    YKIEN_TRY(storage.signatures().keep_batch(batch, writes));
  }
  // The device holds the server's changes up to the cursor it acknowledged: the
  // same acknowledgement as a pull's, which lets tombstones be purged.
  if (device && r->acknowledged) {
    auto state = sync::bundle_peer_state(replica, device->id);
    if (state.ok() && state->acked > device->acked_cursor) {
      YKIEN_TRY(storage.record_pull_acks({{device->id, state->acked, replica.now_ms()}}));
    }
  }
  if (!blobs_dir.empty()) {
    BlobStore into(blobs_dir);
    YKIEN_TRY(sync::import_bundle_blobs(into, path));
  }
  return r;
}

}  // namespace ykien::server
