// The C API's bundle calls (docs/bundle-format.md): sync by file.
#include <nlohmann/json.hpp>

#include "capi_internal.h"
#include "ykien/sync/bundle.h"

using namespace ykien;
using namespace ykien::capi;

namespace {

sync::BundleProgressFn progress_for(ykien_bundle_progress_fn fn, void *ctx) {
  if (fn == nullptr) return {};
  return [fn, ctx](const sync::BundleProgress &p) {
    ykien_bundle_progress c{p.phase.c_str(), p.done, p.total};
    fn(&c, ctx);
  };
}

std::string dump(const nlohmann::json &j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

extern "C" {

YKIEN_API int ykien_bundle_set_name(ykien_db *db, const char *name, ykien_error *err) {
  return guard("ykien_bundle_set_name", err, [&]() -> Status {
    YKIEN_TRY(need(name, "name"));
    return with_db(db, [&](Database &d) { return sync::set_bundle_name(d, name); });
  });
}

YKIEN_API int ykien_bundle_export(char **out_json, ykien_db *db, const char *peer, const char *path,
                                  ykien_bundle_progress_fn progress, void *ctx, ykien_error *err) {
  return guard_out("ykien_bundle_export", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(peer, "peer"));
    YKIEN_TRY(need(path, "path"));
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    sync::BundleExportOptions o;
    o.on_progress = progress_for(progress, ctx);
    {
      // Signed with the secret its sync keeps (else the default, "<db>.keys").
      std::lock_guard<std::mutex> lock(state->mu);
      o.key_store = state->key_store.lock();
    }
    auto r = sync::export_bundle(*state->db, peer, path, o);
    if (!r) return r.status();
    const auto &m = r->manifest;
    return put(out_json, dump({{"id", m.id},
                               {"for", m.for_peer},
                               {"from", m.exporter},
                               {"changes", m.changes},
                               {"bytes", r->file_bytes},
                               {"from_cursor", m.from_cursor},
                               {"to_cursor", m.to_cursor},
                               {"received_cursor", m.received_cursor}}));
  });
}

YKIEN_API int ykien_bundle_import(char **out_json, ykien_db *db, const char *path, ykien_bundle_progress_fn progress,
                                  void *ctx, ykien_error *err) {
  return guard_out("ykien_bundle_import", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(path, "path"));
    return with_db(db, [&](Database &d) -> Status {
      sync::BundleImportOptions o;
      o.on_progress = progress_for(progress, ctx);
      auto r = sync::import_bundle(d, path, o);
      if (!r) return r.status();
      return put(out_json, dump({{"from", r->peer},
                                 {"for", r->manifest.for_peer},
                                 {"changes", r->manifest.changes},
                                 {"applied", r->applied},
                                 {"ignored", r->ignored},
                                 {"conflicts", r->conflicts},
                                 {"in_sequence", r->in_sequence}}));
    });
  });
}

}  // extern "C"
