// The C API's replication calls: export and apply changes, conflicts.
#include "capi_internal.h"
#include "json_codec.h"

using namespace ykien;
using namespace ykien::capi;

extern "C" {

YKIEN_API int ykien_changes_export(char **out_json, ykien_db *db, int64_t cursor, const ykien_export_options *options,
                                   ykien_error *err) {
  return guard_out("ykien_changes_export", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    if (cursor < 0) return Status::Invalid("cursor", "must not be negative");
    ExportOptions o;
    if (options != nullptr) {
      YKIEN_TRY(check_version(options->version, YKIEN_EXPORT_OPTIONS_VERSION, "options.version"));
      if (options->limit_changes > 0) o.limit_changes = options->limit_changes;
      if (options->limit_bytes > 0) o.limit_bytes = options->limit_bytes;
      if (options->scopes_json != nullptr) {
        YKIEN_TRY(decode_string_list(options->scopes_json, "options.scopes_json", &o.scopes));
      }
      o.exclude_origin = opt(options->exclude_origin);
      o.include_confidential = options->include_confidential != 0;
    }
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.export_changes(cursor, o);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_changes_apply(char **out_json, ykien_db *db, const char *changes_json,
                                  const ykien_apply_options *options, ykien_error *err) {
  return guard_out("ykien_changes_apply", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(changes_json, "changes_json"));
    ApplyOptions o;
    if (options != nullptr) {
      YKIEN_TRY(check_version(options->version, YKIEN_APPLY_OPTIONS_VERSION, "options.version"));
      o.origin = opt(options->origin);
      o.detect_conflicts = options->detect_conflicts != 0;
    }
    std::vector<Change> changes;
    YKIEN_TRY(decode_changes(changes_json, &changes));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.apply_changes(changes, o);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_changes_cursor(int64_t *out, ykien_db *db, ykien_error *err) {
  if (out != nullptr) *out = 0;
  return guard("ykien_changes_cursor", err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    return with_db(db, [&](Database &d) -> Status {
      *out = d.current_cursor();
      return {};
    });
  });
}

YKIEN_API int ykien_conflict_list(char **out_json, ykien_db *db, int open_only, ykien_error *err) {
  return guard_out("ykien_conflict_list", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_conflicts(open_only != 0);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_conflict_resolve(ykien_db *db, const char *conflict_id, const char *value_json, const char *by,
                                     ykien_error *err) {
  return guard("ykien_conflict_resolve", err, [&]() -> Status {
    YKIEN_TRY(need(conflict_id, "conflict_id"));
    YKIEN_TRY(need(value_json, "value_json"));
    YKIEN_TRY(check_json_value(value_json, "value_json"));
    return with_db(db, [&](Database &d) -> Status {
      return d.resolve_conflict(conflict_id, value_json, opt(by));
    });
  });
}

}  // extern "C"
