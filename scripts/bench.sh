#!/usr/bin/env bash
# npm run bench: a fresh store, the whole system, and the figures for docs/benchmarks.md.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"

start_scratch_system bench "${BENCH_FERRETDB_PORT:-27037}"
export BENCH_MONGO_URL="$SCRATCH_MONGO_URL"

npx swc bench -d dist --config-file .swcrc --quiet
node dist/bench/bench.js
