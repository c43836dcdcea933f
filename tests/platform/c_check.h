/* A few helpers for the C API tests, written in C: checks that count failures,
 * a temporary directory, and substring tests on JSON text. */
#ifndef YKIEN_TESTS_C_CHECK_H
#define YKIEN_TESTS_C_CHECK_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <time.h>

#include "ykien.h"

#if defined(__GNUC__)
#define C_CHECK_UNUSED __attribute__((unused))
#else
#define C_CHECK_UNUSED
#endif

static int check_failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      check_failures++;                                              \
    }                                                                \
  } while (0)

/* A call that must succeed; prints the error if not. */
#define CHECK_OK(call, err)                                                          \
  do {                                                                               \
    int check_rc_ = (call);                                                          \
    if (check_rc_ != YKIEN_OK) {                                                     \
      fprintf(stderr, "%s:%d: %s returned %d (%s): %s [%s]\n", __FILE__, __LINE__, #call, \
              check_rc_, ykien_error_code_name(check_rc_), (err)->message, (err)->field); \
      check_failures++;                                                              \
    }                                                                                \
  } while (0)

/* A call that must fail with `want`. */
#define CHECK_CODE(call, want, err)                                                          \
  do {                                                                                       \
    int check_rc_ = (call);                                                                  \
    if (check_rc_ != (want) || (err)->code != (want)) {                                      \
      fprintf(stderr, "%s:%d: %s returned %d, err->code %d, wanted %d (%s) [%s]\n", __FILE__, \
              __LINE__, #call, check_rc_, (err)->code, (want), (err)->message, (err)->field); \
      check_failures++;                                                                      \
    }                                                                                        \
  } while (0)

C_CHECK_UNUSED static int contains(const char *text, const char *part) { return text != NULL && strstr(text, part) != NULL; }

static char temp_root[256];

static const char *temp_dir(void) {
  const char *base = getenv("TMPDIR");
  snprintf(temp_root, sizeof temp_root, "%s/ykien-capi-XXXXXX", base != NULL ? base : "/tmp");
  if (mkdtemp(temp_root) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
  return temp_root;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void remove_temp_dir(void) {
  if (temp_root[0] != '\0') nftw(temp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

C_CHECK_UNUSED static void temp_file(char *out, size_t size, const char *name) { snprintf(out, size, "%s/%s", temp_root, name); }

/* Copies the value of "key":"..." from flat JSON text into out (no escapes expected). */
C_CHECK_UNUSED static int json_string(const char *json, const char *key, char *out, size_t size) {
  char pattern[64];
  const char *p;
  size_t n = 0;
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  p = json != NULL ? strstr(json, pattern) : NULL;
  if (p == NULL) return 0;
  p += strlen(pattern);
  while (p[n] != '\0' && p[n] != '"' && n + 1 < size) n++;
  memcpy(out, p, n);
  out[n] = '\0';
  return 1;
}

C_CHECK_UNUSED static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static int finish_tests(const char *name) {
  remove_temp_dir();
  if (check_failures > 0) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    return 1;
  }
  printf("%s: all checks passed\n", name);
  return 0;
}

#endif
