// JSON codec of the sync messages (docs/protocol.md). nlohmann/json is used with
// exceptions off for parsing; dumping uses the "replace" handler so it cannot throw.
// The changes inside are the shared codec's (engine/json/, as the C API's).
#include "ykien/sync/protocol.h"

#include <nlohmann/json.hpp>

#include "ykien/json/changes.h"
#include "ykien/json/changes_reader.h"

namespace ykien::sync {
namespace {

using json = nlohmann::json;
using codec::dump;

// Parses text into an object; corrupt on anything else.
Status parse_object(std::string_view text, json *out) {
  *out = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    return {ErrorCode::corrupt, "body is not valid JSON (or not valid UTF-8)"};
  }
  if (!out->is_object()) return {ErrorCode::corrupt, "body is not a JSON object"};
  return {};
}

const json *member(const json &obj, const char *name) {
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

Status get_string(const json &obj, const char *name, std::string *out, bool required = true) {
  const json *v = member(obj, name);
  if (v == nullptr || v->is_null()) {
    if (required) return Status::Invalid(name, "is missing");
    return {};
  }
  if (!v->is_string()) return Status::Invalid(name, "must be a string");
  *out = v->get_ref<const std::string &>();
  return {};
}

Status get_int(const json &obj, const char *name, int64_t *out, bool required = true) {
  const json *v = member(obj, name);
  if (v == nullptr || v->is_null()) {
    if (required) return Status::Invalid(name, "is missing");
    return {};
  }
  if (!v->is_number_integer()) return Status::Invalid(name, "must be an integer");
  auto n = codec::fit_int64(*v);
  if (!n) return Status::Invalid(name, "is out of range");
  *out = *n;
  return {};
}

Status get_bool(const json &obj, const char *name, bool *out) {
  const json *v = member(obj, name);
  if (v == nullptr) return Status::Invalid(name, "is missing");
  if (!v->is_boolean()) return Status::Invalid(name, "must be true or false");
  *out = v->get<bool>();
  return {};
}

Status get_strings(const json &obj, const char *name, std::vector<std::string> *out) {
  const json *v = member(obj, name);
  if (v == nullptr) return Status::Invalid(name, "is missing");
  if (!v->is_array()) return Status::Invalid(name, "must be an array of strings");
  out->clear();
  for (const auto &e : *v) {
    if (!e.is_string()) return Status::Invalid(name, "must be an array of strings");
    out->push_back(e.get<std::string>());
  }
  return {};
}

// Requests carry "protocol": missing or wrong type is bad input, another number
// is a version this build does not speak.
Status check_protocol(const json &obj, int *out) {
  int64_t v = 0;
  YKIEN_TRY(get_int(obj, "protocol", &v));
  if (v != kProtocolVersion) {
    return {ErrorCode::unsupported_version,
            "protocol version " + std::to_string(v) + " is not supported; this server speaks " +
                std::to_string(kProtocolVersion),
            "protocol"};
  }
  *out = static_cast<int>(v);
  return {};
}

// "public_key": 64 lowercase hex digits (an Ed25519 public key); optional where
// older clients leave it out.
Status check_public_key(const json &obj, std::string *out, bool required) {
  YKIEN_TRY(get_string(obj, "public_key", out, required));
  if (out->empty() && !required) return {};
  if (out->size() != 64 || out->find_first_not_of("0123456789abcdef") != std::string::npos)
    return Status::Invalid("public_key", "must be an Ed25519 public key in 64 lowercase hex digits");
  return {};
}

// A message with a list of changes, parsed in one pass (codec::parse_with_changes):
// its other members into `envelope`, the changes (the shared codec's, read
// leniently as the protocol is) into `changes`.
Status parse_message(std::string_view text, json *envelope, codec::ChangesMember *changes) {
  Status st = codec::parse_with_changes(text, envelope, changes);
  if (!st.ok()) return {ErrorCode::corrupt, "body is " + st.message()};
  return {};
}

// The changes of a message parsed by parse_message, sent as "changes" or "rows"
// (`as_rows` says which, when not null).
Status take_changes(const json &envelope, codec::ChangesMember &changes, std::vector<Change> *out,
                    bool *as_rows = nullptr) {
  if (changes.both) return Status::Invalid("rows", "cannot come with \"changes\": a message sends one or the other");
  if (!changes.array && member(envelope, "rows") != nullptr) return Status::Invalid("rows", "must be an array");
  if (!changes.array) {
    const json *other = member(envelope, "changes");
    if (other == nullptr) return Status::Invalid("changes", "is missing");
    return Status::Invalid("changes", "must be an array");
  }
  YKIEN_TRY(changes.error);
  *out = std::move(changes.changes);
  if (as_rows != nullptr) *as_rows = changes.rows;
  return {};
}

// The same, for a caller that keeps "rows" as they came (ChangesMember::keep_rows).
Status take_changes(const json &envelope, codec::ChangesMember &changes, std::vector<Change> *out,
                    std::vector<RowWrite> *rows, bool *as_rows) {
  YKIEN_TRY(take_changes(envelope, changes, out, as_rows));
  *rows = std::move(changes.row_writes);
  return {};
}

// Runs a decoder; a throw from the library (never expected) becomes corrupt.
template <typename Fn>
Status guarded(Fn &&fn) {
  try {
    return fn();
  } catch (const std::exception &e) {
    return {ErrorCode::corrupt, std::string("cannot decode message: ") + e.what()};
  }
}

// An envelope object with its "changes" (or "rows") written as text directly
// (codec::dump_changes, codec::dump_rows): the large part of a push or a pull reply.
// Changes exported by row (`rows`, ExportOptions::as_rows; `changes` then empty) are
// written as they are.
std::string with_changes(const json &envelope, const std::vector<Change> &changes, bool as_rows = false,
                         const std::vector<RowWrite> &rows = {}) {
  const bool by_row = changes.empty() && !rows.empty();
  std::string out = dump(envelope);
  out.pop_back();  // the envelope's closing brace
  if (!envelope.empty()) out += ',';
  out += as_rows || by_row ? "\"rows\":" : "\"changes\":";
  out += by_row ? codec::dump_rows(rows) : as_rows ? codec::dump_rows(changes) : codec::dump_changes(changes);
  out += '}';
  return out;
}

// "change_format" where a server names what it reads; left out when empty.
void add_change_format(json &j, const std::string &format) {
  if (!format.empty()) j["change_format"] = format;
}

template <typename Fn>
std::string guarded_encode(Fn &&fn) {
  try {
    return fn();
  } catch (const std::exception &e) {
    // Only allocation failure can get here; an error body is the best we can do.
    return R"({"code":"internal","message":"cannot encode message"})";
  }
}

}  // namespace

std::string encode(const ErrorReply &m) {
  return guarded_encode([&] {
    json j = {{"code", error_code_name(m.code)}, {"message", m.message}};
    if (!m.field.empty()) j["field"] = m.field;
    if (!m.refused.empty()) j["refused"] = m.refused;
    if (!m.refusals.empty()) {
      json list = json::array();
      for (const auto &r : m.refusals)
        list.push_back({{"index", r.index}, {"code", r.code}, {"table", r.table}, {"id", r.id},
                        {"column", r.column}, {"reason", r.reason}});
      j["refusals"] = std::move(list);
    }
    j["server_time"] = m.server_time_ms;
    return dump(j);
  });
}

std::string encode(const HealthReply &m) {
  return guarded_encode([&] {
    return dump({{"status", m.status}, {"protocol", m.protocol}, {"server_time", m.server_time_ms}});
  });
}

std::string encode(const EnrollRequest &m) {
  return guarded_encode([&] {
    json j = {{"protocol", m.protocol}, {"code", m.code}, {"device_name", m.device_name}, {"site", m.site}};
    if (!m.public_key.empty()) j["public_key"] = m.public_key;
    return dump(j);
  });
}

std::string encode(const EnrollReply &m) {
  return guarded_encode([&] {
    json j = {{"device_id", m.device_id}, {"token", m.token}, {"scopes", m.scopes},
              {"server_time", m.server_time_ms}, {"key_recorded", m.key_recorded}};
    if (!m.server_key.empty()) j["server_key"] = m.server_key;
    if (!m.signature_format.empty()) j["signature_format"] = m.signature_format;
    if (!m.office_key.empty()) j["office_key"] = m.office_key;
    add_change_format(j, m.change_format);
    return dump(j);
  });
}

std::string encode(const PushRequest &m) {
  return guarded_encode([&] {
    return with_changes({{"protocol", m.protocol}, {"client_time", m.client_time_ms}}, m.changes, m.as_rows, m.rows);
  });
}

std::string encode(const PushReply &m) {
  return guarded_encode([&] {
    json j = {{"applied", m.applied}, {"ignored", m.ignored}, {"conflicts", m.conflicts},
              {"server_time", m.server_time_ms}};
    if (!m.signature_format.empty()) j["signature_format"] = m.signature_format;
    add_change_format(j, m.change_format);
    if (m.max_changes > 0) j["max_changes"] = m.max_changes;
    if (m.position_before >= 0) j["position_before"] = m.position_before;
    return dump(j);
  });
}

std::string encode(const PullRequest &m) {
  return guarded_encode([&] {
    json j = {{"protocol", m.protocol}, {"client_time", m.client_time_ms}, {"cursor", m.cursor}};
    if (m.limit > 0) j["limit"] = m.limit;
    if (m.acked) j["acked"] = *m.acked;
    if (m.own_through) j["own_through"] = *m.own_through;
    add_change_format(j, m.change_format);
    return dump(j);
  });
}

std::string encode(const PullReply &m) {
  return guarded_encode([&] {
    json j = {{"cursor", m.cursor}, {"more", m.more}, {"server_time", m.server_time_ms}};
    if (m.scanned >= 0) j["scanned"] = m.scanned;
    if (m.left >= 0) j["left"] = m.left;
    if (!m.office_key.empty()) j["office_key"] = m.office_key;
    if (m.pull_ahead) j["pull_ahead"] = true;
    add_change_format(j, m.change_format);
    return with_changes(j, m.changes, m.as_rows, m.rows);
  });
}

Status decode(std::string_view text, ErrorReply *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    std::string code;
    YKIEN_TRY(get_string(j, "code", &code));
    out->code = error_code_from_name(code);
    YKIEN_TRY(get_string(j, "message", &out->message));
    YKIEN_TRY(get_string(j, "field", &out->field, false));
    out->refused.clear();
    if (const json *r = member(j, "refused"); r != nullptr && r->is_array()) {
      for (const auto &e : *r) {
        if (e.is_number_integer()) out->refused.push_back(e.get<int64_t>());
      }
    }
    out->refusals.clear();
    if (const json *r = member(j, "refusals"); r != nullptr && r->is_array()) {
      for (const auto &e : *r) {
        if (!e.is_object()) continue;
        Refusal one;
        one.index = e.value("index", int64_t{-1});
        one.code = e.value("code", "");
        one.table = e.value("table", "");
        one.id = e.value("id", "");
        one.column = e.value("column", "");
        one.reason = e.value("reason", "");
        if (one.index >= 0) out->refusals.push_back(std::move(one));
      }
    }
    return get_int(j, "server_time", &out->server_time_ms, false);
  });
}

