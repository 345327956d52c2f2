#!/usr/bin/env bash
# npm test: installs, builds and starts what the tests need, runs every test, stops it all.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"

start_scratch_system test "${TEST_FERRETDB_PORT:-27027}"
export TEST_MONGO_URL="$SCRATCH_MONGO_URL"
ensure_chromium

npm run -s typecheck
status=0
npx jest --runInBand --json --outputFile="$ROOT/data/jest-results.json" "$@" || status=$?
# One plain closing line, whatever the runner printed above.
node -e 'const r = require(process.argv[1]); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$ROOT/data/jest-results.json" || true
exit "$status"
