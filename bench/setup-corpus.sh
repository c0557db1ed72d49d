#!/usr/bin/env bash
# Unpacks the Debian linux-source-6.1 tree once, outside the repository, as the search bench corpus.
# Usage: bench/setup-corpus.sh [target-dir]   (default: /tmp/boris-bench; the tree lands in
# <target-dir>/linux-source-6.1). Needs apt-get and root (or sudo); skips with a message otherwise.
set -euo pipefail

TARGET="${1:-${BORIS_BENCH_DIR:-/tmp/boris-bench}}"
CORPUS="$TARGET/linux-source-6.1"

# Debian's packaging appends "/*" + "!/debian/" to the top-level .gitignore (its own repository
# keeps only debian/ there). Searches honour .gitignore outside git repositories too, so with that
# tail every search of the corpus would find nothing: cut it, giving the upstream kernel's rules.
strip_debian_ignore() {
  sed -i '/^# Debian packaging/,$d' "$CORPUS/.gitignore" 2>/dev/null || true
}

if [ -d "$CORPUS" ] && [ -f "$CORPUS/.boris-corpus-ready" ]; then
  strip_debian_ignore
  echo "corpus ready: $CORPUS"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "skip: apt-get is not available on this machine; install linux-source-6.1 some other way" \
    "and unpack it to $CORPUS (or point BORIS_BENCH_CORPUS at any big source tree)." >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "skip: installing linux-source-6.1 needs root (or sudo)." >&2
    exit 0
  fi
fi

TARBALL="$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1 || true)"
if [ -z "$TARBALL" ]; then
  echo "installing linux-source-6.1 with apt-get …"
  $SUDO apt-get update -qq
  PKGS="linux-source-6.1"
  command -v xz >/dev/null 2>&1 || PKGS="$PKGS xz-utils"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PKGS
  TARBALL="$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1 || true)"
fi
if [ -z "$TARBALL" ]; then
  echo "skip: linux-source-6.1 installed no tarball under /usr/src." >&2
  exit 0
fi

echo "unpacking $TARBALL to $TARGET …"
mkdir -p "$TARGET"
rm -rf "$CORPUS"
tar -xf "$TARBALL" -C "$TARGET"
strip_debian_ignore
touch "$CORPUS/.boris-corpus-ready"
echo "corpus ready: $CORPUS ($(find "$CORPUS" -type f | wc -l) files)"
