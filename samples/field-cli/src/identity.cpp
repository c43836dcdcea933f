#include "identity.h"

#include "i18n.h"
#include "ykien/seal.h"

namespace ykien::cli {

std::string shown_identity(const std::string &value) { return is_sealed(value) ? tr("label.sealed") : value; }

std::string searchable_identity(const std::string &value) { return is_sealed(value) ? std::string() : value; }

}  // namespace ykien::cli
