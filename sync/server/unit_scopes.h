// The scopes a device is held to when units changed (issue 18, docs/units.md).
#pragma once

#include "storage.h"

namespace ykien::server {

// The device with the scopes its enrolled units make today, through the units'
// history: the merged ward of an old ward and its other old parts, and "!scope"
// for a unit moved out. What its pulls, pushes and bundles are held to.
Result<DeviceRecord> with_effective_scopes(Replica &replica, DeviceRecord device);
// The same, read in a snapshot that serves other reads too (a pull, a push).
Result<DeviceRecord> with_effective_scopes(Replica::Snapshot &snapshot, DeviceRecord device);

}  // namespace ykien::server