Status decode(std::string_view text, HealthReply *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(get_string(j, "status", &out->status));
    int64_t p = 0;
    YKIEN_TRY(get_int(j, "protocol", &p));
    out->protocol = static_cast<int>(p);
    return get_int(j, "server_time", &out->server_time_ms);
  });
}

Status decode(std::string_view text, EnrollRequest *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(check_protocol(j, &out->protocol));
    YKIEN_TRY(get_string(j, "code", &out->code));
    YKIEN_TRY(get_string(j, "device_name", &out->device_name, false));
    YKIEN_TRY(get_string(j, "site", &out->site));
    auto site = parse_site(out->site);
    if (!site || *site == 0) return Status::Invalid("site", "must be 16 hex digits, not zero");
    return check_public_key(j, &out->public_key, false);
  });
}

Status decode(std::string_view text, EnrollReply *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(get_string(j, "device_id", &out->device_id));
    YKIEN_TRY(get_string(j, "token", &out->token));
    YKIEN_TRY(get_strings(j, "scopes", &out->scopes));
    YKIEN_TRY(get_string(j, "server_key", &out->server_key, false));
    YKIEN_TRY(get_string(j, "signature_format", &out->signature_format, false));
    YKIEN_TRY(get_string(j, "office_key", &out->office_key, false));
    YKIEN_TRY(get_string(j, "change_format", &out->change_format, false));
    out->key_recorded = false;
    if (const json *k = member(j, "key_recorded"); k != nullptr && !k->is_null()) YKIEN_TRY(get_bool(j, "key_recorded", &out->key_recorded));
    return get_int(j, "server_time", &out->server_time_ms);
  });
}

