// The sync progress line, without a server: the pull's bar from the share of the
// server's log gone through (PullReply scanned/left), its estimated total and time left.
#include <catch2/catch.hpp>

#include "i18n.h"
#include "sync_progress.h"

using ykien::cli::SyncCounts;
using ykien::cli::SyncProgressView;

TEST_CASE("the pull's bar shows the share of the log done and an estimated total", "[cli][sync]") {
  ykien::cli::set_lang(ykien::cli::Lang::vi);
  SyncCounts c;
  c.phase = "pull";
  c.pulled = 800;
  c.bytes_received = 2048;
  c.pull_scanned = 400;
  c.pull_left = 600;
  CHECK(SyncProgressView::render(c, 0, 10.0, true) ==
        "Nhận về [████████░░░░░░░░░░░░] 40% 800/≈2.000 thay đổi, 2,0 kB, còn khoảng 15 giây");
  CHECK(SyncProgressView::render(c, 0, 10.0, false) == "Nhận về 40% 800/≈2.000 thay đổi, 2,0 kB, còn khoảng 15 giây");
  // The last batch: exact.
  c.pulled = 1900;
  c.pull_scanned = 1000;
  c.pull_left = 0;
  CHECK(SyncProgressView::render(c, 0, 30.0, false) == "Nhận về 100% 1.900/1.900 thay đổi, 2,0 kB");
  // A server that does not say: counts only.
  c.pull_left = -1;
  CHECK(SyncProgressView::render(c, 0, 30.0, false) == "Nhận về 1.900 thay đổi, 2,0 kB");
  ykien::cli::set_lang(ykien::cli::Lang::en);
  c.pull_scanned = 400;
  c.pull_left = 600;
  c.pulled = 800;
  CHECK(SyncProgressView::render(c, 0, 10.0, false) == "Receiving 40% 800/≈2,000 changes, 2.0 kB, about 15 s left");
  ykien::cli::set_lang(ykien::cli::Lang::vi);
}
