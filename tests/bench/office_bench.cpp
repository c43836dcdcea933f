// ykien-bench office: the office's opinion list and report over a province's
// opinions (docs/benchmarks.md, "Office"). Server time is the route handler's own
// time, in process (no socket); page weight is the body's size. Figures only.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <map>
#include <vector>

#include <unistd.h>

#include "office.h"
#include "storage.h"
#include "users.h"
#include "ykien/replica.h"
#include "bench.h"

namespace {

using namespace ykien;

// Ids shaped as UUIDs (the schema's 36 characters), numbered: the seed is repeatable.
std::string next_id() {
  static unsigned long long n = 0;
  char id[40];
  std::snprintf(id, sizeof id, "01900000-0000-7000-8000-%012llx", ++n);
  return id;
}

// A province of 10 districts of 10 communes of 5 hamlets; `opinions` spread over the
// hamlets, with meetings (one per 20 opinions) and one answer per 4 opinions.
Status seed_province(Replica &replica, int opinions) {
  const char *categories[] = {"land", "environment", "traffic_safety", "security_order", "construction", "social"};
  const char *statuses[] = {"received", "assigned", "answered", "resolved", "scheduled", "closed"};
  std::vector<std::string> hamlets;
  std::vector<sys::StoredRow> rows;
  auto unit = [&](const std::string &scope, const std::string &name, const std::string &kind,
                  const std::string &parent_id) {
    const std::string id = next_id();
    rows.push_back({"units", id, scope,
                    {{"_deleted", int64_t{0}, {}}, {"code", scope.substr(scope.rfind('/') + 1), {}},
                     {"name", name, {}}, {"kind", kind, {}}, {"parent_id", parent_id, {}}}});
    return id;
  };
  const std::string province = unit("vn/70", "Tỉnh Bình Phước", "province", "");
  for (int d = 0; d < 10; ++d) {
    const std::string ds = "vn/70/d" + std::to_string(d);
    const std::string did = unit(ds, "Huyện " + std::to_string(d), "district", province);
    for (int c = 0; c < 10; ++c) {
      const std::string cs = ds + "/c" + std::to_string(c);
      const std::string cid = unit(cs, "Xã " + std::to_string(d) + "-" + std::to_string(c), "commune", did);
      for (int h = 0; h < 5; ++h) {
        const std::string hs = cs + "/ap-" + std::to_string(h);
        unit(hs, "Ấp " + std::to_string(h), "hamlet", cid);
        hamlets.push_back(hs);
      }
    }
  }
  YKIEN_TRY(replica.write_local(rows));
  rows.clear();
  std::string meeting_id;
  for (int i = 0; i < opinions; ++i) {
    const std::string &scope = hamlets[static_cast<size_t>(i) % hamlets.size()];
    char at[32];
    std::snprintf(at, sizeof at, "2024-%02d-%02d 08:00", 1 + (i / 7) % 12, 1 + (i / 3) % 28);
    if (i % 20 == 0) {
      meeting_id = next_id();
      rows.push_back({"meetings", meeting_id, scope,
                      {{"_deleted", int64_t{0}, {}}, {"kind", "residential_saturday", {}}, {"held_at", at, {}},
                       {"place", "Nhà văn hóa", {}}, {"attendance", int64_t{60}, {}}}});
    }
    const std::string id = next_id();
    const std::string status = statuses[i % 6];
    rows.push_back({"opinions", id, scope,
                    {{"_deleted", int64_t{0}, {}},
                     {"meeting_id", meeting_id, {}},
                     {"kind", "opinion", {}},
                     {"category", categories[i % 6], {}},
                     {"content", "Đề nghị sửa đường liên ấp số " + std::to_string(i) + ", mùa mưa ngập nặng", {}},
                     {"citizen_name", "Người dân " + std::to_string(i), {}},
                     {"jurisdiction", "local", {}},
                     {"assigned_department", status == "assigned" ? "Địa chính" : "", {}},
                     {"status", status, {}},
                     {"due_date", status == "assigned" ? "2024-06-30" : "", {}},
                     {"satisfaction", "unknown", {}},
                     {"raised_at", at, {}}}});
    if (i % 4 == 0)
      rows.push_back({"responses", next_id(), scope,
                      {{"_deleted", int64_t{0}, {}}, {"opinion_id", id, {}}, {"kind", "answered_at_meeting", {}},
                       {"content", "Đã trả lời", {}}, {"created_at", at, {}}}});
    if (rows.size() >= 5000) {
      YKIEN_TRY(replica.write_local(rows));
      rows.clear();
    }
  }
  return replica.write_local(rows);
}

// One meeting's 10 opinions, as a tablet's sync brings them.
Status seed_meeting(Replica &replica) {
  std::vector<sys::StoredRow> rows;
  const std::string meeting_id = next_id();
  const std::string scope = "vn/70/d0/c0/ap-0";
  rows.push_back({"meetings", meeting_id, scope,
                  {{"_deleted", int64_t{0}, {}}, {"kind", "listen_monthly", {}}, {"held_at", "2024-12-30 08:00", {}},
                   {"attendance", int64_t{45}, {}}}});
  for (int i = 0; i < 10; ++i)
    rows.push_back({"opinions", next_id(), scope,
                    {{"_deleted", int64_t{0}, {}},
                     {"meeting_id", meeting_id, {}},
                     {"kind", "opinion", {}},
                     {"category", "land", {}},
                     {"content", "Ý kiến mới sau buổi tiếp xúc " + std::to_string(i), {}},
                     {"status", "received", {}},
                     {"raised_at", "2024-12-30 08:00", {}}}});
  return replica.write_local(rows);
}

const server::Route *route_of(const office::OfficeRoutes &r, const std::string &method, const std::string &path) {
  for (const auto &route : r.routes)
    if (route.method == method && route.path == path) return &route;
  return nullptr;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int bench_office(int argc, char **argv) {
  using namespace ykien;
  int opinions = 100000, repeat = 20;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) opinions = 2000, repeat = 3;
    else if (std::strcmp(argv[i], "--opinions") == 0 && i + 1 < argc) opinions = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: ykien-bench office [--quick] [--opinions N] [--repeat R]\n");
      return 2;
    }
  }
  const auto dir = std::filesystem::temp_directory_path() / ("ykien-bench-office-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int rc = 1;
  {
    auto storage = server::open_sqlite_storage(dir.string());
    if (!storage) return std::fprintf(stderr, "storage: %s\n", storage.status().to_string().c_str()), 1;
    Replica &replica = (*storage)->replica();
    const auto t0 = std::chrono::steady_clock::now();
    if (auto st = seed_province(replica, opinions); !st.ok())
      return std::fprintf(stderr, "seed: %s\n", st.to_string().c_str()), 1;
    bench::figure("office_opinions", opinions, "opinions", 0);
    bench::figure("office_seed_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), "s", 1);
    office::UserBook book(replica);
    office::OfficeUser leader{"lanh-dao", "Lãnh đạo tỉnh", office::Role::leader, {"vn/70"}, "", false, false};
    if (auto st = book.add(leader, "password-lanh-dao"); !st.ok())
      return std::fprintf(stderr, "user: %s\n", st.to_string().c_str()), 1;
    const auto t1 = std::chrono::steady_clock::now();
    auto routes = office::office_routes(**storage);  // reads the office's index whole
    if (!routes) return std::fprintf(stderr, "office: %s\n", routes.status().to_string().c_str()), 1;
    bench::figure("office_index_ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count(),
                  "ms", 1);
    const auto *login = route_of(*routes, "POST", "/login");
    const auto *list = route_of(*routes, "GET", "/opinions");
    const auto *report = route_of(*routes, "GET", "/reports");
    if (!login || !list || !report) return std::fprintf(stderr, "office routes missing\n"), 1;
    server::ServedRequest in;
    in.method = "POST";
    in.path = "/login";
    in.remote = "127.0.0.1";
    in.headers["content-type"] = "application/x-www-form-urlencoded";
    in.body = "name=lanh-dao&password=password-lanh-dao";
    const auto reply = login->handler(in);
    std::string cookie;
    for (const auto &[k, v] : reply.headers)
      if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
    if (cookie.empty()) return std::fprintf(stderr, "login refused (%d)\n", reply.status), 1;
    auto measure = [&](const char *name, const server::Route &route, const std::string &path,
                       std::map<std::string, std::string> query, const std::function<Status()> &before = {}) {
      server::ServedRequest req;
      req.method = "GET";
      req.path = path;
      req.remote = "127.0.0.1";
      req.headers["cookie"] = cookie;
      req.query = std::move(query);
      std::vector<double> ms;
      size_t bytes = 0;
      int status = 0;
      for (int i = 0; i < repeat; ++i) {
        if (before) {
          if (auto st = before(); !st.ok()) return std::fprintf(stderr, "%s\n", st.to_string().c_str()), false;
        }
        const auto a = std::chrono::steady_clock::now();
        const auto r = route.handler(req);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
        bytes = r.body.size();
        status = r.status;
      }
      const std::string n = std::string("office_") + name;
      bench::figure(n + "_p50_ms", percentile(ms, 0.5), "ms", 1);
      bench::figure(n + "_p99_ms", percentile(ms, 0.99), "ms", 1);
      bench::figure(n + "_kib", static_cast<double>(bytes) / 1024.0, "KiB", 1);
      if (status != 200) std::fprintf(stderr, "%s answered %d\n", path.c_str(), status);
      return status == 200;
    };
    const bool ok = measure("list", *list, "/opinions", {}) &&
                    measure("list_search", *list, "/opinions", {{"q", "duong lien ap"}, {"status", "assigned"}}) &&
                    measure("report", *report, "/reports", {{"unit", "vn/70"}, {"from", "2024-01-01"}, {"to", "2024-12-31"}}) &&
                    // A tablet's meeting arrives between two requests: the index reads it first.
                    measure("list_after_sync", *list, "/opinions", {}, [&] { return seed_meeting(replica); });
    rc = ok ? 0 : 1;
  }
  std::filesystem::remove_all(dir);
  return rc;
}
