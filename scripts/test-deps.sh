#!/bin/sh
# Installs what the tests need beyond the build, when it is missing (never prompts): Debian's
# python3-pandas for /usr/bin/python3, Node.js and npm, and Polars and DuckDB from the npm
# registry into bench/node_modules (versions pinned in bench/package.json), for the loader tests
# (tests/cli/test_loaders.sh, which fails naming this script when they are still missing); zsh,
# groff, man and mandoc for the install test (the completion and the man page); igzip (isal) and
# GNU time for bench/scale.sh's test.
top=$(cd "$(dirname "$0")/.." && pwd)
debs=""
/usr/bin/python3 -c "import pandas" 2>/dev/null || debs="$debs python3-pandas"
# Node.js: Debian's nodejs and npm only where there is no node at all (a NodeSource nodejs
# carries its own npm and conflicts with Debian's npm package)
command -v node >/dev/null 2>&1 || debs="$debs nodejs npm"
command -v zsh >/dev/null 2>&1 || debs="$debs zsh"
command -v groff >/dev/null 2>&1 || debs="$debs groff-base"
command -v man >/dev/null 2>&1 || debs="$debs man-db"
command -v mandoc >/dev/null 2>&1 || debs="$debs mandoc"
# igzip and GNU time for the bench scripts' own test (tests/cli/test_bench.sh runs bench/scale.sh)
command -v igzip >/dev/null 2>&1 || debs="$debs isal"
[ -x /usr/bin/time ] || debs="$debs time"
if [ -n "$debs" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "llm4rec-data: installing test dependencies:$debs" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q $debs >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $debs >/dev/null 2>&1; } ||
      echo "llm4rec-data: could not install:$debs (the loader tests will fail)" >&2
  else
    echo "llm4rec-data: missing test dependencies:$debs (as root: apt-get install$debs)" >&2
  fi
fi
if command -v npm >/dev/null 2>&1 &&
  ! node -e "require('$top/bench/node_modules/nodejs-polars'); require('$top/bench/node_modules/@duckdb/node-api')" 2>/dev/null; then
  echo "llm4rec-data: installing Polars and DuckDB for node into bench/node_modules" >&2
  (cd "$top/bench" && npm install --no-audit --no-fund --no-package-lock >/dev/null 2>&1) ||
    echo "llm4rec-data: npm install in bench/ failed (the loader tests will fail)" >&2
fi
exit 0
