// The C API's core: version, errors, log sink, database handles and observers.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <unordered_map>

#include "capi_internal.h"
#include "ykien/hlc.h"

namespace ykien::capi {

static_assert(YKIEN_OK == static_cast<int>(ErrorCode::ok));
static_assert(YKIEN_EINVALID == static_cast<int>(ErrorCode::invalid_argument));
static_assert(YKIEN_ENOTFOUND == static_cast<int>(ErrorCode::not_found));
static_assert(YKIEN_ESTATE == static_cast<int>(ErrorCode::invalid_state));
static_assert(YKIEN_ESTORAGE == static_cast<int>(ErrorCode::storage));
static_assert(YKIEN_ECORRUPT == static_cast<int>(ErrorCode::corrupt));
static_assert(YKIEN_EVERSION == static_cast<int>(ErrorCode::unsupported_version));
static_assert(YKIEN_ECANCELLED == static_cast<int>(ErrorCode::cancelled));
static_assert(YKIEN_ENETWORK == static_cast<int>(ErrorCode::network));
static_assert(YKIEN_EUNAUTHORIZED == static_cast<int>(ErrorCode::unauthorized));
static_assert(YKIEN_EFORBIDDEN == static_cast<int>(ErrorCode::forbidden));
static_assert(YKIEN_ECLOCK == static_cast<int>(ErrorCode::clock_drift));
static_assert(YKIEN_ETOOLARGE == static_cast<int>(ErrorCode::too_large));
static_assert(YKIEN_EINTERNAL == static_cast<int>(ErrorCode::internal));
static_assert(YKIEN_ESERVER == static_cast<int>(ErrorCode::server));
static_assert(YKIEN_EBADSIG == static_cast<int>(ErrorCode::bad_signature));

namespace {

// ---- Log sink ----
struct Sink {
  ykien_log_fn fn;
  int min_level;
  ykien_release_fn release;
  void *ctx;
  Sink(ykien_log_fn f, int level, ykien_release_fn r, void *c) : fn(f), min_level(level), release(r), ctx(c) {}
  ~Sink() {
    if (release != nullptr) release(ctx);
  }
  Sink(const Sink &) = delete;
  Sink &operator=(const Sink &) = delete;
};

// Never destroyed: a sink must not be called into (or released) during static
// destruction, when the host (a JVM) may be gone.
struct SinkSlot {
  std::mutex mu;
  std::shared_ptr<Sink> sink;                       // guarded by mu
  std::atomic<int> min_level{YKIEN_LOG_ERROR + 1};  // above every level: off
};
SinkSlot &sink_slot() {
  static auto *slot = new SinkSlot;
  return *slot;
}

// ---- Handles ----
struct Registry {
  std::mutex mu;
  std::unordered_map<const ykien_db *, std::shared_ptr<DbState>> open;  // guarded by mu
};
Registry &registry() {
  static auto *r = new Registry;  // never destroyed, as above
  return *r;
}

void copy_cut(char *dst, size_t cap, const char *src) noexcept {
  if (cap == 0) return;
  if (src == nullptr) src = "";
  size_t len = std::strlen(src);
  size_t n = std::min(len, cap - 1);
  if (n < len) {
    // Do not leave half a UTF-8 character at the end.
    while (n > 0 && (static_cast<unsigned char>(src[n]) & 0xC0u) == 0x80u) --n;
  }
  std::memcpy(dst, src, n);
  dst[n] = '\0';
}

}  // namespace

}  // namespace ykien::capi

// The handle type is only a key into the registry: never dereferenced.
struct ykien_db {
  char unused;
};

namespace ykien::capi {

bool log_enabled(int level) noexcept { return level >= sink_slot().min_level.load(std::memory_order_relaxed); }

void log(int level, const char *message) noexcept {
  if (!log_enabled(level)) return;
  try {
    std::shared_ptr<Sink> sink;
    {
      std::lock_guard<std::mutex> lock(sink_slot().mu);
      sink = sink_slot().sink;
    }
    if (sink && sink->fn != nullptr && level >= sink->min_level) sink->fn(level, message, sink->ctx);
  } catch (...) {
    // A log line is never worth failing a call.
  }
}

void log(int level, const std::string &message) noexcept { log(level, message.c_str()); }

void fill_error(ykien_error *err, int code, const char *message, const char *field) noexcept {
  if (err == nullptr) return;
  err->code = code;
  copy_cut(err->message, sizeof err->message, message);
  copy_cut(err->field, sizeof err->field, field);
}

int finish(const char *function, const Status &s, ykien_error *err) noexcept {
  int code = static_cast<int>(s.code());
  fill_error(err, code, s.message().c_str(), s.field().c_str());
  if (code != YKIEN_OK && log_enabled(YKIEN_LOG_DEBUG)) {
    try {
      log(YKIEN_LOG_DEBUG, std::string(function) + ": " + s.to_string());
    } catch (...) {
    }
  }
  return code;
}

int finish_exception(const char *function, const char *what, ykien_error *err) noexcept {
  char line[320];
  std::snprintf(line, sizeof line, "%s: internal error: %s", function, what);
  fill_error(err, YKIEN_EINTERNAL, line + std::strlen(function) + 2, "");
  log(YKIEN_LOG_ERROR, line);
  return YKIEN_EINTERNAL;
}

Status put(char **out, const std::string &s) {
  if (out == nullptr) return {};
  auto *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p == nullptr) return {ErrorCode::internal, "out of memory"};
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  *out = p;
  return {};
}

