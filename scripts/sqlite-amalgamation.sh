#!/usr/bin/env bash
# Makes the SQLite amalgamation (sqlite3.c, sqlite3.h) for YKIEN_SQLITE_AMALGAMATION
# (docs/android.md) from Debian 12's sqlite3 source package: the same SQLite, Debian's
# security fixes included, as the libsqlite3 the desktop build links.
#   scripts/sqlite-amalgamation.sh OUTDIR
# Writes OUTDIR/sqlite3.c, OUTDIR/sqlite3.h and OUTDIR/VERSION (the Debian version).
# Does nothing when they are there already: delete OUTDIR to make them again.
# Needs the network the first time (deb.debian.org, or YKIEN_DEBIAN_MIRROR; suite
# YKIEN_DEBIAN_SUITE, bookworm by default), and
# apt-get, dpkg-source (dpkg-dev), tclsh (tcl), xz (xz-utils), make and a C compiler.
# The system's apt configuration is not touched: the source index is kept in OUTDIR.
set -euo pipefail

say() { echo "sqlite-amalgamation: $*"; }
die() { echo "sqlite-amalgamation: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: scripts/sqlite-amalgamation.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1" || die "cannot create $1"
out=$(cd "$1" && pwd)
suite=${YKIEN_DEBIAN_SUITE:-bookworm}
mirror=${YKIEN_DEBIAN_MIRROR:-http://deb.debian.org}

up_to_date() { [ -s "$out/sqlite3.c" ] && [ -s "$out/sqlite3.h" ] && [ -s "$out/VERSION" ]; }
if up_to_date; then
  say "up to date: $out (Debian sqlite3 $(cat "$out/VERSION"))"
  exit 0
fi

# One run at a time per OUTDIR (parallel CTest runs, two build directories).
if command -v flock >/dev/null; then
  exec 9>"$out/.lock"
  flock 9
  if up_to_date; then say "made meanwhile by another run: $out"; exit 0; fi
fi

missing=()
need() { command -v "$1" >/dev/null || missing+=("$2 (for $1)"); }
need apt-get apt
need dpkg-source dpkg-dev
need tclsh tcl
need xz xz-utils
need make make
need cc build-essential
[ ${#missing[@]} -eq 0 ] || die "missing Debian packages: ${missing[*]} — scripts/install-deps.sh installs them"

# Intermediate files stay in OUTDIR/.work until it succeeds, so that a run cut
# short (no network, a missing tool) resumes without downloading again.
work="$out/.work"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache"
log="$work/log"
: >"$log"
# run WHAT CMD...: CMD's output goes to the log, shown (its end) when CMD fails.
run() {
  local what=$1
  shift
  "$@" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "$what failed (full log: $log)"; }
}

apt_opts=(
  -o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
  -o "APT::Sandbox::User=$(id -un)" -q
)
printf 'deb-src %s/debian %s main\ndeb-src %s/debian-security %s-security main\n' \
  "$mirror" "$suite" "$mirror" "$suite" >"$work/apt/sources.list"

if [ ! -d "$work/download" ]; then
  say "fetching the Debian source index ($suite, $mirror)"
  run "fetching the source index from $mirror" apt-get "${apt_opts[@]}" --error-on=any update
  say "downloading the sqlite3 source package"
  rm -rf "$work/download.part"
  mkdir -p "$work/download.part"
  (cd "$work/download.part" && run "downloading" apt-get "${apt_opts[@]}" source --download-only sqlite3)
  mv "$work/download.part" "$work/download"  # complete: kept for a rerun
fi
dscs=("$work/download"/sqlite3_*.dsc)
dsc=${dscs[-1]}
[ -f "$dsc" ] || die "no sqlite3 .dsc in $work/download: delete it and run again"
version=$(sed -n 's/^Version: //p' "$dsc")
[ -n "$version" ] || die "no Version in $dsc"

say "unpacking sqlite3 $version with Debian's patches"
rm -rf "$work/src" "$work/build"
run "unpacking" dpkg-source -x "$dsc" "$work/src"

# configure checks for tclsh; --disable-tcl: the TCL extension is not wanted, only
# the generator scripts that tclsh runs.
say "configuring"
mkdir -p "$work/build"
(cd "$work/build" && run "configure" "$work/src/configure" --disable-tcl --disable-readline)
say "generating sqlite3.c (tclsh)"
run "make sqlite3.c" make -C "$work/build" sqlite3.c

# Published by rename: a reader never sees half a file.
for f in sqlite3.c sqlite3.h; do
  cp "$work/build/$f" "$out/$f.tmp"
  mv "$out/$f.tmp" "$out/$f"
done
echo "$version" >"$out/VERSION.tmp" && mv "$out/VERSION.tmp" "$out/VERSION"
rm -rf "$work"
sqlite_version=$(sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"/\1/p' "$out/sqlite3.h")
say "done: $out/sqlite3.c (SQLite $sqlite_version, Debian sqlite3 $version)"
