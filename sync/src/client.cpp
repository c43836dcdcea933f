// The sync session: push pending changes, then pull until caught up (docs/protocol.md).
#include "ykien/sync/client.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "gzip.h"
#include "settings_keys.h"
#include "signing.h"
#include "standing_thread.h"
#include "ykien/sync/office_key.h"
#include "ykien/sync/wipe.h"

namespace ykien::sync {
namespace {

using json = nlohmann::json;

int64_t parse_int(const std::string &text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception &) {
    return 0;
  }
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The most changes a push batch may hold for a server that takes at most
// `server_max` in one push (0: one that does not say): a fifth below, as a batch is
// cut between writes (tuning.h).
int64_t server_push_bound(int64_t server_max) {
  return server_max > 0 ? server_max - server_max / 5 : tuning::kPushBatchChangesUnstatedMax;
}

// The next batch size after an exchange of `current` that took `took_ms` (tuning.h,
// kBatchGrowBelowMs). On a fast link it grows to what would take half that time at
// the rate the exchange showed, at least doubled and at most kBatchGrowMostTimes,
// up to `most`; on a slow one it is halved, down to `least` (the configured size,
// never grown past when it exceeds `most`).
int64_t next_batch_size(int64_t current, int64_t least, int64_t most, int64_t took_ms) {
  if (took_ms < tuning::kBatchGrowBelowMs) {
    const int64_t at_rate = current * tuning::kBatchGrowBelowMs / (2 * std::max<int64_t>(took_ms, 1));
    const int64_t grown = std::clamp(at_rate, current * 2, current * tuning::kBatchGrowMostTimes);
    return std::max(least, std::min(grown, most));
  }
  if (took_ms > 4 * tuning::kBatchGrowBelowMs) return std::max(least, current / 2);
  return current;
}

// A revoked device's 401 says "wipe": true (docs/protocol.md, "POST /v1/wiped").
bool orders_wipe(const std::string &body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  const auto *wipe = j.is_object() && j.contains("wipe") ? &j["wipe"] : nullptr;
  return wipe && wipe->is_boolean() && wipe->get<bool>();
}

// An exchange's failure as the server described it.
Status status_from_reply(int http_status, const std::string &body, ErrorReply *reply) {
  if (decode(body, reply).ok()) return {reply->code, reply->message, reply->field};
  ErrorCode code = http_status >= 500 ? ErrorCode::server
                   : http_status == 401 ? ErrorCode::unauthorized
                   : http_status == 403 ? ErrorCode::forbidden
                   : http_status == 404 ? ErrorCode::not_found  // a HEAD's reply has no body
                   : http_status == 413 ? ErrorCode::too_large
                   : http_status == 426 ? ErrorCode::unsupported_version
                                        : ErrorCode::invalid_argument;
  *reply = ErrorReply{code, "HTTP " + std::to_string(http_status), {}, {}, 0};
  return {code, "the server answered HTTP " + std::to_string(http_status)};
}

}  // namespace

SyncClient::SyncClient(Database &db, Transport &transport, SyncOptions options)
    : SyncClient(db.replica(), transport, std::move(options)) {
  database_ = &db;
  if (!options_.key_store) secrets_ = default_key_store(db);
}

SyncClient::SyncClient(Replica &replica, Transport &transport, SyncOptions options)
    : db_(replica),
      transport_(transport),
      options_(std::move(options)) {
  while (!options_.server_url.empty() && options_.server_url.back() == '/') options_.server_url.pop_back();
  secrets_ = options_.key_store ? options_.key_store : settings_key_store(replica);
}

bool SyncClient::enrolled() const { return token().ok(); }

Result<std::string> SyncClient::token() const {
  // A key file left beside the path by an earlier database is not this one's.
  auto id = db_.setting(keys::kDeviceId);
  if (!id.ok()) return id.status();
  if (id->empty()) return Status(ErrorCode::unauthorized, "this device is not enrolled");
  auto token = take_secret(db_, *secrets_, keys::kToken);
  if (!token.ok()) return token.status();
  if (token->empty()) return Status(ErrorCode::unauthorized, "this device is not enrolled");
  return token;
}

std::string SyncClient::device_id() const {
  auto id = db_.setting(keys::kDeviceId);
  return id.ok() ? *id : std::string();
}

int64_t SyncClient::corrected_now() const { return db_.now_ms(); }

void SyncClient::report_progress(const std::string &phase, SyncReport *report) {
  report->phase = phase;
  if (options_.on_progress) options_.on_progress(*report);
}

bool SyncClient::sleep_backoff(int attempt, int64_t retry_after_s) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t cap = options_.backoff_base_ms << std::min(attempt, 20);
  cap = std::min(cap, options_.backoff_max_ms);
  std::uniform_int_distribution<int64_t> dist(cap / 2, std::max<int64_t>(cap, 1));
  if (retry_after_s > 0) {
    // As the server asked, spread by half again: a thousand tablets told "1 s" at
    // once do not all return in the same millisecond.
    int64_t asked = std::min(retry_after_s * 1000, options_.backoff_max_ms);
    dist = std::uniform_int_distribution<int64_t>(asked, asked + asked / 2);
  }
  // One wait, woken early by cancel(): a thousand tablets told to come back in a
  // second must not wake fifty times each meanwhile.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(dist(rng));
  std::unique_lock lock(wait_mutex_);
  wakeup_.wait_until(lock, deadline, [&] { return cancelled_.load(); });
  return !cancelled_.load();
}

