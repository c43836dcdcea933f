// What a person reads of a complainant's name or contact. A tablet holds no office
// key: a sealed value (docs/security.md) is shown as the label "[đã niêm phong]",
// never as its ciphertext, and never searched or compared.
#pragma once

#include <string>

namespace ykien::cli {

// `value` as it is, or the sealed label.
std::string shown_identity(const std::string &value);
// `value` as it is, or "" when sealed (for search and duplicate detection).
std::string searchable_identity(const std::string &value);

}  // namespace ykien::cli
