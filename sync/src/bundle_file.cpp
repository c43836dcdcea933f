// Bundle file layout (docs/bundle-format.md):
//   "ykien-bundle 2\n" <manifest JSON> "\n" <gzip payload> "\ned25519 " <128 hex> "\nsha256 " <64 hex> "\n"
// The signature covers every byte before its line, the checksum every byte before
// its own; version 1 has no signature line. Reading checks, in this
// order: the magic and format version, that the trailer is there (else the file is
// truncated), the checksum, then the manifest and the payload.
#include "bundle_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "gzip.h"
#include "sha256.h"
#include "ykien/hlc.h"
#include "ykien/sync/protocol.h"
#include "ykien/sync/tuning.h"

namespace ykien::sync {
namespace {

using json = nlohmann::json;

constexpr std::string_view kMagic = "ykien-bundle ";
constexpr std::string_view kTrailerTag = "\nsha256 ";
constexpr size_t kTrailerBytes = 8 + 64 + 1;  // "\nsha256 " + hex + "\n"
constexpr std::string_view kSignatureTag = "\ned25519 ";
constexpr size_t kSignatureBytes = 9 + 128;  // "\ned25519 " + hex
constexpr int kUnsignedFormat = 1;

const char *const kExportAgain = "export it again on the device that made it";

Status damaged(const std::string &what) {
  return {ErrorCode::corrupt, what + "; " + kExportAgain};
}

Status truncated(size_t size) {
  return {ErrorCode::corrupt, "the file is truncated: it ends after " + std::to_string(size) +
                                  " bytes, before its checksum; it was not copied whole: copy it again, or " +
                                  kExportAgain};
}

std::string manifest_to_json(const BundleManifest &m) {
  json j = {{"format", m.format},
            {"id", m.id},
            {"exporter", m.exporter},
            {"exporter_site", m.exporter_site},
            {"for", m.for_peer},
            {"created", m.created_ms},
            {"cursors", {{"from", m.from_cursor}, {"to", m.to_cursor}, {"received", m.received_cursor}}},
            {"changes", m.changes},
            {"scopes", m.scopes},
            {"confidential", m.confidential},
            {"payload", {{"encoding", "gzip"}, {"content", "changes"}, {"bytes", m.payload_bytes}}}};
  if (!m.signer_key.empty()) j["signer_key"] = m.signer_key;
  if (!m.exporter_hlc.empty()) j["exporter_hlc"] = m.exporter_hlc;
  if (!m.received_hlc.empty()) j["cursors"]["received_hlc"] = m.received_hlc;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status get_int(const json &j, const char *name, int64_t *out, const std::string &prefix = {}) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return damaged("manifest: " + prefix + name + " is missing or not an integer");
  *out = it->get<int64_t>();
  if (*out < 0) return damaged("manifest: " + prefix + name + " is negative");
  return {};
}

Status get_text(const json &j, const char *name, std::string *out) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return damaged(std::string("manifest: ") + name + " is missing or not text");
  *out = it->get<std::string>();
  return {};
}

// A clock reading, absent from older files.
Status get_optional_hlc(const json &j, const char *name, std::string *out) {
  out->clear();
  auto it = j.find(name);
  if (it == j.end()) return {};
  if (!it->is_string() || !Hlc::parse(it->get<std::string>()))
    return damaged(std::string("manifest: ") + name + " is not a clock reading");
  *out = it->get<std::string>();
  return {};
}

Status manifest_from_json(std::string_view text, BundleManifest *m) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return damaged("the manifest is not a JSON object");
  int64_t format = 0;
  YKIEN_TRY(get_int(j, "format", &format));
  m->format = static_cast<int>(format);
  YKIEN_TRY(get_text(j, "id", &m->id));
  YKIEN_TRY(get_text(j, "exporter", &m->exporter));
  YKIEN_TRY(get_text(j, "exporter_site", &m->exporter_site));
  YKIEN_TRY(get_text(j, "for", &m->for_peer));
  YKIEN_TRY(get_int(j, "created", &m->created_ms));
  auto cursors = j.find("cursors");
  if (cursors == j.end() || !cursors->is_object()) return damaged("manifest: cursors is missing");
  YKIEN_TRY(get_int(*cursors, "from", &m->from_cursor, "cursors."));
  YKIEN_TRY(get_int(*cursors, "to", &m->to_cursor, "cursors."));
  YKIEN_TRY(get_int(*cursors, "received", &m->received_cursor, "cursors."));
  YKIEN_TRY(get_optional_hlc(*cursors, "received_hlc", &m->received_hlc));
  YKIEN_TRY(get_optional_hlc(j, "exporter_hlc", &m->exporter_hlc));
  YKIEN_TRY(get_int(j, "changes", &m->changes));
  m->scopes.clear();
  if (auto s = j.find("scopes"); s != j.end()) {
    if (!s->is_array()) return damaged("manifest: scopes is not a list");
    for (const auto &e : *s) {
      if (!e.is_string()) return damaged("manifest: scopes is not a list of text");
      m->scopes.push_back(e.get<std::string>());
    }
  }
  if (auto c = j.find("confidential"); c != j.end() && c->is_boolean()) m->confidential = c->get<bool>();
  auto payload = j.find("payload");
  if (payload == j.end() || !payload->is_object()) return damaged("manifest: payload is missing");
  auto enc = payload->find("encoding");
  if (enc == payload->end() || *enc != "gzip") return damaged("manifest: the payload encoding is not gzip");
  YKIEN_TRY(get_int(*payload, "bytes", &m->payload_bytes, "payload."));
  if (m->format >= 2) {
    YKIEN_TRY(get_text(j, "signer_key", &m->signer_key));
    if (!public_key_well_formed(m->signer_key)) return damaged("manifest: signer_key is not an Ed25519 public key");
  }
  if (m->exporter.empty() || m->for_peer.empty()) return damaged("manifest: exporter or for is empty");
  auto site = parse_site(m->exporter_site);
  if (!site || *site == 0) return damaged("manifest: exporter_site is not 16 hex digits");
  if (m->from_cursor > m->to_cursor) return damaged("manifest: cursors.from is after cursors.to");
  return {};
}

