// ykien-bench stages: where a sync's time goes, stage by stage (issue "Sync near the
// speed of SQLite", docs/benchmarks.md "stages"). Prints "BENCH <name> <value> <unit>".
//
// The whole path of whole opinions, tablet -> server -> second tablet, run in this
// process on one thread, in batches of the sizes a growing sync reaches (tuning.h),
// with the server's own storage (its durable SQLite settings) and its push checks
// (a device writer, conflict detection). No HTTP: the socket and the HTTP parsing
// are what the `sync` suite's figures have beyond the sum of these stages.
// Each stage is timed (wall and this thread's CPU) per opinion. Run under callgrind
// (scripts/bench-stages.sh), each stage's instructions go to a dump of their own
// named after the stage: instructions do not drift with the machine's load as time
// does, and this machine's virtual CPU has no hardware counters.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench.h"
#include "commune_rows.h"
#include "gzip.h"
#include "log.h"
#include "plain_insert.h"
#include "signing.h"
#include "storage.h"
#include "ykien/database.h"
#include "ykien/sync/protocol.h"
#include "ykien/sync/tuning.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else  // without valgrind's headers, no dumps: time only
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(name) static_cast<void>(name)
#endif

namespace ykien::bench {
namespace {

namespace tuning = sync::tuning;

struct Options {
  int64_t opinions = 20000;
  std::string dir;  // empty = a new temporary dir
  bool rows = true;  // changes grouped by row (docs/protocol.md, "Rows"); --no-rows: "changes"
  // Rows received are merged as they came (RowWrite); --expand-rows: expanded into
  // changes first, as before (issue 20's step, measured in one build).
  bool keep_rows = true;
  // Sent rows are exported by row (ExportOptions::as_rows) and written as they are;
  // --export-changes: a Change a cell, grouped again as they are written (as before).
  bool export_rows = true;
};

[[noreturn]] void die(const std::string &what, const Status &st = {}) {
  std::fprintf(stderr, "ykien-bench stages: %s%s%s\n", what.c_str(), st.ok() ? "" : ": ", st.to_string().c_str());
  std::exit(1);
}

template <typename T>
T ok_or_die(Result<T> r, const char *what) {
  if (!r.ok()) die(what, r.status());
  return std::move(*r);
}

void ok_or_die(const Status &st, const char *what) {
  if (!st.ok()) die(what, st);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The stages in the order a sync goes through them, each summed over its batches.
class StageClock {
 public:
  template <typename Fn>
  void run(const std::string &stage, Fn &&fn) {
    auto it = std::find_if(stages_.begin(), stages_.end(), [&](const Stage &s) { return s.name == stage; });
    if (it == stages_.end()) it = stages_.insert(stages_.end(), Stage{stage});
    const Stopwatch wall;
    const double cpu0 = thread_cpu_seconds();
    CALLGRIND_ZERO_STATS;
    fn();
    CALLGRIND_DUMP_STATS_AT(stage.c_str());
    it->cpu += thread_cpu_seconds() - cpu0;
    it->wall += wall.seconds();
  }

  void print(double opinions) const {
    double wall = 0, cpu = 0;
    for (const auto &s : stages_) {
      figure("stages_" + s.name + "_us_per_opinion", s.wall * 1e6 / opinions, "us", 2);
      figure("stages_" + s.name + "_cpu_us_per_opinion", s.cpu * 1e6 / opinions, "us", 2);
      if (s.name.starts_with("wire_")) continue;  // the encodings compared, not a stage of the sync
      wall += s.wall;
      cpu += s.cpu;
    }
    figure("stages_total_us_per_opinion", wall * 1e6 / opinions, "us", 2);
    figure("stages_total_cpu_us_per_opinion", cpu * 1e6 / opinions, "us", 2);
  }

 private:
  struct Stage {
    std::string name;
    double wall = 0, cpu = 0;
  };
  std::vector<Stage> stages_;
};

std::unique_ptr<Database> open_tablet(const std::string &path, Replica &server) {
  auto db = ok_or_die(Database::open(path), "cannot open a tablet database");
  // The units, as a first pull brings them.
  ExportOptions eo;
  eo.limit_changes = 1000;
  auto units = ok_or_die(server.export_changes(0, eo), "cannot export the units");
  ApplyOptions ao;
  ao.origin = "server";
  ok_or_die(db->replica().apply_changes(units.changes, ao), "cannot apply the units");
  return db;
}

// Records `n` opinions on `db`, 1,000 per transaction as a secretary's meetings add
// up; returns how many were made.
int64_t capture(Database &db, int64_t n) {
  auto unit = ok_or_die(db.find_unit_by_scope(kBenchHamlet), "the tablet has no units");
  int64_t made = 0;
  while (made < n) {
    const int64_t want = std::min<int64_t>(1000, n - made);
    ok_or_die(db.batch([&]() -> Status {
      for (int64_t i = 0; i < want; ++i) {
        auto r = db.record_opinion(sample_opinion(unit.id, static_cast<size_t>(made + i)));
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    }),
              "cannot record");
    made += want;
  }
  return made;
}

// Tablet a pushes everything it recorded to the server, batch by batch, as the sync
// client and the server's push handler do.
// A body's way over the network: gzip'd by its sender, gunzip'd by its receiver.
std::string travel(StageClock &clock, const std::string &way, const std::string &body, std::string *sent) {
  clock.run(way + "_gzip", [&] { *sent = ok_or_die(sync::gzip_compress(body), "cannot compress"); });
  std::string received;
  clock.run(way + "_gunzip",
            [&] { received = ok_or_die(sync::gzip_decompress(*sent, tuning::kMaxBodyBytes), "gunzip"); });
  return received;
}

// Bytes a push carried, as JSON and as sent (gzip); and its changes in each form
// of JSON, and as CBOR and MessagePack (nlohmann's), raw and gzip'd.
struct Wire {
  int64_t json = 0, gzip = 0;
  int64_t rows = 0, rows_gzip = 0, changes = 0, changes_gzip = 0;
  int64_t cbor = 0, cbor_gzip = 0, msgpack = 0, msgpack_gzip = 0;
  int64_t pull_json = 0;  // the pull replies' JSON, in the form pulled
};

int64_t gzip_size(const std::string &bytes) {
  return static_cast<int64_t>(ok_or_die(sync::gzip_compress(bytes), "cannot compress").size());
}

using Json = nlohmann::json;

Json value_json(const Value &v) {
  if (const auto *i = std::get_if<int64_t>(&v)) return *i;
  if (const auto *d = std::get_if<double>(&v)) return *d;
  if (const auto *s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

Value json_value(const Json &j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) return j.get<double>();
  return std::monostate{};
}

// The push as a nlohmann value, its changes grouped as "rows" are (the binary
// encodings get the same saving of the stamps written once).
Json push_value(const std::vector<Change> &changes) {
  Json rows = Json::array();
  for (size_t i = 0; i < changes.size();) {
    const Change &c = changes[i];
    Json cells = Json::array();
    size_t k = i;
    for (; k < changes.size() && changes[k].hlc == c.hlc && changes[k].site == c.site && changes[k].base == c.base &&
           changes[k].id == c.id && changes[k].table == c.table && changes[k].scope == c.scope;
         ++k) {
      cells.push_back(changes[k].column);
      cells.push_back(value_json(changes[k].value));
    }
    Json row = {{"table", c.table}, {"id", c.id}, {"scope", c.scope}, {"hlc", c.hlc.to_string()},
                {"site", site_to_string(c.site)}, {"cells", std::move(cells)}};
    if (!c.base.is_zero()) row["base"] = c.base.to_string();
    rows.push_back(std::move(row));
    i = k;
  }
  return {{"protocol", 1}, {"client_time", 1720000000000}, {"rows", std::move(rows)}};
}

// Back to changes; only the stamps checked (our JSON decoder checks every member).
std::vector<Change> push_changes(const Json &push) {
  std::vector<Change> out;
  for (const Json &row : push.at("rows")) {
    Change head;
    head.table = row.at("table").get<std::string>();
    head.id = row.at("id").get<std::string>();
    head.scope = row.at("scope").get<std::string>();
    head.hlc = Hlc::parse(row.at("hlc").get<std::string>()).value_or(Hlc());
    head.site = parse_site(row.at("site").get<std::string>()).value_or(0);
    if (auto b = row.find("base"); b != row.end()) head.base = Hlc::parse(b->get<std::string>()).value_or(Hlc());
    const Json &cells = row.at("cells");
    for (size_t k = 0; k + 1 < cells.size(); k += 2) {
      Change c = head;
      c.column = cells[k].get<std::string>();
      c.value = json_value(cells[k + 1]);
      out.push_back(std::move(c));
    }
  }
  return out;
}

// The same push as CBOR and as MessagePack, encoded and decoded (stages "wire_*",
// left out of the total): what a binary encoding that nlohmann/json provides would
// cost and save against our JSON text (docs/protocol.md, "Rows").
void compare_binary(StageClock &clock, const std::vector<Change> &changes, Wire &wire) {
  std::vector<uint8_t> cbor, msgpack;
  clock.run("wire_cbor_encode", [&] { cbor = Json::to_cbor(push_value(changes)); });
  clock.run("wire_msgpack_encode", [&] { msgpack = Json::to_msgpack(push_value(changes)); });
  std::vector<Change> back;
  clock.run("wire_cbor_decode", [&] { back = push_changes(Json::from_cbor(cbor)); });
  if (back != changes) die("CBOR did not give the changes back");
  clock.run("wire_msgpack_decode", [&] { back = push_changes(Json::from_msgpack(msgpack)); });
  if (back != changes) die("MessagePack did not give the changes back");
  const auto text = [](const std::vector<uint8_t> &b) { return std::string(b.begin(), b.end()); };
  wire.cbor += static_cast<int64_t>(cbor.size());
  wire.cbor_gzip += gzip_size(text(cbor));
  wire.msgpack += static_cast<int64_t>(msgpack.size());
  wire.msgpack_gzip += gzip_size(text(msgpack));
}

// The changes a batch stands for, whichever way it was exported.
std::vector<Change> changes_of(const ChangeSet &batch) {
  return batch.rows.empty() ? batch.changes : expand_rows(batch.rows);
}

int64_t push_all(StageClock &clock, Replica &tablet, server::Storage &server, const sync::SigningKey &key,
                 const Options &opt, Wire &wire) {
  const bool rows = opt.rows;
  ApplyOptions ao;
  ao.origin = "tablet-a";
  ao.detect_conflicts = true;
  ao.writer = {WriterRole::device, {kBenchWard}, false, false, {tablet.site_id()}};
  int64_t cursor = 0, changes = 0;
  for (bool more = true; more;) {
    ChangeSet batch;
    clock.run("push_export", [&] {
      ExportOptions eo;
      eo.limit_changes = tuning::kPushBatchChangesMax;
      eo.limit_bytes = tuning::kPushBatchBytesMax;
      eo.exclude_origin = "server";
      eo.conflict_records = false;
      eo.as_rows = rows && opt.export_rows;  // as the device exports them
      batch = ok_or_die(tablet.export_changes(cursor, eo), "cannot export");
    });
    // The other form, for its size only, and the binary encodings compared.
    sync::PushRequest other_form;
    other_form.client_time_ms = 1720000000000;
    other_form.changes = changes_of(batch);
    other_form.as_rows = !rows;
    changes += static_cast<int64_t>(other_form.changes.size());
    std::string body, signature, gz;
    sync::PushRequest request;
    request.client_time_ms = 1720000000000;
    request.changes = std::move(batch.changes);
    request.rows = std::move(batch.rows);
    request.as_rows = rows;
    clock.run("push_encode", [&] { body = sync::encode(request); });
    const std::string other = sync::encode(other_form);
    const std::string &as_rows = rows ? body : other, &as_changes = rows ? other : body;
    wire.rows += static_cast<int64_t>(as_rows.size());
    wire.rows_gzip += gzip_size(as_rows);
    wire.changes += static_cast<int64_t>(as_changes.size());
    wire.changes_gzip += gzip_size(as_changes);
    compare_binary(clock, other_form.changes, wire);
    clock.run("push_sign", [&] {
      signature = ok_or_die(sync::sign_bytes(key, body, sync::SignatureFormat::body_digest), "cannot sign");
    });
    wire.json += static_cast<int64_t>(body.size());
    body = travel(clock, "push", body, &gz);
    wire.gzip += static_cast<int64_t>(gz.size());
    std::string digest;  // the body's, from the signature's check: the kept batch's key
    clock.run("push_verify", [&] {
      if (!sync::signature_valid(key.public_hex, body, signature, &digest))
        die("a signature made here does not verify");
    });
    sync::PushRequest received;
    // Rows read as they came, as the server reads them (docs/architecture.md, "One core").
    std::optional<ChangeBatch> view;  // made once after decoding, as the server does
    clock.run("push_decode", [&] {
      ok_or_die(sync::decode(body, &received, opt.keep_rows), "cannot decode a push");
      view.emplace(received.batch());
    });
    clock.run("push_merge_store", [&] { ok_or_die(server.apply_changes(*view, ao), "push refused"); });
    // A signed push is kept with the writes it carried, for provenance (docs/server.md).
    clock.run("push_keep_signed", [&] {
      // The server keeps the gzip the push came in (SignedBatch::gzip_body).
      const server::SignedBatch kept{0, "tablet-a", "push", 1720000000000, body, signature, key.public_hex, gz, digest};
      ok_or_die(server.signatures().keep_batch(kept, server::writes_of(*view)), "cannot keep the push");
    });
    clock.run("push_cursor", [&] {
      ok_or_die(tablet.set_setting("bench.push_cursor", std::to_string(batch.next_cursor)), "cannot keep the cursor");
    });
    cursor = batch.next_cursor;
    more = batch.more;
  }
  return changes;
}

// Tablet b pulls the ward's changes from the server, batch by batch: the server
// reads and encodes, the reply travels gzip'd, the tablet merges a batch and keeps
// its cursor in one transaction.
int64_t pull_all(StageClock &clock, server::Storage &server, Replica &tablet, const Options &opt, Wire &wire) {
  int64_t cursor = 0, changes = 0;
  for (bool more = true; more;) {
    ChangeSet batch;
    clock.run("pull_read", [&] {
      ExportOptions eo;
      eo.limit_changes = tuning::kPullBatchChangesMax;
      eo.limit_bytes = tuning::kMaxPullBytes;
      eo.scopes = {kBenchWard};
      eo.exclude_origin = "tablet-b";
      eo.as_rows = opt.rows && opt.export_rows;  // as the server exports for a device reading rows
      batch = ok_or_die(server.export_changes(cursor, eo), "cannot read changes");
    });
    changes += static_cast<int64_t>(batch.changes.size() + cell_count(batch.rows));
    std::string body, gz;
    clock.run("pull_encode", [&] {
      sync::PullReply reply;
      reply.changes = std::move(batch.changes);
      reply.rows = std::move(batch.rows);
      reply.cursor = std::to_string(batch.next_cursor);
      reply.more = batch.more;
      reply.as_rows = opt.rows;
      body = sync::encode(reply);
    });
    wire.pull_json += static_cast<int64_t>(body.size());
    body = travel(clock, "pull", body, &gz);
    sync::PullReply received;
    clock.run("pull_decode", [&] { ok_or_die(sync::decode(body, &received, opt.keep_rows), "cannot decode a pull"); });
    clock.run("pull_merge_store", [&] {
      ok_or_die(tablet.transaction([&](Replica::Txn &txn) -> Status {
        ApplyOptions ao;
        ao.origin = "server";
        auto applied = txn.apply_changes(received.batch(), ao);
        if (!applied.ok()) return applied.status();
        return txn.set_setting("bench.pull_cursor", received.cursor);
      }),
                "cannot apply a pull");
    });
    cursor = batch.next_cursor;
    more = batch.more;
  }
  return changes;
}

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench stages [--opinions N] [--dir DIR] [--quick] [--no-rows] [--expand-rows]\n"
      "                          [--export-changes]\n"
      "  --opinions N  whole opinions recorded, pushed and pulled (default 20000)\n"
      "  --dir DIR     keep the databases in DIR\n"
      "  --quick       500 opinions: checks the suite works\n"
      "  --no-rows     push and pull \"changes\", not rows (docs/protocol.md, \"Rows\")\n"
      "  --expand-rows rows received expanded into changes before the merge (as before)\n"
      "  --export-changes  rows sent exported a change a cell, then grouped (as before)\n"
      "Figures: BENCH stages_<stage>_{us,cpu_us}_per_opinion; instructions per stage with\n"
      "scripts/bench-stages.sh (callgrind). docs/benchmarks.md, \"stages\".\n",
      to);
  return to == stdout ? 0 : 2;
}

}  // namespace
}  // namespace ykien::bench

int bench_stages(int argc, char **argv) {
  using namespace ykien;
  using namespace ykien::bench;
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--opinions" && positive_option(argc, argv, i, opt.opinions)) continue;
    if (a == "--dir" && i + 1 < argc) {
      opt.dir = argv[++i];
      continue;
    }
    if (a == "--quick") {
      opt.opinions = 500;
      continue;
    }
    if (a == "--no-rows") {
      opt.rows = false;
      continue;
    }
    if (a == "--expand-rows") {
      opt.keep_rows = false;
      continue;
    }
    if (a == "--export-changes") {
      opt.export_rows = false;
      continue;
    }
    if (a == "-h" || a == "--help") return usage(stdout);
    std::fprintf(stderr, "ykien-bench stages: bad option '%s'\n", a.c_str());
    return usage(stderr);
  }
  const bool temporary = opt.dir.empty();
  if (temporary)
    opt.dir = (std::filesystem::temp_directory_path() / ("ykien-stages-" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(opt.dir);
  std::filesystem::create_directories(opt.dir + "/server");

  server::set_log_enabled(false);
  auto storage = ok_or_die(server::open_sqlite_storage(opt.dir + "/server"), "cannot open the server data");
  create_commune_units(storage->replica());
  auto a = open_tablet(opt.dir + "/a.db", storage->replica());
  auto b = open_tablet(opt.dir + "/b.db", storage->replica());
  const auto key = ok_or_die(sync::signing_key(a->replica()), "cannot make a key");

  StageClock clock;
  std::fprintf(stderr, "stages: recording %lld opinions on tablet a...\n", static_cast<long long>(opt.opinions));
  int64_t opinions = 0;
  clock.run("capture", [&] { opinions = capture(*a, opt.opinions); });
  std::fputs("stages: pushing to the server...\n", stderr);
  Wire wire;
  const int64_t pushed = push_all(clock, a->replica(), *storage, key, opt, wire);
  std::fputs("stages: pulling to tablet b...\n", stderr);
  const int64_t pulled = pull_all(clock, *storage, b->replica(), opt, wire);
  if (pulled < pushed) die("tablet b received fewer changes than tablet a sent");
  const auto plain = plain_insert_opinions(opt.dir + "/a.db", opt.dir);

  const double n = static_cast<double>(opinions);
  figure("stages_opinions", n, "opinions");
  figure("stages_changes_per_opinion", static_cast<double>(pushed) / n, "changes", 1);
  figure("stages_push_json_bytes_per_opinion", static_cast<double>(wire.json) / n, "bytes");
  figure("stages_push_gzip_bytes_per_opinion", static_cast<double>(wire.gzip) / n, "bytes");
  const auto per_opinion = [&](const char *name, int64_t bytes) {
    figure(std::string("stages_push_") + name + "_bytes_per_opinion", static_cast<double>(bytes) / n, "bytes");
  };
  per_opinion("rows_json", wire.rows);
  per_opinion("rows_json_gzip", wire.rows_gzip);
  per_opinion("changes_json", wire.changes);
  per_opinion("changes_json_gzip", wire.changes_gzip);
  per_opinion("rows_cbor", wire.cbor);
  per_opinion("rows_cbor_gzip", wire.cbor_gzip);
  per_opinion("rows_msgpack", wire.msgpack);
  per_opinion("rows_msgpack_gzip", wire.msgpack_gzip);
  figure("stages_pull_json_bytes_per_opinion", static_cast<double>(wire.pull_json) / n, "bytes");
  clock.print(n);
  figure("stages_plain_insert_us_per_opinion", plain.seconds * 1e6 / static_cast<double>(plain.rows), "us", 2);
  a.reset();
  b.reset();
  storage.reset();
  if (temporary) std::filesystem::remove_all(opt.dir);
  return 0;
}
