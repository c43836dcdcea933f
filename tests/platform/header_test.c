/* ykien.h compiles as strict C (-std=c99 -Wall -Wextra -Werror -pedantic) and its
 * initializers fit their structs. Built, not run. */
#include "ykien.h"

int main(void) {
  ykien_open_options o = YKIEN_OPEN_OPTIONS_INIT;
  ykien_export_options e = YKIEN_EXPORT_OPTIONS_INIT;
  ykien_apply_options a = YKIEN_APPLY_OPTIONS_INIT;
  ykien_sync_options s = YKIEN_SYNC_OPTIONS_INIT;
  ykien_key_store k = YKIEN_KEY_STORE_INIT;
  ykien_error err;
  err.code = YKIEN_OK;
  return (int)(o.version + e.version + a.version + s.version + k.version) - 5 + err.code;
}