Result<std::string> read_file(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status(ErrorCode::not_found, "no such file: " + path);
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status(ErrorCode::storage, "cannot read " + path + ": " + ec.message(), "file");
  if (size > static_cast<uintmax_t>(tuning::kMaxBundleBytes)) {
    return Status(ErrorCode::too_large, path + " is larger than a bundle may be (" +
                                            std::to_string(tuning::kMaxBundleBytes) + " bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::storage, "cannot open " + path + ": " + std::strerror(errno), "file");
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return Status(ErrorCode::storage, "cannot read " + path, "file");
  return data;
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return {ErrorCode::storage, std::string("cannot write the bundle: ") + std::strerror(errno), "file"};
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Writes `data` to `path` through a temporary file in the same directory: a reader
// (or a USB stick pulled out) sees the old file or the new one, never a part. Its
// errors, as reading's, name the field "file": the bundle's, not the database's.
Status write_atomically(const std::string &path, std::string_view data) {
  std::random_device rd;
  const std::string tmp = path + ".tmp-" + std::to_string(rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {ErrorCode::storage, "cannot create " + tmp + ": " + std::strerror(errno), "file"};
  Status st = write_all(fd, data);
  if (st.ok() && ::fsync(fd) != 0) {
    st = Status(ErrorCode::storage, std::string("cannot flush the bundle to disk: ") + std::strerror(errno), "file");
  }
  if (::close(fd) != 0 && st.ok()) {
    st = Status(ErrorCode::storage, std::string("cannot close the bundle: ") + std::strerror(errno), "file");
  }
  if (st.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status(ErrorCode::storage, "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno), "file");
  }
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  // Make the rename itself durable (best effort: some file systems refuse).
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> bundle_bytes(BundleManifest *manifest, const std::vector<Change> &changes,
                                 const SigningKey *signer) {
  try {
    auto payload = gzip_compress(encode_changes(changes));
    if (!payload) return payload.status();
    if (static_cast<int64_t>(payload->size()) > tuning::kMaxBundleBytes) {
      return Status(ErrorCode::too_large, "the bundle would be larger than " +
                                              std::to_string(tuning::kMaxBundleBytes) +
                                              " bytes; limit it to fewer units");
    }
    manifest->format = signer != nullptr ? kBundleFormatVersion : kUnsignedFormat;
    manifest->signer_key = signer != nullptr ? signer->public_hex : std::string();
    manifest->signature.clear();
    manifest->changes = static_cast<int64_t>(changes.size());
    manifest->payload_bytes = static_cast<int64_t>(payload->size());
    std::string file;
    file.reserve(payload->size() + 1024);
    file.append(kMagic).append(std::to_string(manifest->format)).append("\n");
    file.append(manifest_to_json(*manifest)).append("\n");
    file.append(*payload);
    if (signer != nullptr) {
      auto signature = sign_bytes(*signer, file);
      if (!signature) return signature.status();
      manifest->signature = *signature;
      file.append(kSignatureTag).append(*signature);
    }
    const std::string sum = sha256_hex(file);
    file.append(kTrailerTag).append(sum).append("\n");
    return file;
  } catch (const std::bad_alloc &) {
    return Status(ErrorCode::too_large, "not enough memory to write the bundle");
  }
}

Result<int64_t> write_bundle_file(const std::string &path, BundleManifest *manifest,
                                  const std::vector<Change> &changes, const SigningKey *signer) {
  auto file = bundle_bytes(manifest, changes, signer);
  if (!file) return file.status();
  YKIEN_TRY(write_atomically(path, *file));
  return static_cast<int64_t>(file->size());
}

Result<BundleManifest> read_bundle_file(const std::string &path, std::vector<Change> *changes) {
  try {
    auto data = read_file(path);
    if (!data) return data.status();
    return read_bundle_bytes(*data, path, changes);
  } catch (const std::bad_alloc &) {
    return Status(ErrorCode::too_large, "not enough memory to read the bundle");
  } catch (const std::exception &e) {
    return Status(ErrorCode::corrupt, std::string("cannot read the bundle: ") + e.what());
  }
}

Result<BundleManifest> read_bundle_bytes(std::string_view all, const std::string &path,
                                         std::vector<Change> *changes) {
  try {
    // 1. Magic and format version.
    if (all.size() < kMagic.size()) {
      if (kMagic.starts_with(all)) return truncated(all.size());
      return Status(ErrorCode::corrupt, path + " is not a ykien bundle");
    }
    if (!all.starts_with(kMagic)) return Status(ErrorCode::corrupt, path + " is not a ykien bundle");
    const size_t version_end = all.find('\n', kMagic.size());
    if (version_end == std::string_view::npos) {
      if (all.size() < kMagic.size() + 12) return truncated(all.size());
      return Status(ErrorCode::corrupt, path + " is not a ykien bundle");
    }
    const std::string_view version_text = all.substr(kMagic.size(), version_end - kMagic.size());
    if (version_text.empty() || version_text.size() > 9 ||
        version_text.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status(ErrorCode::corrupt, path + " is not a ykien bundle (bad format version)");
    }
    const int version = std::stoi(std::string(version_text));
    if (version != kBundleFormatVersion && version != kUnsignedFormat) {
      return Status(ErrorCode::unsupported_version,
                    "the bundle has format version " + std::to_string(version) + "; this app reads version " +
                        std::to_string(kBundleFormatVersion) +
                        (version > kBundleFormatVersion ? ": update the app that imports it"
                                                        : ": export it again with a current app"));
    }

    // 2. The trailer must be there, then the checksum must match.
    const size_t header_end = version_end + 1;
    if (all.size() < header_end + kTrailerBytes) return truncated(all.size());
    const std::string_view trailer = all.substr(all.size() - kTrailerBytes);
    if (!trailer.starts_with(kTrailerTag) || trailer.back() != '\n' ||
        !is_lower_hex(trailer.substr(kTrailerTag.size(), 64))) {
      return truncated(all.size());
    }
    std::string_view body = all.substr(0, all.size() - kTrailerBytes);
    if (sha256_hex(body) != trailer.substr(kTrailerTag.size(), 64)) {
      return damaged("checksum mismatch: the file is damaged or was changed");
    }
    // A signed file: the signature line ends what the checksum covers.
    std::string_view signature;
    if (version >= 2) {
      if (body.size() < header_end + kSignatureBytes) return damaged("the signature is missing");
      const std::string_view line = body.substr(body.size() - kSignatureBytes);
      signature = line.substr(kSignatureTag.size());
      if (!line.starts_with(kSignatureTag) || !is_lower_hex(signature)) return damaged("the signature is missing");
      body = body.substr(0, body.size() - kSignatureBytes);
    }

    // 3. Manifest and payload.
    const size_t manifest_end = body.find('\n', header_end);
    if (manifest_end == std::string_view::npos) return damaged("the manifest has no end");
    BundleManifest m;
    YKIEN_TRY(manifest_from_json(body.substr(header_end, manifest_end - header_end), &m));
    if (m.format != version) return damaged("the manifest's format differs from the header's");
    if (version >= 2) {
      if (!signature_valid(m.signer_key, body, signature)) {
        return Status(ErrorCode::bad_signature,
                      "the bundle's signature does not match its contents: it was changed after it was signed, or "
                      "forged; nothing was applied. Export it again on the device that made it");
      }
      m.signature = std::string(signature);
    }
    const std::string_view payload = body.substr(manifest_end + 1);
    if (static_cast<int64_t>(payload.size()) != m.payload_bytes) {
      return damaged("the payload has " + std::to_string(payload.size()) + " bytes, the manifest says " +
                     std::to_string(m.payload_bytes));
    }
    if (changes != nullptr) {
      auto text = gzip_decompress(payload, static_cast<size_t>(tuning::kMaxBundleBytes));
      if (!text) {
        if (text.status().code() == ErrorCode::too_large) return text.status();
        return damaged("the payload is not valid gzip");
      }
      Status st = decode_changes(*text, changes);
      if (!st.ok()) return damaged("the changes cannot be read (" + st.message() + ")");
      if (static_cast<int64_t>(changes->size()) != m.changes) {
        return damaged("the bundle holds " + std::to_string(changes->size()) + " changes, the manifest says " +
                       std::to_string(m.changes));
      }
    }
    return m;
  } catch (const std::bad_alloc &) {
    return Status(ErrorCode::too_large, "not enough memory to read the bundle");
  } catch (const std::exception &e) {
    return Status(ErrorCode::corrupt, std::string("cannot read the bundle: ") + e.what());
  }
}

}  // namespace ykien::sync
