/* The C API used from C: record, query, report, observers, log sink, export and
 * apply, and a sync over a host transport that plays the server. */
#include <time.h>

#include "c_check.h"

/* ---- Observer: remembers what it heard ---- */
typedef struct heard {
  int calls;
  int released;
  char last_table[64];
  char ids[4096]; /* every id heard, space-separated */
} heard;

static void on_change(const char *table, const char *const *ids, size_t count, void *ctx) {
  heard *h = (heard *)ctx;
  size_t i;
  h->calls++;
  snprintf(h->last_table, sizeof h->last_table, "%s", table);
  for (i = 0; i < count; i++) {
    size_t used = strlen(h->ids);
    snprintf(h->ids + used, sizeof h->ids - used, "%s:%s ", table, ids[i]);
  }
}

static void on_release(void *ctx) { ((heard *)ctx)->released++; }

/* ---- Log sink ---- */
typedef struct log_lines {
  int count;
  int released;
  char last[512];
} log_lines;

static void on_log(int level, const char *message, void *ctx) {
  log_lines *l = (log_lines *)ctx;
  (void)level;
  l->count++;
  snprintf(l->last, sizeof l->last, "%s", message);
}

static void on_log_release(void *ctx) { ((log_lines *)ctx)->released++; }

/* ---- A host transport that plays the server (the body is gzip: not read) ---- */
typedef struct fake_server {
  int requests;
  int pulls;
  int fail;             /* nonzero: no response (network error) */
  int endless;          /* nonzero: every pull says "more" */
  const char *changes;  /* JSON array the first pull returns */
  int released;
} fake_server;

static long long now_ms(void) { return (long long)time(NULL) * 1000; }

static int fake_http(const ykien_http_request *req, ykien_http_response *resp, void *ctx) {
  fake_server *s = (fake_server *)ctx;
  char body[65536];
  s->requests++;
  if (s->fail) {
    ykien_http_response_set_error(resp, "no route to the hamlet");
    return 1;
  }
  if (contains(req->url, "/v1/enroll")) {
    snprintf(body, sizeof body,
             "{\"device_id\":\"dev-1\",\"token\":\"secret\",\"scopes\":[\"vn\"],\"server_time\":%lld}", now_ms());
  } else if (contains(req->url, "/v1/push")) {
    snprintf(body, sizeof body, "{\"applied\":0,\"ignored\":0,\"conflicts\":0,\"server_time\":%lld}", now_ms());
  } else if (contains(req->url, "/v1/pull")) {
    s->pulls++;
    snprintf(body, sizeof body, "{\"changes\":%s,\"cursor\":\"c%d\",\"more\":%s,\"server_time\":%lld}",
             s->pulls == 1 && s->changes != NULL ? s->changes : "[]", s->pulls, s->endless ? "true" : "false",
             now_ms());
  } else {
    ykien_http_response_set_status(resp, 404);
    ykien_http_response_set_body(resp, "{\"code\":\"not_found\",\"message\":\"no such path\"}", 45);
    return 0;
  }
  ykien_http_response_set_status(resp, 200);
  ykien_http_response_add_header(resp, "Content-Type", "application/json");
  ykien_http_response_set_body(resp, body, strlen(body));
  return 0;
}

static void fake_release(void *ctx) { ((fake_server *)ctx)->released++; }

typedef struct progress_seen {
  int calls;
  long long pulled;
  ykien_sync *cancel_me;
} progress_seen;

static void on_progress(const ykien_sync_progress *p, void *ctx) {
  progress_seen *seen = (progress_seen *)ctx;
  seen->calls++;
  seen->pulled = p->pulled;
  if (seen->cancel_me != NULL) ykien_sync_cancel(seen->cancel_me, NULL);
}

static void on_bundle_progress(const ykien_bundle_progress *p, void *ctx) {
  if (p->phase != NULL && p->done >= 0) ((progress_seen *)ctx)->calls++;
}

