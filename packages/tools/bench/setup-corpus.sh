#!/usr/bin/env bash
# Installs and unpacks the search bench corpus (Debian linux-source-6.1, to /tmp/boris-bench).
# The script itself is shared with the repository-level bench: bench/setup-corpus.sh at the root.
set -euo pipefail
exec bash "$(cd "$(dirname "$0")" && pwd)/../../../bench/setup-corpus.sh" "$@"