void SyncClient::cancel() {
  {
    std::lock_guard lock(wait_mutex_);  // so a wait between its check and its sleep hears it
    cancelled_.store(true);
  }
  wakeup_.notify_all();
}

Result<std::string> SyncClient::post(const char *path, const std::string &body, bool auth,
                                     SyncReport *report, const std::string &signature) {
  auto gz = gzip_compress(body);
  if (!gz.ok()) return gz.status();
  std::string bearer;
  if (auth) {
    auto token = this->token();
    if (!token.ok()) return token.status();
    bearer = std::move(*token);
  }
  return post_gzipped(path, std::move(*gz), bearer, report, signature);
}

Result<std::string> SyncClient::post_gzipped(const char *path, std::string gz, const std::string &token,
                                             SyncReport *report, const std::string &signature) {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.server_url + path;
  request.headers = {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}};
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  if (!signature.empty()) request.headers.emplace_back(kSignatureHeader, signature);
  if (answered_in_sync_.load()) request.headers.emplace_back(kContinuingHeader, "1");
  request.body = std::move(gz);
  // A connection cut mid-reply can reach us as a short but "complete" body: that is
  // a network fault, retried like one, not a corrupt server.
  auto response = exchange(request, report, [](const HttpResponse &r) { return json::accept(r.body); });
  if (!response.ok()) return response.status();
  return std::move(response->body);
}

Result<HttpResponse> SyncClient::exchange(const HttpRequest &request, SyncReport *report,
                                          const std::function<bool(const HttpResponse &)> &whole) {
  int busy = 0;  // replies that said when to come back: they do not use up attempts
  for (int attempt = 0;; ++attempt) {
    if (cancelled_.load()) return Status(ErrorCode::cancelled, "sync cancelled");
    int64_t sent = corrected_now();
    auto response = transport_.send(request);
    int64_t received = corrected_now();
    report->round_trips++;
    report->bytes_sent += static_cast<int64_t>(request.body.size());
    Status failure;
    int64_t retry_after_s = 0;
    if (!response.ok()) {
      failure = response.status();
    } else {
      report->bytes_received += response->wire_bytes > 0 ? response->wire_bytes
                                                         : static_cast<int64_t>(response->body.size());
      if (response->status >= 200 && response->status < 300) {
        if (!whole || whole(*response)) {
          answered_in_sync_.store(true);
          return std::move(*response);
        }
        failure = Status(ErrorCode::network, "the reply was cut in transit");
      } else {
        last_error_ = ErrorReply{};
        failure = status_from_reply(response->status, response->body, &last_error_);
        // Noted for the host, which erases the device (ykien/sync/wipe.h).
        if (response->status == 401 && orders_wipe(response->body))
          YKIEN_TRY(db_.set_setting(kWipeOrderedSetting, "1"));
        if (last_error_.server_time_ms > 0) {
          YKIEN_TRY(observe_server_time(last_error_.server_time_ms, sent, received, report));
        }
        // 429 and 503 say when to come back; other 4xx: retrying cannot help.
        if (response->status == 429 || response->status == 503) {
          retry_after_s = parse_int(find_header(response->headers, "Retry-After"));
        }
        if (response->status < 500 && response->status != 429) return failure;
      }
    }
    if (failure.code() == ErrorCode::cancelled) return failure;
    if (retry_after_s > 0 && busy < options_.max_busy_retries) {
      ++busy;
      --attempt;  // a busy server is not a failing one: the wait it asked for is the backoff
    } else if (attempt + 1 >= options_.max_attempts) {
      return failure;
    }
    report->retries++;
    if (!sleep_backoff(std::max(attempt, 0), retry_after_s)) return Status(ErrorCode::cancelled, "sync cancelled");
  }
}

