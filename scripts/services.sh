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

stop_services() {
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
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

# start_ferretdb PORT DATA_DIR LOG
start_ferretdb() {
  if port_open 127.0.0.1 "$1"; then
    echo "error: port $1 is taken; stop what listens there or choose another port (FERRETDB_PORT for npm start, TEST_FERRETDB_PORT for npm test)" >&2
    exit 1
  fi
  mkdir -p "$2"
  "$FERRETDB_BIN" -listen "127.0.0.1:$1" -dir "$2" >"$3" 2>&1 &
  STARTED_PIDS+=("$!")
  wait_port 127.0.0.1 "$1" "FerretDB (log: $3)"
  echo "==> FerretDB on 127.0.0.1:$1 (data: $2)"
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
# folder data/NAME-ferretdb on PORT, and Redis. Sets SCRATCH_MONGO_URL (no database part).
start_scratch_system() {
  mkdir -p "$ROOT/data/logs"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  install_node_modules
  build_app
  build_ferretdb
  rm -rf "$ROOT/data/$1-ferretdb"
  start_ferretdb "$2" "$ROOT/data/$1-ferretdb" "$ROOT/data/logs/$1-ferretdb.log"
  SCRATCH_MONGO_URL="mongodb://127.0.0.1:$2"
  ensure_redis "$REDIS_URL" "$ROOT/data/logs/$1-redis.log"
}
