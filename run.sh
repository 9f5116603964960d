#!/usr/bin/env bash
# The one entry point on a fresh Debian machine, as root. Installs what is missing (apt packages,
# npm ci, the build), then runs:
#   ./run.sh demo    reproduce a blocked bus port in a lab and diagnose it (the README's demo)
#   ./run.sh test    the whole test suite: unit tests and end-to-end tests on real clusters; with
#                    BUSDOCTOR_COMPAT_SERVERS=DIR[:DIR...] also the compatibility matrix on those servers
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v nft >/dev/null || missing+=(nftables)
command -v ip >/dev/null || missing+=(iproute2)
# The TLS lab makes its certificates with openssl.
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
# The alerting tests and bench/alerting.ts run the real Prometheus stack (promtool comes with prometheus).
command -v prometheus >/dev/null || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
command -v prometheus-redis-exporter >/dev/null || missing+=(prometheus-redis-exporter)
# The dashboard's browser tests drive Debian's chromium (never a downloaded browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ((${#missing[@]})); then
  echo "run.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian starts a redis-server on 127.0.0.1:6379 (and Prometheus, Alertmanager and redis_exporter on
# their default ports) after install; the lab never uses the host's network namespace, and the tests
# run their own Prometheus stack inside a lab or on free ports, so they do not get in the way.

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build

case "${1:-}" in
  demo)
    shift
    exec ./bin/busdoctor demo "$@"
    ;;
  test)
    shift
    # Everything is type-checked, tests, benchmarks and scripts included (the build checks src only).
    npm run --silent typecheck
    # The layer rules (.dependency-cruiser.cjs; README "How it is built"): pure code imports no I/O.
    npm run --silent lint:layers
    # Formatting and lint rules (biome.jsonc); `npm run format` rewrites the files it would change.
    npm run --silent lint:style
    results=$(mktemp)
    status=0
    npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
    # One plain closing line that any CI reads: "N passed, N failed".
    node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" || true
    rm -f "$results"
    exit "$status"
    ;;
  *)
    echo "usage: ./run.sh demo | test [vitest args]" >&2
    exit 2
    ;;
esac
