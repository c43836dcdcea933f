// The sync client's attachments' blobs (docs/protocol.md "Blobs", docs/attachments.md):
// after the cells, each blob this device holds and the server does not is sent in
// chunks from the byte the server has; then the blobs the device wants (its open
// meetings', the recent ones, under a budget) are fetched the same way. A cut at any
// byte resumes there at the next exchange or the next sync. A hub does the same with
// its server's folder (SyncOptions::blobs_dir): its tablets' blobs go upstream, and
// those they may want come down to it.

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

#include "settings_keys.h"
#include "sha256.h"
#include "ykien/local_time.h"
#include "ykien/sync/client.h"

namespace ykien::sync {
namespace {

int64_t header_int(const HttpResponse &r, const char *name) {
  const std::string text = find_header(r.headers, name);
  int64_t v = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size() ? v : -1;
}

std::string text_of(const sys::StoredRow &row, std::string_view column) {
  const auto *c = row.find(column);
  const auto *s = c ? std::get_if<std::string>(&c->value) : nullptr;
  return s ? *s : std::string();
}

bool live(const sys::StoredRow &row) {
  const auto *c = row.find("_deleted");
  return c == nullptr || c->value != Value{int64_t{1}};
}

// The live attachments a replica holds (a tablet's database or a hub's data), read
// from the replicated rows: one reading for both.
Result<std::vector<Attachment>> attachments_of(Replica &replica) {
  auto rows = replica.find_rows({"attachments", std::nullopt, {}});
  if (!rows) return rows.status();
  std::vector<Attachment> out;
  for (const auto &row : *rows) {
    if (!live(row)) continue;
    Attachment a;
    a.meeting_id = text_of(row, "meeting_id");
    a.opinion_id = text_of(row, "opinion_id");
    a.sha256 = text_of(row, "sha256");
    const auto *size = row.find("size");
    const auto *bytes = size ? std::get_if<int64_t>(&size->value) : nullptr;
    a.size = bytes ? *bytes : 0;
    a.added_at = text_of(row, "added_at");
    out.push_back(std::move(a));
  }
  return out;
}

// The blobs a replica fetches by default: those of attachments to a meeting still
// open (or to an opinion of one), and those added since `since` (a day,
// "YYYY-MM-DD"), newest first, while their sizes fit in `budget` bytes. A hub, whose
// tablets fetch from it, follows the tablets' rule.
std::vector<Attachment> wanted_blobs(Replica &replica, const BlobStore &store, const std::string &since, int64_t budget) {
  std::vector<Attachment> out;
  auto all = attachments_of(replica);
  if (!all.ok()) return out;
  std::map<std::string, std::optional<sys::StoredRow>> rows;  // meetings and opinions read
  auto row_of = [&](const char *table, const std::string &id) -> const std::optional<sys::StoredRow> & {
    const std::string key = std::string(table) + "/" + id;
    auto it = rows.find(key);
    if (it != rows.end()) return it->second;
    auto loaded = replica.load_rows({{table, id}});
    auto &slot = rows[key];
    if (loaded.ok() && loaded->front() && live(*loaded->front())) slot = std::move(loaded->front());
    return slot;
  };
  std::vector<Attachment> candidates;
  for (auto &a : *all) {
    if (store.has(a.sha256)) continue;
    std::string meeting = a.meeting_id;
    if (meeting.empty() && !a.opinion_id.empty())
      if (const auto &o = row_of("opinions", a.opinion_id)) meeting = text_of(*o, "meeting_id");
    bool open = false;
    if (!meeting.empty())
      if (const auto &m = row_of("meetings", meeting)) open = text_of(*m, "closed_at").empty();
    if (open || a.added_at.substr(0, 10) >= since) candidates.push_back(std::move(a));
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Attachment &x, const Attachment &y) { return x.added_at > y.added_at; });
  std::set<std::string> taken;
  int64_t total = 0;
  for (auto &a : candidates) {
    if (taken.count(a.sha256) || total + a.size > budget) continue;
    total += a.size;
    taken.insert(a.sha256);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Result<HttpRequest> SyncClient::blob_request(const char *method, const std::string &sha256, const std::string &query) {
  auto token = this->token();
  if (!token.ok()) return token.status();
  HttpRequest request;
  request.method = method;
  request.url = options_.server_url + kPathBlobs + sha256 + (query.empty() ? "" : "?" + query);
  request.headers = {{"Authorization", "Bearer " + *token}};
  if (answered_in_sync_.load()) request.headers.emplace_back(kContinuingHeader, "1");
  return request;
}

Status SyncClient::transfer_blobs(SyncReport *report) {
  // A tablet's folder lies beside its database; a hub's is its server's.
  BlobStore hub_store(options_.blobs_dir);
  BlobStore &store = database_ ? database_->blobs() : hub_store;
  auto all = attachments_of(db_);
  if (!all.ok()) return all.status();
  std::vector<std::pair<std::string, int64_t>> to_send;
  std::set<std::string> seen;
  for (const auto &a : *all) {
    if (!seen.insert(a.sha256).second || !store.has(a.sha256)) continue;
    auto sent = db_.setting(keys::kBlobAtServerPrefix + a.sha256);
    if (!sent.ok()) return sent.status();
    if (sent->empty()) to_send.emplace_back(a.sha256, a.size);
  }
  const int64_t since_ms = corrected_now() - int64_t{options_.blob_recent_days} * 86'400'000;
  std::string since;
  if (database_) {
    since = database_->local_time(since_ms, false);
  } else {
    auto zone = TimeZone::locate("");  // a hub's days are the commune's (docs/time.md)
    if (!zone.ok()) return zone.status();
    since = zone->format(since_ms, false);
  }
  const auto to_fetch = options_.blob_budget_bytes > 0 ? wanted_blobs(db_, store, since, options_.blob_budget_bytes)
                                                       : std::vector<Attachment>{};
  report->blobs_left = static_cast<int64_t>(to_send.size() + to_fetch.size());
  if (report->blobs_left > 0) report_progress("blobs", report);
  // not_found: the server has no record of it for this device yet (its cells were
  // refused), or no one has sent the blob yet: the next sync tries again.
  for (const auto &[sha256, size] : to_send) {
    report->blobs_left--;
    Status st = send_blob(store, sha256, report);
    if (st.code() == ErrorCode::not_found) continue;
    YKIEN_TRY(st);
    YKIEN_TRY(db_.set_setting(keys::kBlobAtServerPrefix + sha256, "1"));
    report->blobs_sent++;
    report_progress("blobs", report);
  }
  for (const auto &a : to_fetch) {
    report->blobs_left--;
    Status st = fetch_blob(store, a.sha256, a.size, report);
    if (st.code() == ErrorCode::not_found) continue;
    YKIEN_TRY(st);
    YKIEN_TRY(db_.set_setting(keys::kBlobAtServerPrefix + a.sha256, "1"));
    report->blobs_received++;
    report_progress("blobs", report);
  }
  return Status::Ok();
}

Status SyncClient::send_blob(BlobStore &store, const std::string &sha256, SyncReport *report) {
  auto reader = store.open(sha256);
  if (!reader.ok()) return reader.status();
  const int64_t size = (*reader)->size();
  std::string chunk;
  // Each round asks where the server stands, then sends from there; a chunk cut in
  // transit (applied or not) is found out by the next round's question.
  for (int round = 0; round < 4 + 2 * options_.max_attempts; ++round) {
    auto ask = blob_request("HEAD", sha256, "");
    if (!ask.ok()) return ask.status();
    auto state = exchange(*ask, report, [](const HttpResponse &r) { return !find_header(r.headers, kBlobOffsetHeader).empty(); });
    if (!state.ok()) return state.status();
    if (find_header(state->headers, kBlobWholeHeader) == "1") return Status::Ok();
    int64_t offset = header_int(*state, kBlobOffsetHeader);
    if (offset < 0 || offset > size) offset = 0;
    YKIEN_TRY((*reader)->seek(offset));
    bool restart = false;
    while (!restart) {
      const int64_t n = std::min<int64_t>(size - offset, tuning::kBlobChunkBytes);
      chunk.resize(static_cast<size_t>(n));
      size_t got = 0;
      while (got < chunk.size()) {
        auto r = (*reader)->read(chunk.data() + got, chunk.size() - got);
        if (!r.ok()) return r.status();
        if (*r == 0) return Status(ErrorCode::storage, "blob " + sha256 + " is shorter than its record says");
        got += *r;
      }
      const bool last = offset + n >= size;
      auto put = blob_request("PUT", sha256, "offset=" + std::to_string(offset) + (last ? "&last=1" : ""));
      if (!put.ok()) return put.status();
      put->headers.emplace_back("Content-Type", "application/octet-stream");
      put->headers.emplace_back(kChunkHashHeader, sha256_hex(chunk));
      put->body = std::move(chunk);
      auto reply = exchange(*put, report, {});
      chunk = std::move(put->body);
      if (!reply.ok()) {
        // The chunk went through before the cut: ask again where the server is.
        if (reply.status().code() == ErrorCode::invalid_argument && reply.status().field() == "offset") {
          restart = true;
          continue;
        }
        return reply.status();
      }
      report->blob_bytes_sent += n;
      offset += n;
      if (last) return Status::Ok();
      if (report->round_trips % 4 == 0) report_progress("blobs", report);
    }
  }
  return Status(ErrorCode::network, "blob " + sha256 + ": the server's offset kept moving; try the sync again");
}

Status SyncClient::fetch_blob(BlobStore &store, const std::string &sha256, int64_t size, SyncReport *report) {
  int64_t offset = store.partial_size(sha256);
  if (offset > size) {
    YKIEN_TRY(store.drop_partial(sha256));
    offset = 0;
  }
  while (offset < size) {
    auto get = blob_request("GET", sha256, "offset=" + std::to_string(offset));
    if (!get.ok()) return get.status();
    // A chunk cut in transit, or changed on the way, does not hash to its header.
    auto reply = exchange(*get, report, [](const HttpResponse &r) {
      return sha256_hex(r.body) == find_header(r.headers, kChunkHashHeader);
    });
    if (!reply.ok()) return reply.status();
    if (reply->body.empty()) break;
    YKIEN_TRY(store.append_partial(sha256, offset, reply->body));
    offset += static_cast<int64_t>(reply->body.size());
    report->blob_bytes_received += static_cast<int64_t>(reply->body.size());
    if (header_int(*reply, kBlobSizeHeader) == offset) break;
    if (report->round_trips % 4 == 0) report_progress("blobs", report);
  }
  auto done = store.finish_partial(sha256);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace ykien::sync
