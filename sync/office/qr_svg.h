// A QR code as an SVG element (libqrencode), for enrollment codes a tablet scans.
#pragma once

#include <string>

namespace ykien::office {

// The SVG of `text` as a QR code (error correction M); empty if it cannot be made.
std::string qr_svg(const std::string &text);

}  // namespace ykien::office
