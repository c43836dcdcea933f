// The user's language and the message catalog (messages.cpp holds every string).
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ykien::cli {

enum class Lang { vi, en };

struct Message {
  std::string_view key;
  std::string_view vi;
  std::string_view en;
};

// Every user-facing string, Vietnamese and English (messages.cpp), and those of
// the follow-up commands: visits, corrections, duplicates, reminders
// (messages_followup.cpp).
std::span<const Message> message_catalog();
std::span<const Message> followup_message_catalog();

void set_lang(Lang lang);
Lang current_lang();
// "vi"/"en" (also "vn", "english"...); nullopt for anything else.
std::optional<Lang> parse_lang(std::string_view text);

// The message for `key` in the current language; the key itself when missing.
std::string tr(std::string_view key);
// tr(key) with {0}, {1}... replaced by the arguments.
std::string trf(std::string_view key, std::initializer_list<std::string> args);
bool has_message(std::string_view key);

// Thousands separator and decimal mark of the current language.
char thousands_sep();
std::string format_percent(double share);  // 0.925 -> "92,5 %" / "92.5%"

}  // namespace ykien::cli
