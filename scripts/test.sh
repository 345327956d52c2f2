#!/usr/bin/env bash
# npm test: installs, builds and starts what the tests need, runs every test, stops it all.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"
mkdir -p data/logs

FERRETDB_PORT="${TEST_FERRETDB_PORT:-27027}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

install_node_modules
build_app
build_ferretdb
rm -rf "$ROOT/data/test-ferretdb"
start_ferretdb "$FERRETDB_PORT" "$ROOT/data/test-ferretdb" "$ROOT/data/logs/test-ferretdb.log"
export TEST_MONGO_URL="mongodb://127.0.0.1:$FERRETDB_PORT"
ensure_redis "$REDIS_URL" "$ROOT/data/logs/test-redis.log"

npx tsc -p tsconfig.json --noEmit
status=0
npx jest --runInBand --json --outputFile="$ROOT/data/jest-results.json" "$@" || status=$?
# One plain closing line, whatever the runner printed above.
node -e 'const r = require(process.argv[1]); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$ROOT/data/jest-results.json" || true
exit "$status"
