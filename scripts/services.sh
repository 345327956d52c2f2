# Sourced by run.sh, test.sh and bench.sh: builds and starts the local services, and stops
# on exit what it started. Nothing it starts outlives the calling script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# mongoose 9 and @nestjs/cqrs 12 need require() of ES modules: Node 20.19+ or 22.12+.
require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "error: Node.js 20.19 or later is needed; node is not on PATH" >&2
    exit 1
  fi
  node -e '
    const v = process.versions.node, [major, minor] = v.split(".").map(Number);
    if ((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22) process.exit(0);
    console.error(`error: Node.js 20.19 or later is needed (22.12 or later on the 22 line); this is ${v}`);
    process.exit(1);' || exit 1
}
require_node
FERRETDB_BIN="$ROOT/tools/ferretdb/bin/ferretdb"
STARTED_PIDS=()

# The store behind FerretDB: sqlite (the default: files under data/) or postgresql (opt-in,
# to measure it: docs/benchmarks.md, docs/decisions/0038). With postgresql, FerretDB keeps
# everything in the database FERRETDB_POSTGRESQL_URL names; unset, npm test and npm run
# bench create a fresh database on FERRETDB_POSTGRESQL_SERVER for the run and drop it at
# the end, and npm start uses (and creates once) reply_section_ferretdb there.
FERRETDB_HANDLER="${FERRETDB_HANDLER:-sqlite}"
FERRETDB_POSTGRESQL_SERVER="${FERRETDB_POSTGRESQL_SERVER:-postgres://postgres@127.0.0.1:5432}"
case "$FERRETDB_HANDLER" in
  sqlite | postgresql) ;;
  *) echo "error: FERRETDB_HANDLER must be sqlite or postgresql, not '$FERRETDB_HANDLER'" >&2; exit 1 ;;
esac
DROP_PG_DATABASES=()

stop_services() {
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  for db in "${DROP_PG_DATABASES[@]:-}"; do
    [ -n "$db" ] && psql "$FERRETDB_POSTGRESQL_SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap stop_services EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # host port what
  for _ in $(seq 1 150); do
    port_open "$1" "$2" && return 0
    sleep 0.2
  done
  echo "error: $3 did not start listening on $1:$2" >&2
  return 1
}

install_node_modules() {
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    echo "==> npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

build_app() {
  echo "==> build (swc, and esbuild for the browser pages)"
  (cd "$ROOT" && npm run -s build)
}

build_ferretdb() {
  if ! command -v go >/dev/null 2>&1; then
    echo "error: Go is needed to build the embedded FerretDB (tools/ferretdb); install Go 1.24 or newer" >&2
    exit 1
  fi
  local dir="$ROOT/tools/ferretdb"
  if [ ! -x "$FERRETDB_BIN" ] || [ -n "$(find "$dir" -path "$dir/build" -prune -o -path "$dir/bin" -prune -o -type f -newer "$FERRETDB_BIN" -print)" ]; then
    echo "==> build tools/ferretdb (first time: downloads Go modules, about a minute)"
    "$dir/build.sh"
  fi
}

# The browser tests drive Debian's chromium (Playwright's own download is not used): install it
# when it is missing and we can (root with apt-get), else stop naming CHROMIUM_PATH.
ensure_chromium() {
  local path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ -x "$path" ]; then
    export CHROMIUM_PATH="$path"
    return 0
  fi
  if [ -z "${CHROMIUM_PATH:-}" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> apt-get install -y chromium (for the browser tests)"
    (apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }) >"$ROOT/data/logs/apt-chromium.log" 2>&1 || {
      echo "error: apt-get could not install chromium (log: data/logs/apt-chromium.log); install it, or set CHROMIUM_PATH to a Chromium or Chrome binary" >&2
      exit 1
    }
    export CHROMIUM_PATH=/usr/bin/chromium
    return 0
  fi
  echo "error: the browser tests need Chromium: none at $path; install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary" >&2
  exit 1
}

require_postgresql() {
  if ! command -v psql >/dev/null 2>&1; then
    echo "error: FERRETDB_HANDLER=postgresql needs psql on the PATH (e.g. apt-get install postgresql-client)" >&2
    exit 1
  fi
  if ! psql "$FERRETDB_POSTGRESQL_SERVER/postgres" -qtAc "SELECT 1" >/dev/null; then
    echo "error: FERRETDB_HANDLER=postgresql: no PostgreSQL answers on $FERRETDB_POSTGRESQL_SERVER (set FERRETDB_POSTGRESQL_SERVER or FERRETDB_POSTGRESQL_URL)" >&2
    exit 1
  fi
}

