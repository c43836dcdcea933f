// The office's templates, stylesheet and script, built into the binary
// (cmake/embed_assets.cmake): the office needs no file and no internet.
#pragma once

#include <string_view>

namespace ykien::office {

// The bytes of the asset with this file name ("opinions.mustache", "office.css");
// empty when there is none.
std::string_view asset(std::string_view name);

}  // namespace ykien::office
