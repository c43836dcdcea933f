// Names of the sync state kept in the device database's settings. Internal.
#pragma once

namespace ykien::sync {

// The origin recorded on changes pulled from the server (ApplyOptions::origin).
inline constexpr const char *kServerOrigin = "server";

namespace keys {
inline constexpr const char *kDeviceId = "sync.device_id";
inline constexpr const char *kToken = "sync.token";
inline constexpr const char *kScopes = "sync.scopes";          // JSON array
inline constexpr const char *kPushCursor = "sync.push_cursor";  // local export cursor
inline constexpr const char *kPullCursor = "sync.pull_cursor";  // opaque server cursor
inline constexpr const char *kRefused = "sync.refused";         // JSON array
}  // namespace keys

}  // namespace ykien::sync
