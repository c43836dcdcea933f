// Fuzz target: the bundle reader (sync/src/bundle_file.cpp), on bytes as a file on a
// USB stick would hold them. Random bytes rarely carry a right checksum, so each
// input is read twice: as it is, and with its checksum trailer made right, which
// lets the fuzzer reach the manifest and the payload. A bundle that reads is written
// again from what was read, and must read back the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bundle_file.h"
#include "fuzz_check.h"
#include "sha256.h"

namespace {

void read_and_rewrite(std::string_view bytes) {
  using namespace ykien;
  std::vector<Change> changes;
  auto manifest = sync::read_bundle_bytes(bytes, "fuzz.ykb", &changes);
  if (!manifest.ok()) {
    FUZZ_CHECK(!manifest.status().message().empty());
    return;
  }
  FUZZ_CHECK(static_cast<int64_t>(changes.size()) == manifest->changes);
  // The manifest alone reads without the payload.
  auto header = sync::read_bundle_bytes(bytes, "fuzz.ykb", nullptr);
  FUZZ_CHECK(header.ok());

  sync::BundleManifest m = *manifest;
  auto rewritten = sync::bundle_bytes(&m, changes);
  FUZZ_CHECK(rewritten.ok());
  std::vector<Change> again;
  auto back = sync::read_bundle_bytes(*rewritten, "fuzz.ykb", &again);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(again == changes);
  FUZZ_CHECK(back->id == manifest->id && back->exporter == manifest->exporter &&
             back->exporter_site == manifest->exporter_site && back->for_peer == manifest->for_peer &&
             back->created_ms == manifest->created_ms && back->from_cursor == manifest->from_cursor &&
             back->to_cursor == manifest->to_cursor && back->received_cursor == manifest->received_cursor &&
             back->changes == manifest->changes && back->scopes == manifest->scopes &&
             back->confidential == manifest->confidential);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  read_and_rewrite(input);
  std::string fixed(input);
  fixed += "\nsha256 " + ykien::sync::sha256_hex(input) + "\n";
  read_and_rewrite(fixed);
  return 0;
}