Status SyncClient::observe_server_time(int64_t server_time_ms, int64_t sent_ms, int64_t received_ms,
                                       SyncReport *report) {
  const int64_t skew = clock::skew_from_reply(server_time_ms, sent_ms, received_ms);
  if (!clock::needs_correction(skew)) return {};
  int64_t offset = db_.clock_offset_ms() + skew;
  YKIEN_TRY(db_.set_clock_offset_ms(offset));
  auto push_cursor = db_.setting(keys::kPushCursor);
  if (!push_cursor.ok()) return push_cursor.status();
  const int64_t pushed = parse_int(*push_cursor);
  // Each pending change at the corrected time of its edit; which ones, the core
  // decides (Replica::restamp_after_correction, docs/time.md).
  auto restamped = db_.restamp_after_correction(pushed, skew);
  if (!restamped.ok()) return restamped.status();
  report->restamped += *restamped;
  report->clock_offset_ms = offset;
  return {};
}

namespace {

// http:// only to this machine, unless the host opted in.
Status check_server_url(const SyncOptions &o) {
  const std::string &url = o.server_url;
  if (url.rfind("https://", 0) == 0) return {};
  if (url.rfind("http://", 0) != 0)
    return Status::Invalid("server_url", "must start with https:// (or http:// for this machine)");
  if (o.allow_plain_http) return {};
  std::string host = url.substr(7, url.find('/', 7) == std::string::npos ? std::string::npos : url.find('/', 7) - 7);
  if (host.rfind("[::1]", 0) == 0) return {};
  host = host.substr(0, host.find(':'));
  if (host == "localhost" || host.rfind("127.", 0) == 0) return {};
  return Status::Invalid("server_url",
                         "http:// to another machine would send the device token and citizens' data in clear: "
                         "use https:// (or allow plain HTTP explicitly, on a lab network only)");
}

}  // namespace

namespace {

// The requests of one call (a sync, an enrollment): from its second on they say the
// call continues (X-Ykien-Continuing), and nothing after the call says so.
class OneCall {
 public:
  explicit OneCall(std::atomic<bool> &answered) : answered_(answered) { answered_.store(false); }
  ~OneCall() { answered_.store(false); }
  OneCall(const OneCall &) = delete;
  OneCall &operator=(const OneCall &) = delete;

 private:
  std::atomic<bool> &answered_;
};

}  // namespace

Result<EnrollReply> SyncClient::enroll(const std::string &code, const std::string &device_name) {
  cancelled_.store(false);
  OneCall call(answered_in_sync_);
  YKIEN_TRY(check_server_url(options_));
  EnrollRequest request;
  request.code = code;
  request.device_name = device_name;
  request.site = site_to_string(db_.site_id());
  auto key = signing_key(db_, *secrets_);
  if (!key.ok()) return key.status();
  request.public_key = key->public_hex;
  SyncReport report;
  auto body = post(kPathEnroll, encode(request), /*auth=*/false, &report);
  transport_.close_idle();
  if (!body.ok()) return body.status();
  EnrollReply reply;
  YKIEN_TRY(decode(*body, &reply));
  std::string scopes;
  try {
    scopes = json(reply.scopes).dump();
  } catch (const std::exception &e) {
    return Status(ErrorCode::internal, e.what());
  }
  YKIEN_TRY(secrets_->put(keys::kToken, reply.token));
  YKIEN_TRY(db_.set_setting(keys::kDeviceId, reply.device_id));
  YKIEN_TRY(db_.set_setting(keys::kScopes, scopes));
  // An older server ignores the key: the device offers it again at each sync.
  YKIEN_TRY(db_.set_setting(keys::kKeyRegistered, reply.key_recorded ? "1" : ""));
  YKIEN_TRY(db_.set_setting(keys::kServerKey, reply.server_key));
  YKIEN_TRY(note_signature_format(reply.signature_format));
  YKIEN_TRY(note_change_format(reply.change_format));
  YKIEN_TRY(note_office_key(reply.office_key));
  // A fresh enrollment starts both directions from the beginning.
  YKIEN_TRY(db_.set_setting(keys::kPullCursor, ""));
  return reply;
}

Result<SitesReply> SyncClient::register_sites(const std::vector<RelayedSiteEntry> &sites) {
  cancelled_.store(false);
  OneCall call(answered_in_sync_);
  YKIEN_TRY(check_server_url(options_));
  SitesRequest request;
  request.sites = sites;
  SyncReport report;
  auto body = post(kPathSites, encode(request), /*auth=*/true, &report);
  if (!body.ok()) return body.status();
  SitesReply reply;
  YKIEN_TRY(decode(*body, &reply));
  return reply;
}

