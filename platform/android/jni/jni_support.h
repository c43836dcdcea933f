// What the JNI bridge's files share (ykien_jni.cpp, ykien_jni_keys.cpp,
// ykien_jni_attach.cpp): strings across the boundary, errors as YkienException,
// handles, and calling Java from native threads.
#pragma once

#include <jni.h>

#include <cstdint>
#include <string>

#include "ykien.h"

namespace ykien_jni {

extern JavaVM *g_vm;
extern jclass g_string;  // java/lang/String (global ref)

// Real UTF-8 both ways (not JNI's "modified UTF-8"); null gives "" and null.
std::string to_utf8(JNIEnv *env, jstring s);
jstring to_jstring(JNIEnv *env, const char *utf8);

// Throws vn.ykien.YkienException (unless a Java exception is already pending).
void throw_error(JNIEnv *env, int code, const char *message, const char *field);
// Returns true when the call succeeded; otherwise throws YkienException.
bool check(JNIEnv *env, int rc, const ykien_error &err);
// `out` as a Java string when the call succeeded (else throws); frees `out`.
jstring result(JNIEnv *env, int rc, char *out, const ykien_error &err);

// A Java string argument as UTF-8; null stays null.
class Utf8 {
 public:
  Utf8(JNIEnv *env, jstring s) : null_(s == nullptr), text_(to_utf8(env, s)) {}
  const char *c() const { return null_ ? nullptr : text_.c_str(); }

 private:
  bool null_;
  std::string text_;
};

// A closed Java object passes handle 0: say so as the C API does for closed handles.
template <typename T>
T *handle(JNIEnv *env, jlong h) {
  if (h == 0) throw_error(env, YKIEN_ESTATE, "the handle is closed", "");
  return reinterpret_cast<T *>(static_cast<intptr_t>(h));
}

// The JNIEnv of this thread, attaching it for the scope if it is a native thread.
class ScopedEnv {
 public:
  ScopedEnv() {
    if (g_vm == nullptr) return;
    void *e = nullptr;
    jint rc = g_vm->GetEnv(&e, JNI_VERSION_1_6);
    if (rc == JNI_OK) {
      env_ = static_cast<JNIEnv *>(e);
    } else if (rc == JNI_EDETACHED) {
      JavaVMAttachArgs args{JNI_VERSION_1_6, const_cast<char *>("ykien-callback"), nullptr};
#ifdef __ANDROID__
      if (g_vm->AttachCurrentThread(&env_, &args) == JNI_OK) attached_ = true;
#else
      if (g_vm->AttachCurrentThread(reinterpret_cast<void **>(&env_), &args) == JNI_OK) attached_ = true;
#endif
      if (!attached_) env_ = nullptr;
    }
  }
  ~ScopedEnv() {
    if (attached_) g_vm->DetachCurrentThread();
  }
  ScopedEnv(const ScopedEnv &) = delete;
  ScopedEnv &operator=(const ScopedEnv &) = delete;
  JNIEnv *get() const { return env_; }

 private:
  JNIEnv *env_ = nullptr;
  bool attached_ = false;
};

// A Java object kept for a C callback; ykien calls release() when done with it.
struct GlobalRef {
  jobject obj;
};

GlobalRef *make_ref(JNIEnv *env, jobject obj);
// A ykien_release_fn for a GlobalRef.
void release_ref(void *ctx);
// A callback cannot throw into C: report and drop the Java exception.
void drop_exception(JNIEnv *env);

// A vn.ykien.KeyStore as a ykien_key_store calling it; its release frees the global
// reference it holds. False (an exception pending) when none could be made.
bool java_key_store(JNIEnv *env, jobject keys, ykien_key_store *out);

// Looks up the key store's and the blob stream's Java classes (JNI_OnLoad, on a
// thread with the app's class loader). False when one is missing.
bool init_keys(JNIEnv *env);

}  // namespace ykien_jni
