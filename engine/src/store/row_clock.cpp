#include "store/row_clock.h"

#include <algorithm>

namespace ykien {

namespace {

void put_varint(std::string &out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool get_varint(std::string_view in, size_t &pos, uint64_t &v) {
  v = 0;
  for (int shift = 0; shift < 64 && pos < in.size(); shift += 7) {
    auto b = static_cast<unsigned char>(in[pos++]);
    v |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

CellStamp RowClock::get(int col) const {
  uint64_t bit = uint64_t{1} << col;
  for (const auto &g : groups_)
    if (g.mask & bit) return g.stamp;
  return {};
}

void RowClock::set(uint64_t mask, const CellStamp &stamp) {
  if (mask == 0) return;
  for (auto &g : groups_) g.mask &= ~mask;
  std::erase_if(groups_, [](const Group &g) { return g.mask == 0; });
  for (auto &g : groups_) {
    if (g.stamp.same_write(stamp) && g.stamp.seq == stamp.seq && g.stamp.base == stamp.base) {
      g.mask |= mask;
      return;
    }
  }
  groups_.push_back({mask, stamp});
}

bool RowClock::has_seq(int64_t seq) const {
  return std::any_of(groups_.begin(), groups_.end(), [&](const Group &g) { return g.stamp.seq == seq; });
}

uint64_t RowClock::mask_at(int64_t seq) const {
  uint64_t mask = 0;
  for (const auto &g : groups_)
    if (g.stamp.seq == seq) mask |= g.mask;
  return mask;
}

std::string RowClock::encode() const {
  std::string out;
  encode_into(out);
  return out;
}

void RowClock::encode_into(std::string &out) const {
  out.clear();
  out.reserve(2 + groups_.size() * 24);
  put_varint(out, groups_.size());
  for (const auto &g : groups_) {
    put_varint(out, g.mask);
    put_varint(out, g.stamp.hlc.raw());
    put_varint(out, g.stamp.site);
    put_varint(out, static_cast<uint64_t>(g.stamp.seq));
    put_varint(out, g.stamp.base.raw());
  }
}

Result<RowClock> RowClock::decode(std::string_view bytes) {
  RowClock clock;
  size_t pos = 0;
  uint64_t n = 0;
  if (!get_varint(bytes, pos, n) || n > 64) return Status(ErrorCode::corrupt, "row clock: bad group count");
  clock.groups_.resize(n);
  for (auto &g : clock.groups_) {
    uint64_t hlc, seq, base;
    if (!get_varint(bytes, pos, g.mask) || !get_varint(bytes, pos, hlc) ||
        !get_varint(bytes, pos, g.stamp.site) || !get_varint(bytes, pos, seq) ||
        !get_varint(bytes, pos, base))
      return Status(ErrorCode::corrupt, "row clock: truncated");
    g.stamp.hlc = Hlc(hlc);
    g.stamp.seq = static_cast<int64_t>(seq);
    g.stamp.base = Hlc(base);
  }
  if (pos != bytes.size()) return Status(ErrorCode::corrupt, "row clock: trailing bytes");
  return clock;
}

}  // namespace ykien
