#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for Framewise: system packages (only those missing),
# pnpm at the pinned version, dependencies, and a build. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js >= 20.19 is required and was not found on PATH" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Framewise needs Node.js >= 20.19 (found $(node --version))" >&2
  exit 1
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# System packages the media pipeline and interchange checks use, installed only when missing.
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
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION with npm"
  if [ -w "$(npm prefix -g 2>/dev/null)" ]; then
    npm install -g --silent "pnpm@$PNPM_VERSION"
  else
    as_root npm install -g --silent "pnpm@$PNPM_VERSION"
  fi
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm run --silent build >/dev/null
echo "setup: ready (node $(node --version), pnpm $(pnpm --version), $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3))"