Status decode(std::string_view text, PushRequest *out, bool keep_rows) {
  return guarded([&]() -> Status {
    json j;
    codec::ChangesMember changes;
    changes.keep_rows = keep_rows;
    YKIEN_TRY(parse_message(text, &j, &changes));
    YKIEN_TRY(check_protocol(j, &out->protocol));
    YKIEN_TRY(get_int(j, "client_time", &out->client_time_ms));
    return take_changes(j, changes, &out->changes, &out->rows, &out->as_rows);
  });
}

Status decode(std::string_view text, PushReply *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(get_int(j, "applied", &out->applied));
    YKIEN_TRY(get_int(j, "ignored", &out->ignored));
    YKIEN_TRY(get_int(j, "conflicts", &out->conflicts));
    YKIEN_TRY(get_string(j, "signature_format", &out->signature_format, false));
    YKIEN_TRY(get_string(j, "change_format", &out->change_format, false));
    YKIEN_TRY(get_int(j, "max_changes", &out->max_changes, false));
    out->position_before = -1;
    YKIEN_TRY(get_int(j, "position_before", &out->position_before, false));
    return get_int(j, "server_time", &out->server_time_ms);
  });
}

Status decode(std::string_view text, PullRequest *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(check_protocol(j, &out->protocol));
    YKIEN_TRY(get_int(j, "client_time", &out->client_time_ms));
    YKIEN_TRY(get_string(j, "cursor", &out->cursor));
    out->limit = 0;
    YKIEN_TRY(get_int(j, "limit", &out->limit, false));
    if (out->limit < 0) return Status::Invalid("limit", "must not be negative");
    out->acked.reset();
    if (const json *acked = member(j, "acked"); acked != nullptr && !acked->is_null()) {
      if (!acked->is_string()) return Status::Invalid("acked", "must be a string (a cursor)");
      out->acked = acked->get<std::string>();
    }
    out->own_through.reset();
    if (const json *own = member(j, "own_through"); own != nullptr && !own->is_null()) {
      int64_t through = 0;
      YKIEN_TRY(get_int(j, "own_through", &through));
      if (through < 0) return Status::Invalid("own_through", "must not be negative");
      out->own_through = through;
    }
    return get_string(j, "change_format", &out->change_format, false);
  });
}

