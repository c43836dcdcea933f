// A confidential opinion's complainant identity, sealed on the recording device
// (ykien/seal.h, docs/security.md): sealing before a write, the local clear copy
// (_sealed_clear, never replicated) and reading it back on this device.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/database_impl.h"

namespace ykien {

// The identity cells a write sealed: (column, clear value).
using ClearIdentity = std::vector<std::pair<std::string, std::string>>;

// Seals the clear identity fields of `o` when it is confidential and a sealer is set,
// giving their clear values in `clear`. A field still equal to `kept` (the clear copy
// of the stored row, read by read_clear) keeps `stored`'s sealed value, so that an
// edit of another field does not seal it again. Errors: those of the sealer.
Status seal_identity(const Database::Impl &impl, Opinion &o, ClearIdentity &clear, const Opinion *stored = nullptr,
                     const ClearIdentity *kept = nullptr);
// Keeps `clear` for opinion `id` in _sealed_clear (inside the write's transaction).
Status keep_clear(Database::Impl &impl, const std::string &id, const ClearIdentity &clear);
// The clear copies this device holds of opinion `id`'s sealed cells.
Result<ClearIdentity> read_clear(const Database::Impl &impl, const std::string &id);
// Puts `clear`'s values into `o`'s identity fields.
void put_clear(Opinion &o, const ClearIdentity &clear);

}  // namespace ykien
