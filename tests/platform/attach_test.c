/* Attachments through the C API: a photo added from bytes and from a file (with
 * progress, and cancelled), listed, read back as a stream; other kinds refused. */
#include "c_check.h"

static int calls = 0;

static int on_progress(int64_t done, int64_t total, void *ctx) {
  (void)ctx;
  if (done >= 0 && done <= total) calls++;
  return 0;
}

static int cancel(int64_t done, int64_t total, void *ctx) {
  (void)done;
  (void)total;
  (void)ctx;
  return 1;
}

int main(void) {
  ykien_error err;
  ykien_db *db = NULL;
  ykien_blob *blob = NULL;
  char path[512], photo_path[512], text_path[512];
  char *json = NULL;
  char unit_id[64], meeting_id[64], sha[80], unit_json[256], meeting_json[512], target[128];
  static char photo[300000], back[300000];
  size_t i, got = 0, n = 0;
  FILE *f;

  temp_dir();
  temp_file(path, sizeof path, "tablet.db");
  temp_file(photo_path, sizeof photo_path, "bien-ban.jpg");
  temp_file(text_path, sizeof text_path, "ghi-chu.txt");
  photo[0] = (char)0xFF;
  photo[1] = (char)0xD8;
  photo[2] = (char)0xFF;
  for (i = 3; i < sizeof photo; i++) photo[i] = (char)(i * 31 % 251);
  f = fopen(photo_path, "wb");
  fwrite(photo, 1, sizeof photo, f);
  fclose(f);
  f = fopen(text_path, "wb");
  fputs("Ghi chép", f);
  fclose(f);

  CHECK_OK(ykien_db_open(&db, path, NULL, &err), &err);
  CHECK_OK(ykien_unit_create(&json, db, "{\"code\":\"70\",\"name\":\"Tỉnh Bình Phước\",\"kind\":\"province\"}", &err),
           &err);
  CHECK(json_string(json, "id", unit_id, sizeof unit_id));
  ykien_free(json);
  snprintf(unit_json, sizeof unit_json,
           "{\"code\":\"tan-phu\",\"name\":\"Phường Tân Phú\",\"kind\":\"ward\",\"parent_id\":\"%s\"}", unit_id);
  CHECK_OK(ykien_unit_create(&json, db, unit_json, &err), &err);
  CHECK(json_string(json, "id", unit_id, sizeof unit_id));
  ykien_free(json);
  snprintf(meeting_json, sizeof meeting_json,
           "{\"unit_id\":\"%s\",\"kind\":\"residential_saturday\",\"held_at\":\"2024-06-29 07:30\"}", unit_id);
  CHECK_OK(ykien_meeting_create(&json, db, meeting_json, &err), &err);
  CHECK(json_string(json, "id", meeting_id, sizeof meeting_id));
  ykien_free(json);
  snprintf(target, sizeof target, "{\"meeting_id\":\"%s\",\"caption\":\"Biên bản\"}", meeting_id);

  /* From a file, with progress; then the same bytes from memory: one blob. */
  CHECK_OK(ykien_attachment_add_file(&json, db, photo_path, target, on_progress, NULL, &err), &err);
  CHECK(calls > 0);
  CHECK(contains(json, "\"media_type\":\"image/jpeg\""));
  CHECK(contains(json, "\"size\":300000"));
  CHECK(json_string(json, "sha256", sha, sizeof sha));
  ykien_free(json);
  CHECK_OK(ykien_attachment_add_bytes(NULL, db, photo, sizeof photo, target, &err), &err);
  CHECK_OK(ykien_attachment_list(&json, db, NULL, meeting_id, &err), &err);
  CHECK(contains(json, "\"held_here\":true"));
  CHECK(contains(json, sha));
  ykien_free(json);

  /* Read back as a stream. */
  CHECK_OK(ykien_blob_open(&blob, db, sha, &err), &err);
  CHECK(ykien_blob_size(blob) == (int64_t)sizeof photo);
  do {
    CHECK_OK(ykien_blob_read(blob, back + got, 4096 < sizeof back - got ? 4096 : sizeof back - got, &n, &err), &err);
    got += n;
  } while (n > 0 && got < sizeof back);
  CHECK(got == sizeof photo && memcmp(back, photo, sizeof photo) == 0);
  ykien_blob_close(blob);
  ykien_blob_close(NULL);

  /* Refused: not an accepted kind, no target, cancelled, unknown blob. */
  CHECK_CODE(ykien_attachment_add_file(&json, db, text_path, target, NULL, NULL, &err), YKIEN_EINVALID, &err);
  CHECK(json == NULL && strcmp(err.field, "file") == 0);
  CHECK_CODE(ykien_attachment_add_bytes(NULL, db, photo, sizeof photo, "{}", &err), YKIEN_EINVALID, &err);
  CHECK(strcmp(err.field, "target") == 0);
  photo[100] ^= 1;
  f = fopen(photo_path, "wb");
  fwrite(photo, 1, sizeof photo, f);
  fclose(f);
  CHECK_CODE(ykien_attachment_add_file(NULL, db, photo_path, target, cancel, NULL, &err), YKIEN_ECANCELLED, &err);
  CHECK_CODE(ykien_blob_open(&blob, db, "0000000000000000000000000000000000000000000000000000000000000000", &err),
             YKIEN_ENOTFOUND, &err);
  CHECK(blob == NULL);
  CHECK_CODE(ykien_blob_open(&blob, db, "not-a-hash", &err), YKIEN_EINVALID, &err);

  ykien_db_close(db);
  return finish_tests("attach_test");
}
