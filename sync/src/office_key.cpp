#include "ykien/sync/office_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "settings_keys.h"
#include "sodium_util.h"

namespace ykien::sync {

namespace {

constexpr std::string_view kFileTag = "ykien-office-key";
constexpr size_t kIdBytes = 8;

template <size_t N>
bool from_hex(std::string_view hex, std::array<unsigned char, N> &out) {
  size_t len = 0;
  return hex.size() == 2 * N &&
         sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == N;
}

std::string id_of(const std::array<unsigned char, crypto_box_PUBLICKEYBYTES> &pk) {
  std::array<unsigned char, kIdBytes> id{};
  crypto_generichash(id.data(), id.size(), pk.data(), pk.size(), nullptr, 0);
  return to_hex(id);
}

std::string base64(const std::string &bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

class SodiumSealer final : public Sealer {
 public:
  explicit SodiumSealer(std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk) : pk_(pk), id_(id_of(pk)) {}
  Result<std::string> seal(std::string_view clear) const override {
    std::string box(clear.size() + crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal(reinterpret_cast<unsigned char *>(box.data()), reinterpret_cast<const unsigned char *>(clear.data()),
                        clear.size(), pk_.data()) != 0)
      return Status(ErrorCode::internal, "libsodium cannot seal");
    return std::string(kSealedPrefix) + id_ + ":" + base64(box);
  }

 private:
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk_;
  std::string id_;
};

}  // namespace

Result<OfficeKey> make_office_key() {
  YKIEN_TRY(start_sodium());
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_box_SECRETKEYBYTES> sk{};
  crypto_box_keypair(pk.data(), sk.data());
  OfficeKey key{id_of(pk), to_hex(pk), to_hex(sk)};
  sodium_memzero(sk.data(), sk.size());
  return key;
}

Result<std::string> office_key_id(std::string_view public_hex, const std::string &field) {
  YKIEN_TRY(start_sodium());
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
  if (!from_hex(public_hex, pk)) return Status::Invalid(field, "is not an office public key (64 hex digits)");
  return id_of(pk);
}

Result<std::shared_ptr<const Sealer>> office_sealer(std::string_view public_hex) {
  YKIEN_TRY(start_sodium());
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
  if (!from_hex(public_hex, pk)) return Status::Invalid("office_key", "is not an office public key (64 hex digits)");
  return std::shared_ptr<const Sealer>(std::make_shared<SodiumSealer>(pk));
}

Result<std::string> OfficeKeyRing::open(std::string_view sealed) const {
  YKIEN_TRY(start_sodium());
  if (!is_sealed(sealed)) return Status(ErrorCode::corrupt, "not a sealed value");
  std::string_view rest = sealed.substr(kSealedPrefix.size());
  const size_t colon = rest.find(':');
  if (colon != 2 * kIdBytes) return Status(ErrorCode::corrupt, "a sealed value names no key");
  const std::string_view id = rest.substr(0, colon), text = rest.substr(colon + 1);
  const OfficeKey *key = nullptr;
  for (const auto &k : keys)
    if (k.id == id && !k.secret_hex.empty()) key = &k;
  if (!key) return Status(ErrorCode::not_found, "sealed to office key " + std::string(id) + ", which this office does not hold");
  std::string box(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char *>(box.data()), box.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_box_SEALBYTES)
    return Status(ErrorCode::corrupt, "a sealed value is not base64 of a sealed box");
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_box_SECRETKEYBYTES> sk{};
  if (!from_hex(key->public_hex, pk) || !from_hex(key->secret_hex, sk))
    return Status(ErrorCode::corrupt, "office key " + key->id + " is malformed");
  std::string clear(len - crypto_box_SEALBYTES, '\0');
  const int opened = crypto_box_seal_open(reinterpret_cast<unsigned char *>(clear.data()),
                                          reinterpret_cast<const unsigned char *>(box.data()), len, pk.data(), sk.data());
  sodium_memzero(sk.data(), sk.size());
  if (opened != 0) return Status(ErrorCode::corrupt, "a sealed value does not open with office key " + key->id);
  return clear;
}

Result<OfficeKeyRing> read_office_key_file(const std::string &path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::not_found, "no office key file at " + path);
  OfficeKeyRing ring;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    std::istringstream words(line);
    std::string tag, version, pub, secret;
    words >> tag >> version >> pub >> secret;
    auto id = office_key_id(pub);
    if (tag != kFileTag || version != "v1" || !id || secret.size() != 2 * crypto_box_SECRETKEYBYTES)
      return Status(ErrorCode::corrupt, path + ":" + std::to_string(n) + ": not an office key line");
    ring.keys.push_back({*id, pub, secret});
  }
  if (ring.keys.empty()) return Status(ErrorCode::corrupt, path + ": holds no office key");
  return ring;
}

Status write_office_key_file(const std::string &path, const OfficeKeyRing &ring) {
  std::string text;
  for (const auto &k : ring.keys)
    text += std::string(kFileTag) + " v1 " + k.public_hex + " " + k.secret_hex + "\n";
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status(ErrorCode::storage, "cannot create " + tmp);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(ErrorCode::storage, "cannot write the office key to " + path);
  }
  return {};
}

Status install_office_sealer(Database &db) {
  auto key = db.get_setting(keys::kOfficeKey);
  if (!key.ok()) return key.status();
  if (key->empty()) return {};
  auto sealer = office_sealer(*key);
  if (!sealer.ok()) return sealer.status();
  db.set_sealer(std::move(*sealer));
  return {};
}

}  // namespace ykien::sync
