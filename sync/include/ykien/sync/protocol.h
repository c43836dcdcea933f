// The sync protocol's messages and their JSON codec. Prose: docs/protocol.md.
// Every decode validates fully and returns a Status naming the bad field; nothing
// here throws. HLCs and site ids travel as 16-digit hex strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/export.h"
#include "ykien/status.h"

namespace ykien::sync {

// The protocol version this build speaks (docs/protocol.md, "Versions").
inline constexpr int kProtocolVersion = 1;

// Endpoint paths.
inline constexpr const char *kPathHealth = "/v1/health";
inline constexpr const char *kPathEnroll = "/v1/enroll";
inline constexpr const char *kPathPush = "/v1/push";
inline constexpr const char *kPathPull = "/v1/pull";
inline constexpr const char *kPathSites = "/v1/sites";
inline constexpr const char *kPathKeys = "/v1/keys";
// Attachments' blobs: "/v1/blobs/<sha256>" (docs/protocol.md, "Blobs").
inline constexpr const char *kPathBlobs = "/v1/blobs/";
// Headers of the blob endpoints: the bytes of a blob the server holds (whole or so
// far), whether it is whole, and a chunk's own SHA-256 (64 hex digits).
inline constexpr const char *kBlobOffsetHeader = "X-Ykien-Blob-Offset";
inline constexpr const char *kBlobSizeHeader = "X-Ykien-Blob-Size";
inline constexpr const char *kBlobWholeHeader = "X-Ykien-Blob-Whole";
inline constexpr const char *kChunkHashHeader = "X-Ykien-Chunk-Sha256";

// The change format a server reads and writes beside "changes": "rows", each row's
// cells under one stamp (docs/protocol.md, "Rows"). Its replies name it in
// "change_format"; a pull request names it to get its reply's changes so.
inline constexpr const char *kRowsFormatName = "rows";

// The header that carries a push's Ed25519 signature, over the request body's bytes
// as sent before gzip: 128 hex digits, or "b2:" and 128 hex digits over the body's
// BLAKE2b digest (docs/protocol.md, "Signatures").
inline constexpr const char *kSignatureHeader = "X-Ykien-Signature";

// Sent ("1") on every request of a sync after its first answered one: the server lets
// a sync under way go on when it turns new ones away (503), whatever connection the
// request came on; behind a reverse proxy the connections are the proxy's, reused by
// every tablet (docs/server.md, "Serving many slow clients").
inline constexpr const char *kContinuingHeader = "X-Ykien-Continuing";

// Body of every error reply: {"code": "...", "message": "...", "field": "..."}.
// A refused push also lists the refused changes: their indexes ("refused", read by
// older clients) and, for each, why ("refusals": a stable code naming table, row
// and column; docs/protocol.md, "Refusals").
struct ErrorReply {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::string field;             // empty when no single field is at fault
  std::vector<int64_t> refused;  // indexes into PushRequest::changes
  int64_t server_time_ms = 0;
  std::vector<Refusal> refusals{};  // one per refused change, by index
};

struct HealthReply {
  std::string status = "ok";
  int protocol = kProtocolVersion;
  int64_t server_time_ms = 0;
};

struct EnrollRequest {
  int protocol = kProtocolVersion;
  std::string code;         // the one-time enrollment code
  std::string device_name;  // shown to the operator ("Tablet of Ấp 3 secretary")
  std::string site;         // the device database's site id (hex)
  // The device's Ed25519 public key (64 hex digits); empty from an older app.
  std::string public_key{};
};

struct EnrollReply {
  std::string device_id;
  std::string token;  // secret: sent as "Authorization: Bearer <token>"
  std::vector<std::string> scopes;
  int64_t server_time_ms = 0;
  // The server's public key (its bundles are signed with it); empty from an older server.
  std::string server_key{};
  // True when the server recorded the device's public key (an older server: false).
  bool key_recorded = false;
  // The cheapest signature format the server verifies beside whole-body signatures
  // ("ed25519-blake2b"); empty from an older server (docs/protocol.md, "Signatures").
  std::string signature_format{};
  // The commune office's public key: complainants' identities are sealed to it
  // (ykien/sync/office_key.h). Empty from an older server.
  std::string office_key{};
  // kRowsFormatName from a server that reads pushes as rows; empty from an older one.
  std::string change_format{};
};

// A device enrolled before keys existed registers its public key once
// (docs/protocol.md, "POST /v1/keys").
struct KeysRequest {
  int protocol = kProtocolVersion;
  std::string public_key;  // 64 hex digits
};

struct KeysReply {
  std::string server_key;  // the server's public key
  int64_t server_time_ms = 0;
  std::string signature_format{};  // as in EnrollReply
  std::string office_key{};  // as EnrollReply's
  std::string change_format{};  // as in EnrollReply
};

struct PushRequest {
  int protocol = kProtocolVersion;
  int64_t client_time_ms = 0;  // the device's corrected clock when sending
  std::vector<Change> changes;
  // Written as "rows" (to a server that said it reads them), else as "changes";
  // decoding says which came.
  bool as_rows = false;
  // Decoded with keep_rows: a push that came as "rows" is here as they came, and
  // `changes` is empty (a server merges them without copying each row's keys into
  // every cell). Encoded, as "rows", when `changes` is empty: a device's batch
  // exported by row (ExportOptions::as_rows).
  std::vector<RowWrite> rows;