Status decode(std::string_view text, PullReply *out, bool keep_rows) {
  return guarded([&]() -> Status {
    json j;
    codec::ChangesMember changes;
    changes.keep_rows = keep_rows;
    YKIEN_TRY(parse_message(text, &j, &changes));
    YKIEN_TRY(take_changes(j, changes, &out->changes, &out->rows, &out->as_rows));
    YKIEN_TRY(get_string(j, "cursor", &out->cursor));
    YKIEN_TRY(get_bool(j, "more", &out->more));
    out->scanned = out->left = -1;
    YKIEN_TRY(get_int(j, "scanned", &out->scanned, false));
    YKIEN_TRY(get_int(j, "left", &out->left, false));
    YKIEN_TRY(get_string(j, "office_key", &out->office_key, false));
    YKIEN_TRY(get_string(j, "change_format", &out->change_format, false));
    out->pull_ahead = false;
    if (const json *ahead = member(j, "pull_ahead"); ahead != nullptr && ahead->is_boolean())
      out->pull_ahead = ahead->get<bool>();
    return get_int(j, "server_time", &out->server_time_ms);
  });
}

std::string encode_changes(const std::vector<Change> &changes) {
  return guarded_encode([&] { return with_changes(json::object(), changes); });
}

std::string encode(const SitesRequest &m) {
  return guarded_encode([&] {
    json list = json::array();
    for (const auto &s : m.sites) list.push_back({{"site", s.site}, {"device_id", s.device_id}, {"name", s.name}});
    return dump({{"protocol", m.protocol}, {"sites", std::move(list)}});
  });
}

