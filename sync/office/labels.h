// The office's words in Vietnamese (the default) and English: page text, and the
// labels of the domain's identifiers ("category.land" -> "Đất đai").
#pragma once

#include <map>
#include <string>

namespace ykien::office {

// "vi" or "en"; anything else is taken as "vi".
std::string language_of(const std::string &requested);
// The text of `key` in `lang`; the key itself when none is known (a newer value).
std::string label(const std::string &lang, const std::string &key);
// A replicated cell's column as the pages name it ("Người nêu" for citizen_name);
// a column the pages do not name, as it is.
std::string column_label(const std::string &lang, const std::string &column);
// A choice's value by its label ("Tố cáo" for kind "denunciation"); others as they are.
std::string choice_label(const std::string &lang, const std::string &column, const std::string &value);
// Every key of the page text in `lang` (templates read them as {{t.key}}).
const std::map<std::string, std::string> &page_text(const std::string &lang);

}  // namespace ykien::office
