// The host's key store (Android Keystore, the iOS Keychain) behind the C callbacks,
// and ykien_secret_set, through which its get hands a secret back.
#include "capi_key_store.h"

#include "capi_internal.h"

using namespace ykien;
using namespace ykien::capi;

struct ykien_secret {
  std::string value;
};

namespace {

class HostKeyStore final : public sync::KeyStore {
 public:
  HostKeyStore(const ykien_key_store &store, bool owns) : store_(store), owns_(owns) {}
  ~HostKeyStore() override {
    if (owns_ && store_.release != nullptr) store_.release(store_.ctx);
  }
  HostKeyStore(const HostKeyStore &) = delete;
  HostKeyStore &operator=(const HostKeyStore &) = delete;

  Result<std::string> get(const std::string &name) override {
    ykien_secret out;
    if (store_.get(store_.ctx, name.c_str(), &out) != 0) return failed("read", name);
    return out.value;
  }
  Status put(const std::string &name, const std::string &value) override {
    if (store_.put(store_.ctx, name.c_str(), value.c_str()) != 0) return failed("keep", name);
    return {};
  }
  Status erase(const std::string &name) override {
    if (store_.erase(store_.ctx, name.c_str()) != 0) return failed("erase", name);
    return {};
  }

 private:
  static Status failed(const char *what, const std::string &name) {
    return Status(ErrorCode::storage, std::string("the host key store could not ") + what + " " + name);
  }
  ykien_key_store store_;
  bool owns_;
};

}  // namespace

namespace ykien::capi {

Result<std::shared_ptr<sync::KeyStore>> host_key_store(const ykien_key_store &store, bool owns, const char *field) {
  const std::string f = field;
  YKIEN_TRY(check_version(store.version, YKIEN_KEY_STORE_VERSION, (f + ".version").c_str()));
  if (store.get == nullptr) return Status::Invalid(f + ".get", "is NULL");
  if (store.put == nullptr) return Status::Invalid(f + ".put", "is NULL");
  if (store.erase == nullptr) return Status::Invalid(f + ".erase", "is NULL");
  return std::shared_ptr<sync::KeyStore>(std::make_shared<HostKeyStore>(store, owns));
}

}  // namespace ykien::capi

extern "C" {

YKIEN_API int ykien_secret_set(ykien_secret *secret, const char *value, size_t size) {
  return guard("ykien_secret_set", nullptr, [&]() -> Status {
    YKIEN_TRY(need(secret, "secret"));
    if (value == nullptr && size > 0) return Status::Invalid("value", "is NULL");
    secret->value.assign(value == nullptr ? "" : value, size);
    return {};
  });
}

}  // extern "C"
