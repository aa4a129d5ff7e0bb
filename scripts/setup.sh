#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for Framewise: system packages (only those missing),
# pnpm at the pinned version, dependencies, and a build. Safe to run again: it skips what is there.
#
# Each step is announced with the time since the start, and reports how long it took. A step's own
# output goes to a temporary log, printed only when the step fails; a step that runs for more than
# a minute says so once a minute, so a CI log never goes silent for long.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
STARTED=$SECONDS

# 75 → "1m15s", 8 → "8s".
duration() {
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

say() {
  printf 'setup [%s] %s\n' "$(duration $((SECONDS - STARTED)))" "$*"
}

fail() {
  say "$*" >&2
  exit 1
}

heartbeat_pid=
stop_heartbeat() {
  if [ -n "$heartbeat_pid" ]; then
    kill "$heartbeat_pid" 2>/dev/null || true
    wait "$heartbeat_pid" 2>/dev/null || true
    heartbeat_pid=
  fi
}
trap stop_heartbeat EXIT

# step "what it does" command...: announce, run quietly (output kept in a log), report the time it
# took, or print the log's tail and stop on failure.
step() {
  local label=$1
  shift
  local begun=$SECONDS log status
  log=$(mktemp "${TMPDIR:-/tmp}/framewise-setup.XXXXXX")
  say "$label ..."
  (
    # Its sleep is killed with it, so no process outlives the step.
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 60 &
      sleeper=$!
      wait "$sleeper"
      say "  still $label ($(duration $((SECONDS - begun))) so far)"
    done
  ) &
  heartbeat_pid=$!
  if "$@" >"$log" 2>&1; then status=0; else status=$?; fi
  stop_heartbeat
  if [ "$status" -ne 0 ]; then
    say "FAILED: $label (exit $status after $(duration $((SECONDS - begun)))); the last lines of its output:" >&2
    tail -n 40 "$log" >&2
    rm -f "$log"
    exit "$status"
  fi
  rm -f "$log"
  say "done: $label ($(duration $((SECONDS - begun))))"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

say "checking Node.js"
command -v node >/dev/null 2>&1 || fail "Node.js >= 20.19 is required and was not found on PATH"
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  fail "Framewise needs Node.js >= 20.19 (found $(node --version))"
fi

# System packages the media pipeline and interchange checks use, installed only when missing.
say "checking system packages"
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v mediainfo >/dev/null 2>&1 || missing+=(mediainfo)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
# PostgreSQL server binaries for the catalog store's integration tests (not started as a service).
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
# redis-server for the BullMQ queue backend's tests and benchmark (started on loopback by them).
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# OpenSSH's sshd and pure-ftpd for the SFTP and FTP/FTPS drop-folder tests (started on loopback by them).
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/sbin/pure-ftpd ] || missing+=(pure-ftpd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# strace: the durability tests check which directories are fsynced after a create or rename.
command -v strace >/dev/null 2>&1 || missing+=(strace)
# Headless Chromium: the HTML report and encrypted-playback (EME ClearKey) tests open pages in it.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# getfattr and FUSE 2 (fusermount) for the LTFS tape tests: the LTFS build below installs them too,
# and Debian's fuse3 conflicts with the fuse package LTFS needs, so it is never installed here.
command -v getfattr >/dev/null 2>&1 || missing+=(attr)
command -v fusermount >/dev/null 2>&1 || missing+=(fuse)
if [ ${#missing[@]} -gt 0 ]; then
  # Ask for sudo's password (if any) now, in the foreground, not in the middle of a quiet step.
  [ "$(id -u)" -eq 0 ] || sudo -v
  step "updating apt package lists (apt-get update)" as_root apt-get update -qq
  step "installing ${missing[*]} (apt-get install)" \
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "system packages: all present"
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ -w "$(npm prefix -g 2>/dev/null)" ]; then
    step "installing pnpm $PNPM_VERSION (npm install -g)" npm install -g --silent "pnpm@$PNPM_VERSION"
  else
    sudo -v
    step "installing pnpm $PNPM_VERSION (sudo npm install -g)" as_root npm install -g --silent "pnpm@$PNPM_VERSION"
  fi
else
  say "pnpm $PNPM_VERSION: present"
fi

# The LTFS reference implementation (2.4.8.4, BSD) with its file backend, for the tape adapter's
# tests and the demo's tape step: built once per machine from the vendored tarball in ../shared.
LTFS_PREFIX=${FRAMEWISE_LTFS_PREFIX:-/opt/ltfs}
if [ -x "$LTFS_PREFIX/bin/mkltfs" ] && [ -x "$LTFS_PREFIX/bin/ltfs" ]; then
  say "LTFS: present in $LTFS_PREFIX"
elif [ -f ../shared/tools/ltfs/build.sh ]; then
  step "building the LTFS reference implementation into $LTFS_PREFIX (once per machine)" \
    bash ../shared/tools/ltfs/build.sh "$LTFS_PREFIX"
else
  say "LTFS: not built (../shared/tools/ltfs/build.sh not found); the tape tests will say what is missing"
fi

step "installing workspace dependencies (pnpm install --frozen-lockfile)" pnpm install --frozen-lockfile --reporter=silent
step "building the packages (pnpm build)" pnpm run --silent build

say "ready: node $(node --version), pnpm $(pnpm --version), $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3)"
