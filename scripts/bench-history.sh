#!/usr/bin/env bash
# npm run bench:history: the bench's figures at an empty store and after a million replies
# across a thousand articles (loaded in bulk: minutes), with their ratios (docs/benchmarks.md).
# BENCH_HISTORY_REUSE=1 measures a history loaded by an earlier run again, without loading.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"

[ -n "${BENCH_HISTORY_REUSE:-}" ] && export SCRATCH_KEEP=1
start_scratch_system history "${BENCH_FERRETDB_PORT:-27039}"
export BENCH_MONGO_URL="$SCRATCH_MONGO_URL"
# Idle CPU is a production figure: the production poll, unless asked otherwise.
export BENCH_POLL_INTERVAL_MS="${BENCH_POLL_INTERVAL_MS:-1000}"

npx swc bench -d dist --config-file .swcrc --quiet
# The views of a million replies are built in memory before they are written.
node --max-old-space-size=12288 dist/bench/history.js
