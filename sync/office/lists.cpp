#include "lists.h"

#include <algorithm>

#include "forms.h"

namespace ykien::office {

std::string query_of(const server::ServedRequest &req, const char *key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

std::string unit_name(const std::vector<Unit> &units, const std::string &scope) {
  for (const auto &u : units)
    if (u.scope == scope) return u.name;
  return scope;
}

size_t page_number(const server::ServedRequest &req) {
  const std::string p = query_of(req, "page");
  if (p.empty() || p.size() > 6 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 1;
  return std::max<size_t>(1, std::stoul(p));
}

namespace {

// This list's address at another page, with the same filters.
std::string page_link(const server::ServedRequest &req, size_t page) {
  std::string link = req.path + "?page=" + std::to_string(page);
  for (const auto &[key, value] : req.query)
    if (key != "page") link += "&" + url_encode(key) + "=" + url_encode(value);
  return link;
}

}  // namespace

mstch::map pager(const server::ServedRequest &req, size_t page, size_t total) {
  const size_t pages = std::max<size_t>(1, (total + kPageRows - 1) / kPageRows);
  return mstch::map{{"page", std::to_string(page)},
                    {"pages", std::to_string(pages)},
                    {"several", pages > 1},
                    {"prev", page > 1 ? page_link(req, page - 1) : std::string()},
                    {"next", page < pages ? page_link(req, page + 1) : std::string()}};
}

}  // namespace ykien::office
