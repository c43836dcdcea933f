// What the office's list pages share: query parameters, paging, unit names.
#pragma once

#include <mstch/mstch.hpp>

#include <string>
#include <vector>

#include "http_front.h"
#include "ykien/records.h"

namespace ykien::office {

// Rows a page of a list shows (the rest is counted and paged): pages stay light.
inline constexpr size_t kPageRows = 50;

// The query parameter `key`, or "".
std::string query_of(const server::ServedRequest &req, const char *key);
// The unit's name by its scope, or the scope when it is not among `units`.
std::string unit_name(const std::vector<Unit> &units, const std::string &scope);
// The page asked for: ?page=N, from 1; anything else is the first.
size_t page_number(const server::ServedRequest &req);
// Previous/next links (keeping the list's filters) and "page N of M" for a list of
// `total` rows: {page, pages, several, prev, next} for the templates' pager.
mstch::map pager(const server::ServedRequest &req, size_t page, size_t total);

}  // namespace ykien::office
