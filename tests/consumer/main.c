/* Opens a database through the installed library and records one opinion. */
#include <stdio.h>
#include <string.h>

#include <ykien.h>

int main(int argc, char **argv) {
  ykien_error err;
  ykien_db *db = NULL;
  char *unit = NULL, *list = NULL;
  int ok;
  if (argc < 2) {
    fprintf(stderr, "usage: consumer <database file>\n");
    return 2;
  }
  if (ykien_db_open(&db, argv[1], NULL, &err) != YKIEN_OK) {
    fprintf(stderr, "open: %s\n", err.message);
    return 1;
  }
  if (ykien_unit_create(&unit, db, "{\"code\":\"ap-1\",\"name\":\"Ấp 1\",\"kind\":\"hamlet\"}", &err) != YKIEN_OK ||
      ykien_unit_list(&list, db, NULL, &err) != YKIEN_OK) {
    fprintf(stderr, "unit: %s\n", err.message);
    ykien_db_close(db);
    return 1;
  }
  ok = strstr(list, "Ấp 1") != NULL;
  printf("ykien %s: %s\n", ykien_version(), list);
  ykien_free(unit);
  ykien_free(list);
  ykien_db_close(db);
  return ok ? 0 : 1;
}
