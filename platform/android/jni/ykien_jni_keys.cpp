// JNI: the device's secrets and the wipe (issue 19; docs/security.md). A
// vn.ykien.KeyStore (AndroidKeystoreStore on a tablet) behind the C API's
// ykien_key_store, YkienSync.wipeOrdered/reportWiped and Ykien.eraseDatabaseFiles.
#include "jni_support.h"

namespace ykien_jni {

namespace {

jmethodID g_keys_get = nullptr, g_keys_put = nullptr, g_keys_erase = nullptr;

// Runs `call` on the store's Java object; 1 when no JNIEnv or the store threw (the
// C API then fails the call with ESTORAGE naming the secret).
template <typename F>
int with_store(void *ctx, F &&call) {
  ScopedEnv scoped;
  JNIEnv *env = scoped.get();
  if (env == nullptr || env->ExceptionCheck()) return 1;
  if (env->PushLocalFrame(8) != JNI_OK) {
    env->ExceptionClear();
    return 1;
  }
  call(env, static_cast<GlobalRef *>(ctx)->obj);
  const bool threw = env->ExceptionCheck();
  env->ExceptionClear();  // the store's failure is told as the C call's error
  env->PopLocalFrame(nullptr);
  return threw ? 1 : 0;
}

int keys_get(void *ctx, const char *name, ykien_secret *out) {
  return with_store(ctx, [&](JNIEnv *env, jobject keys) {
    auto value = static_cast<jstring>(env->CallObjectMethod(keys, g_keys_get, to_jstring(env, name)));
    if (env->ExceptionCheck() || value == nullptr) return;
    const std::string text = to_utf8(env, value);
    ykien_secret_set(out, text.data(), text.size());
  });
}

int keys_put(void *ctx, const char *name, const char *value) {
  return with_store(ctx, [&](JNIEnv *env, jobject keys) {
    env->CallVoidMethod(keys, g_keys_put, to_jstring(env, name), to_jstring(env, value));
  });
}

int keys_erase(void *ctx, const char *name) {
  return with_store(ctx, [&](JNIEnv *env, jobject keys) { env->CallVoidMethod(keys, g_keys_erase, to_jstring(env, name)); });
}

}  // namespace

bool java_key_store(JNIEnv *env, jobject keys, ykien_key_store *out) {
  GlobalRef *ref = make_ref(env, keys);
  if (ref == nullptr) return false;
  *out = YKIEN_KEY_STORE_INIT;
  out->get = keys_get;
  out->put = keys_put;
  out->erase = keys_erase;
  out->release = release_ref;
  out->ctx = ref;
  return true;
}

bool init_keys(JNIEnv *env) {
  jclass keys = env->FindClass("vn/ykien/KeyStore");
  if (keys == nullptr) return false;
  g_keys_get = env->GetMethodID(keys, "get", "(Ljava/lang/String;)Ljava/lang/String;");
  g_keys_put = env->GetMethodID(keys, "put", "(Ljava/lang/String;Ljava/lang/String;)V");
  g_keys_erase = env->GetMethodID(keys, "erase", "(Ljava/lang/String;)V");
  env->DeleteLocalRef(keys);
  return g_keys_get != nullptr && g_keys_put != nullptr && g_keys_erase != nullptr;
}

}  // namespace ykien_jni

using namespace ykien_jni;

extern "C" {

JNIEXPORT jboolean JNICALL Java_vn_ykien_YkienSync_nWipeOrdered(JNIEnv *env, jclass, jlong h) {
  auto *sync = handle<ykien_sync>(env, h);
  if (sync == nullptr) return JNI_FALSE;
  ykien_error err;
  int ordered = 0;
  if (!check(env, ykien_sync_wipe_ordered(&ordered, sync, &err), err)) return JNI_FALSE;
  return ordered != 0 ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_vn_ykien_YkienSync_nReportWiped(JNIEnv *env, jclass, jlong h) {
  auto *sync = handle<ykien_sync>(env, h);
  if (sync == nullptr) return;
  ykien_error err;
  check(env, ykien_sync_report_wiped(sync, &err), err);
}

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_nEraseDatabaseFiles(JNIEnv *env, jclass, jstring path, jobject keys) {
  Utf8 p8(env, path);
  ykien_key_store store = YKIEN_KEY_STORE_INIT;
  if (keys != nullptr && !java_key_store(env, keys, &store)) return;
  ykien_error err;
  const int rc = ykien_erase_database_files(p8.c(), keys != nullptr ? &store : nullptr, &err);
  if (store.release != nullptr) store.release(store.ctx);  // borrowed for the call
  check(env, rc, err);
}

}  // extern "C"