Status check_version(unsigned int version, unsigned int current, const char *field) {
  if (version == 0 || version > current) {
    return Status::Invalid(field, "unknown version " + std::to_string(version) +
                                      " (use the _INIT macro of the ykien.h this library was built with)");
  }
  return {};
}

void DbState::rows_changed(const std::string &table, const std::vector<std::string> &rows,
                           const std::string &) noexcept {
  try {
    std::vector<std::shared_ptr<Observer>> snapshot;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (const auto &[id, o] : observers) snapshot.push_back(o);
    }
    if (snapshot.empty()) return;
    std::vector<const char *> ptrs;
    ptrs.reserve(rows.size());
    for (const auto &id : rows) ptrs.push_back(id.c_str());
    for (const auto &o : snapshot) {
      try {
        o->fn(table.c_str(), ptrs.data(), ptrs.size(), o->ctx);
      } catch (...) {
        log(YKIEN_LOG_WARN, "an observer callback threw; ignored");
      }
    }
  } catch (...) {
    log(YKIEN_LOG_ERROR, "observers could not be notified (out of memory)");
  }
}

void DbState::listen(bool on) {
  if (on == listening_ || !db) return;
  if (on) db->replica().add_observer(this);
  else db->replica().remove_observer(this);
  listening_ = on;
}

DbState::~DbState() {
  if (listening_ && db) db->replica().remove_observer(this);
}

ykien_db *register_db(std::shared_ptr<DbState> state) {
  auto handle = std::make_unique<ykien_db>();
  std::lock_guard<std::mutex> lock(registry().mu);
  registry().open.emplace(handle.get(), std::move(state));
  return handle.release();
}

std::shared_ptr<DbState> unregister_db(ykien_db *db) noexcept {
  std::shared_ptr<DbState> state;
  std::lock_guard<std::mutex> lock(registry().mu);
  auto it = registry().open.find(db);
  if (it == registry().open.end()) return state;
  state = std::move(it->second);
  registry().open.erase(it);
  delete db;
  return state;
}

Status lookup_db(ykien_db *db, std::shared_ptr<DbState> *out) {
  if (db == nullptr) return Status::Invalid("db", "is NULL");
  std::lock_guard<std::mutex> lock(registry().mu);
  auto it = registry().open.find(db);
  if (it == registry().open.end()) return {ErrorCode::invalid_state, "the database handle is closed or not valid"};
  *out = it->second;
  return {};
}

}  // namespace ykien::capi

using namespace ykien;
using namespace ykien::capi;

