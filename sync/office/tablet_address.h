// The server's address as a tablet must use it, for the enrollment QR code: the page
// may have been opened on the server PC itself (http://127.0.0.1:8080), an address
// that leads a tablet nowhere.
#pragma once

#include <string>
#include <vector>

namespace ykien::office {

// `host` as a Host header gives it ("127.0.0.1:8080", "[::1]:8080", "localhost",
// "xa-an-binh.local:8080"). A loopback host becomes the first of `lan_addresses` (with
// the port kept) when the server listens beyond loopback (`listen_host` a wildcard, or
// empty); any other host is kept: it is the one the office reached the server by.
std::string tablet_host(const std::string &host, const std::string &listen_host,
                        const std::vector<std::string> &lan_addresses);

// True for "localhost", 127.0.0.0/8 and ::1, with or without a port.
bool is_loopback_host(const std::string &host);

// This machine's IPv4 addresses on interfaces that are up and running, loopback left
// out, private LAN ranges first.
std::vector<std::string> lan_addresses();

}  // namespace ykien::office
