// What an attachment is, from its first bytes (the file's name may lie or be absent):
// the signatures of the formats docs/attachments.md lists under "Media types".
#include "ykien/blob_store.h"

namespace ykien {

namespace {

bool at(std::string_view head, size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() && head.substr(offset, magic.size()) == magic;
}

// ISO base media files (HEIC photos, M4A recordings) say what they are in their
// "ftyp" box: a major brand at byte 8.
std::string_view iso_media(std::string_view head) {
  if (!at(head, 4, "ftyp") || head.size() < 12) return {};
  const std::string_view brand = head.substr(8, 4);
  for (std::string_view b : {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"})
    if (brand == b) return "image/heic";
  for (std::string_view b : {"M4A ", "M4B ", "mp42", "isom", "3gp4", "3gp5", "3gp6"})
    if (brand == b) return "audio/mp4";
  return {};
}

}  // namespace

std::string_view sniff_media_type(std::string_view head) {
  if (at(head, 0, "\xFF\xD8\xFF")) return "image/jpeg";
  if (at(head, 0, "\x89PNG\r\n\x1A\n")) return "image/png";
  if (at(head, 0, "%PDF-")) return "application/pdf";
  if (at(head, 0, "ID3")) return "audio/mpeg";
  // An MPEG audio frame's sync word (11 bits set) with layer bits not "reserved".
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
      (static_cast<unsigned char>(head[1]) & 0xE0) == 0xE0 && (static_cast<unsigned char>(head[1]) & 0x06) != 0)
    return "audio/mpeg";
  if (at(head, 0, "OggS")) return "audio/ogg";
  if (at(head, 0, "RIFF") && at(head, 8, "WAVE")) return "audio/wav";
  if (at(head, 0, "#!AMR")) return "audio/amr";
  if (at(head, 0, "fLaC")) return "audio/flac";
  return iso_media(head);
}

}  // namespace ykien
