// Reading what a browser sends: URL-encoded forms and cookies.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace ykien::office {

// "a=1&b=x+y%21" -> {a: "1", b: "x y!"}; the last of a repeated name wins.
std::map<std::string, std::string> parse_form(std::string_view body);
// The Cookie header's pairs.
std::map<std::string, std::string> parse_cookies(std::string_view header);
// Percent-encodes everything but unreserved characters (for a URL's query).
std::string url_encode(std::string_view text);

}  // namespace ykien::office