  // The push's changes, whichever way they were decoded (valid while it is).
  ChangeBatch batch() const { return ChangeBatch::of(changes, rows); }
};

struct PushReply {
  int64_t applied = 0;
  int64_t ignored = 0;
  int64_t conflicts = 0;
  int64_t server_time_ms = 0;
  std::string signature_format{};  // as in EnrollReply
  std::string change_format{};     // as in EnrollReply
  // The most changes this server takes in one push (its bound: the device grows its
  // batches within it); 0 = not said, a server before it, which took 10,000.
  int64_t max_changes = 0;
  // The position of the server's change log before this push was written (its
  // changes lie above); -1: the server did not say (older). See PullRequest::own_through.
  int64_t position_before = -1;
};

struct PullRequest {
  int protocol = kProtocolVersion;
  int64_t client_time_ms = 0;
  std::string cursor;  // opaque, from the previous PullReply; empty = from the start
  int64_t limit = 0;   // most changes wanted; 0 = the server's choice
  // kRowsFormatName: the reply's changes wanted as rows; empty: as "changes".
  std::string change_format{};
  // Set: the device asks for `cursor` before it has applied the batch that led there
  // (a pull ahead), and holds everything up to this cursor only ("" = nothing yet).
  // Unset: it holds everything up to `cursor`. Sent only to a server whose reply said
  // pull_ahead.
  std::optional<std::string> acked{};
  // Set: the device's own changes logged at positions up to this one come back too
  // (unset: none of its own). A device restored from an older copy of its database
  // lacks what it pushed since that copy; it sends the position before its first
  // push of this sync (PushReply::position_before), or the largest when it pushed
  // nothing: what it pushed before this sync may be missing, what it just pushed is not.
  std::optional<int64_t> own_through{};
};

struct PullReply {
  std::vector<Change> changes;
  std::string cursor;  // pass back on the next pull
  bool more = false;   // true: pull again now
  int64_t server_time_ms = 0;
  // How far the pull has gone, in positions of the server's change log (cheap to
  // know, unlike a count of the changes left): the positions this batch covered and
  // those still ahead of the device's cursor. -1: the server did not say (older).
  int64_t scanned = -1;
  int64_t left = -1;
  // As EnrollReply's: a rotated office key reaches the devices at their next pull.
  std::string office_key{};
  std::string change_format{};  // as in EnrollReply
  // The changes written as "rows" (the request asked), else as "changes"; decoding
  // says which came.
  bool as_rows = false;
  // The server reads PullRequest::acked: the device may ask for the next batch while
  // it applies this one. False from servers before it.
  bool pull_ahead = false;
  // As PushRequest::rows: a reply of "rows" decoded with keep_rows, `changes` empty;
  // encoded as "rows" when `changes` is empty (a batch the server exported by row).
  std::vector<RowWrite> rows;

