/* Misuse of the C API gives errors, never crashes: NULL arguments, bad JSON, wrong
 * types, unknown keys, bad option versions, use after close, long messages. */
#include "c_check.h"

static int utf8_ok(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0) return 0;
    p++;
    while (n-- > 0) {
      if ((*p & 0xC0) != 0x80) return 0;
      p++;
    }
  }
  return 1;
}

int main(void) {
  ykien_error err;
  ykien_db *db = NULL, *closed = NULL;
  char path[512], key[1200];
  char *json = (char *)"untouched";
  int i;
  ykien_open_options bad_open = YKIEN_OPEN_OPTIONS_INIT;
  ykien_export_options bad_export = YKIEN_EXPORT_OPTIONS_INIT;
  ykien_sync_options so = YKIEN_SYNC_OPTIONS_INIT;
  ykien_sync *sync = NULL;

  temp_dir();
  temp_file(path, sizeof path, "misuse.db");

  /* NULL everywhere. */
  CHECK_CODE(ykien_db_open(NULL, path, NULL, &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "out") == 0);
  CHECK_CODE(ykien_db_open(&db, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK(db == NULL);
  CHECK(ykien_db_open(&db, NULL, NULL, NULL) == YKIEN_EINVALID); /* err NULL: don't care */
  CHECK_CODE(ykien_opinion_list(&json, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK(json == NULL); /* out is cleared on failure */
  CHECK(strcmp(err.field, "db") == 0);
  CHECK_CODE(ykien_opinion_record(NULL, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_observer_add(NULL, NULL, NULL, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_changes_cursor(NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_sync_run(NULL, NULL, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_sync_cancel(NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_http_response_set_status(NULL, 200), YKIEN_EINVALID, &err) ;
  ykien_free(NULL);
  ykien_db_close(NULL);
  ykien_sync_free(NULL);

  /* Options from a future header. */
  bad_open.version = 99;
  CHECK_CODE(ykien_db_open(&db, path, &bad_open, &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "options.version") == 0);
  /* A path that cannot be a database. */
  CHECK_CODE(ykien_db_open(&db, "/nonexistent-dir/x/y.db", NULL, &err), YKIEN_ESTORAGE, &err);
  CHECK(db == NULL);

  CHECK_OK(ykien_db_open(&db, path, NULL, &err), &err);

  /* Reads need somewhere to put the result. */
  CHECK_CODE(ykien_opinion_list(NULL, db, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_opinion_get(&json, db, NULL, &err), YKIEN_EINVALID, &err);

  /* Not JSON, not an object, wrong types, unknown keys, invalid UTF-8. */
  CHECK_CODE(ykien_unit_create(&json, db, "{\"code\":", &err), YKIEN_ECORRUPT, &err);
  CHECK_CODE(ykien_unit_create(&json, db, "", &err), YKIEN_ECORRUPT, &err);
  CHECK_CODE(ykien_unit_create(&json, db, "[1,2]", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_unit_create(&json, db, "{\"code\":7,\"name\":\"x\",\"kind\":\"province\"}", &err), YKIEN_EINVALID,
             &err);
  CHECK(strcmp(err.field, "code") == 0);
  CHECK_CODE(ykien_unit_create(&json, db, "{\"code\":\"a\",\"nmae\":\"x\"}", &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "nmae") == 0);
  CHECK_CODE(ykien_unit_create(&json, db, "{\"code\":\"\xff\xfe\"}", &err), YKIEN_ECORRUPT, &err);
  CHECK_CODE(ykien_meeting_create(&json, db, "{\"attendance\":\"many\"}", &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "attendance") == 0);
  CHECK_CODE(ykien_meeting_create(&json, db, "{\"attendance\":1.5}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_meeting_create(&json, db, "{\"attendance\":99999999999999999999}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_meeting_create(&json, db, "{\"departments\":[\"a\",2]}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_opinion_record(&json, db, "{\"anonymous\":\"yes\"}", &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "anonymous") == 0);
  CHECK_CODE(ykien_opinion_record(&json, db, "{\"kind\":null}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_opinion_list(&json, db, "{\"limit\":0}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_opinion_list(&json, db, "{\"overdue_only\":1}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_opinion_change_status(&json, db, "x", "{}", &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "to") == 0);
  CHECK_CODE(ykien_report_get(&json, db, "{\"scope\":[]}", &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_report_get(&json, db, "{\"tree\":\"yesterday\"}", &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "tree") == 0);
  /* Deeply nested input is refused, not a stack overflow. */
  {
    static char deep[200003];
    memset(deep, '[', 100000);
    memset(deep + 100000, ']', 100000);
    deep[200000] = '\0';
    i = ykien_unit_create(&json, db, deep, &err);
    CHECK(i == YKIEN_EINVALID || i == YKIEN_ECORRUPT);
  }

  /* Records that the engine refuses: its errors come through. */
  CHECK_CODE(ykien_unit_create(&json, db, "{\"code\":\"\",\"name\":\"\",\"kind\":\"galaxy\"}", &err), YKIEN_EINVALID,
             &err);
  CHECK(err.field[0] != '\0');
  CHECK_CODE(ykien_opinion_change_status(&json, db, "00000000-0000-7000-8000-000000000000", "{\"to\":\"resolved\"}",
                                         &err),
             YKIEN_ENOTFOUND, &err);
  CHECK_CODE(ykien_meeting_close(&json, db, "nope", 1, NULL, NULL, &err), YKIEN_ENOTFOUND, &err);

  /* Changes: every field checked, the error names it. */
  CHECK_CODE(ykien_changes_apply(&json, db, "{\"changes\":[{\"table\":\"opinions\"}]}", NULL, &err), YKIEN_EINVALID,
             &err);
  CHECK_CODE(ykien_changes_apply(&json, db,
                                 "[{\"table\":\"opinions\",\"id\":\"x\",\"scope\":\"vn\",\"col\":\"content\","
                                 "\"value\":\"a\",\"hlc\":\"zz\",\"site\":\"0000000000000001\"}]",
                                 NULL, &err),
             YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "changes[0].hlc") == 0);
  CHECK_CODE(ykien_changes_apply(&json, db,
                                 "[{\"table\":\"opinions\",\"id\":\"x\",\"scope\":\"vn\",\"col\":\"content\","
                                 "\"value\":{\"a\":1},\"hlc\":\"0000000000000001\",\"site\":\"0000000000000001\"}]",
                                 NULL, &err),
             YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "changes[0].value") == 0);
  CHECK_CODE(ykien_changes_apply(&json, db, "{\"nochanges\":1}", NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_changes_export(&json, db, -1, NULL, &err), YKIEN_EINVALID, &err);
  bad_export.scopes_json = "\"vn\"";
  CHECK_CODE(ykien_changes_export(&json, db, 0, &bad_export, &err), YKIEN_EINVALID, &err);
  bad_export.scopes_json = NULL;
  bad_export.version = 0;
  CHECK_CODE(ykien_changes_export(&json, db, 0, &bad_export, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_conflict_resolve(db, "c", "{not json", NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_conflict_resolve(db, "no-such-conflict", "\"a\"", NULL, &err), YKIEN_ENOTFOUND, &err);

  /* Messages longer than the buffer are cut at a character boundary. */
  key[0] = '{';
  key[1] = '"';
  for (i = 0; i < 300; i++) memcpy(key + 2 + i * 3, "\xe1\xbb\x87", 3); /* "ệ" x 300 */
  strcpy(key + 2 + 900, "\":1}");
  CHECK_CODE(ykien_unit_create(&json, db, key, &err), YKIEN_EINVALID, &err);
  CHECK(strlen(err.message) <= 255 && strlen(err.message) > 200 && utf8_ok(err.message));
  CHECK(strlen(err.field) <= 63 && utf8_ok(err.field));

  /* Sync: options checked. */
  CHECK_CODE(ykien_sync_new(&sync, db, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_sync_new(&sync, db, &so, &err), YKIEN_EINVALID, &err); /* no server_url */
  CHECK(strcmp(err.field, "options.server_url") == 0);
  CHECK(sync == NULL);

  /* Use after close. */
  CHECK_OK(ykien_db_open(&closed, path, NULL, &err), &err);
  ykien_db_close(closed);
  CHECK_CODE(ykien_opinion_record(&json, closed, "{}", &err), YKIEN_ESTATE, &err);
  CHECK_CODE(ykien_observer_add(NULL, closed, (ykien_observer_fn)NULL, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK_CODE(ykien_db_state_hash(&json, closed, &err), YKIEN_ESTATE, &err);
  so.server_url = "http://127.0.0.1:9";
  CHECK_CODE(ykien_sync_new(&sync, closed, &so, &err), YKIEN_ESTATE, &err);
  ykien_db_close(closed); /* twice: ignored */
  /* A pointer that never was a handle. */
  CHECK_CODE(ykien_opinion_list(&json, (ykien_db *)&err, NULL, &err), YKIEN_ESTATE, &err);

  ykien_db_close(db);
  return finish_tests("misuse_test");
}
