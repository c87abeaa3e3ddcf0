#!/bin/sh
# Installs the build dependencies that pkg-config cannot find. Never prompts.
# Usage: scripts/deps.sh PKGCONFIG_NAME...
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
for p in "$@"; do
  pkg-config --exists "$p" 2>/dev/null || missing="$missing $p"
done
command -v cc >/dev/null 2>&1 || missing="$missing cc"
[ -z "$missing" ] && exit 0
debs=""
for m in $missing; do
  case "$m" in
    pkg-config) debs="$debs pkg-config" ;;
    libcurl) debs="$debs libcurl4-openssl-dev" ;;
    libarchive) debs="$debs libarchive-dev" ;;
    jansson) debs="$debs libjansson-dev" ;;
    zlib) debs="$debs zlib1g-dev" ;;
    libcrypto) debs="$debs libssl-dev" ;;
    libzstd) debs="$debs libzstd-dev" ;;
    libisal) debs="$debs libisal-dev" ;;
    cc) debs="$debs gcc make" ;;
  esac
done
if ! command -v apt-get >/dev/null 2>&1; then
  if [ "$(echo $missing)" = "libisal" ]; then
    echo "llm4rec-data: note: ISA-L (libisal) not found; .gz files will be inflated with zlib (slower)" >&2
    exit 0
  fi
  echo "llm4rec-data: missing build dependencies:$missing" >&2
  echo "llm4rec-data: install the development packages of libcurl, libarchive, jansson, zlib, OpenSSL (libcrypto) and zstd, and pkg-config" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "llm4rec-data: missing build dependencies ($debs ); run as root: apt-get install$debs" >&2
    exit 1
  fi
fi
echo "llm4rec-data: installing build dependencies:$debs" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q $debs >&2 || {
  $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q $debs >&2
} || { echo "llm4rec-data: could not install:$debs" >&2; exit 1; }
