// Erasing a file for a wipe: overwritten with zeros, flushed, removed. Internal.
#pragma once

#include <string>

#include "ykien/status.h"

namespace ykien::sync {

// Missing is fine. Errors: storage, naming the file.
Status erase_file(const std::string &path);

}  // namespace ykien::sync