extern "C" {

YKIEN_API const char *ykien_version(void) {
#define YKIEN_STR2(x) #x
#define YKIEN_STR(x) YKIEN_STR2(x)
  return YKIEN_STR(YKIEN_VERSION_MAJOR) "." YKIEN_STR(YKIEN_VERSION_MINOR) "." YKIEN_STR(YKIEN_VERSION_PATCH);
}

YKIEN_API int ykien_version_numbers(int *major, int *minor, int *patch) {
  if (major != nullptr) *major = YKIEN_VERSION_MAJOR;
  if (minor != nullptr) *minor = YKIEN_VERSION_MINOR;
  if (patch != nullptr) *patch = YKIEN_VERSION_PATCH;
  return YKIEN_API_LEVEL;
}

YKIEN_API const char *ykien_error_code_name(int code) {
  if (code < YKIEN_OK || code > YKIEN_ESERVER) return "unknown";
  return error_code_name(static_cast<ErrorCode>(code));
}

YKIEN_API void ykien_free(void *p) { std::free(p); }

YKIEN_API int ykien_log_set_sink(ykien_log_fn fn, int min_level, ykien_release_fn release, void *ctx,
                                 ykien_error *err) {
  std::shared_ptr<Sink> old;  // released after the lock, once calls in progress end
  bool taken = false;         // the sink now owns ctx (its release runs when replaced)
  int code = guard("ykien_log_set_sink", err, [&]() -> Status {
    std::shared_ptr<Sink> sink;
    if (fn != nullptr) {
      sink = std::make_shared<Sink>(fn, min_level, release, ctx);
      taken = true;
    }
    std::lock_guard<std::mutex> lock(sink_slot().mu);
    old = std::move(sink_slot().sink);
    sink_slot().sink = std::move(sink);
    sink_slot().min_level.store(fn != nullptr ? min_level : YKIEN_LOG_ERROR + 1);
    return {};
  });
  if (code != YKIEN_OK && fn != nullptr && !taken && release != nullptr) release(ctx);
  return code;
}

YKIEN_API int ykien_db_open(ykien_db **out, const char *path, const ykien_open_options *options, ykien_error *err) {
  if (out != nullptr) *out = nullptr;
  return guard("ykien_db_open", err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    YKIEN_TRY(need(path, "path"));
    OpenOptions o;
    if (options != nullptr) {
      YKIEN_TRY(check_version(options->version, YKIEN_OPEN_OPTIONS_VERSION, "options.version"));
      if (options->busy_timeout_ms > 0) o.busy_timeout_ms = options->busy_timeout_ms;
    }
    auto db = Database::open(path, o);
    if (!db) return db.status();
    auto state = std::make_shared<DbState>();
    state->db = std::move(*db);
    state->path = path;
    *out = register_db(std::move(state));
    if (log_enabled(YKIEN_LOG_INFO)) log(YKIEN_LOG_INFO, std::string("opened ") + path);
    return {};
  });
}

YKIEN_API void ykien_db_close(ykien_db *db) {
  if (db == nullptr) return;
  try {
    std::shared_ptr<DbState> state = unregister_db(db);
    if (!state) return;
    std::string path = state->path;
    state->closed.store(true);
    state.reset();  // closes now unless calls on other threads still hold it
    if (log_enabled(YKIEN_LOG_INFO)) log(YKIEN_LOG_INFO, "closed " + path);
  } catch (...) {
    log(YKIEN_LOG_ERROR, "ykien_db_close: unexpected exception");
  }
}

YKIEN_API int ykien_db_site_id(char **out, ykien_db *db, ykien_error *err) {
  return guard_out("ykien_db_site_id", out, err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    return with_db(db, [&](Database &d) { return put(out, site_to_string(d.site_id())); });
  });
}

YKIEN_API int ykien_db_state_hash(char **out, ykien_db *db, ykien_error *err) {
  return guard_out("ykien_db_state_hash", out, err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    return with_db(db, [&](Database &d) -> Status {
      auto h = d.state_hash();
      if (!h) return h.status();
      return put(out, *h);
    });
  });
}

YKIEN_API int ykien_observer_add(uint64_t *out_id, ykien_db *db, ykien_observer_fn fn, ykien_release_fn release,
                                 void *ctx, ykien_error *err) {
  if (out_id != nullptr) *out_id = 0;
  bool taken = false;  // the registration now owns ctx (release runs when it ends)
  int code = guard("ykien_observer_add", err, [&]() -> Status {
    YKIEN_TRY(need(reinterpret_cast<const void *>(fn), "fn"));
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    auto o = std::make_shared<Observer>(fn, release, ctx);
    taken = true;
    std::lock_guard<std::mutex> lock(state->mu);
    uint64_t id = state->next_observer++;
    state->observers.emplace(id, std::move(o));
    state->listen(true);
    if (out_id != nullptr) *out_id = id;
    return {};
  });
  // A refused registration still ends: the caller may free ctx in release.
  if (code != YKIEN_OK && !taken && release != nullptr) release(ctx);
  return code;
}

YKIEN_API int ykien_observer_remove(ykien_db *db, uint64_t id, ykien_error *err) {
  return guard("ykien_observer_remove", err, [&]() -> Status {
    std::shared_ptr<DbState> state;
    YKIEN_TRY(lookup_db(db, &state));
    std::shared_ptr<Observer> removed;  // released outside the lock
    {
      std::lock_guard<std::mutex> lock(state->mu);
      auto it = state->observers.find(id);
      if (it == state->observers.end()) return {ErrorCode::not_found, "no observer with this id"};
      removed = std::move(it->second);
      state->observers.erase(it);
      state->listen(!state->observers.empty());
    }
    return {};
  });
}

}  // extern "C"
