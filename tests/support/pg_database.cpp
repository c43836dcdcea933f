#include "support/pg_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <random>

namespace ykien::test {

Status pg_command(const std::string &conninfo, const std::string &sql) {
  PGconn *c = PQconnectdb(conninfo.c_str());
  Status st;
  if (PQstatus(c) != CONNECTION_OK) {
    st = Status(ErrorCode::storage, std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(c));
  } else {
    PGresult *r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) st = Status(ErrorCode::storage, PQresultErrorMessage(r));
    PQclear(r);
  }
  PQfinish(c);
  return st;
}

Result<std::unique_ptr<ScratchPgDatabase>> ScratchPgDatabase::create(const std::string &server_conninfo,
                                                                     const std::string &prefix) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  std::string name =
      prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
  YKIEN_TRY(pg_command(server_conninfo, "CREATE DATABASE " + name));
  return std::unique_ptr<ScratchPgDatabase>(new ScratchPgDatabase(server_conninfo, std::move(name)));
}

ScratchPgDatabase::ScratchPgDatabase(std::string server, std::string name)
    : server_(std::move(server)),
      name_(std::move(name)),
      conninfo_(server_ + " dbname=" + name_) {}  // the last dbname wins

ScratchPgDatabase::~ScratchPgDatabase() {
  (void)pg_command(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace ykien::test
