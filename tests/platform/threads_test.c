/* Two (and more) threads at once on one handle: calls are serialized, observers
 * see every write, and closing while another thread works gives it errors, not a
 * crash. */
#include <pthread.h>

#include "c_check.h"

#define WRITERS 4
#define PER_WRITER 25

static ykien_db *db;
static char unit_id[64];
static pthread_mutex_t heard_mu = PTHREAD_MUTEX_INITIALIZER;
static int heard_opinions = 0;

static void on_change(const char *table, const char *const *ids, size_t count, void *ctx) {
  (void)ids;
  (void)ctx;
  if (strcmp(table, "opinions") == 0) {
    pthread_mutex_lock(&heard_mu);
    heard_opinions += (int)count;
    pthread_mutex_unlock(&heard_mu);
  }
}

static void *writer(void *arg) {
  ykien_error err;
  char json[512];
  int i, *failures = (int *)arg;
  for (i = 0; i < PER_WRITER; i++) {
    char *out = NULL;
    snprintf(json, sizeof json,
             "{\"unit_id\":\"%s\",\"kind\":\"petition\",\"category\":\"traffic_safety\","
             "\"content\":\"Đèn đường hỏng số %d\",\"raised_at\":\"2024-05-01 09:00\"}",
             unit_id, i);
    if (ykien_opinion_record(NULL, db, json, &err) != YKIEN_OK) {
      fprintf(stderr, "record: %s\n", err.message);
      (*failures)++;
    }
    if (ykien_opinion_list(&out, db, "{\"limit\":5}", &err) != YKIEN_OK) (*failures)++;
    ykien_free(out);
  }
  return NULL;
}

typedef struct reader_result {
  volatile int ok;
  volatile int closed;
  volatile int other;
} reader_result;

static ykien_db *doomed;
static volatile int stop_reader = 0;

static void *reader(void *arg) {
  reader_result *r = (reader_result *)arg;
  ykien_error err;
  while (!stop_reader) {
    char *out = NULL;
    int rc = ykien_opinion_search(&out, doomed, "den duong", NULL, &err);
    if (rc == YKIEN_OK) {
      r->ok++;
    } else if (rc == YKIEN_ESTATE) {
      r->closed++;
    } else {
      r->other++;
    }
    ykien_free(out);
  }
  return NULL;
}

int main(void) {
  ykien_error err;
  char path[512];
  char *json = NULL;
  pthread_t threads[WRITERS], rthread;
  int failures[WRITERS] = {0};
  int i, count = 0;
  const char *p;
  reader_result rr = {0, 0, 0};

  temp_dir();
  temp_file(path, sizeof path, "threads.db");
  CHECK_OK(ykien_db_open(&db, path, NULL, &err), &err);
  CHECK_OK(ykien_unit_create(&json, db, "{\"code\":\"ap-3\",\"name\":\"Ấp 3\",\"kind\":\"hamlet\"}", &err), &err);
  CHECK(json_string(json, "id", unit_id, sizeof unit_id));
  ykien_free(json);
  CHECK_OK(ykien_observer_add(NULL, db, on_change, NULL, NULL, &err), &err);

  for (i = 0; i < WRITERS; i++) pthread_create(&threads[i], NULL, writer, &failures[i]);
  for (i = 0; i < WRITERS; i++) pthread_join(threads[i], NULL);
  for (i = 0; i < WRITERS; i++) CHECK(failures[i] == 0);
  CHECK(heard_opinions == WRITERS * PER_WRITER);
  CHECK_OK(ykien_opinion_list(&json, db, NULL, &err), &err);
  for (p = json; p != NULL && (p = strstr(p, "\"kind\":\"petition\"")) != NULL; p++) count++;
  CHECK(count == WRITERS * PER_WRITER);
  ykien_free(json);

  /* Close while another thread is searching. */
  doomed = db;
  pthread_create(&rthread, NULL, reader, &rr);
  while (rr.ok < 3) sleep_ms(1);
  ykien_db_close(doomed);
  while (rr.closed < 3) sleep_ms(1);
  stop_reader = 1;
  pthread_join(rthread, NULL);
  CHECK(rr.ok >= 3 && rr.closed >= 3 && rr.other == 0);
  return finish_tests("threads_test");
}
