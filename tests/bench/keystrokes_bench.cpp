// ykien-bench keystrokes: what a secretary types into `ykien record` beyond the
// texts themselves (content, name, answer, department), per kind of opinion, and how
// long the app takes per opinion when a whole meeting is typed (docs/benchmarks.md).
// Runs the built `ykien` binary on a scripted stdin, as a user at a terminal would.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench.h"

namespace ykien::bench {
namespace {

// One keystroke run: `text` true for what the citizen said (not counted), false for
// what the form asks of the secretary (every character, Enter included, counted).
struct Typed {
  std::string keys;
  bool text;
};

struct Kind {
  const char *name;
  const char *status;  // what the opinion must end as: the script was read as meant
  std::vector<Typed> typed;
};

// The opinions of a meeting as the form takes them (docs/field-cli.md, "Interactive
// recording"): field by number, the outcome by number, defaults taken with Enter.
std::vector<Kind> kinds() {
  return {
      {"answered", "answered",  // named citizen, field, answered at the meeting, satisfied
       {{"Đề nghị sửa đường bê tông ấp 3", true}, {"\n", false}, {"Nguyễn Văn Ba", true}, {"\n", false},
        {"3\n", false}, {"1\n", false}, {"Xã sẽ sửa trong quý III", true}, {"\n", false}, {"1\n", false}}},
      {"assigned", "assigned",  // anonymous, field by name, assigned with the default due date
       {{"Cống thoát nước bị tắc", true}, {"\n\n", false}, {"ve sinh\n", false}, {"3\n", false},
        {"Phòng Quản lý đô thị", true}, {"\n\n", false}}},
      {"appointment", "scheduled",  // named, the previous field, an appointment at the defaults
       {{"Xin hướng dẫn thủ tục tách thửa", true}, {"\n", false}, {"Lê Thị Hạnh", true}, {"\n", false},
        {"\n", false}, {"2\n\n\n", false}}},
      {"later", "received",  // anonymous, the previous field, noted for later
       {{"Đèn đường hẻm 7 hỏng", true}, {"\n\n\n", false}, {"4\n", false}}},
  };
}

long keys_of(const Kind &k) {
  long n = 0;
  for (const auto &t : k.typed) n += t.text ? 0 : static_cast<long>(t.keys.size());
  return n;
}

std::string quoted(const std::string &s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool run(const std::string &command) { return std::system(command.c_str()) == 0; }

std::string read_all(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

long occurrences(const std::string &text, const std::string &what) {
  long n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench keystrokes [--opinions N] [--quick]\n"
      "  keystrokes beyond the texts per kind of opinion in `ykien record`, and the time\n"
      "  per opinion of a typed meeting of N opinions (default 200; --quick: 20)\n",
      to);
  return to == stdout ? 0 : 2;
}

}  // namespace
}  // namespace ykien::bench

int bench_keystrokes(int argc, char **argv) {
  using namespace ykien::bench;
  int opinions = 200;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      opinions = 20;
    } else if (std::strcmp(argv[i], "--opinions") == 0) {
      if (!positive_option(argc, argv, i, opinions)) return usage(stderr);
    } else if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      return usage(stdout);
    } else {
      return usage(stderr);
    }
  }
  char pattern[] = "/tmp/ykien-bench-keys-XXXXXX";
  if (!mkdtemp(pattern)) return 1;
  const std::string dir = pattern;
  const std::string ykien = std::string(YKIEN_BENCH_CLI_PATH) + " --db " + quoted(dir + "/ykien.db");
  const std::string quiet = " >/dev/null 2>&1";
  bool ok = run(ykien + " init" + quiet) &&
            run(ykien + " unit add --name 'Tỉnh Bình Phước' --code 70 --kind province" + quiet) &&
            run(ykien + " unit add --name 'Phường Tân Phú' --code tan-phu --kind ward --parent 70" + quiet) &&
            run(ykien + " unit add --name 'Khu phố 3' --code kp-3 --kind hamlet --parent 70/tan-phu" + quiet) &&
            run(ykien + " meeting open --kind 1 --hamlet kp-3 --at '29/6/2024 7:30' --chair 'Bí thư'" + quiet);

  // A meeting: the kinds in turn, then an empty content to end it.
  const auto all = kinds();
  std::string script;
  long keys = 0;
  for (int i = 0; i < opinions; ++i) {
    const Kind &k = all[static_cast<size_t>(i) % all.size()];
    for (const auto &t : k.typed) script += t.keys;
    keys += keys_of(k);
  }
  script += "\n";
  std::ofstream(dir + "/typed.txt") << script;
  Stopwatch watch;
  ok = ok && run(ykien + " --json record < " + quoted(dir + "/typed.txt") + " > " + quoted(dir + "/out.json") +
                 " 2>/dev/null");
  const double seconds = watch.seconds();
  // Every opinion typed is recorded as meant (its outcome), or the figures mean nothing.
  ok = ok && read_all(dir + "/out.json").find("\"recorded\": " + std::to_string(opinions)) != std::string::npos;
  ok = ok && run(ykien + " --json opinion list --limit 100000 > " + quoted(dir + "/list.json") + " 2>/dev/null");
  const std::string list = ok ? read_all(dir + "/list.json") : std::string();
  for (size_t k = 0; k < all.size(); ++k) {
    const long expected = (opinions - static_cast<long>(k) + static_cast<long>(all.size()) - 1) / static_cast<long>(all.size());
    ok = ok && occurrences(list, std::string("\"status\": \"") + all[k].status + "\"") == expected;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!ok) {
    std::fputs("ykien-bench keystrokes: the typed meeting was not recorded whole, as typed\n", stderr);
    return 1;
  }
  for (const auto &k : all) figure(std::string("keystrokes_") + k.name + "_opinion", static_cast<double>(keys_of(k)), "keys");
  figure("keystrokes_per_opinion_meeting", static_cast<double>(keys) / opinions, "keys", 2);
  figure("keystrokes_meeting_opinions", opinions, "opinions");
  figure("keystrokes_record_ms_per_opinion", seconds * 1000.0 / opinions, "ms", 2);
  return 0;
}