  // The reply's changes, whichever way they were decoded (valid while it is).
  ChangeBatch batch() const { return ChangeBatch::of(changes, rows); }
};

// A hub tells the server the sites whose writes it relays: its own replica's and its
// tablets' (docs/protocol.md, "POST /v1/sites").
struct RelayedSiteEntry {
  std::string site;       // 16 hex digits
  std::string device_id;  // the tablet's id at the hub; empty for the hub's own replica
  std::string name;       // the tablet's name at the hub
};

struct SitesRequest {
  int protocol = kProtocolVersion;
  std::vector<RelayedSiteEntry> sites;
};

struct SitesReply {
  std::vector<std::string> refused;  // sites that belong to another device or hub
  int64_t server_time_ms = 0;
};

// ---- Codec ----
YKIEN_CXX_API std::string encode(const ErrorReply &m);
YKIEN_CXX_API std::string encode(const HealthReply &m);
YKIEN_CXX_API std::string encode(const EnrollRequest &m);
YKIEN_CXX_API std::string encode(const EnrollReply &m);
YKIEN_CXX_API std::string encode(const PushRequest &m);
YKIEN_CXX_API std::string encode(const PushReply &m);
YKIEN_CXX_API std::string encode(const PullRequest &m);
YKIEN_CXX_API std::string encode(const PullReply &m);
YKIEN_CXX_API std::string encode(const SitesRequest &m);
YKIEN_CXX_API std::string encode(const SitesReply &m);
YKIEN_CXX_API std::string encode(const KeysRequest &m);
YKIEN_CXX_API std::string encode(const KeysReply &m);

// Errors: corrupt (not JSON, invalid UTF-8), invalid_argument (a field missing or
// of the wrong type; Status::field() names it), unsupported_version (requests whose
// "protocol" this build does not speak).
YKIEN_CXX_API Status decode(std::string_view json, ErrorReply *out);
YKIEN_CXX_API Status decode(std::string_view json, HealthReply *out);
YKIEN_CXX_API Status decode(std::string_view json, EnrollRequest *out);
YKIEN_CXX_API Status decode(std::string_view json, EnrollReply *out);
YKIEN_CXX_API Status decode(std::string_view json, PushRequest *out, bool keep_rows = false);
YKIEN_CXX_API Status decode(std::string_view json, PushReply *out);
YKIEN_CXX_API Status decode(std::string_view json, PullRequest *out);
YKIEN_CXX_API Status decode(std::string_view json, PullReply *out, bool keep_rows = false);
YKIEN_CXX_API Status decode(std::string_view json, SitesRequest *out);
YKIEN_CXX_API Status decode(std::string_view json, SitesReply *out);
YKIEN_CXX_API Status decode(std::string_view json, KeysRequest *out);
YKIEN_CXX_API Status decode(std::string_view json, KeysReply *out);

// A bare list of changes, {"changes": [Change, ...]}: the payload of a bundle
// (docs/bundle-format.md). The same Change JSON as in push and pull.
YKIEN_CXX_API std::string encode_changes(const std::vector<Change> &changes);
// Errors: corrupt (not JSON), invalid_argument (field "changes[i].<name>").
YKIEN_CXX_API Status decode_changes(std::string_view json, std::vector<Change> *out);

// ---- Errors and HTTP ----
// The HTTP status that carries an error code (400, 401, 403, 409, 413, 426, 5xx...).
YKIEN_CXX_API int http_status_for(ErrorCode code);
// The code for a stable name ("invalid_argument"); internal for unknown names.
YKIEN_CXX_API ErrorCode error_code_from_name(std::string_view name);
// True if a request that failed this way may succeed when retried unchanged.
YKIEN_CXX_API bool is_retryable(ErrorCode code);

}  // namespace ykien::sync
