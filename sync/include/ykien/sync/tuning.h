// Sync tuning constants, all in one place (why each value is what it is).
// Changing one changes behaviour, not the protocol: peers never assume them.
#pragma once

#include "ykien/clock.h"

#include <algorithm>
#include <cstdint>

namespace ykien::sync::tuning {

// ---- Client ----
// Changes per push batch: large enough to amortize a round trip, small enough that
// a batch cut mid-way costs little to resend on a slow rural 3G link.
inline constexpr int64_t kPushBatchChanges = 2000;
// Bytes of values per push batch (before gzip).
inline constexpr int64_t kPushBatchBytes = 2 << 20;
// Changes the client asks for per pull batch (the server may send fewer).
inline constexpr int64_t kPullBatchChanges = 5000;
// A client with much to move grows its batches while an exchange takes less than
// kBatchGrowBelowMs (a fast link: fewer round trips, fewer commits), to the size that
// would take half that time at the rate the last exchange showed: at least doubled
// (a link slowed by its latency, not its width), at most kBatchGrowMostTimes (from
// a push's 2,000 to a tablet's 16,000 in one step on a fast link, where doubling took
// three exchanges of a quarter to half the size). It halves them, not below the sizes
// above, when one takes more than four times that (a slow link: less to resend
// after a cut). Up to these, within the server's
// bounds (kMaxPushChanges, kMaxBodyBytes, kMaxPullChanges below).
// A push batch grows within the bound the server states in its reply, less a fifth
// (a batch is cut between writes: room for the last), or to 8,000 with a server that
// states none (one before it took 10,000). A tablet's batches grow to 16,000 at most,
// a server's bound of 20,000 less its fifth: exported by row and encoded as read
// (ExportOptions::as_rows), such a batch keeps a tablet's peak near 29 MB, where one
// exported a Change a cell took it past 32 MB (docs/benchmarks.md, "A push exported by
// row"). A hub's grow to the server's bound (SyncOptions::push_batch_changes_max).
inline constexpr int64_t kPushBatchChangesMax = 16000;
inline constexpr int64_t kPushBatchChangesUnstatedMax = 8000;
inline constexpr int64_t kPushBatchBytesMax = 4 << 20;
// A pull batch is held whole while it is merged (its changes, the rows they touch):
// 8,000 changes keep a tablet's peak under 32 MB where 10,000 took it past
// (docs/benchmarks.md, "sync"), for two more round trips in 100,000 changes. A hub
// grows its batches to kMaxPullChanges (SyncOptions::pull_batch_changes_max).
inline constexpr int64_t kPullBatchChangesMax = 8000;
inline constexpr int64_t kBatchGrowBelowMs = 1000;
inline constexpr int64_t kBatchGrowMostTimes = 8;
// Attempts per request on network errors and 5xx (the first try included).
inline constexpr int kMaxAttempts = 6;
// Replies "busy, come back in N s" (503 or 429 with Retry-After) a request waits out
// before it fails, apart from kMaxAttempts: an overloaded province server sheds load
// this way during a morning's burst, and a tablet should get through, not give up.
// At about 1.25 s each, two minutes.
inline constexpr int kMaxBusyRetries = 100;
// Exponential backoff: base * 2^attempt, capped, with full jitter in [delay/2, delay].
inline constexpr int64_t kBackoffBaseMs = 200;
inline constexpr int64_t kBackoffMaxMs = 30000;
// Round trips one sync() may use before it stops and reports "not caught up":
// bounds a sync against a server that keeps receiving changes.
inline constexpr int kMaxRoundTrips = 10000;
// Below this difference between device and server clocks the device keeps its
// offset: RTT and clock jitter are not skew. The clock module's (ykien/clock.h).
inline constexpr int64_t kClockToleranceMs = clock::kToleranceMs;

// ---- Server ----
// Maximum allowed difference between a device's clock (or a stamp it pushes)
// and the server's clock. Beyond it a push is refused with 409 clock_drift and the
// device re-stamps. The clock module's one drift bound (ykien/clock.h).
inline constexpr int64_t kMaxClockDriftMs = clock::kMaxDriftMs;
// Largest push body accepted, after gzip decompression (a zip bomb stops here).
inline constexpr int64_t kMaxBodyBytes = 16 << 20;
// Most changes accepted in one push (stated in each push's reply): at most a few
// MB of changes held by a worker (docs/server.md, "Limits").
inline constexpr int64_t kMaxPushChanges = 20000;
// Most changes returned by one pull, and bytes of values (about).
inline constexpr int64_t kMaxPullChanges = 10000;
inline constexpr int64_t kMaxPullBytes = 4 << 20;
static_assert(kPushBatchChangesMax <= kMaxPushChanges - kMaxPushChanges / 5 && kPushBatchBytesMax < kMaxBodyBytes &&
              kPushBatchChangesUnstatedMax <= 10000 - 10000 / 5 &&
              kPullBatchChangesMax <= kMaxPullChanges);
// Requests one device may have in flight at once; more get 503 and retry later.
inline constexpr int kMaxRequestsPerDevice = 2;
// ---- Server: serving many slow clients (docs/server.md, "Serving" and "Limits") ----
// Threads that hold connections (libmicrohttpd, epoll): each serves thousands of
// idle or slow connections, so one per core is enough.
inline constexpr int kServerIoThreads = 2;
// Threads that do requests' storage work, by backend (--workers overrides them).
// SQLite writes one at a time: a push's worker merges (CPU) or waits for its group's
// flush, and a second worker lets a pull (a reader, WAL) or the next push's checks go
// on meanwhile. More only queue pushes at the writer and on the cores, ahead of the
// pulls and of the admission's estimate: `ykien-bench serve` on 2 cores, sync p99
// 79-130 ms with 2 against 125-201 with 4, the burst alike; 3 and 8 were worse
// (docs/benchmarks.md, "serve").
inline constexpr int kServerWorkersSqlite = 2;
// The write-ahead log's pages past which a commit of the SQLite backend checkpoints
// (OpenOptions::checkpoint_pages): 16 MB, four times SQLite's default. A push of
// 16,000 changes commits about 400 pages; at 1,000 a checkpoint followed every other
// push and copied the same hot pages again each time (ykien-bench stages: the push's
// merge and store -4.5% CPU an opinion).
inline constexpr int kServerCheckpointPages = 4000;
// SQLite's read connections: the workers' pulls, the office's pages and a hub's
// upstream rounds read beside the writer.
inline constexpr int kServerSqliteReadConnections = 4;
// glibc malloc arenas for the server process (ykien-server's main; MALLOC_ARENA_MAX
// in the environment wins). glibc's default gives each thread its own arena, up to
// 8 per core: every worker then grows and keeps its own heap, and its first large
// pushes pay for the pages (push 15-17k -> 19-22k opinions/s, peak RSS 48 -> 31 MB
// with one; docs/benchmarks.md, "sync"). The workers wait on the one writer anyway.
inline constexpr int kServerMallocArenas = 1;
// Requests that may wait for a worker, at most. Beyond it a request is answered 503
// with Retry-After at once: a quick "come back" is better than a silent queue.
inline constexpr int kServerMaxQueued = 2048;
// Admission by expected wait: when the requests already queued would keep the first
// request of a new connection waiting longer than this (their routes' recent job
// times, summed, / workers), it is answered 503 with Retry-After at once; the next
// requests of a connection (a sync under way) go on. The queue keeps enough to keep
// every worker busy, and a burst of a thousand tablets is served in turns, each told
// when to come back, instead of all waiting tens of seconds. 20 ms: the burst of
// `ykien-bench serve` had its lowest sync p99 between 15 and 20 (docs/benchmarks.md).
inline constexpr int64_t kServerMaxQueueWaitMs = 20;
// Seconds a 503 (overload) asks the client to wait before it retries.
inline constexpr int kOverloadRetryAfterS = 1;
// Whole deadlines, not per read: the request headers must all arrive within
// kHeaderDeadlineS of the connection (or of the previous reply), and the body within
// kBodyDeadlineS of the headers. A client dripping a byte every few seconds is cut
// at the deadline. The body's: a 2 MiB push batch gzips to about 400 KB, a minute at
// 64 kbit/s, the slowest link a commune reports.
inline constexpr int kHeaderDeadlineS = 10;
inline constexpr int kBodyDeadlineS = 60;
// A reply must have left within this (a client that stops reading is cut).
inline constexpr int kReplyDeadlineS = 60;
// Silence allowed inside a request (between two packets of its body).
inline constexpr int kRequestIdleS = 10;
// Keep-alive: an idle connection is closed after this. Long enough for a sync's next
// exchange (sent at once), short enough that idle clients hold nothing for long.
inline constexpr int kKeepAliveIdleS = 1;
// Behind a reverse proxy (--behind-proxy) the connections are the proxy's, few and
// reused: kept longer than the proxy keeps them idle (docs/nginx-province.conf: 20 s),
// so that the server never closes one as the proxy sends a request on it.
inline constexpr int kProxyKeepAliveIdleS = 30;
// Requests one connection may carry before the server closes it.
inline constexpr int kMaxRequestsPerConnection = 100;
// Request headers: at most this many, and all of them (with the request line and
// the connection's read buffer) within kConnectionMemoryBytes, else 413/431.
inline constexpr int kMaxHeaderCount = 64;
inline constexpr int kConnectionMemoryBytes = 32 * 1024;
// Connections one server process holds (each costs a descriptor and at most
// kConnectionMemoryBytes); beyond it new ones are closed at once.
inline constexpr int kMaxConnections = 4000;
// Connections from one client address; the 101st is refused. A commune's tablets
// behind one NAT open one connection each while they sync. 0 = no limit (behind a
// reverse proxy, which limits per real address itself).
inline constexpr int kMaxConnectionsPerAddress = 100;
// JSON bodies nest at most this deep (a push nests 4 levels): deeper is refused
// before parsing.
inline constexpr int kMaxJsonDepth = 32;
// A body refused by its Content-Length is still read (and dropped) when it declares at
// most this much: closing on unread bytes makes the kernel reset the connection, and
// a client still sending then sees "broken pipe" instead of the 413 that says why. A
// larger declared body is refused at once (it would only waste the link).
inline constexpr int64_t kDrainRefusedBodyBytes = 32 << 20;
// Body of an enrollment (after gzip): a code, a name, a site id.
inline constexpr int64_t kMaxEnrollBodyBytes = 4 * 1024;
// Body of a pull request: a cursor with a position per unit.
inline constexpr int64_t kMaxPullBodyBytes = 256 * 1024;
// Enrollment attempts per client address: kEnrollBurst at once, then one every
// kEnrollIntervalMs (429 with Retry-After beyond). A code has 60 bits: at this rate
// guessing one takes longer than the universe is old.
inline constexpr int kEnrollBurst = 20;
inline constexpr int64_t kEnrollIntervalMs = 3 * 1000;
// On SIGTERM, how long requests in progress may take to finish.
inline constexpr int64_t kServerStopGraceMs = 10 * 1000;
// Acknowledgements of pulls are written in batches this often (and on stop), and only
// when they changed: a pull costs no write.
inline constexpr int64_t kAckFlushIntervalMs = 2 * 1000;
// Connections each server process keeps to PostgreSQL (the pool grows to this as
// requests need them; a request waits when all are busy). Several processes share
// one database: processes x this must stay under PostgreSQL's max_connections.
inline constexpr int kPostgresConnections = 4;
// PostgreSQL: a worker for every two cores, at most one for each connection of the
// process. Pushes take the writers' lock one at a time: more workers only wait there,
// holding their requests, and hide the queue from the admission's estimate.
// `ykien-bench serve` on 2 cores, two processes: sync p99 160-187 ms with 1 a process,
// 280-338 with 2, 314-386 with 4, the burst alike (docs/benchmarks.md, "serve").
inline int server_workers_postgres(unsigned cores) {
  return std::clamp(static_cast<int>(cores / 2), 1, kPostgresConnections);
}
// How long an enrollment code stays valid.
inline constexpr int64_t kEnrollCodeTtlMs = 7LL * 24 * 3600 * 1000;

// How often a running server purges the tombstones every device acknowledged.
// The trigger is periodic; what gets purged depends only on acknowledgements.
inline constexpr int64_t kPurgeIntervalMs = 60LL * 60 * 1000;

// ---- Bundles (docs/bundle-format.md) ----
// Changes read from the change log per export step (one progress report each).
inline constexpr int64_t kBundleExportBatchChanges = 5000;
// Changes merged per step of an import. All steps share one transaction: the
// step size only sets how often progress is reported.
inline constexpr int64_t kBundleApplyBatchChanges = 2000;
// Largest bundle accepted: file size, and the changes' JSON after gzip
// decompression (a small gzip bomb stops here). About 1.5 million changes.
inline constexpr int64_t kMaxBundleBytes = int64_t{512} << 20;

// ---- Attachments' blobs (docs/attachments.md, docs/protocol.md "Blobs") ----
// Bytes per chunk of a blob upload or download: one request each, hashed apart, so
// that a cut loses at most one chunk. 4 MiB keeps a 20 MB photo set to a handful of
// round trips while a chunk still crosses a slow rural link within the body deadline.
inline constexpr int64_t kBlobChunkBytes = 4 << 20;
// Bytes of blobs one device may store on the server, by default (--blob-quota-mb).
inline constexpr int64_t kBlobQuotaBytes = int64_t{2} << 30;
// What a tablet fetches by default: the blobs of its open meetings and those added
// in the last kBlobRecentDays days, newest first, up to kBlobBudgetBytes in all.
inline constexpr int kBlobRecentDays = 30;
inline constexpr int64_t kBlobBudgetBytes = int64_t{500} << 20;

// ---- Hub: a server that syncs upstream as a client (docs/server.md, "Hub") ----
// How often a hub syncs with its upstream server when the last sync worked. A
// no-op sync is one small round trip, so a minute keeps the province close behind
// the commune without weighing on a rural link.
inline constexpr int64_t kUpstreamIntervalMs = 60 * 1000;
// After a failed upstream sync the hub waits base * 2^(failures-1), capped, with
// jitter, before trying again: a link down for a day is not hammered. SIGUSR1 (or
// a restart) skips the wait.
inline constexpr int64_t kUpstreamRetryBaseMs = 5 * 1000;
inline constexpr int64_t kUpstreamRetryMaxMs = 15 * 60 * 1000;
// Attempts per exchange inside one upstream sync (the client's own retries); the
// hub's loop above does the long waits.
inline constexpr int kUpstreamMaxAttempts = 3;
// On shutdown, how long a running upstream sync may go on before it is cancelled
// at its next exchange (every batch is applied with its cursor: nothing is lost).
inline constexpr int64_t kUpstreamStopGraceMs = 10 * 1000;

}  // namespace ykien::sync::tuning
