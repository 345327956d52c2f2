#!/usr/bin/env bash
# npm run bench:backends: the store alone, by _id, at growing collection sizes, on a fresh
# FerretDB (FERRETDB_HANDLER=sqlite|postgresql, as for npm run bench).
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"

start_scratch_system bench-backends "${BENCH_FERRETDB_PORT:-27037}"
export BENCH_MONGO_URL="$SCRATCH_MONGO_URL"
export FERRETDB_HANDLER

npx swc bench -d dist --config-file .swcrc --quiet
node dist/bench/backends.js
