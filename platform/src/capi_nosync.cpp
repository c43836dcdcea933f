// The sync calls of a C library built without sync (YKIEN_WITH_SYNC=OFF): they
// exist, so the ABI is the same; they check their arguments as the real ones do,
// then say why they cannot work (YKIEN_ESTATE).
#include "capi_internal.h"

using namespace ykien;
using namespace ykien::capi;

namespace {
Status no_sync() { return {ErrorCode::invalid_state, "this library was built without sync"}; }
}  // namespace

extern "C" {

YKIEN_API int ykien_http_response_set_status(ykien_http_response *response, int) {
  return guard("ykien_http_response_set_status", nullptr, [&] {
    YKIEN_TRY(need(response, "response"));
    return no_sync();
  });
}
YKIEN_API int ykien_http_response_add_header(ykien_http_response *response, const char *, const char *) {
  return guard("ykien_http_response_add_header", nullptr, [&] {
    YKIEN_TRY(need(response, "response"));
    return no_sync();
  });
}
YKIEN_API int ykien_http_response_set_body(ykien_http_response *response, const char *, size_t) {
  return guard("ykien_http_response_set_body", nullptr, [&] {
    YKIEN_TRY(need(response, "response"));
    return no_sync();
  });
}
YKIEN_API int ykien_http_response_set_error(ykien_http_response *response, const char *) {
  return guard("ykien_http_response_set_error", nullptr, [&] {
    YKIEN_TRY(need(response, "response"));
    return no_sync();
  });
}

YKIEN_API int ykien_sync_new(ykien_sync **out, ykien_db *db, const ykien_sync_options *options, ykien_error *err) {
  if (out != nullptr) *out = nullptr;
  int code = guard("ykien_sync_new", err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    YKIEN_TRY(need(options, "options"));
    YKIEN_TRY(check_version(options->version, YKIEN_SYNC_OPTIONS_VERSION, "options.version"));
    if (options->server_url == nullptr || options->server_url[0] == '\0') {
      return Status::Invalid("options.server_url", "is required");
    }
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    return no_sync();
  });
  // The registration never happened: release the host's context as promised.
  if (options != nullptr && options->http != nullptr && options->http_release != nullptr) {
    options->http_release(options->http_ctx);
  }
  if (options != nullptr && options->version >= 3 && options->key_store != nullptr &&
      options->key_store->release != nullptr) {
    options->key_store->release(options->key_store->ctx);
  }
  return code;
}
YKIEN_API void ykien_sync_free(ykien_sync *) {}
YKIEN_API int ykien_sync_enroll(char **out_json, ykien_sync *sync, const char *, const char *, ykien_error *err) {
  return guard_out("ykien_sync_enroll", out_json, err, [&] {
    YKIEN_TRY(need(sync, "sync"));
    return no_sync();
  });
}
YKIEN_API int ykien_sync_run(char **out_json, ykien_sync *sync, ykien_progress_fn, void *, ykien_error *err) {
  return guard_out("ykien_sync_run", out_json, err, [&] {
    YKIEN_TRY(need(sync, "sync"));
    return no_sync();
  });
}
YKIEN_API int ykien_sync_cancel(ykien_sync *sync, ykien_error *err) {
  return guard("ykien_sync_cancel", err, [&] {
    YKIEN_TRY(need(sync, "sync"));
    return no_sync();
  });
}
YKIEN_API int ykien_sync_refused(char **out_json, ykien_sync *sync, ykien_error *err) {
  return guard_out("ykien_sync_refused", out_json, err, [&] {
    YKIEN_TRY(need(sync, "sync"));
    return no_sync();
  });
}
YKIEN_API int ykien_secret_set(ykien_secret *secret, const char *, size_t) {
  return guard("ykien_secret_set", nullptr, [&] {
    YKIEN_TRY(need(secret, "secret"));
    return no_sync();
  });
}
YKIEN_API int ykien_sync_wipe_ordered(int *out_ordered, ykien_sync *sync, ykien_error *err) {
  if (out_ordered != nullptr) *out_ordered = 0;
  return guard("ykien_sync_wipe_ordered", err, [&] {
    YKIEN_TRY(need(out_ordered, "out_ordered"));
    YKIEN_TRY(need(sync, "sync"));
    return no_sync();
  });
}
YKIEN_API int ykien_erase_database_files(const char *db_path, const ykien_key_store *, ykien_error *err) {
  return guard("ykien_erase_database_files", err, [&] {
    YKIEN_TRY(need(db_path, "db_path"));
    return no_sync();
  });
}
YKIEN_API int ykien_sync_report_wiped(ykien_sync *sync, ykien_error *err) {
  return guard("ykien_sync_report_wiped", err, [&] {
    YKIEN_TRY(need(sync, "sync"));
    return no_sync();
  });
}

YKIEN_API int ykien_bundle_set_name(ykien_db *db, const char *name, ykien_error *err) {
  return guard("ykien_bundle_set_name", err, [&]() -> Status {
    YKIEN_TRY(need(name, "name"));
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    return no_sync();
  });
}
YKIEN_API int ykien_bundle_export(char **out_json, ykien_db *db, const char *peer, const char *path,
                                  ykien_bundle_progress_fn, void *, ykien_error *err) {
  return guard_out("ykien_bundle_export", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(peer, "peer"));
    YKIEN_TRY(need(path, "path"));
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    return no_sync();
  });
}
YKIEN_API int ykien_bundle_import(char **out_json, ykien_db *db, const char *path, ykien_bundle_progress_fn, void *,
                                  ykien_error *err) {
  return guard_out("ykien_bundle_import", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(path, "path"));
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    return no_sync();
  });
}

}  // extern "C"
