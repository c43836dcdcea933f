// Field-by-field questions on a terminal (or a scripted stdin): each question
// shows its default, an empty answer takes it, a bad answer is asked again.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "choices.h"

namespace ykien::cli {

class Prompter {
 public:
  Prompter(std::istream &in, std::ostream &out) : in_(in), out_(out) {}

  // The answer, the default when empty; nullopt at the end of input.
  std::optional<std::string> ask(const std::string &question, const std::string &def = {});
  // Like ask, but the end of input is an error (the record is incomplete).
  std::string ask_text(const std::string &question, const std::string &def = {});
  // Lists the choices by number; accepts a number, an id or a label.
  std::string ask_choice(ChoiceSet set, const std::string &question, const std::string &def_id,
                         const std::string &option);
  std::string ask_datetime(const std::string &question, const std::string &def, const std::string &option);
  std::string ask_date(const std::string &question, const std::string &def, const std::string &option);
  int ask_number(const std::string &question, int def, int min, int max, const std::string &option);
  bool ask_yes_no(const std::string &question, bool def);
  // Shows a line of text (menus, confirmations).
  void say(const std::string &line);

 private:
  // Tells the user why an answer was refused; throws after too many tries.
  void refuse(const std::string &option, const std::string &reason, int &tries);

  std::istream &in_;
  std::ostream &out_;
};

}  // namespace ykien::cli
