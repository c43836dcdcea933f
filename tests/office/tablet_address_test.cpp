// The server's address a tablet is given by the enrollment QR code (docs/office.md,
// "Devices"): a page opened on the server PC by 127.0.0.1 must not hand it on.
#include <catch2/catch.hpp>

#include "tablet_address.h"

using namespace ykien::office;

TEST_CASE("office: a loopback address becomes the PC's LAN address for tablets and others are kept", "[office]") {
  const std::vector<std::string> lan{"192.168.1.20", "10.0.0.5"};
  CHECK(tablet_host("127.0.0.1:8080", "0.0.0.0", lan) == "192.168.1.20:8080");
  CHECK(tablet_host("localhost:8080", "", lan) == "192.168.1.20:8080");
  CHECK(tablet_host("[::1]:8443", "::", lan) == "192.168.1.20:8443");
  CHECK(tablet_host("127.0.0.1", "0.0.0.0", lan) == "192.168.1.20");
  // The address the office reached the server by works for tablets on that network.
  CHECK(tablet_host("192.168.1.20:8080", "0.0.0.0", lan) == "192.168.1.20:8080");
  CHECK(tablet_host("xa-an-binh.local:8080", "0.0.0.0", lan) == "xa-an-binh.local:8080");
  // Listening on one address: that one; on loopback only, nothing better exists.
  CHECK(tablet_host("127.0.0.1:8080", "10.0.0.5", lan) == "10.0.0.5:8080");
  CHECK(tablet_host("127.0.0.1:8080", "fd00::5", lan) == "[fd00::5]:8080");
  CHECK(tablet_host("127.0.0.1:8080", "127.0.0.1", lan) == "127.0.0.1:8080");
  // No network: kept (the page then says so).
  CHECK(tablet_host("127.0.0.1:8080", "0.0.0.0", {}) == "127.0.0.1:8080");

  CHECK(is_loopback_host("127.0.0.1:8080"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("[::1]:80"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("192.168.1.20:8080"));
  CHECK_FALSE(is_loopback_host("localhost.example.vn"));
  CHECK_FALSE(is_loopback_host("127.example.vn:8080"));
  for (const auto &address : lan_addresses()) CHECK_FALSE(is_loopback_host(address));
}
