#!/usr/bin/env bash
# npm run bench:flood: the API and a worker as separate processes under a long steady flood,
# with their resident memory before, during and after it (docs/benchmarks.md).
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"

start_scratch_system flood "${BENCH_FERRETDB_PORT:-27038}"
export BENCH_MONGO_URL="$SCRATCH_MONGO_URL"

npx swc bench -d dist --config-file .swcrc --quiet
node dist/bench/flood.js
