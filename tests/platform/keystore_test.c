/* The device's secrets and the wipe through the C API (issue 19; docs/security.md):
 * a host key store given in ykien_sync_options holds the token and the signing
 * secret (no "<db>.keys" then); the default file store otherwise, mode 0600; a store
 * that fails stops enrollment; a revoked device erases its files and secrets and
 * tells the server. The server is a host transport playing it. */
#include <sys/stat.h>

#include "c_check.h"

/* ---- A host key store: a few names and values in memory ---- */
typedef struct host_store {
  char names[4][64];
  char values[4][256];
  int fail;
  int released;
} host_store;

static int store_find(host_store *s, const char *name) {
  int i;
  for (i = 0; i < 4; i++)
    if (strcmp(s->names[i], name) == 0) return i;
  return -1;
}

static int store_get(void *ctx, const char *name, ykien_secret *out) {
  host_store *s = (host_store *)ctx;
  int i = store_find(s, name);
  if (s->fail) return 1;
  if (i >= 0) ykien_secret_set(out, s->values[i], strlen(s->values[i]));
  return 0;
}

static int store_put(void *ctx, const char *name, const char *value) {
  host_store *s = (host_store *)ctx;
  int i = store_find(s, name);
  if (s->fail || strlen(value) >= sizeof s->values[0]) return 1;
  if (i < 0) i = store_find(s, "");
  if (i < 0) return 1;
  snprintf(s->names[i], sizeof s->names[i], "%s", name);
  snprintf(s->values[i], sizeof s->values[i], "%s", value);
  return 0;
}

static int store_erase(void *ctx, const char *name) {
  host_store *s = (host_store *)ctx;
  int i = store_find(s, name);
  if (s->fail) return 1;
  if (i >= 0) s->names[i][0] = s->values[i][0] = '\0';
  return 0;
}

static int store_count(host_store *s) {
  int i, n = 0;
  for (i = 0; i < 4; i++) n += s->names[i][0] != '\0';
  return n;
}

static void store_release(void *ctx) { ((host_store *)ctx)->released++; }

/* ---- A host transport playing the server: revoked = 401 with a wipe order ---- */
typedef struct fake_server {
  int revoked;
  int wiped;               /* POST /v1/wiped received with the device's token */
  char last_auth[128];     /* the last Authorization header */
} fake_server;

static long long now_ms(void) { return (long long)time(NULL) * 1000; }

