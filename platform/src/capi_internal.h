// What the extern "C" functions share: the guard that keeps exceptions inside,
// the registry of live handles, observers, the log sink and output helpers.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "ykien.h"
#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::sync {
class KeyStore;
}

namespace ykien::capi {

// ---- Log sink (process-wide) ----
// True when a line at `level` would reach a sink: lets callers skip formatting.
bool log_enabled(int level) noexcept;
void log(int level, const std::string &message) noexcept;
void log(int level, const char *message) noexcept;

// ---- Errors ----
// Fills `err` (if any) without allocating; cuts at a UTF-8 boundary.
void fill_error(ykien_error *err, int code, const char *message, const char *field) noexcept;
// Reports `s` through `err` and the log; returns its code.
int finish(const char *function, const Status &s, ykien_error *err) noexcept;
// Same for an exception caught at the boundary: nothing may allocate here.
int finish_exception(const char *function, const char *what, ykien_error *err) noexcept;

// The one guard around every extern "C" body: `body` returns a Status; whatever
// it throws becomes YKIEN_EINTERNAL. Nothing escapes.
template <typename F>
int guard(const char *function, ykien_error *err, F &&body) noexcept {
  try {
    Status s = body();
    return finish(function, s, err);
  } catch (const std::bad_alloc &) {
    return finish_exception(function, "out of memory", err);
  } catch (const std::exception &e) {
    return finish_exception(function, e.what(), err);
  } catch (...) {
    return finish_exception(function, "unknown exception", err);
  }
}

// As guard(), for calls that return a string through `out`: *out is NULL unless
// the call succeeds.
template <typename F>
int guard_out(const char *function, char **out, ykien_error *err, F &&body) noexcept {
  if (out != nullptr) *out = nullptr;
  int code = guard(function, err, std::forward<F>(body));
  if (code != YKIEN_OK && out != nullptr && *out != nullptr) {
    std::free(*out);
    *out = nullptr;
  }
  return code;
}

// ---- Arguments and results ----
inline Status need(const void *p, const char *name) {
  if (p == nullptr) return Status::Invalid(name, "is NULL");
  return {};
}
inline std::string opt(const char *s) { return s == nullptr ? std::string() : std::string(s); }
// Copies `s` into a malloc'd string for the caller (freed with ykien_free).
// `out` NULL = the caller does not want it.
Status put(char **out, const std::string &s);
// Checks an options struct's version field.
Status check_version(unsigned int version, unsigned int current, const char *field);

// ---- Handles ----
// Rows a call changed, per table, in order, without duplicates.
struct Observer {
  ykien_observer_fn fn = nullptr;
  ykien_release_fn release = nullptr;
  void *ctx = nullptr;
  Observer(ykien_observer_fn f, ykien_release_fn r, void *c) : fn(f), release(r), ctx(c) {}
  ~Observer() {
    if (release != nullptr) release(ctx);
  }
  Observer(const Observer &) = delete;
  Observer &operator=(const Observer &) = delete;
};

// What a ykien_db handle stands for. Kept alive by the registry while the handle
// is open and by every call in progress, so closing never pulls the database out
// from under another thread.
struct DbState final : ChangeObserver {
  std::unique_ptr<Database> db;
  std::string path;
  std::atomic<bool> closed{false};  // set by ykien_db_close (a sync may outlive the handle)
  // The key store of the last ykien_sync made over it, while that sync lives: bundle
  // exports sign with the secret it holds (else the default, ykien/sync/key_store.h).
  // Guarded by mu.
  std::weak_ptr<sync::KeyStore> key_store;

  std::mutex mu;
  std::map<uint64_t, std::shared_ptr<Observer>> observers;  // guarded by mu
  uint64_t next_observer = 1;                               // guarded by mu

  // The engine tells which rows each committed write changed (ykien/replica.h);
  // this listens while the handle has observers and calls them, no lock held.
  void rows_changed(const std::string &table, const std::vector<std::string> &rows,
                    const std::string &origin) noexcept override;
  // Adds or removes this from the engine's observers as the first observer comes
  // or the last goes.
  void listen(bool on);
  ~DbState() override;

 private:
  bool listening_ = false;  // guarded by mu
};

// Registers a new handle for `state`.
ykien_db *register_db(std::shared_ptr<DbState> state);
// Unregisters; returns the state (null if `db` was not open).
std::shared_ptr<DbState> unregister_db(ykien_db *db) noexcept;
// The state of an open handle: invalid_argument for NULL, invalid_state when
// closed (or never opened).
Status lookup_db(ykien_db *db, std::shared_ptr<DbState> *out);

// Runs `body(Database&)` on an open handle. Observers hear of its writes from the
// engine, once they commit.
template <typename F>
Status with_db(ykien_db *db, F &&body) {
  std::shared_ptr<DbState> state;
  YKIEN_TRY(lookup_db(db, &state));
  return body(*state->db);
}

}  // namespace ykien::capi
