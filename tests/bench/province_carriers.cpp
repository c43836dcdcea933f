#include "province_carriers.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "province_carrier_frames.h"
#include "province_exchanges.h"
#include "province_own_session.h"
#include "ykien/sync/curl_transport.h"

namespace ykien::bench {
namespace {

// The reply to one send frame: what the transport answered, and how long since the
// tablet asked.
Fields reply_to(sync::Transport &transport, const Fields &f) {
  const auto asked = asked_at(f[1]);
  const auto response = transport.send({f[2], f[3], headers_from(f, 5), f[4]});
  const std::string took = std::to_string(steady_ns() - asked.value_or(0));
  if (!response.ok()) {
    const Status &s = response.status();
    return {"failed", took, std::to_string(static_cast<int>(s.code())), s.message(), s.field()};
  }
  Fields reply{"reply", took, std::to_string(response->status), std::to_string(response->wire_bytes),
               response->body};
  append_headers(reply, response->headers);
  return reply;
}

// One carrier: the exchanges of whichever tablet holds its channel, until the bench
// closes it. A frame it does not understand ends it: the tablet's exchange then fails.
void carry(int fd) {
  std::unique_ptr<sync::Transport> transport;
  try {
    while (auto frame = read_frame(fd)) {
      const Fields &f = *frame;
      if (f.size() == 2 && f[0] == "open") {
        sync::CurlTransportOptions options;
        options.local_address = f[1];
        transport = sync::make_curl_transport(options);
      } else if (f.size() == 1 && f[0] == "close_idle") {
        if (transport) transport->close_idle();
      } else if (f.size() == 1 && f[0] == "close") {
        transport.reset();
      } else if (f.size() >= 5 && f.size() % 2 == 1 && f[0] == "send" && transport) {
        if (!write_frame(fd, frame_of(reply_to(*transport, f)))) break;
      } else {
        break;
      }
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "ykien-bench serve: a carrier stopped: %s\n", e.what());
  }
  ::close(fd);
}

[[noreturn]] void run_carriers(const std::vector<int> &channels) {
  try {
    std::vector<std::thread> carriers;
    carriers.reserve(channels.size());
    for (int fd : channels) carriers.emplace_back(carry, fd);
    for (auto &c : carriers) c.join();
  } catch (const std::exception &e) {  // a thread could not be made: the bench's tablets fail, and say why
    std::fprintf(stderr, "ykien-bench serve: the carriers' process stopped: %s\n", e.what());
    std::fflush(nullptr);
    _exit(1);
  }
  std::fflush(nullptr);
  _exit(0);  // not the bench's exit handlers: they are the bench process's
}

Status carriers_gone() {
  return {ErrorCode::network, "the bench's carrier is gone (the carriers' process's end is reported after the run)"};
}

Status malformed_reply() { return {ErrorCode::internal, "a malformed reply from the bench's carrier"}; }

}  // namespace

class CarriedTransport final : public sync::Transport {
 public:
  CarriedTransport(CarrierProcess &carriers, const std::string &local_address, ExchangeTimes *times)
      : carriers_(carriers), fd_(carriers.take_channel()), times_(times) {
    usable_ = fd_ >= 0 && write_frame(fd_, frame_of({"open", local_address}));
  }
  ~CarriedTransport() override {
    if (usable_) usable_ = write_frame(fd_, frame_of({"close"}));
    carriers_.give_back(fd_, usable_);
  }
  CarriedTransport(const CarriedTransport &) = delete;
  CarriedTransport &operator=(const CarriedTransport &) = delete;

  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override {
    if (!usable_) return carriers_gone();
    std::string frame = send_frame_of(request);
    stamp_send_frame(frame);
    const auto in = write_frame(fd_, frame) ? read_frame(fd_) : std::nullopt;
    if (!in) {
      usable_ = false;
      return carriers_gone();
    }
    const Fields &f = *in;
    if (f.size() < 5) {
      usable_ = false;
      return malformed_reply();
    }
    const auto took_ns = number(f[1]);
    const auto code = number(f[2]);
    const auto wire_bytes = number(f[3]);
    Result<sync::HttpResponse> response = malformed_reply();
    if (f[0] == "reply" && took_ns && code && wire_bytes) {
      response = sync::HttpResponse{static_cast<int>(*code), headers_from(f, 5), f[4], *wire_bytes};
    } else if (f[0] == "failed" && took_ns && code && *code != 0) {
      response = Status(static_cast<ErrorCode>(*code), f[3], f[4]);
    } else {
      usable_ = false;  // what follows on this channel cannot be trusted either
      return response;
    }
    if (times_) times_->add(request.url, static_cast<double>(*took_ns) / 1e6, response);
    return response;
  }
  void close_idle() override {
    if (usable_) usable_ = write_frame(fd_, frame_of({"close_idle"}));
  }

 private:
  CarrierProcess &carriers_;
  const int fd_;  // -1: no carrier left
  ExchangeTimes *times_;
  bool usable_ = false;
};

CarrierProcess::CarrierProcess(int channels) {
  std::vector<int> theirs;
  const auto close_all = [&] {
    for (int fd : channels_) ::close(fd);
    for (int fd : theirs) ::close(fd);
  };
  for (int i = 0; i < channels; ++i) {
    int pair[2];
    // Close-on-exec: a server started later must not hold a channel open.
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      const std::string why = std::strerror(errno);
      close_all();
      throw std::runtime_error("carriers: socketpair: " + why + " (raise the open files limit: ulimit -n)");
    }
    channels_.push_back(pair[0]);
    theirs.push_back(pair[1]);
  }
  // A session, hence a scheduling group, of its own at normal weight: not the
  // bench's, which yields the CPU during the burst. SIGKILL when the bench dies:
  // nothing is left to carry.
  pid_ = fork_in_own_session(SIGKILL);
  if (pid_ < 0) {
    const std::string why = std::strerror(errno);
    close_all();
    throw std::runtime_error("carriers: fork: " + why);
  }
  if (pid_ == 0) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);  // the bench's handlers are its own
    for (int fd : channels_) ::close(fd);
    run_carriers(theirs);
  }
  for (int fd : theirs) ::close(fd);
  free_ = channels_;
  alive_ = channels;
}

CarrierProcess::~CarrierProcess() {
  assert(leased_ == 0);  // a transport outliving its carriers would write to closed channels
  for (int fd : channels_) ::close(fd);  // each carrier reads the end of its channel and stops
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    std::fprintf(stderr, "ykien-bench serve: the carriers' process was killed by signal %d\n", WTERMSIG(status));
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    std::fprintf(stderr, "ykien-bench serve: the carriers' process failed (exit code %d)\n", WEXITSTATUS(status));
}

std::unique_ptr<sync::Transport> CarrierProcess::transport(const std::string &local_address, ExchangeTimes *times) {
  return std::make_unique<CarriedTransport>(*this, local_address, times);
}

int CarrierProcess::take_channel() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return !free_.empty() || alive_ == 0; });
  if (free_.empty()) return -1;
  const int fd = free_.back();
  free_.pop_back();
  ++leased_;
  return fd;
}

void CarrierProcess::give_back(int fd, bool usable) {
  {
    std::lock_guard lock(mutex_);
    if (fd < 0) return;
    --leased_;
    if (usable) {
      free_.push_back(fd);
    } else {
      --alive_;  // kept out: closed with the others at the end
    }
  }
  freed_.notify_all();
}

}  // namespace ykien::bench