# postgresql_database NAME fresh|keep: sets FERRETDB_PG_URL to database NAME on
# FERRETDB_POSTGRESQL_SERVER; fresh: created now and dropped when the script ends; keep:
# created if missing, kept.
postgresql_database() {
  require_postgresql
  if [ "$2" = fresh ]; then
    psql "$FERRETDB_POSTGRESQL_SERVER/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$1\"" >/dev/null
    DROP_PG_DATABASES+=("$1")
  elif [ -z "$(psql "$FERRETDB_POSTGRESQL_SERVER/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]; then
    psql "$FERRETDB_POSTGRESQL_SERVER/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$1\"" >/dev/null
  fi
  FERRETDB_PG_URL="$FERRETDB_POSTGRESQL_SERVER/$1"
}

# start_ferretdb PORT DATA_DIR LOG [PG_URL]: on SQLite in DATA_DIR, or with
# FERRETDB_HANDLER=postgresql in the database PG_URL.
start_ferretdb() {
  if port_open 127.0.0.1 "$1"; then
    echo "error: port $1 is taken; stop what listens there or choose another port (FERRETDB_PORT for npm start, TEST_FERRETDB_PORT for npm test)" >&2
    exit 1
  fi
  mkdir -p "$2"
  if [ "$FERRETDB_HANDLER" = postgresql ]; then
    "$FERRETDB_BIN" -listen "127.0.0.1:$1" -dir "$2" -handler postgresql -postgresql-url "$4" >"$3" 2>&1 &
  else
    "$FERRETDB_BIN" -listen "127.0.0.1:$1" -dir "$2" >"$3" 2>&1 &
  fi
  STARTED_PIDS+=("$!")
  wait_port 127.0.0.1 "$1" "FerretDB (log: $3)"
  if [ "$FERRETDB_HANDLER" = postgresql ]; then
    echo "==> FerretDB on 127.0.0.1:$1 (PostgreSQL: ${4%%\?*})"
  else
    echo "==> FerretDB on 127.0.0.1:$1 (data: $2)"
  fi
}

# ensure_redis URL LOG: use the Redis answering at URL, else start redis-server there.
ensure_redis() {
  local hostport host port
  hostport="${1#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
  host="${hostport%%:*}"; port="${hostport##*:}"
  [ "$port" = "$hostport" ] && port=6379
  if port_open "$host" "$port"; then
    echo "==> Redis answering on $host:$port"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "error: no Redis answers on $1 and redis-server is not on PATH; install Redis (e.g. apt-get install redis-server) or set REDIS_URL" >&2
    exit 1
  fi
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize no --logfile "$2" &
  STARTED_PIDS+=("$!")
  wait_port "$host" "$port" "redis-server (log: $2)"
  echo "==> started redis-server on $host:$port"
}

# start_scratch_system NAME PORT: installs and builds, then a FerretDB with an empty data
# folder data/NAME-ferretdb on PORT (kept with SCRATCH_KEEP=1), and Redis. Sets SCRATCH_MONGO_URL (no database part).
start_scratch_system() {
  mkdir -p "$ROOT/data/logs"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  install_node_modules
  build_app
  build_ferretdb
  # SCRATCH_KEEP=1: the data of an earlier run stays (a loaded history, say).
  [ "${SCRATCH_KEEP:-}" = 1 ] || rm -rf "$ROOT/data/$1-ferretdb"
  FERRETDB_PG_URL=""
  if [ "$FERRETDB_HANDLER" = postgresql ]; then
    if [ -n "${FERRETDB_POSTGRESQL_URL:-}" ]; then
      FERRETDB_PG_URL="$FERRETDB_POSTGRESQL_URL"
    else
      postgresql_database "ferretdb_$1_$(date +%s)_$$" fresh
    fi
  fi
  start_ferretdb "$2" "$ROOT/data/$1-ferretdb" "$ROOT/data/logs/$1-ferretdb.log" "$FERRETDB_PG_URL"
  SCRATCH_MONGO_URL="mongodb://127.0.0.1:$2"
  # The store's own CPU belongs in an idle figure: the benches read it from /proc.
  export BENCH_STORE_PID="${STARTED_PIDS[${#STARTED_PIDS[@]}-1]}"
  ensure_redis "$REDIS_URL" "$ROOT/data/logs/$1-redis.log"
}
