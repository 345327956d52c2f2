#!/usr/bin/env bash
# npm start: the whole system locally (API and worker in one process), on the embedded FerretDB.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"
mkdir -p data/logs

FERRETDB_PORT="${FERRETDB_PORT:-27017}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export RUN_WORKER="${RUN_WORKER:-true}"

install_node_modules
build_app
if [ -z "${MONGO_URL:-}" ]; then
  build_ferretdb
  FERRETDB_PG_URL="${FERRETDB_POSTGRESQL_URL:-}"
  [ "$FERRETDB_HANDLER" = postgresql ] && [ -z "$FERRETDB_PG_URL" ] && postgresql_database reply_section_ferretdb keep
  start_ferretdb "$FERRETDB_PORT" "$ROOT/data/ferretdb" "$ROOT/data/logs/ferretdb.log" "$FERRETDB_PG_URL"
  export MONGO_URL="mongodb://127.0.0.1:$FERRETDB_PORT/reply_section"
fi
ensure_redis "$REDIS_URL" "$ROOT/data/logs/redis.log"

# --expose-gc: the idle memory release collects through it (docs/decisions/0045).
node --expose-gc dist/apps/api/src/main.js &
STARTED_PIDS+=("$!")
wait "$!"
