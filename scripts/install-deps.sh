#!/usr/bin/env bash
# Installs the Debian 12 packages ykien builds and tests with, when any is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev libcurl4-openssl-dev nlohmann-json3-dev catch2
  libmicrohttpd-dev libssl-dev zlib1g-dev libcli11-dev
  libdeflate-dev  # gzip of sync bodies (sync/src/gzip.h)
  libxlsxwriter-dev  # the field app's .xlsx exports
  postgresql libpq-dev
  default-jdk-headless
  tcl xz-utils  # scripts/sqlite-amalgamation.sh: the bundled SQLite's test
  nginx-light  # the serve/nginx test runs docs/nginx-province.conf
  libsodium-dev libmstch-dev libboost-dev libqrencode-dev  # the office (docs/office.md)
  chromium chromium-driver python3-selenium python3-openpyxl  # office/browser test
  clang libclang-rt-14-dev ccache  # scripts/fuzz.sh: libFuzzer targets (docs/fuzzing.md)
  libhowardhinnant-date-dev tzdata  # time zones: the tz database (docs/time.md)
  faketime  # clock/faketime: the field app on a really wrong clock
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ykien: missing Debian packages: ${missing[*]}" >&2
  echo "ykien: run this script as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "ykien: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