int main(void) {
  ykien_error err;
  ykien_db *db = NULL, *other = NULL;
  char path[512], path2[512];
  char *json = NULL, *json2 = NULL;
  char unit_id[64], meeting_id[64], opinion_id[64];
  char unit_json[256], meeting_json[512], opinion_json[1024], response_json[256];
  heard h, h2;
  log_lines logs;
  uint64_t observer = 0;
  int major = -1, minor = -1, patch = -1;
  int64_t cursor = -1;
  int observer_readded = 0;
  ykien_open_options oo = YKIEN_OPEN_OPTIONS_INIT;
  ykien_export_options eo = YKIEN_EXPORT_OPTIONS_INIT;
  ykien_apply_options ao = YKIEN_APPLY_OPTIONS_INIT;

  memset(&h, 0, sizeof h);
  memset(&h2, 0, sizeof h2);
  memset(&logs, 0, sizeof logs);
  temp_dir();
  temp_file(path, sizeof path, "tablet.db");
  temp_file(path2, sizeof path2, "office.db");

  /* Version. */
  CHECK(ykien_version_numbers(&major, &minor, &patch) == YKIEN_API_LEVEL);
  CHECK(major == YKIEN_VERSION_MAJOR && minor == YKIEN_VERSION_MINOR && patch == YKIEN_VERSION_PATCH);
  CHECK(strcmp(ykien_version(), "0.1.0") == 0);
  CHECK(strcmp(ykien_error_code_name(YKIEN_EINVALID), "invalid_argument") == 0);
  CHECK(strcmp(ykien_error_code_name(999), "unknown") == 0);

  CHECK_OK(ykien_log_set_sink(on_log, YKIEN_LOG_DEBUG, on_log_release, &logs, &err), &err);

  /* Open, with options. */
  oo.busy_timeout_ms = 2000;
  CHECK_OK(ykien_db_open(&db, path, &oo, &err), &err);
  CHECK(db != NULL);
  CHECK(err.code == YKIEN_OK && err.message[0] == '\0');
  CHECK(logs.count >= 1 && contains(logs.last, "opened"));
  CHECK_OK(ykien_observer_add(&observer, db, on_change, on_release, &h, &err), &err);
  CHECK(observer != 0);

  /* A unit, a meeting and an opinion. */
  CHECK_OK(ykien_unit_create(&json, db, "{\"code\":\"vn-75\",\"name\":\"Tỉnh Đồng Nai\",\"kind\":\"province\"}", &err),
           &err);
  CHECK(json_string(json, "id", unit_id, sizeof unit_id));
  ykien_free(json);
  snprintf(unit_json, sizeof unit_json,
           "{\"code\":\"tan-phu\",\"name\":\"Phường Tân Phú\",\"kind\":\"ward\",\"parent_id\":\"%s\"}", unit_id);
  CHECK_OK(ykien_unit_create(&json, db, unit_json, &err), &err);
  CHECK(contains(json, "\"scope\":\"vn-75/tan-phu\""));
  CHECK(json_string(json, "id", unit_id, sizeof unit_id));
  ykien_free(json);
  CHECK(h.calls == 2 && strcmp(h.last_table, "units") == 0);

  snprintf(meeting_json, sizeof meeting_json,
           "{\"unit_id\":\"%s\",\"kind\":\"residential_saturday\",\"title\":\"Họp tổ dân phố\","
           "\"held_at\":\"2024-03-02 08:00\",\"attendance\":70,\"departments\":[\"police\",\"land\"]}",
           unit_id);
  CHECK_OK(ykien_meeting_create(&json, db, meeting_json, &err), &err);
  CHECK(json_string(json, "id", meeting_id, sizeof meeting_id));
  CHECK(contains(json, "\"departments\":[\"police\",\"land\"]"));
  ykien_free(json);

  snprintf(opinion_json, sizeof opinion_json,
           "{\"meeting_id\":\"%s\",\"kind\":\"opinion\",\"category\":\"land\","
           "\"content\":\"Đề nghị cấp giấy chứng nhận quyền sử dụng đất đai\",\"citizen_name\":\"Nguyễn Văn A\"}",
           meeting_id);
  h.calls = 0;
  CHECK_OK(ykien_opinion_record(&json, db, opinion_json, &err), &err);
  CHECK(json_string(json, "id", opinion_id, sizeof opinion_id));
  CHECK(contains(json, "\"status\":\"received\""));
  ykien_free(json);
  CHECK(h.calls == 1 && strcmp(h.last_table, "opinions") == 0 && contains(h.ids, opinion_id));

  /* A write with no result wanted. */
  CHECK_OK(ykien_opinion_record(NULL, db, opinion_json, &err), &err);

  /* Get, list, search (diacritics folded), update. */
  CHECK_OK(ykien_opinion_get(&json, db, opinion_id, &err), &err);
  CHECK(contains(json, "Nguyễn Văn A"));
  ykien_free(json);
  CHECK_OK(ykien_opinion_list(&json, db, NULL, &err), &err);
  CHECK(contains(json, opinion_id));
  ykien_free(json);
  CHECK_OK(ykien_opinion_list(&json, db, "{\"category\":\"traffic_safety\"}", &err), &err);
  CHECK(strcmp(json, "[]") == 0);
  ykien_free(json);
  CHECK_OK(ykien_opinion_search(&json, db, "DAT DAI", NULL, &err), &err);
  CHECK(contains(json, opinion_id));
  ykien_free(json);
  CHECK_OK(ykien_opinion_search(&json, db, "dat dai", "{\"limit\":1}", &err), &err);
  CHECK(contains(json, "\"kind\":\"opinion\""));
  ykien_free(json);
  CHECK_OK(ykien_opinion_update(&json, db, opinion_id, "{\"citizen_contact\":\"0909 000 000\"}", &err), &err);
  CHECK(contains(json, "0909 000 000"));
  ykien_free(json);
  CHECK_OK(ykien_meeting_update(&json, db, meeting_id, "{\"place\":\"Nhà văn hóa khu phố 3\"}", &err), &err);
  CHECK(contains(json, "Nhà văn hóa"));
  ykien_free(json);
  CHECK_OK(ykien_meeting_list(&json, db, "vn-75", NULL, NULL, &err), &err);
  CHECK(contains(json, meeting_id));
  ykien_free(json);
  CHECK_OK(ykien_unit_list(&json, db, NULL, &err), &err);
  CHECK(contains(json, "Tỉnh Đồng Nai"));
  ykien_free(json);

  /* Responses and status: observers hear of the history rows too. */
  h.ids[0] = '\0';
  snprintf(response_json, sizeof response_json,
           "{\"opinion_id\":\"%s\",\"kind\":\"answered_at_meeting\",\"content\":\"Đã trả lời tại buổi họp\"}",
           opinion_id);
  CHECK_OK(ykien_response_add(&json, db, response_json, &err), &err);
  ykien_free(json);
  CHECK(contains(h.ids, "responses:") && contains(h.ids, "status_history:") && contains(h.ids, "opinions:"));
  CHECK_OK(ykien_opinion_get(&json, db, opinion_id, &err), &err);
  CHECK(contains(json, "\"status\":\"answered\""));
  ykien_free(json);
  CHECK_OK(ykien_opinion_assign(&json, db, opinion_id, "Phòng Tài nguyên và Môi trường", "2024-04-30", "chair", &err),
           &err);
  CHECK(contains(json, "\"status\":\"assigned\""));
  ykien_free(json);
  CHECK_OK(ykien_opinion_change_status(&json, db, opinion_id, "{\"to\":\"resolved\",\"note\":\"Đã cấp giấy\",\"by\":\"chair\"}",
                                       &err),
           &err);
  CHECK(contains(json, "\"status\":\"resolved\""));
  ykien_free(json);
  CHECK_OK(ykien_opinion_history(&json, db, opinion_id, &err), &err);
  CHECK(contains(json, "\"to_status\":\"resolved\""));
  ykien_free(json);
  CHECK_OK(ykien_response_list(&json, db, opinion_id, &err), &err);
  CHECK(contains(json, "answered_at_meeting"));
  ykien_free(json);
  CHECK_OK(ykien_meeting_close(&json, db, meeting_id, 72, "Thông báo kết luận 80-TB/ĐU", "2024-03-02 11:00", &err),
           &err);
  CHECK(contains(json, "\"closed_at\":\"2024-03-02 11:00\""));
  ykien_free(json);

  /* Report. */
  CHECK_OK(ykien_report_get(&json, db, "{\"scope\":\"vn-75\"}", &err), &err);
  CHECK(contains(json, "\"meetings\":1") && contains(json, "\"opinions\":2") && contains(json, "\"attendance\":72"));
  ykien_free(json);

  /* Export here, apply on another replica: same state, observers there fire. */
  CHECK_OK(ykien_db_open(&other, path2, NULL, &err), &err);
  CHECK_OK(ykien_observer_add(NULL, other, on_change, on_release, &h2, &err), &err);
  CHECK_OK(ykien_changes_cursor(&cursor, db, &err), &err);
  CHECK(cursor > 0);
  eo.limit_changes = 100000;
  CHECK_OK(ykien_changes_export(&json, db, 0, &eo, &err), &err);
  CHECK(contains(json, "\"more\":false") && contains(json, "\"hlc\":"));
  ao.origin = "tablet";
  CHECK_OK(ykien_changes_apply(&json2, other, json, &ao, &err), &err);
  CHECK(contains(json2, "\"applied\":") && !contains(json2, "\"applied\":0"));
  ykien_free(json2);
  CHECK(h2.calls >= 5 && contains(h2.ids, opinion_id) && contains(h2.ids, meeting_id));
  /* Replaying changes nothing. */
  CHECK_OK(ykien_changes_apply(&json2, other, json, &ao, &err), &err);
  CHECK(contains(json2, "\"applied\":0"));
  ykien_free(json2);
  ykien_free(json);
  CHECK_OK(ykien_db_state_hash(&json, db, &err), &err);
  CHECK_OK(ykien_db_state_hash(&json2, other, &err), &err);
  CHECK(json != NULL && json2 != NULL && strcmp(json, json2) == 0);
  ykien_free(json);
  ykien_free(json2);
  CHECK_OK(ykien_opinion_get(&json, other, opinion_id, &err), &err);
  CHECK(contains(json, "\"status\":\"resolved\""));
  ykien_free(json);
  CHECK_OK(ykien_conflict_list(&json, other, 1, &err), &err);
  CHECK(strcmp(json, "[]") == 0);
  ykien_free(json);
  CHECK_OK(ykien_db_site_id(&json, db, &err), &err);
  CHECK(json != NULL && strlen(json) == 16);
  ykien_free(json);

  /* A failed call reaches the log at debug level. */
  logs.count = 0;
  CHECK_CODE(ykien_opinion_get(&json, db, "no-such-id", &err), YKIEN_ENOTFOUND, &err);
  CHECK(json == NULL);
  CHECK(logs.count == 1 && contains(logs.last, "ykien_opinion_get"));

  /* Observers: removed ones are released and hear nothing more. */
  CHECK_OK(ykien_observer_remove(db, observer, &err), &err);
  CHECK(h.released == 1);
  CHECK_CODE(ykien_observer_remove(db, observer, &err), YKIEN_ENOTFOUND, &err);
  h.calls = 0;
  CHECK_OK(ykien_opinion_record(NULL, db, opinion_json, &err), &err);
  CHECK(h.calls == 0);

  /* ---- Sync over the host transport (the fake server above). ---- */
  {
    fake_server server;
    progress_seen seen;
    ykien_sync *sync = NULL;
    ykien_sync_options so = YKIEN_SYNC_OPTIONS_INIT;
    char *changes = NULL;
    const char *array;
    size_t n;

    memset(&server, 0, sizeof server);
    memset(&seen, 0, sizeof seen);
    /* What the "server" hands out: an opinion written on the office replica. */
    CHECK_OK(ykien_opinion_record(&json, other, opinion_json, &err), &err);
    CHECK(json_string(json, "id", opinion_id, sizeof opinion_id));
    ykien_free(json);
    CHECK_OK(ykien_changes_export(&json, other, 0, NULL, &err), &err);
    /* Take the array out of {"changes":[...],...}. */
    array = strchr(json, '[');
    n = (size_t)(strrchr(json, ']') - array) + 1;
    changes = (char *)malloc(n + 1);
    memcpy(changes, array, n);
    changes[n] = '\0';
    ykien_free(json);
    server.changes = changes;

    h2.calls = 0;
    h2.ids[0] = '\0';
    so.server_url = "https://hub.example/";
    so.http = fake_http;
    so.http_release = fake_release;
    so.http_ctx = &server;
    so.max_attempts = 1;
    if (ykien_sync_new(&sync, db, &so, &err) == YKIEN_ESTATE && contains(err.message, "without sync")) {
      printf("sync checks skipped: %s\n", err.message);
      CHECK(server.released == 1);
      free(changes);
      goto after_sync;
    }
    CHECK(sync != NULL);
    CHECK_CODE(ykien_sync_run(NULL, sync, NULL, NULL, &err), YKIEN_EUNAUTHORIZED, &err); /* not enrolled */
    CHECK_OK(ykien_sync_enroll(&json, sync, "ABCD-1234", "Tablet of ấp 3", &err), &err);
    CHECK(contains(json, "dev-1") && !contains(json, "secret"));
    ykien_free(json);
    CHECK_OK(ykien_observer_add(&observer, db, on_change, on_release, &h, &err), &err);
    observer_readded = 1;
    h.calls = 0;
    h.ids[0] = '\0';
    CHECK_OK(ykien_sync_run(&json, sync, on_progress, &seen, &err), &err);
    CHECK(contains(json, "\"caught_up\":true"));
    ykien_free(json);
    CHECK(seen.calls >= 2 && seen.pulled > 0);
    CHECK(h.calls >= 1 && contains(h.ids, opinion_id)); /* the pulled opinion */
    CHECK_OK(ykien_opinion_get(&json, db, opinion_id, &err), &err);
    ykien_free(json);
    CHECK_OK(ykien_sync_refused(&json, sync, &err), &err);
    CHECK(strcmp(json, "[]") == 0);
    ykien_free(json);

    /* Cancel from the progress callback: the next exchange does not happen. */
    server.endless = 1;
    seen.cancel_me = sync;
    CHECK_CODE(ykien_sync_run(NULL, sync, on_progress, &seen, &err), YKIEN_ECANCELLED, &err);
    /* No response at all: a network error. */
    server.fail = 1;
    CHECK_CODE(ykien_sync_run(NULL, sync, NULL, NULL, &err), YKIEN_ENETWORK, &err);
    CHECK(contains(err.message, "no route to the hamlet"));
    ykien_sync_free(sync);
    ykien_sync_free(NULL);
    CHECK(server.released == 1);
    free(changes);
  }
after_sync:

  /* ---- Bundles: the same two replicas exchange a file (docs/bundle-format.md). ---- */
  {
    char bundle[512], cut[512];
    progress_seen seen;
    FILE *in, *out;
    char buf[256];
    size_t n;
    int rc;

    memset(&seen, 0, sizeof seen);
    temp_file(bundle, sizeof bundle, "t.ykb");
    temp_file(cut, sizeof cut, "cut.ykb");
    rc = ykien_bundle_set_name(db, "tablet", &err);
    if (rc == YKIEN_ESTATE) goto after_bundles; /* built without sync */
    CHECK_OK(rc, &err);
    CHECK_OK(ykien_bundle_set_name(other, "office", &err), &err);
    CHECK_CODE(ykien_bundle_set_name(other, "", &err), YKIEN_EINVALID, &err);
    CHECK_OK(ykien_opinion_record(NULL, db, opinion_json, &err), &err);
    CHECK_OK(ykien_bundle_export(&json, db, "office", bundle, on_bundle_progress, &seen, &err), &err);
    CHECK(contains(json, "\"for\":\"office\"") && contains(json, "\"from\":\"tablet\""));
    CHECK(seen.calls >= 2);
    ykien_free(json);
    h2.calls = 0;
    CHECK_OK(ykien_bundle_import(&json, other, bundle, NULL, NULL, &err), &err);
    CHECK(contains(json, "\"from\":\"tablet\"") && !contains(json, "\"applied\":0"));
    CHECK(h2.calls >= 1);
    ykien_free(json);
    CHECK_OK(ykien_bundle_import(&json, other, bundle, NULL, NULL, &err), &err);
    CHECK(contains(json, "\"applied\":0"));
    ykien_free(json);
    CHECK_OK(ykien_db_state_hash(&json, db, &err), &err);
    CHECK_OK(ykien_db_state_hash(&json2, other, &err), &err);
    CHECK(json != NULL && json2 != NULL && strcmp(json, json2) == 0);
    ykien_free(json);
    ykien_free(json2);
    /* A bundle cut short is refused with a clear error. */
    in = fopen(bundle, "rb");
    out = fopen(cut, "wb");
    CHECK(in != NULL && out != NULL);
    if (in != NULL && out != NULL) {
      n = fread(buf, 1, sizeof buf, in);
      fwrite(buf, 1, n, out);
    }
    if (in != NULL) fclose(in);
    if (out != NULL) fclose(out);
    CHECK_CODE(ykien_bundle_import(&json, other, cut, NULL, NULL, &err), YKIEN_ECORRUPT, &err);
    CHECK(json == NULL && contains(err.message, "truncated"));
    CHECK_CODE(ykien_bundle_import(&json, other, "/no/such/bundle.ykb", NULL, NULL, &err), YKIEN_ENOTFOUND, &err);
    /* Not for this database. */
    CHECK_OK(ykien_bundle_export(NULL, db, "someone-else", bundle, NULL, NULL, &err), &err);
    CHECK_CODE(ykien_bundle_import(NULL, other, bundle, NULL, NULL, &err), YKIEN_EINVALID, &err);
    CHECK(strcmp(err.field, "for") == 0);
    CHECK_CODE(ykien_bundle_export(NULL, db, NULL, bundle, NULL, NULL, &err), YKIEN_EINVALID, &err);
  }
after_bundles:

  /* Close: observers released; the handle is dead; double close is harmless. */
  ykien_db_close(db);
  CHECK(h.released == 2 || (h.released == 1 && observer_readded == 0));
  CHECK_CODE(ykien_opinion_list(&json, db, NULL, &err), YKIEN_ESTATE, &err);
  ykien_db_close(db);
  ykien_db_close(NULL);
  ykien_db_close(other);
  CHECK(h2.released == 1);

  CHECK_OK(ykien_log_set_sink(NULL, 0, NULL, NULL, &err), &err);
  CHECK(logs.released == 1);
  return finish_tests("capi_test");
}