static int fake_http(const ykien_http_request *req, ykien_http_response *resp, void *ctx) {
  fake_server *s = (fake_server *)ctx;
  char body[1024];
  int status = 200;
  size_t i;
  s->last_auth[0] = '\0';
  for (i = 0; i < req->header_count; i++)
    if (strcmp(req->header_names[i], "Authorization") == 0)
      snprintf(s->last_auth, sizeof s->last_auth, "%s", req->header_values[i]);
  if (contains(req->url, "/v1/enroll")) {
    snprintf(body, sizeof body,
             "{\"device_id\":\"dev-1\",\"token\":\"tok-of-tablet-3\",\"scopes\":[\"vn\"],\"key_recorded\":true,"
             "\"server_time\":%lld}",
             now_ms());
  } else if (s->revoked && contains(req->url, "/v1/wiped")) {
    s->wiped = strcmp(s->last_auth, "Bearer tok-of-tablet-3") == 0;
    snprintf(body, sizeof body, "{\"ok\":true}");
  } else if (s->revoked) {
    status = 401;
    snprintf(body, sizeof body, "{\"code\":\"unauthorized\",\"message\":\"this device was revoked\",\"wipe\":true}");
  } else if (contains(req->url, "/v1/push")) {
    snprintf(body, sizeof body, "{\"applied\":0,\"ignored\":0,\"conflicts\":0,\"server_time\":%lld}", now_ms());
  } else if (contains(req->url, "/v1/pull")) {
    snprintf(body, sizeof body, "{\"changes\":[],\"cursor\":\"c1\",\"more\":false,\"server_time\":%lld}", now_ms());
  } else {
    status = 404;
    snprintf(body, sizeof body, "{\"code\":\"not_found\",\"message\":\"no such path\"}");
  }
  ykien_http_response_set_status(resp, status);
  ykien_http_response_set_body(resp, body, strlen(body));
  return 0;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static ykien_sync *new_sync(ykien_db *db, fake_server *server, const ykien_key_store *store, ykien_error *err) {
  ykien_sync *sync = NULL;
  ykien_sync_options so = YKIEN_SYNC_OPTIONS_INIT;
  so.server_url = "https://hub.example";
  so.http = fake_http;
  so.http_ctx = server;
  so.max_attempts = 1;
  so.key_store = store;
  if (ykien_sync_new(&sync, db, &so, err) != YKIEN_OK) return NULL;
  return sync;
}

int main(void) {
  ykien_error err;
  ykien_db *db = NULL;
  ykien_sync *sync = NULL;
  char path[512], keys[512], bundle[512], file_path[512], file_keys[512];
  char *json = NULL;
  int ordered = -1;
  host_store store;
  fake_server server;
  ykien_key_store ks = YKIEN_KEY_STORE_INIT;
  struct stat st;

  temp_dir();
  temp_file(path, sizeof path, "tablet.db");
  temp_file(keys, sizeof keys, "tablet.db.keys");
  temp_file(bundle, sizeof bundle, "to-office.ykb");
  temp_file(file_path, sizeof file_path, "other.db");
  temp_file(file_keys, sizeof file_keys, "other.db.keys");
  memset(&store, 0, sizeof store);
  memset(&server, 0, sizeof server);
  ks.get = store_get;
  ks.put = store_put;
  ks.erase = store_erase;
  ks.release = store_release;
  ks.ctx = &store;

  CHECK_OK(ykien_db_open(&db, path, NULL, &err), &err);
  sync = new_sync(db, &server, &ks, &err);
  if (sync == NULL && err.code == YKIEN_ESTATE && contains(err.message, "without sync")) {
    printf("key store checks skipped: %s\n", err.message);
    ykien_db_close(db);
    return finish_tests("keystore_test");
  }
  CHECK(sync != NULL);

  /* A store that fails: enrollment stops before the server is asked, nothing kept. */
  store.fail = 1;
  CHECK_CODE(ykien_sync_enroll(NULL, sync, "ABCD-1234", "Tablet 3", &err), YKIEN_ESTORAGE, &err);
  CHECK(contains(err.message, "host key store") && contains(err.message, "sync.signing_secret"));
  store.fail = 0;
  CHECK(store_count(&store) == 0);

  /* Enrolled: the token and the signing secret in the host's store, no key file. */
  CHECK_OK(ykien_sync_enroll(&json, sync, "ABCD-1234", "Tablet 3", &err), &err);
  CHECK(!contains(json, "tok-of-tablet-3"));
  ykien_free(json);
  CHECK(store_count(&store) == 2);
  CHECK(store_find(&store, "sync.token") >= 0 && strcmp(store.values[store_find(&store, "sync.token")],
                                                         "tok-of-tablet-3") == 0);
  CHECK(store_find(&store, "sync.signing_secret") >= 0 &&
        strlen(store.values[store_find(&store, "sync.signing_secret")]) == 128);
  CHECK(!exists(keys));
  CHECK_OK(ykien_sync_run(NULL, sync, NULL, NULL, &err), &err);
  CHECK(strcmp(server.last_auth, "Bearer tok-of-tablet-3") == 0);
  /* A bundle export signs with the same store's secret. */
  CHECK_OK(ykien_bundle_export(NULL, db, "office", bundle, NULL, NULL, &err), &err);
  CHECK_OK(ykien_sync_wipe_ordered(&ordered, sync, &err), &err);
  CHECK(ordered == 0);

  /* Revoked: the next sync is refused with a wipe order; the host erases everything. */
  server.revoked = 1;
  CHECK_CODE(ykien_sync_run(NULL, sync, NULL, NULL, &err), YKIEN_EUNAUTHORIZED, &err);
  CHECK_OK(ykien_sync_wipe_ordered(&ordered, sync, &err), &err);
  CHECK(ordered == 1);
  ykien_db_close(db);
  CHECK(exists(path));
  CHECK_CODE(ykien_erase_database_files(NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_OK(ykien_erase_database_files(path, &ks, &err), &err);
  CHECK(!exists(path));
  CHECK(store_count(&store) == 0);
  CHECK(store.released == 0); /* borrowed for the erase */
  CHECK_OK(ykien_sync_report_wiped(sync, &err), &err);
  CHECK(server.wiped == 1);
  ykien_sync_free(sync);
  CHECK(store.released == 1);

  /* No store given: the file "<db>.keys", mode 0600, erased with the database. */
  memset(&server, 0, sizeof server);
  CHECK_OK(ykien_db_open(&db, file_path, NULL, &err), &err);
  sync = new_sync(db, &server, NULL, &err);
  CHECK(sync != NULL);
  CHECK_OK(ykien_sync_enroll(NULL, sync, "ABCD-5678", "Tablet 4", &err), &err);
  CHECK(stat(file_keys, &st) == 0 && (st.st_mode & 0777) == 0600);
  CHECK_OK(ykien_sync_run(NULL, sync, NULL, NULL, &err), &err);
  CHECK(strcmp(server.last_auth, "Bearer tok-of-tablet-3") == 0);
  ykien_sync_free(sync);
  ykien_db_close(db);
  CHECK_OK(ykien_erase_database_files(file_path, NULL, &err), &err);
  CHECK(!exists(file_path) && !exists(file_keys));

  /* A malformed store is refused by name, and released as promised. */
  CHECK_OK(ykien_db_open(&db, path, NULL, &err), &err);
  store.released = 0;
  ks.erase = NULL;
  CHECK(new_sync(db, &server, &ks, &err) == NULL);
  CHECK(err.code == YKIEN_EINVALID && strcmp(err.field, "options.key_store.erase") == 0);
  CHECK(store.released == 1);
  ks.erase = store_erase;
  ks.version = 0;
  CHECK(new_sync(db, &server, &ks, &err) == NULL);
  CHECK(err.code == YKIEN_EINVALID && strcmp(err.field, "options.key_store.version") == 0);
  CHECK(store.released == 2);
  CHECK(ykien_secret_set(NULL, "x", 1) == YKIEN_EINVALID);
  ykien_db_close(db);
  return finish_tests("keystore_test");
}
