// Bundles on the server's data (docs/server.md, "Bundles"; docs/bundle-format.md):
// the operator carries changes to and from a device, or another server, where no
// network reaches. Run with the server stopped, like purge.
#pragma once

#include <string>
#include <vector>

#include "storage.h"
#include "ykien/clock.h"
#include "ykien/sync/bundle.h"

namespace ykien::server {

// The name the server goes by in bundles: what devices call it in their sync state.
inline constexpr const char *kServerBundleName = sync::kServerPeerName;

struct ServerBundleExport {
  // For a name that is not an enrolled device: only these scopes (empty = all), and
  // confidential cells only when `confidential`. An enrolled device always gets its
  // own scopes and its own confidential permission.
  std::vector<std::string> scopes;
  bool confidential = false;
  sync::BundleProgressFn on_progress;
  // The server's folder of attachments' blobs: those of the attachment records the
  // bundle carries go beside it (docs/bundle-format.md, "Attachments"). "" = none.
  std::string blobs_dir;
};

// Writes a bundle for `peer` (a device id, or another peer's name) at `path`. The
// server's own changes keep their stamps (devices may have pulled them).
// Errors: unauthorized (revoked device), invalid_state (a backend without an engine
// database), and export_bundle's.
Result<sync::BundleExportReport> export_server_bundle(Storage &storage, const std::string &peer,
                                                      const std::string &path, const ServerBundleExport &options);

// Imports a bundle into the server's data. A bundle from an enrolled device (known by
// its site id, or its device id as the exporter's name) is applied as that device's
// push: origin = its id, refused whole (forbidden) if a change lies outside its
// scopes, refused if the device is revoked; its acknowledgement counts as a pull ack.
// A change stamped further ahead of the server's (corrected) clock than a push may
// be is refused whole (clock_drift), as a push is.
// The blobs beside the bundle that its attachment records name are then taken into
// `blobs_dir` (the server's folder; "" = none), each named only once it hashes to its name.
// `office_key`: the server's own office public key ("" = none; devices_office_key):
// with one, a device's bundle carrying a complainant's identity in clear is refused
// whole (not_sealed), as its push is.
// Errors: unauthorized, forbidden, clock_drift, not_sealed, invalid_state, and import_bundle's.
Result<sync::BundleImportReport> import_server_bundle(Storage &storage, const std::string &path,
                                                      const sync::BundleProgressFn &on_progress = {},
                                                      const std::string &blobs_dir = {},
                                                      const std::string &office_key = {});

}  // namespace ykien::server
