// Secrets: device tokens (256-bit random, stored only as SHA-256) and enrollment codes.
#pragma once

#include <string>
#include <string_view>

namespace ykien::server {

// 64 lowercase hex digits from OpenSSL's CSPRNG (256 bits).
std::string new_device_token();
// A one-time enrollment code an operator can read aloud: "K7QM-W3XD-P9TA"
// (12 symbols of a 32-letter alphabet without 0/O/1/I: 60 bits).
std::string new_enrollment_code();
// Codes compare after upper-casing and dropping dashes and spaces.
std::string normalize_code(std::string_view code);
// SHA-256 as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
// HMAC-SHA-256 of `data` under `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace ykien::server
