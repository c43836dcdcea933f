#include "qr_svg.h"

#include <qrencode.h>

namespace ykien::office {

std::string qr_svg(const std::string &text) {
  QRcode *code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == nullptr) return {};
  const int w = code->width, quiet = 4, size = w + 2 * quiet;
  std::string path;
  for (int y = 0; y < w; ++y)
    for (int x = 0; x < w; ++x)
      if (code->data[y * w + x] & 1)
        path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  QRcode_free(code);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"QR\" viewBox=\"0 0 " +
         std::to_string(size) + " " + std::to_string(size) + "\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>" +
         "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace ykien::office
