#include "ykien/report_tally.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ykien/text.h"

namespace ykien {

namespace {

bool is_resolved(std::string_view status) { return status == "answered" || status == "resolved" || status == "closed"; }
bool is_open(std::string_view status) { return status == "received" || status == "scheduled" || status == "assigned"; }

void count(std::map<std::string, int64_t> &m, std::string_view key) { ++m[std::string(key)]; }

double share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace

bool in_period(std::string_view at, std::string_view from, std::string_view to) {
  if (at.empty()) return from.empty() && to.empty();
  if (!from.empty() && at < from) return false;
  return to.empty() || at.substr(0, 10) <= to;
}

ReportTally::ReportTally(const ReportRequest &request, const std::vector<Unit> &children, const UnitTree *tree)
    : today_(request.today), tree_(tree && tree->has_history() ? tree : nullptr), then_(request.tree == "then") {
  report_.scope = tree_ ? tree_scope(*tree_, request, then_) : request.scope;
  report_.from = request.from;
  report_.to = request.to;
  prefix_ = report_.scope.empty() ? "" : report_.scope + "/";
  for (const auto &u : tree_ ? tree_parts(*tree_, request, then_) : children) {
    if (u.scope == report_.scope) continue;
    part_at_.emplace(u.scope, report_.parts.size());
    report_.parts.push_back({u.id, u.name, u.scope});
  }
}

Status check_tree_choice(std::string_view tree) {
  if (tree.empty() || tree == "now" || tree == "then") return {};
  return Status::Invalid("tree", "must be \"now\" (today's units) or \"then\" (the units of each record's day)");
}

bool is_overdue(std::string_view status, std::string_view due_date, std::string_view today) {
  return is_open(status) && !due_date.empty() && due_date < today;
}

// Memoized: a report resolves the same few scopes and days for every record.
std::string_view ReportTally::where(std::string_view scope, std::string_view at) {
  if (!tree_) return scope;
  const std::string_view day = then_ ? at.substr(0, 10) : std::string_view(today_);
  std::string key(scope);
  key += '|';
  key += day;
  auto it = found_.find(key);
  if (it == found_.end()) it = found_.emplace(key, tree_->resolve(std::string(scope), std::string(day))).first;
  return it->second;
}

std::vector<Report::Former> ReportTally::covered(const std::string &scope) const {
  std::vector<Report::Former> out;
  for (const auto &u : tree_->covered(scope, today_)) out.push_back({u.id, u.name, u.scope});
  return out;
}

std::string tree_scope(const UnitTree &tree, const ReportRequest &request, bool then) {
  if (then || request.scope.empty()) return request.scope;
  return tree.resolve(request.scope, request.today);
}

std::vector<Unit> tree_parts(const UnitTree &tree, const ReportRequest &request, bool then) {
  std::vector<Unit> out;
  if (!request.scope.empty() && !tree.unit_at(request.scope)) return out;  // no unit: no parts
  const std::string scope = tree_scope(tree, request, then);
  std::set<std::string> days{then && !request.to.empty() ? request.to : request.today};
  if (then) {
    days.insert(request.from.empty() ? "0000-00-00" : request.from);
    for (const auto &e : tree.all_events())
      if (in_period(e.effective_on, request.from, request.to)) days.insert(e.effective_on);
  }
  std::map<std::string, Unit> parts;  // by scope; a later day's name wins
  for (const auto &day : days)
    for (auto &u : tree.children(scope, day)) parts[u.scope] = std::move(u);
  for (auto &part : parts) out.push_back(std::move(part.second));
  return out;
}

std::string report_unit_name(const UnitTree &tree, const ReportRequest &request, const std::string &scope,
                             const std::string &fallback) {
  const Unit *unit = tree.unit_at(scope);
  if (unit == nullptr) return fallback;
  const std::string &day = request.tree == "then" && !request.to.empty() ? request.to : request.today;
  const std::string name = tree.name_on(unit->id, day);
  return name.empty() ? fallback : name;
}

int64_t share_in_tenths(double share) {
  const auto tenths = static_cast<int64_t>(std::llround(share * 1000));
  if (tenths >= 1000 && share < 1.0) return 999;
  if (tenths <= 0 && share > 0.0) return 1;
  return tenths;
}

bool ReportTally::counts(std::string_view scope, std::string_view at) const {
  const std::string_view own = std::string_view(prefix_).substr(0, prefix_.empty() ? 0 : prefix_.size() - 1);
  const bool inside = prefix_.empty() || scope == own || scope.substr(0, prefix_.size()) == prefix_;
  return inside && in_period(at, report_.from, report_.to);
}

// The child a row lies under: its scope cut after one more segment.
Report::Part *ReportTally::part_of(std::string_view scope) {
  if (scope.size() <= prefix_.size() || scope.substr(0, prefix_.size()) != prefix_) return nullptr;
  const auto it = part_at_.find(std::string(scope.substr(0, scope.find('/', prefix_.size()))));
  return it == part_at_.end() ? nullptr : &report_.parts[it->second];
}

void ReportTally::add_meeting(std::string_view recorded, std::string_view kind, std::string_view held_at,
                              int64_t attendance) {
  const std::string_view scope = where(recorded, held_at);
  if (!counts(scope, held_at)) return;
  ++report_.meetings;
  report_.attendance += attendance;
  count(report_.meetings_by_kind, kind);
  if (auto *p = part_of(scope)) {
    ++p->meetings;
    p->attendance += attendance;
  }
}

void ReportTally::add_opinion(const OpinionFacts &o) {
  const std::string_view scope = where(o.scope, o.raised_at);
  if (!counts(scope, o.raised_at)) return;
  Report &r = report_;
  ++r.opinions;
  count(r.opinions_by_category, o.category);
  count(r.opinions_by_status, o.status);
  count(r.satisfaction, o.satisfaction);
  if (o.raised_at.size() >= 7) count(r.opinions_by_month, o.raised_at.substr(0, 7));
  const bool resolved = is_resolved(o.status);
  r.resolved += resolved;
  const bool withdrawn = o.status == "withdrawn";
  r.withdrawn += withdrawn;
  r.answered_on_spot += o.answered_on_spot && !withdrawn;  // a share of those not withdrawn
  r.escalated += o.jurisdiction == "escalated";
  r.overdue += is_overdue(o.status, o.due_date, today_);
  if (auto *p = part_of(scope)) {
    ++p->opinions;
    p->resolved += resolved;
  }
}

void ReportTally::add_visit(std::string_view recorded, std::string_view visited_at, int64_t gift_value_vnd) {
  if (!counts(where(recorded, visited_at), visited_at)) return;
  ++report_.support_visits;
  report_.gift_value_vnd += gift_value_vnd;
}

Report ReportTally::finish() {
  Report r = std::move(report_);
  const int64_t to_settle = r.opinions - r.withdrawn;  // withdrawn: nothing to settle
  r.resolved_share = share(r.resolved, to_settle);
  r.answered_on_spot_share = share(r.answered_on_spot, to_settle);
  std::erase_if(r.parts, [](const Report::Part &p) { return p.meetings == 0 && p.opinions == 0; });
  if (tree_ && !then_) {  // by the tree of then, an old unit has its own part
    if (!r.scope.empty()) r.covers = covered(r.scope);
    for (auto &p : r.parts) p.covers = covered(p.scope);
  }
  std::sort(r.parts.begin(), r.parts.end(),
            [](const Report::Part &a, const Report::Part &b) { return name_order(a.name, b.name); });
  return r;
}

}  // namespace ykien
