// The record codec (engine/json: the C API's and the field app's JSON) names each
// stored record's fields as the declared schema names its columns (ykien/schema.h):
// a column added to the schema without its record field, or a field renamed on one
// side only, fails here.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "ykien/json/records.h"
#include "ykien/schema.h"

using namespace ykien;

namespace {

// The replicated columns of `table`, as a record names them: its id and scope are
// the row's own; `_deleted` is the tombstone, not a field.
std::set<std::string> declared(std::string_view table) {
  const schema::TableDef *t = schema::find_table(table);
  REQUIRE(t != nullptr);
  std::set<std::string> names{"id", "scope"};
  for (const auto &c : t->columns)
    if (c.name != "_deleted") names.emplace(c.name);
  return names;
}

template <typename Record>
std::set<std::string> encoded() {
  std::set<std::string> keys;
  const codec::Json json = codec::to_json(Record{});
  for (const auto &[key, value] : json.items()) keys.insert(key);
  return keys;
}

}  // namespace

TEST_CASE("each stored record's JSON fields are its table's declared columns", "[schema]") {
  CHECK(encoded<Unit>() == declared("units"));
  CHECK(encoded<Meeting>() == declared("meetings"));
  CHECK(encoded<Opinion>() == declared("opinions"));
  CHECK(encoded<Response>() == declared("responses"));
  CHECK(encoded<StatusChange>() == declared("status_history"));
  CHECK(encoded<SupportVisit>() == declared("support_visits"));
  CHECK(encoded<Attachment>() == declared("attachments"));
}