Status SyncClient::register_key(SyncReport *report) {
  auto registered = db_.setting(keys::kKeyRegistered);
  if (!registered.ok()) return registered.status();
  if (*registered == "1") return {};
  auto key = signing_key(db_, *secrets_);
  if (!key.ok()) return key.status();
  KeysRequest request;
  request.public_key = key->public_hex;
  auto body = post(kPathKeys, encode(request), /*auth=*/true, report);
  // A server older than signatures: it verifies nothing, so pushes go as before.
  if (!body.ok() && body.status().code() == ErrorCode::not_found) return {};
  if (!body.ok()) return body.status();
  KeysReply reply;
  YKIEN_TRY(decode(*body, &reply));
  if (!reply.server_key.empty()) YKIEN_TRY(db_.set_setting(keys::kServerKey, reply.server_key));
  YKIEN_TRY(note_signature_format(reply.signature_format));
  YKIEN_TRY(note_change_format(reply.change_format));
  YKIEN_TRY(note_office_key(reply.office_key));
  return db_.set_setting(keys::kKeyRegistered, "1");
}

Result<SyncReport> SyncClient::sync() {
  cancelled_.store(false);
  YKIEN_TRY(check_server_url(options_));
  OneCall call(answered_in_sync_);
  SyncReport report;
  own_through_ = INT64_MAX;
  pushed_in_sync_ = false;
  Status st = register_key(&report);
  if (st.ok()) st = seal_before_push();
  if (st.ok()) st = push_all(&report);
  if (st.ok()) st = forget_clear_once_pushed(report);
  if (st.ok()) st = pull_all(&report);
  if (st.ok() && (database_ != nullptr || !options_.blobs_dir.empty()) && options_.transfer_blobs)
    st = transfer_blobs(&report);
  transport_.close_idle();  // the next sync is minutes away
  if (!st.ok()) return st;
  report.clock_offset_ms = db_.clock_offset_ms();
  return report;
}

Status SyncClient::note_office_key(const std::string &office_key) {
  if (office_key.empty()) return {};
  auto known = db_.setting(keys::kOfficeKey);
  if (!known.ok()) return known.status();
  if (*known == office_key) return {};
  // A malformed key is refused, the one known kept.
  if (auto id = office_key_id(office_key); !id.ok()) return id.status();
  YKIEN_TRY(db_.set_setting(keys::kOfficeKey, office_key));
  return database_ ? install_office_sealer(*database_) : Status{};
}

Status SyncClient::seal_before_push() {
  if (!database_) return {};  // a hub relays what its tablets sealed
  if (!database_->has_sealer()) YKIEN_TRY(install_office_sealer(*database_));
  if (!database_->has_sealer()) return {};  // an older server gave no office key
  auto sealed = database_->seal_pending();
  return sealed.ok() ? Status{} : sealed.status();
}

Status SyncClient::forget_clear_once_pushed(const SyncReport &report) {
  if (!database_ || !report.caught_up_push) return {};
  auto refused = db_.setting(keys::kRefused);
  if (!refused.ok()) return refused.status();
  if (!refused->empty() && *refused != "[]") return {};  // kept until the server takes them
  return database_->forget_sealed_clear();
}

