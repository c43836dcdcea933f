// JNI: attachments (docs/attachments.md): Ykien.addAttachmentFile/Bytes,
// listAttachments, and YkienBlob, an InputStream over ykien_blob.
#include <vector>

#include "jni_support.h"

using namespace ykien_jni;

extern "C" {

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nAttachmentAddFile(JNIEnv *env, jclass, jlong h, jstring path,
                                                                 jstring json) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return nullptr;
  Utf8 p8(env, path), j8(env, json);
  ykien_error err;
  char *out = nullptr;
  int rc = ykien_attachment_add_file(&out, db, p8.c(), j8.c(), nullptr, nullptr, &err);
  return result(env, rc, out, err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nAttachmentAddBytes(JNIEnv *env, jclass, jlong h, jbyteArray bytes,
                                                                  jstring json) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return nullptr;
  if (bytes == nullptr) {
    throw_error(env, YKIEN_EINVALID, "is null", "bytes");
    return nullptr;
  }
  const jsize n = env->GetArrayLength(bytes);
  std::vector<char> data(static_cast<size_t>(n));
  env->GetByteArrayRegion(bytes, 0, n, reinterpret_cast<jbyte *>(data.data()));
  Utf8 j8(env, json);
  ykien_error err;
  char *out = nullptr;
  int rc = ykien_attachment_add_bytes(&out, db, data.data(), data.size(), j8.c(), &err);
  return result(env, rc, out, err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nAttachmentList(JNIEnv *env, jclass, jlong h, jstring scope, jstring of) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return nullptr;
  Utf8 s8(env, scope), o8(env, of);
  ykien_error err;
  char *out = nullptr;
  int rc = ykien_attachment_list(&out, db, s8.c(), o8.c(), &err);
  return result(env, rc, out, err);
}

JNIEXPORT jlong JNICALL Java_vn_ykien_YkienBlob_nOpen(JNIEnv *env, jclass, jlong h, jstring sha256) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return 0;
  Utf8 s8(env, sha256);
  ykien_error err;
  ykien_blob *blob = nullptr;
  if (!check(env, ykien_blob_open(&blob, db, s8.c(), &err), err)) return 0;
  return static_cast<jlong>(reinterpret_cast<intptr_t>(blob));
}

// Up to `len` bytes into buffer[off...]; -1 at the end (InputStream's way).
JNIEXPORT jint JNICALL Java_vn_ykien_YkienBlob_nRead(JNIEnv *env, jclass, jlong h, jbyteArray buffer, jint off,
                                                     jint len) {
  auto *blob = handle<ykien_blob>(env, h);
  if (blob == nullptr || len <= 0) return 0;
  std::vector<char> chunk(static_cast<size_t>(len));
  ykien_error err;
  size_t got = 0;
  if (!check(env, ykien_blob_read(blob, chunk.data(), chunk.size(), &got, &err), err)) return 0;
  if (got == 0) return -1;
  env->SetByteArrayRegion(buffer, off, static_cast<jsize>(got), reinterpret_cast<const jbyte *>(chunk.data()));
  return static_cast<jint>(got);
}

JNIEXPORT jlong JNICALL Java_vn_ykien_YkienBlob_nSize(JNIEnv *env, jclass, jlong h) {
  auto *blob = handle<ykien_blob>(env, h);
  return blob == nullptr ? -1 : static_cast<jlong>(ykien_blob_size(blob));
}

JNIEXPORT void JNICALL Java_vn_ykien_YkienBlob_nClose(JNIEnv *, jclass, jlong h) {
  ykien_blob_close(reinterpret_cast<ykien_blob *>(static_cast<intptr_t>(h)));
}

}  // extern "C"
