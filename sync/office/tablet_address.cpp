#include "tablet_address.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace ykien::office {
namespace {

// `host` without its port: "[::1]:8080" → "::1", "a.b:80" → "a.b".
std::string name_of(const std::string &host) {
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    return close == std::string::npos ? host : host.substr(1, close - 1);
  }
  const auto colon = host.find(':');
  if (colon != std::string::npos && host.find(':', colon + 1) == std::string::npos) return host.substr(0, colon);
  return host;  // no port, or a bare IPv6 address
}

// ":8080" from "127.0.0.1:8080" or "[::1]:8080"; "" when none.
std::string port_of(const std::string &host) {
  const auto close = host.rfind(']');
  const auto colon = host.rfind(':');
  if (colon == std::string::npos || (close != std::string::npos && colon < close)) return {};
  if (close == std::string::npos && host.find(':') != colon) return {};  // a bare IPv6 address
  return host.substr(colon);
}

// Container bridges, virtual machines' host networks, VPN tunnels.
bool virtual_interface(const char *name) {
  const std::string_view n = name ? name : "";
  for (const char *prefix : {"docker", "br-", "virbr", "vboxnet", "vmnet", "tun", "tap", "wg", "zt"})
    if (n.starts_with(prefix)) return true;
  return false;
}

// The source address of this PC's default route: a UDP socket "connected" to a
// public address (nothing is sent) names the interface the route goes out by.
std::string default_route_address() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return {};
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(53);
  ::inet_pton(AF_INET, "203.113.131.1", &to.sin_addr);  // any public address
  std::string out;
  sockaddr_in local{};
  socklen_t len = sizeof local;
  char text[INET_ADDRSTRLEN] = {};
  if (::connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &len) == 0 &&
      ::inet_ntop(AF_INET, &local.sin_addr, text, sizeof text) != nullptr)
    out = text;
  ::close(fd);
  return out;
}

bool wildcard(const std::string &listen_host) {
  return listen_host.empty() || listen_host == "0.0.0.0" || listen_host == "::" || listen_host == "[::]";
}

}  // namespace

bool is_loopback_host(const std::string &host) {
  const std::string name = name_of(host);
  const bool dotted = name.find_first_not_of("0123456789.") == std::string::npos;
  return name == "localhost" || name == "::1" || (dotted && name.starts_with("127."));
}

std::string tablet_host(const std::string &host, const std::string &listen_host,
                        const std::vector<std::string> &lan_addresses) {
  if (!is_loopback_host(host)) return host;
  if (!wildcard(listen_host)) {
    if (is_loopback_host(listen_host)) return host;  // tablets cannot reach it at all
    const bool v6 = listen_host.find(':') != std::string::npos && !listen_host.starts_with('[');
    return (v6 ? "[" + listen_host + "]" : listen_host) + port_of(host);
  }
  if (lan_addresses.empty()) return host;
  return lan_addresses.front() + port_of(host);
}

std::vector<std::string> lan_addresses() {
  std::vector<std::string> out;
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (const ifaddrs *i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if (!(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_RUNNING) || (i->ifa_flags & IFF_LOOPBACK)) continue;
    if (virtual_interface(i->ifa_name)) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto *in = reinterpret_cast<const sockaddr_in *>(i->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) != nullptr) out.emplace_back(text);
  }
  freeifaddrs(list);
  // The address this PC reaches the network by first (its default route), then a
  // commune office's LAN (192.168/16, 10/8, 172.16/12): a VPN's or a container
  // bridge's address would lead a tablet nowhere.
  const std::string routed = default_route_address();
  const auto rank = [&](const std::string &a) {
    if (a == routed) return -1;
    if (a.starts_with("192.168.")) return 0;
    if (a.starts_with("10.")) return 1;
    if (a.starts_with("172.")) {
      const int second = std::atoi(a.c_str() + 4);
      if (second >= 16 && second <= 31) return a.starts_with("172.17.") ? 3 : 2;  // 172.17: docker0
    }
    return 4;
  };
  std::stable_sort(out.begin(), out.end(), [&](const std::string &x, const std::string &y) { return rank(x) < rank(y); });
  return out;
}

}  // namespace ykien::office