Status SyncClient::retry_refused(SyncReport *report) {
  auto refused = refused_changes();
  if (!refused.ok()) return refused.status();
  if (refused->empty()) return {};
  std::vector<sys::RowKey> keys;
  for (const auto &r : *refused) {
    sys::RowKey key{r.change.table, r.change.id};
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  auto rows = db_.load_rows(keys);
  if (!rows.ok()) return rows.status();
  // Each row whole, as it is now: the cells this device wrote (a correction made
  // since is among them). Refused again, they are listed again.
  std::vector<Change> again;
  for (const auto &row : *rows) {
    if (!row) continue;
    // A conflict record as detected (cells stamped at its winner_hlc) stays here, as
    // in push_all: that also empties the queues of tablets that pushed one before.
    std::optional<Hlc> as_detected;
    if (!options_.push_conflict_records && row->table == "conflicts")
      if (const auto *w = row->find("winner_hlc"))
        if (const auto *text = std::get_if<std::string>(&w->value)) as_detected = Hlc::parse(*text);
    for (const auto &cell : row->cells)
      if (cell.stamp.site == db_.site_id() && !(as_detected && cell.stamp.hlc == *as_detected))
        again.push_back(Change{row->table, row->id, row->scope, cell.column, cell.value, cell.stamp.hlc,
                               cell.stamp.site, cell.stamp.base});
  }
  YKIEN_TRY(db_.set_setting(keys::kRefused, ""));
  if (again.empty()) return {};
  bool restart = false;  // a clock fix re-stamps, and the rows go with the next export
  return push_batch(std::move(again), report, &restart);
}

Status SyncClient::push_all(SyncReport *report) {
  // What the server refused before goes first: it may take it now.
  YKIEN_TRY(retry_refused(report));
  auto key = signing_key(db_, *secrets_);
  if (!key.ok()) return key.status();
  auto token = this->token();  // read here: the sending thread must not wait for the export
  if (!token.ok()) return token.status();
  int restarts = 0;
  int64_t changes = options_.push_batch_changes, bytes = options_.push_batch_bytes;
  std::optional<ReadyPush> ahead;  // the next batch, made while the last one was in flight
  // Sends each batch while this thread makes the next: one thread for the whole push
  // (a thread started for each batch waited up to 5 ms to run, the server idle).
  std::optional<StandingThread> sender;
  while (report->round_trips < options_.max_round_trips) {
    auto cursor_text = db_.setting(keys::kPushCursor);
    if (!cursor_text.ok()) return cursor_text.status();
    const int64_t cursor = parse_int(*cursor_text);
    auto format = push_format();
    if (!format.ok()) return format.status();
    // Made before the last reply: from another cursor, or in a format the server has
    // since changed, it is made again.
    if (ahead && (ahead->from_cursor != cursor || !(ahead->format == *format))) ahead.reset();
    auto ready = ahead ? Result<ReadyPush>(std::move(*ahead)) : ready_push(cursor, changes, bytes, *format, *key);
    ahead.reset();
    if (!ready.ok()) return ready.status();
    bool restart = false;
    if (ready->count > 0) {
      // Sent from another thread while this one makes the next batch: the device's
      // work hides behind the network's and the server's. The export, which holds
      // most memory, stays on this thread (and in its allocator's arena).
      if (!sender) sender.emplace();
      auto sent = sender->run([this, &ready, &token, report, &restart] {
        const int64_t started = steady_ms();
        Status st = send_push(*ready, *token, report, &restart);
        return std::make_pair(std::move(st), steady_ms() - started);
      });
      if (ready->more) {
        auto next = ready_push(ready->next_cursor, changes, bytes, *format, *key);
        if (next.ok()) ahead = std::move(*next);  // else made again, in turn, next round
      }
      auto [st, took] = sent.get();
      YKIEN_TRY(st);
      const int64_t bound = server_push_bound(server_push_max_);
      changes = next_batch_size(changes, options_.push_batch_changes,
                                std::min(options_.push_batch_changes_max, bound), took);
      if (server_push_max_ > 0) changes = std::min(changes, bound);  // a stated bound caps a configured size too
      bytes = next_batch_size(bytes, options_.push_batch_bytes, tuning::kPushBatchBytesMax, took);
    }
    if (restart) {
      // The clock was corrected and pending changes re-stamped: export them again.
      ahead.reset();
      if (++restarts > 2) return Status(ErrorCode::clock_drift, "the server keeps refusing this device's clock");
      continue;
    }
    YKIEN_TRY(db_.set_setting(keys::kPushCursor, std::to_string(ready->next_cursor)));
    report_progress("push", report);
    if (!ready->more) {
      report->caught_up_push = true;
      return {};
    }
  }
  report->caught_up = false;
  return {};
}

Status SyncClient::note_signature_format(const std::string &server_says) {
  // Only a format this build signs is kept; anything else means whole bodies.
  return db_.set_setting(keys::kSignatureFormat, server_says == kDigestFormatName ? server_says : "");
}

Status SyncClient::note_change_format(const std::string &server_says) {
  const std::string keep = server_says == kRowsFormatName ? server_says : "";
  auto known = db_.setting(keys::kChangeFormat);
  if (!known.ok()) return known.status();
  return *known == keep ? Status{} : db_.set_setting(keys::kChangeFormat, keep);
}

Result<SyncClient::PushFormat> SyncClient::push_format() {
  auto change_format = db_.setting(keys::kChangeFormat);
  if (!change_format.ok()) return change_format.status();
  auto signature_format = db_.setting(keys::kSignatureFormat);
  if (!signature_format.ok()) return signature_format.status();
  return PushFormat{options_.change_rows && *change_format == kRowsFormatName,
                    *signature_format == kDigestFormatName};
}

Result<SyncClient::ReadyPush> SyncClient::ready_push(int64_t cursor, int64_t changes, int64_t bytes,
                                                     const PushFormat &format, const SigningKey &key) {
  ExportOptions eo;
  eo.limit_changes = changes;
  eo.limit_bytes = bytes;
  eo.exclude_origin = kServerOrigin;
  eo.conflict_records = options_.push_conflict_records;
  eo.as_rows = format.as_rows;  // encoded as read: no row's keys copied into each cell
  auto batch = db_.export_changes(cursor, eo);
  if (!batch.ok()) return batch.status();
  auto ready = encode_push(std::move(batch->changes), std::move(batch->rows), format, key);
  if (!ready.ok()) return ready.status();
  ready->from_cursor = cursor;
  ready->next_cursor = batch->next_cursor;
  ready->more = batch->more;
  return ready;
}

Result<SyncClient::ReadyPush> SyncClient::encode_push(std::vector<Change> changes, std::vector<RowWrite> rows,
                                                      const PushFormat &format, const SigningKey &key) {
  ReadyPush ready;
  ready.format = format;
  ready.count = changes.size() + cell_count(rows);
  if (ready.count == 0) return ready;
  PushRequest request;
  request.client_time_ms = corrected_now();
  request.changes = std::move(changes);
  request.rows = std::move(rows);
  request.as_rows = format.as_rows;
  // The signature covers the body's bytes exactly as sent (before gzip).
  const std::string text = encode(request);
  request = {};  // the batch is its text now: freed before the text is signed and packed
  auto signature = sign_bytes(key, text, format.digest ? SignatureFormat::body_digest : SignatureFormat::whole_body);
  if (!signature.ok()) return signature.status();
  auto gz = gzip_compress(text);
  if (!gz.ok()) return gz.status();
  ready.gzipped = std::move(*gz);
  ready.signature = std::move(*signature);
  return ready;
}

Result<std::vector<Change>> SyncClient::changes_of(const ReadyPush &ready) {
  auto text = gzip_decompress(ready.gzipped, tuning::kMaxBodyBytes);
  if (!text.ok()) return text.status();
  PushRequest request;
  if (auto st = decode(*text, &request); !st.ok())
    return Status(ErrorCode::internal, "a push this device encoded does not decode: " + st.message());
  return std::move(request.changes);
}

Status SyncClient::push_batch(std::vector<Change> changes, SyncReport *report, bool *restart) {
  auto key = signing_key(db_, *secrets_);
  if (!key.ok()) return key.status();
  auto format = push_format();
  if (!format.ok()) return format.status();
  auto ready = encode_push(std::move(changes), {}, *format, *key);
  if (!ready.ok()) return ready.status();
  auto token = this->token();
  if (!token.ok()) return token.status();
  return send_push(*ready, *token, report, restart);
}

Status SyncClient::send_push(const ReadyPush &ready, const std::string &token, SyncReport *report, bool *restart) {
  const bool digest = ready.format.digest;
  auto body = post_gzipped(kPathPush, ready.gzipped, token, report, ready.signature);
  if (body.ok()) {
    PushReply reply;
    YKIEN_TRY(decode(*body, &reply));
    if ((reply.signature_format == kDigestFormatName) != digest)
      YKIEN_TRY(note_signature_format(reply.signature_format));
    YKIEN_TRY(note_change_format(reply.change_format));
    server_push_max_ = reply.max_changes;
    if (!pushed_in_sync_) {
      pushed_in_sync_ = true;
      own_through_ = reply.position_before >= 0 ? std::optional<int64_t>(reply.position_before) : std::nullopt;
    }
    report->pushed += static_cast<int64_t>(ready.count);
    report->conflicts += reply.conflicts;
    return {};
  }
  // The paths below send the batch's changes again, whole or in part: they come
  // back from its body (a batch in flight keeps no other copy).
  PushRequest request;
  if (auto changes = changes_of(ready); changes.ok()) request.changes = std::move(*changes);
  else return changes.status();
  const Status &why = body.status();
  if (why.code() == ErrorCode::bad_signature && digest) {
    // A server put back to a version that verifies whole bodies only: sign as it
    // asks, once; a second refusal is the caller's.
    YKIEN_TRY(note_signature_format(""));
    return push_batch(std::move(request.changes), report, restart);
  }
  if (why.code() == ErrorCode::invalid_argument && why.field() == "changes" && ready.format.as_rows) {
    // A server put back to a version before rows: send "changes" as it asks, once.
    YKIEN_TRY(note_change_format(""));
    return push_batch(std::move(request.changes), report, restart);
  }
  if (why.code() == ErrorCode::clock_drift) {
    *restart = true;  // observe_server_time has corrected the clock and re-stamped
    return {};
  }
  bool refusable = why.code() == ErrorCode::forbidden || why.code() == ErrorCode::invalid_argument;
  if (!refusable) return why;
  // One change the server will not take must not wedge the queue: record the
  // refused ones on the device and push the rest.
  // Each refused change with its own reason (older servers give indexes only).
  std::vector<Refusal> refusals = last_error_.refusals;
  if (refusals.empty())
    for (int64_t i : last_error_.refused)
      refusals.push_back({i, error_code_name(why.code()), "", "", "", why.message()});
  std::erase_if(refusals, [&](const Refusal &r) {
    return r.index < 0 || r.index >= static_cast<int64_t>(request.changes.size());
  });
  if (!refusals.empty()) {
    std::vector<Change> bad, good;
    std::vector<Refusal> reasons;
    for (size_t i = 0; i < request.changes.size(); ++i) {
      auto it = std::find_if(refusals.begin(), refusals.end(),
                             [&](const Refusal &r) { return r.index == static_cast<int64_t>(i); });
      if (it != refusals.end()) {
        bad.push_back(std::move(request.changes[i]));
        reasons.push_back(*it);
      } else {
        good.push_back(std::move(request.changes[i]));
      }
    }
    YKIEN_TRY(record_refused(bad, reasons));
    report->refused += static_cast<int64_t>(bad.size());
    if (good.empty()) return {};
    return push_batch(std::move(good), report, restart);
  }
  if (request.changes.size() == 1) {
    YKIEN_TRY(record_refused(request.changes, {{0, error_code_name(why.code()), "", "", "", why.message()}}));
    report->refused += 1;
    return {};
  }
  // The server did not say which: halve until the culprit is alone.
  auto mid = request.changes.begin() + static_cast<std::ptrdiff_t>(request.changes.size() / 2);
  std::vector<Change> first(std::make_move_iterator(request.changes.begin()), std::make_move_iterator(mid));
  std::vector<Change> second(std::make_move_iterator(mid), std::make_move_iterator(request.changes.end()));
  YKIEN_TRY(push_batch(std::move(first), report, restart));
  if (*restart) return {};
  return push_batch(std::move(second), report, restart);
}

Status SyncClient::record_refused(const std::vector<Change> &changes, const std::vector<Refusal> &why) {
  try {
    auto existing = db_.setting(keys::kRefused);
    if (!existing.ok()) return existing.status();
    json list = existing->empty() ? json::array() : json::parse(*existing, nullptr, false);
    if (!list.is_array()) list = json::array();
    for (size_t i = 0; i < changes.size(); ++i) {
      PushRequest one;
      one.changes = {changes[i]};
      json change = json::parse(encode(one), nullptr, false);
      const Refusal &r = why[std::min(i, why.size() - 1)];
      list.push_back({{"change", change.is_object() ? change["changes"][0] : json()},
                      {"code", r.code},
                      {"message", r.reason}});
    }
    return db_.set_setting(keys::kRefused, list.dump(-1, ' ', false, json::error_handler_t::replace));
  } catch (const std::exception &e) {
    return {ErrorCode::internal, std::string("cannot record a refused change: ") + e.what()};
  }
}

Result<std::vector<RefusedChange>> SyncClient::refused_changes() const {
  std::vector<RefusedChange> out;
  auto existing = db_.setting(keys::kRefused);
  if (!existing.ok()) return existing.status();
  if (existing->empty()) return out;
  try {
    json list = json::parse(*existing, nullptr, false);
    if (!list.is_array()) return Status(ErrorCode::corrupt, "the list of refused changes is damaged");
    for (const auto &e : list) {
      PullReply wrapper;
      json doc = {{"changes", json::array({e.value("change", json())})},
                  {"cursor", ""}, {"more", false}, {"server_time", 0}};
      if (!decode(doc.dump(), &wrapper).ok() || wrapper.changes.empty()) continue;
      out.push_back({wrapper.changes[0], e.value("code", ""), e.value("message", "")});
    }
  } catch (const std::exception &e) {
    return Status(ErrorCode::corrupt, std::string("the list of refused changes is damaged: ") + e.what());
  }
  return out;
}

SyncClient::Pulled SyncClient::fetch_pull(const std::string &cursor, std::optional<std::string> acked, int64_t limit,
                                          const std::string &token, std::optional<int64_t> own_through) {
  Pulled out;
  out.counts.clock_offset_ms = kNoClockOffset;
  PullRequest request;
  request.cursor = cursor;
  request.acked = std::move(acked);
  request.limit = limit;
  request.own_through = own_through;
  request.client_time_ms = corrected_now();
  if (options_.change_rows) request.change_format = kRowsFormatName;  // a server before rows ignores it
  out.sent = corrected_now();
  const int64_t started = steady_ms();
  auto gz = gzip_compress(encode(request));
  out.body = gz.ok() ? post_gzipped(kPathPull, std::move(*gz), token, &out.counts, {}) : Result<std::string>(gz.status());
  out.took_ms = steady_ms() - started;
  out.received = corrected_now();
  return out;
}

void SyncClient::count_exchanges(const SyncReport &counts, SyncReport *report) {
  report->round_trips += counts.round_trips;
  report->bytes_sent += counts.bytes_sent;
  report->bytes_received += counts.bytes_received;
  report->retries += counts.retries;
  report->restamped += counts.restamped;
  if (counts.clock_offset_ms != kNoClockOffset) report->clock_offset_ms = counts.clock_offset_ms;
}

Status SyncClient::pull_all(SyncReport *report) {
  bool restarted = false;
  // The largest is a cap: a start set above it starts at it.
  const int64_t most = options_.pull_batch_changes_max;
  const int64_t least = std::min(options_.pull_batch_changes, most);
  int64_t limit = least;
  auto token = this->token();  // read here: an exchange ahead must not wait for the replica
  if (!token.ok()) return token.status();
  // The next batch, asked for while this one is applied, from a server whose reply
  // said it reads `acked` (docs/protocol.md, "Pull"), on a thread that stays for the
  // whole pull; and the cursor it starts from.
  std::optional<StandingThread> fetcher;
  std::optional<StandingThread::Job<Pulled>> ahead;
  std::string ahead_from;
  while (report->round_trips < options_.max_round_trips) {
    auto cursor = db_.setting(keys::kPullCursor);
    if (!cursor.ok()) return cursor.status();
    if (ahead && ahead_from != *cursor) ahead.reset();  // asked from elsewhere: not ours now (waited for)
    Pulled pulled = ahead ? ahead->get() : fetch_pull(*cursor, std::nullopt, limit, *token, own_through_);
    ahead.reset();
    count_exchanges(pulled.counts, report);
    limit = next_batch_size(limit, least, most, pulled.took_ms);
    auto &body = pulled.body;
    // A server that no longer knows our cursor (a newer server, or its data restored
    // from a backup) sends everything again: what is here already is ignored.
    if (!body.ok() && body.status().field() == "cursor" && !cursor->empty() && !restarted) {
      restarted = true;
      YKIEN_TRY(db_.set_setting(keys::kPullCursor, ""));
      continue;
    }
    if (!body.ok()) return body.status();
    PullReply reply;
    YKIEN_TRY(decode(*body, &reply, /*keep_rows=*/true));
    const ChangeBatch changes = reply.batch();  // rows merged as they came: no copies
    YKIEN_TRY(note_office_key(reply.office_key));
    YKIEN_TRY(note_change_format(reply.change_format));
    if (reply.more && reply.pull_ahead && report->round_trips + 1 < options_.max_round_trips) {
      // Acknowledging only what is applied: a device cut before this batch commits
      // has not confirmed it, and the server purges nothing on its account.
      ahead_from = reply.cursor;
      if (!fetcher) fetcher.emplace();
      ahead.emplace(fetcher->run([this, next = reply.cursor, acked = *cursor, limit, t = *token, own = own_through_] {
        return fetch_pull(next, acked, limit, t, own);
      }));
    }
    // The batch and its cursor commit together (DESIGN.md: a sync cut at any point
    // resumes without loss or duplicates).
    YKIEN_TRY(db_.transaction([&](Replica::Txn &txn) -> Status {
      if (!changes.empty()) {
        ApplyOptions ao;
        ao.origin = kServerOrigin;
        ao.detect_conflicts = false;  // a compacted pull never invents conflicts
        auto applied = txn.apply_changes(changes, ao);
        if (!applied.ok()) return applied.status();
      }
      return txn.set_setting(keys::kPullCursor, reply.cursor);
    }));
    report->pulled += static_cast<int64_t>(changes.size());
    if (reply.left >= 0) {
      report->pull_scanned += std::max<int64_t>(0, reply.scanned);
      report->pull_left = reply.more ? reply.left : 0;
    }
    YKIEN_TRY(observe_server_time(reply.server_time_ms, pulled.sent, pulled.received, report));
    report_progress("pull", report);
    if (!reply.more) {
      report->caught_up = true;
      return {};
    }
  }
  report->caught_up = false;
  return {};
}

}  // namespace ykien::sync