std::string encode(const SitesReply &m) {
  return guarded_encode([&] { return dump({{"refused", m.refused}, {"server_time", m.server_time_ms}}); });
}

Status decode(std::string_view text, SitesRequest *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(check_protocol(j, &out->protocol));
    const json *list = member(j, "sites");
    if (list == nullptr || !list->is_array()) return Status::Invalid("sites", "must be an array");
    out->sites.clear();
    for (size_t i = 0; i < list->size(); ++i) {
      const json &e = (*list)[i];
      const std::string at = "sites[" + std::to_string(i) + "]";
      if (!e.is_object()) return Status::Invalid(at, "must be an object");
      RelayedSiteEntry entry;
      YKIEN_TRY(get_string(e, "site", &entry.site));
      YKIEN_TRY(get_string(e, "device_id", &entry.device_id, false));
      YKIEN_TRY(get_string(e, "name", &entry.name, false));
      auto site = parse_site(entry.site);
      if (!site || *site == 0) return Status::Invalid(at + ".site", "must be 16 hex digits, not zero");
      out->sites.push_back(std::move(entry));
    }
    return {};
  });
}

Status decode(std::string_view text, SitesReply *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(get_strings(j, "refused", &out->refused));
    return get_int(j, "server_time", &out->server_time_ms);
  });
}

Status decode_changes(std::string_view text, std::vector<Change> *out) {
  return guarded([&]() -> Status {
    json j;
    codec::ChangesMember changes;
    YKIEN_TRY(parse_message(text, &j, &changes));
    return take_changes(j, changes, out);
  });
}

std::string encode(const KeysRequest &m) {
  return guarded_encode([&] { return dump({{"protocol", m.protocol}, {"public_key", m.public_key}}); });
}

std::string encode(const KeysReply &m) {
  return guarded_encode([&] {
    json j = {{"server_key", m.server_key}, {"server_time", m.server_time_ms}};
    if (!m.signature_format.empty()) j["signature_format"] = m.signature_format;
    if (!m.office_key.empty()) j["office_key"] = m.office_key;
    add_change_format(j, m.change_format);
    return dump(j);
  });
}

Status decode(std::string_view text, KeysRequest *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(check_protocol(j, &out->protocol));
    return check_public_key(j, &out->public_key, true);
  });
}

Status decode(std::string_view text, KeysReply *out) {
  return guarded([&]() -> Status {
    json j;
    YKIEN_TRY(parse_object(text, &j));
    YKIEN_TRY(get_string(j, "server_key", &out->server_key, false));
    YKIEN_TRY(get_string(j, "signature_format", &out->signature_format, false));
    YKIEN_TRY(get_string(j, "office_key", &out->office_key, false));
    YKIEN_TRY(get_string(j, "change_format", &out->change_format, false));
    return get_int(j, "server_time", &out->server_time_ms);
  });
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return 200;
    case ErrorCode::invalid_argument:
    case ErrorCode::corrupt: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::forbidden:
    case ErrorCode::bad_signature: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::invalid_state:
    case ErrorCode::clock_drift: return 409;
    case ErrorCode::too_large: return 413;
    case ErrorCode::unsupported_version: return 426;
    case ErrorCode::server:
    case ErrorCode::storage: return 503;
    case ErrorCode::cancelled:
    case ErrorCode::network:
    case ErrorCode::internal: return 500;
  }
  return 500;
}

ErrorCode error_code_from_name(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::bad_signature); ++i) {
    auto code = static_cast<ErrorCode>(i);
    if (name == error_code_name(code)) return code;
  }
  return ErrorCode::internal;
}

bool is_retryable(ErrorCode code) {
  return code == ErrorCode::network || code == ErrorCode::server || code == ErrorCode::storage;
}

}  // namespace ykien::sync
