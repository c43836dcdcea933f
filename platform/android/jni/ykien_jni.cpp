// JNI bridge: vn.ykien.Ykien and vn.ykien.YkienSync over the C API (ykien.h).
// Strings cross as real UTF-8 (converted from/to UTF-16 here, not JNI's "modified
// UTF-8", which would mangle emoji). Errors become vn.ykien.YkienException.
// Callbacks from native threads attach to the JVM for the call and detach after.
#include <jni.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "jni_support.h"
#include "ykien.h"

namespace ykien_jni {

JavaVM *g_vm = nullptr;
jclass g_exception = nullptr;  // vn/ykien/YkienException (global ref)
jmethodID g_exception_ctor = nullptr;
jclass g_string = nullptr;  // java/lang/String (global ref)
jmethodID g_on_change = nullptr;
jmethodID g_log = nullptr;
jmethodID g_on_progress = nullptr;
jmethodID g_send = nullptr;
jfieldID g_resp_status = nullptr, g_resp_names = nullptr, g_resp_values = nullptr, g_resp_body = nullptr;

// ---- UTF-16 <-> UTF-8 ----
std::string to_utf8(JNIEnv *env, jstring s) {
  std::string out;
  if (s == nullptr) return out;
  jsize n = env->GetStringLength(s);
  std::vector<jchar> u(static_cast<size_t>(n));
  env->GetStringRegion(s, 0, n, u.data());
  out.reserve(u.size() * 3);
  for (size_t i = 0; i < u.size(); ++i) {
    uint32_t c = u[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (static_cast<uint32_t>(u[i + 1]) - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;  // a lone surrogate
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

jstring to_jstring(JNIEnv *env, const char *utf8) {
  if (utf8 == nullptr) return nullptr;
  std::vector<jchar> u;
  const auto *p = reinterpret_cast<const unsigned char *>(utf8);
  size_t len = std::strlen(utf8);
  for (size_t i = 0; i < len;) {
    uint32_t c = p[i];
    size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
    if (extra == 4) {  // not a lead byte
      u.push_back(0xFFFD);
      ++i;
      continue;
    }
    c = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= len || (p[i + k] & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (p[i + k] & 0x3F);
    }
    if (!ok) {
      u.push_back(0xFFFD);
      ++i;
      continue;
    }
    i += extra + 1;
    if (c >= 0x10000) {
      c -= 0x10000;
      u.push_back(static_cast<jchar>(0xD800 + (c >> 10)));
      u.push_back(static_cast<jchar>(0xDC00 + (c & 0x3FF)));
    } else {
      u.push_back(static_cast<jchar>(c));
    }
  }
  return env->NewString(u.data(), static_cast<jsize>(u.size()));
}

void throw_error(JNIEnv *env, int code, const char *message, const char *field) {
  if (env->ExceptionCheck()) return;  // a Java exception is already on its way
  jstring msg = to_jstring(env, message);
  jstring fld = to_jstring(env, field);
  auto ex = static_cast<jthrowable>(env->NewObject(g_exception, g_exception_ctor, static_cast<jint>(code), msg, fld));
  if (ex != nullptr) env->Throw(ex);
}

// Returns true when the call succeeded; otherwise throws YkienException.
bool check(JNIEnv *env, int rc, const ykien_error &err) {
  if (rc == YKIEN_OK) return true;
  throw_error(env, rc, err.message, err.field);
  return false;
}

jstring result(JNIEnv *env, int rc, char *out, const ykien_error &err) {
  jstring s = nullptr;
  if (check(env, rc, err)) s = to_jstring(env, out != nullptr ? out : "");
  ykien_free(out);
  return s;
}

GlobalRef *make_ref(JNIEnv *env, jobject obj) {
  jobject g = env->NewGlobalRef(obj);
  if (g == nullptr) return nullptr;
  return new GlobalRef{g};
}

void release_ref(void *ctx) {
  auto *ref = static_cast<GlobalRef *>(ctx);
  ScopedEnv env;
  if (env.get() != nullptr) env.get()->DeleteGlobalRef(ref->obj);
  delete ref;
}

// A callback cannot throw into C: report and drop the Java exception.
void drop_exception(JNIEnv *env) {
  if (env->ExceptionCheck()) {
    env->ExceptionDescribe();
    env->ExceptionClear();
  }
}

}  // namespace ykien_jni

using namespace ykien_jni;

namespace {

void on_change(const char *table, const char *const *ids, size_t count, void *ctx) {
  ScopedEnv scoped;
  JNIEnv *env = scoped.get();
  if (env == nullptr) return;
  if (env->PushLocalFrame(static_cast<jint>(count) + 8) != JNI_OK) {
    drop_exception(env);
    return;
  }
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(count), g_string, nullptr);
  for (size_t i = 0; array != nullptr && i < count; ++i) {
    env->SetObjectArrayElement(array, static_cast<jsize>(i), to_jstring(env, ids[i]));
  }
  jstring t = to_jstring(env, table);
  if (array != nullptr && t != nullptr) {
    env->CallVoidMethod(static_cast<GlobalRef *>(ctx)->obj, g_on_change, t, array);
  }
  drop_exception(env);
  env->PopLocalFrame(nullptr);
}

void on_log(int level, const char *message, void *ctx) {
  ScopedEnv scoped;
  JNIEnv *env = scoped.get();
  if (env == nullptr) return;
  // Log lines may come while a YkienException is being thrown on this thread:
  // calling Java then is not allowed, so such lines are dropped.
  if (env->ExceptionCheck()) return;
  jstring m = to_jstring(env, message);
  if (m != nullptr) env->CallVoidMethod(static_cast<GlobalRef *>(ctx)->obj, g_log, static_cast<jint>(level), m);
  drop_exception(env);
  if (m != nullptr) env->DeleteLocalRef(m);
}

}  // namespace

extern "C" {

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *) {
  g_vm = vm;
  void *e = nullptr;
  if (vm->GetEnv(&e, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  auto *env = static_cast<JNIEnv *>(e);
  // Classes are looked up here, on a thread with the app's class loader: native
  // threads calling back later could not find them.
  auto global = [&](const char *name) -> jclass {
    jclass local = env->FindClass(name);
    if (local == nullptr) return nullptr;
    auto g = static_cast<jclass>(env->NewGlobalRef(local));
    env->DeleteLocalRef(local);
    return g;
  };
  g_exception = global("vn/ykien/YkienException");
  g_string = global("java/lang/String");
  jclass listener = env->FindClass("vn/ykien/ChangeListener");
  jclass sink = env->FindClass("vn/ykien/LogSink");
  jclass progress = env->FindClass("vn/ykien/SyncProgressListener");
  jclass transport = env->FindClass("vn/ykien/HttpTransport");
  jclass response = env->FindClass("vn/ykien/HttpTransport$Response");
  if (g_exception == nullptr || g_string == nullptr || listener == nullptr || sink == nullptr || progress == nullptr ||
      transport == nullptr || response == nullptr) {
    return JNI_ERR;
  }
  g_exception_ctor = env->GetMethodID(g_exception, "<init>", "(ILjava/lang/String;Ljava/lang/String;)V");
  g_on_change = env->GetMethodID(listener, "onChange", "(Ljava/lang/String;[Ljava/lang/String;)V");
  g_log = env->GetMethodID(sink, "log", "(ILjava/lang/String;)V");
  g_on_progress = env->GetMethodID(progress, "onProgress", "(Ljava/lang/String;JJJJJJ)V");
  g_send = env->GetMethodID(transport, "send",
                            "(Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/String;[B)"
                            "Lvn/ykien/HttpTransport$Response;");
  g_resp_status = env->GetFieldID(response, "status", "I");
  g_resp_names = env->GetFieldID(response, "headerNames", "[Ljava/lang/String;");
  g_resp_values = env->GetFieldID(response, "headerValues", "[Ljava/lang/String;");
  g_resp_body = env->GetFieldID(response, "body", "[B");
  if (g_exception_ctor == nullptr || g_on_change == nullptr || g_log == nullptr || g_on_progress == nullptr ||
      g_send == nullptr || g_resp_status == nullptr || g_resp_names == nullptr || g_resp_values == nullptr ||
      g_resp_body == nullptr || !init_keys(env)) {
    return JNI_ERR;
  }
  return JNI_VERSION_1_6;
}

// ---- vn.ykien.Ykien ----

#define YK_DB(h)                       \
  auto *db = handle<ykien_db>(env, h); \
  if (db == nullptr) return {};        \
  ykien_error err;                     \
  char *out = nullptr

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_version(JNIEnv *env, jclass) { return to_jstring(env, ykien_version()); }

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_setLogSink(JNIEnv *env, jclass, jobject sink, jint min_level) {
  ykien_error err;
  if (sink == nullptr) {
    check(env, ykien_log_set_sink(nullptr, 0, nullptr, nullptr, &err), err);
    return;
  }
  GlobalRef *ref = make_ref(env, sink);
  if (ref == nullptr) return;
  check(env, ykien_log_set_sink(on_log, min_level, release_ref, ref, &err), err);
}

JNIEXPORT jlong JNICALL Java_vn_ykien_Ykien_nOpen(JNIEnv *env, jclass, jstring path, jint busy_timeout_ms) {
  Utf8 p(env, path);
  ykien_open_options options = YKIEN_OPEN_OPTIONS_INIT;
  if (busy_timeout_ms > 0) options.busy_timeout_ms = busy_timeout_ms;
  ykien_db *db = nullptr;
  ykien_error err;
  if (!check(env, ykien_db_open(&db, p.c(), &options, &err), err)) return 0;
  return static_cast<jlong>(reinterpret_cast<intptr_t>(db));
}

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_nClose(JNIEnv *, jclass, jlong h) {
  ykien_db_close(reinterpret_cast<ykien_db *>(static_cast<intptr_t>(h)));
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nSiteId(JNIEnv *env, jclass, jlong h) {
  YK_DB(h);
  int rc = ykien_db_site_id(&out, db, &err);
  return result(env, rc, out, err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nStateHash(JNIEnv *env, jclass, jlong h) {
  YK_DB(h);
  int rc = ykien_db_state_hash(&out, db, &err);
  return result(env, rc, out, err);
}

JNIEXPORT jlong JNICALL Java_vn_ykien_Ykien_nObserverAdd(JNIEnv *env, jclass, jlong h, jobject listener) {
  YK_DB(h);
  (void)out;
  if (listener == nullptr) {
    throw_error(env, YKIEN_EINVALID, "listener: is null", "listener");
    return 0;
  }
  GlobalRef *ref = make_ref(env, listener);
  if (ref == nullptr) return 0;
  uint64_t id = 0;
  // On failure ykien calls release_ref itself.
  if (!check(env, ykien_observer_add(&id, db, on_change, release_ref, ref, &err), err)) return 0;
  return static_cast<jlong>(id);
}

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_nObserverRemove(JNIEnv *env, jclass, jlong h, jlong id) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return;
  ykien_error err;
  check(env, ykien_observer_remove(db, static_cast<uint64_t>(id), &err), err);
}

// Calls of the shape (db, string...) -> JSON string.
#define YK_STRING_CALL1(jname, cfn)                                                                \
  JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_##jname(JNIEnv *env, jclass, jlong h, jstring a) { \
    YK_DB(h);                                                                                      \
    Utf8 a8(env, a);                                                                               \
    int rc = cfn(&out, db, a8.c(), &err);                                                          \
    return result(env, rc, out, err);                                                              \
  }
#define YK_STRING_CALL2(jname, cfn)                                                                           \
  JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_##jname(JNIEnv *env, jclass, jlong h, jstring a, jstring b) { \
    YK_DB(h);                                                                                                 \
    Utf8 a8(env, a), b8(env, b);                                                                              \
    int rc = cfn(&out, db, a8.c(), b8.c(), &err);                                                             \
    return result(env, rc, out, err);                                                                         \
  }

YK_STRING_CALL1(nUnitCreate, ykien_unit_create)
YK_STRING_CALL1(nUnitGet, ykien_unit_get)
YK_STRING_CALL1(nUnitList, ykien_unit_list)
YK_STRING_CALL1(nMeetingCreate, ykien_meeting_create)
YK_STRING_CALL1(nMeetingGet, ykien_meeting_get)
YK_STRING_CALL2(nMeetingUpdate, ykien_meeting_update)
YK_STRING_CALL1(nOpinionRecord, ykien_opinion_record)
YK_STRING_CALL1(nOpinionGet, ykien_opinion_get)
YK_STRING_CALL2(nOpinionUpdate, ykien_opinion_update)
YK_STRING_CALL2(nOpinionChangeStatus, ykien_opinion_change_status)
YK_STRING_CALL1(nOpinionList, ykien_opinion_list)
YK_STRING_CALL2(nOpinionSearch, ykien_opinion_search)
YK_STRING_CALL1(nOpinionHistory, ykien_opinion_history)
YK_STRING_CALL1(nResponseAdd, ykien_response_add)
YK_STRING_CALL1(nResponseList, ykien_response_list)
YK_STRING_CALL1(nSupportVisitRecord, ykien_support_visit_record)
YK_STRING_CALL1(nReport, ykien_report_get)

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nMeetingClose(JNIEnv *env, jclass, jlong h, jstring id, jlong attendance,
                                                            jstring conclusion, jstring closed_at) {
  YK_DB(h);
  Utf8 id8(env, id), c8(env, conclusion), at8(env, closed_at);
  int rc = ykien_meeting_close(&out, db, id8.c(), attendance, c8.c(), at8.c(), &err);
  return result(env, rc, out, err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nMeetingList(JNIEnv *env, jclass, jlong h, jstring scope, jstring from,
                                                           jstring to) {
  YK_DB(h);
  Utf8 s8(env, scope), f8(env, from), t8(env, to);
  int rc = ykien_meeting_list(&out, db, s8.c(), f8.c(), t8.c(), &err);
  return result(env, rc, out, err);
}

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_nMeetingDelete(JNIEnv *env, jclass, jlong h, jstring id) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return;
  ykien_error err;
  Utf8 id8(env, id);
  check(env, ykien_meeting_delete(db, id8.c(), &err), err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nOpinionAssign(JNIEnv *env, jclass, jlong h, jstring id,
                                                             jstring department, jstring due_date, jstring by) {
  YK_DB(h);
  Utf8 id8(env, id), d8(env, department), due8(env, due_date), by8(env, by);
  int rc = ykien_opinion_assign(&out, db, id8.c(), d8.c(), due8.c(), by8.c(), &err);
  return result(env, rc, out, err);
}

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_nOpinionDelete(JNIEnv *env, jclass, jlong h, jstring id) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return;
  ykien_error err;
  Utf8 id8(env, id);
  check(env, ykien_opinion_delete(db, id8.c(), &err), err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nChangesExport(JNIEnv *env, jclass, jlong h, jlong cursor,
                                                             jlong limit_changes) {
  YK_DB(h);
  ykien_export_options options = YKIEN_EXPORT_OPTIONS_INIT;
  if (limit_changes > 0) options.limit_changes = limit_changes;
  int rc = ykien_changes_export(&out, db, cursor, &options, &err);
  return result(env, rc, out, err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nChangesApply(JNIEnv *env, jclass, jlong h, jstring json, jstring origin,
                                                            jboolean detect) {
  YK_DB(h);
  Utf8 j8(env, json), o8(env, origin);
  ykien_apply_options options = YKIEN_APPLY_OPTIONS_INIT;
  options.origin = o8.c();
  options.detect_conflicts = detect ? 1 : 0;
  int rc = ykien_changes_apply(&out, db, j8.c(), &options, &err);
  return result(env, rc, out, err);
}

JNIEXPORT jlong JNICALL Java_vn_ykien_Ykien_nChangesCursor(JNIEnv *env, jclass, jlong h) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return 0;
  ykien_error err;
  int64_t cursor = 0;
  if (!check(env, ykien_changes_cursor(&cursor, db, &err), err)) return 0;
  return static_cast<jlong>(cursor);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nConflictList(JNIEnv *env, jclass, jlong h, jboolean open_only) {
  YK_DB(h);
  int rc = ykien_conflict_list(&out, db, open_only ? 1 : 0, &err);
  return result(env, rc, out, err);
}

JNIEXPORT void JNICALL Java_vn_ykien_Ykien_nConflictResolve(JNIEnv *env, jclass, jlong h, jstring id,
                                                            jstring value_json, jstring by) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return;
  ykien_error err;
  Utf8 id8(env, id), v8(env, value_json), by8(env, by);
  check(env, ykien_conflict_resolve(db, id8.c(), v8.c(), by8.c(), &err), err);
}

}  // extern "C"

// ---- vn.ykien.YkienSync ----
namespace {

int on_http(const ykien_http_request *req, ykien_http_response *resp, void *ctx) {
  ScopedEnv scoped;
  JNIEnv *env = scoped.get();
  if (env == nullptr) {
    ykien_http_response_set_error(resp, "cannot attach the syncing thread to the JVM");
    return 1;
  }
  if (env->PushLocalFrame(static_cast<jint>(req->header_count) * 2 + 16) != JNI_OK) {
    drop_exception(env);
    return 1;
  }
  auto n = static_cast<jsize>(req->header_count);
  jobjectArray names = env->NewObjectArray(n, g_string, nullptr);
  jobjectArray values = env->NewObjectArray(n, g_string, nullptr);
  jbyteArray body = env->NewByteArray(static_cast<jsize>(req->body_size));
  int rc = 1;
  if (names != nullptr && values != nullptr && body != nullptr) {
    for (jsize i = 0; i < n; ++i) {
      env->SetObjectArrayElement(names, i, to_jstring(env, req->header_names[i]));
      env->SetObjectArrayElement(values, i, to_jstring(env, req->header_values[i]));
    }
    env->SetByteArrayRegion(body, 0, static_cast<jsize>(req->body_size), reinterpret_cast<const jbyte *>(req->body));
    jobject r = env->CallObjectMethod(static_cast<GlobalRef *>(ctx)->obj, g_send, to_jstring(env, req->method),
                                      to_jstring(env, req->url), names, values, body);
    if (env->ExceptionCheck()) {
      jthrowable ex = env->ExceptionOccurred();
      env->ExceptionClear();
      jclass cls = env->GetObjectClass(ex);
      jmethodID to_string = env->GetMethodID(cls, "toString", "()Ljava/lang/String;");
      auto text = to_string != nullptr ? static_cast<jstring>(env->CallObjectMethod(ex, to_string)) : nullptr;
      drop_exception(env);
      ykien_http_response_set_error(resp, to_utf8(env, text).c_str());
    } else if (r == nullptr) {
      ykien_http_response_set_error(resp, "the HttpTransport returned null");
    } else {
      ykien_http_response_set_status(resp, env->GetIntField(r, g_resp_status));
      auto rn = static_cast<jobjectArray>(env->GetObjectField(r, g_resp_names));
      auto rv = static_cast<jobjectArray>(env->GetObjectField(r, g_resp_values));
      if (rn != nullptr && rv != nullptr) {
        jsize count = std::min(env->GetArrayLength(rn), env->GetArrayLength(rv));
        for (jsize i = 0; i < count; ++i) {
          std::string k = to_utf8(env, static_cast<jstring>(env->GetObjectArrayElement(rn, i)));
          std::string v = to_utf8(env, static_cast<jstring>(env->GetObjectArrayElement(rv, i)));
          ykien_http_response_add_header(resp, k.c_str(), v.c_str());
        }
      }
      auto rb = static_cast<jbyteArray>(env->GetObjectField(r, g_resp_body));
      if (rb != nullptr) {
        jsize len = env->GetArrayLength(rb);
        std::vector<char> bytes(static_cast<size_t>(len));
        env->GetByteArrayRegion(rb, 0, len, reinterpret_cast<jbyte *>(bytes.data()));
        ykien_http_response_set_body(resp, bytes.data(), bytes.size());
      }
      rc = 0;
    }
  }
  drop_exception(env);
  env->PopLocalFrame(nullptr);
  return rc;
}

struct ProgressCtx {
  JNIEnv *env;  // the thread that called run(): progress comes on it
  jobject listener;
};

void on_progress(const ykien_sync_progress *p, void *ctx) {
  auto *c = static_cast<ProgressCtx *>(ctx);
  JNIEnv *env = c->env;
  if (env->ExceptionCheck()) return;
  jstring phase = to_jstring(env, p->phase);
  env->CallVoidMethod(c->listener, g_on_progress, phase, static_cast<jlong>(p->pushed), static_cast<jlong>(p->pulled),
                      static_cast<jlong>(p->refused), static_cast<jlong>(p->bytes_sent),
                      static_cast<jlong>(p->bytes_received), static_cast<jlong>(p->round_trips));
  drop_exception(env);
  if (phase != nullptr) env->DeleteLocalRef(phase);
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_vn_ykien_YkienSync_nNew(JNIEnv *env, jclass, jlong db_handle, jstring url,
                                                     jobject transport, jobject keys) {
  auto *db = handle<ykien_db>(env, db_handle);
  if (db == nullptr) return 0;
  Utf8 u8(env, url);
  ykien_sync_options options = YKIEN_SYNC_OPTIONS_INIT;
  options.server_url = u8.c();
  ykien_key_store store = YKIEN_KEY_STORE_INIT;
  if (keys != nullptr) {
    if (!java_key_store(env, keys, &store)) return 0;
    options.key_store = &store;  // its release is called by ykien, even on failure
  }
  if (transport != nullptr) {
    GlobalRef *ref = make_ref(env, transport);
    if (ref == nullptr) {
      if (store.release != nullptr) store.release(store.ctx);
      return 0;
    }
    options.http = on_http;
    options.http_release = release_ref;  // called by ykien, even on failure
    options.http_ctx = ref;
  }
  ykien_sync *sync = nullptr;
  ykien_error err;
  if (!check(env, ykien_sync_new(&sync, db, &options, &err), err)) return 0;
  return static_cast<jlong>(reinterpret_cast<intptr_t>(sync));
}

JNIEXPORT void JNICALL Java_vn_ykien_YkienSync_nFree(JNIEnv *, jclass, jlong h) {
  ykien_sync_free(reinterpret_cast<ykien_sync *>(static_cast<intptr_t>(h)));
}

JNIEXPORT jstring JNICALL Java_vn_ykien_YkienSync_nEnroll(JNIEnv *env, jclass, jlong h, jstring code,
                                                          jstring device_name) {
  auto *sync = handle<ykien_sync>(env, h);
  if (sync == nullptr) return nullptr;
  Utf8 c8(env, code), d8(env, device_name);
  ykien_error err;
  char *out = nullptr;
  int rc = ykien_sync_enroll(&out, sync, c8.c(), d8.c(), &err);
  return result(env, rc, out, err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_YkienSync_nRun(JNIEnv *env, jclass, jlong h, jobject progress) {
  auto *sync = handle<ykien_sync>(env, h);
  if (sync == nullptr) return nullptr;
  ProgressCtx ctx{env, progress};
  ykien_error err;
  char *out = nullptr;
  int rc = ykien_sync_run(&out, sync, progress != nullptr ? on_progress : nullptr, &ctx, &err);
  return result(env, rc, out, err);
}

JNIEXPORT void JNICALL Java_vn_ykien_YkienSync_nCancel(JNIEnv *env, jclass, jlong h) {
  auto *sync = handle<ykien_sync>(env, h);
  if (sync == nullptr) return;
  ykien_error err;
  check(env, ykien_sync_cancel(sync, &err), err);
}

JNIEXPORT jstring JNICALL Java_vn_ykien_YkienSync_nRefused(JNIEnv *env, jclass, jlong h) {
  auto *sync = handle<ykien_sync>(env, h);
  if (sync == nullptr) return nullptr;
  ykien_error err;
  char *out = nullptr;
  int rc = ykien_sync_refused(&out, sync, &err);
  return result(env, rc, out, err);
}

}  // extern "C"

// Tests only: a write made on a thread the JVM has never seen, so that observers
// are called from a native thread (they must attach to call Java).

extern "C" JNIEXPORT jstring JNICALL Java_vn_ykien_Ykien_nTestRecordOnNativeThread(JNIEnv *env, jclass, jlong h,
                                                                                   jstring json) {
  auto *db = handle<ykien_db>(env, h);
  if (db == nullptr) return nullptr;
  std::string text = to_utf8(env, json);
  ykien_error err;
  char *out = nullptr;
  int rc = YKIEN_EINTERNAL;
  std::thread worker([&] { rc = ykien_opinion_record(&out, db, text.c_str(), &err); });
  worker.join();
  return result(env, rc, out, err);
}
