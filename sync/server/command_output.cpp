#include "command_output.h"

#include <iostream>

namespace ykien::server {

std::string dump_json(const nlohmann::json &j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

int fail_command(const Status &st, bool as_json) {
  if (as_json) {
    std::cout << dump_json({{"ok", false},
                            {"error",
                             {{"code", error_code_name(st.code())}, {"message", st.message()}, {"field", st.field()}}}})
              << "\n";
  }
  std::cerr << "ykien-server: " << st.to_string() << "\n";
  return 1;
}

}  // namespace ykien::server
