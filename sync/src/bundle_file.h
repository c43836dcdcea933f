// The bundle file's layout: header line, manifest, gzip payload, checksum trailer
// (docs/bundle-format.md). Reading verifies everything before returning. Internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ykien/changes.h"
#include "signing.h"
#include "ykien/status.h"
#include "ykien/sync/bundle.h"

namespace ykien::sync {

// Writes `changes` under `manifest` (whose `changes`, `payload_bytes`, `signer_key`
// and `signature` are filled here) to `path` atomically, signed with `signer`
// (null: an unsigned version 1 file, as older apps wrote). Returns the file's size.
// Errors: storage (cannot write), too_large.
Result<int64_t> write_bundle_file(const std::string &path, BundleManifest *manifest,
                                  const std::vector<Change> &changes, const SigningKey *signer);

// Reads and verifies the file; fills `changes` unless it is null.
// Errors: not_found, storage, too_large, corrupt, unsupported_version, bad_signature
// (the signature does not match the file's bytes and the key it names).
Result<BundleManifest> read_bundle_file(const std::string &path, std::vector<Change> *changes);

// The same two on bytes in memory (the files' contents; the fuzz target reads with
// these). `name` stands for the file in messages.
Result<std::string> bundle_bytes(BundleManifest *manifest, const std::vector<Change> &changes,
                                 const SigningKey *signer = nullptr);
Result<BundleManifest> read_bundle_bytes(std::string_view data, const std::string &name,
                                         std::vector<Change> *changes);

}  // namespace ykien::sync
