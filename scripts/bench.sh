#!/usr/bin/env bash
# npm run bench: a fresh store, the whole system, and the figures for docs/benchmarks.md.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"
mkdir -p data/logs

FERRETDB_PORT="${BENCH_FERRETDB_PORT:-27037}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

install_node_modules
build_app
build_ferretdb
rm -rf "$ROOT/data/bench-ferretdb"
start_ferretdb "$FERRETDB_PORT" "$ROOT/data/bench-ferretdb" "$ROOT/data/logs/bench-ferretdb.log"
export BENCH_MONGO_URL="mongodb://127.0.0.1:$FERRETDB_PORT"
ensure_redis "$REDIS_URL" "$ROOT/data/logs/bench-redis.log"

npx swc bench -d dist --config-file .swcrc --quiet
node dist/bench/bench.js
