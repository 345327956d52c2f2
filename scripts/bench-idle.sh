#!/usr/bin/env bash
# npm run bench:idle: CPU of a freshly started API, worker and store at rest on an empty store,
# with production settings, from /proc, and each process's store calls (docs/benchmarks.md).
# IDLE_SETTLE_SECONDS (90: the memory release's collection after start-up, and V8's memory
# reducer's first ones about a minute after start, are one-offs) before measuring, IDLE_SECONDS (150) measured, IDLE_ROUNDS (1).
# Extra settings for both processes go in IDLE_ENV ("STORE_HEARTBEAT_MS=10000", say).
# IDLE_WORKER=inline: one process runs the API and the worker, as `npm start` does.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"

start_scratch_system idle "${BENCH_FERRETDB_PORT:-27040}"
STORE_PID="$BENCH_STORE_PID"
API_PORT="${BENCH_PORT:-3111}"
WORKER_METRICS="$((API_PORT + 2))"
ticks() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
calls() { { curl -s "$1" || true; } | awk '/^reply_section_store_calls_total\{/ {n += $2} END {print n + 0}'; }
pct() { awk -v t="$1" -v s="$2" 'BEGIN {printf "%.2f%%", 100 * t / (s * 100)}'; }
echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Node $(node --version), commit $(git rev-parse --short HEAD)"

inline=false; [ "${IDLE_WORKER:-}" = inline ] && inline=true
for round in $(seq 1 "${IDLE_ROUNDS:-1}"); do
  export MONGO_URL="$SCRATCH_MONGO_URL/idle_$round" JWT_SECRET=idle-bench-secret-idle-bench-secret QUEUE_PREFIX="idle-$round-$(date +%s)"
  env ${IDLE_ENV:-} PORT="$API_PORT" RUN_WORKER="$inline" node --expose-gc dist/apps/api/src/main.js >"$ROOT/data/logs/idle-api.log" 2>&1 &
  api=$!
  worker=""
  if [ "$inline" = false ]; then
    env ${IDLE_ENV:-} PORT="$((API_PORT + 1))" RUN_WORKER=true WORKER_METRICS_PORT="$WORKER_METRICS" node --expose-gc dist/apps/worker/src/main.js >"$ROOT/data/logs/idle-worker.log" 2>&1 &
    worker=$!
  fi
  STARTED_PIDS+=("$api" $worker)
  sleep "${IDLE_SETTLE_SECONDS:-90}"
  ac0=$(calls "localhost:$API_PORT/metrics"); wc0=$(calls "localhost:$WORKER_METRICS/metrics")
  a0=$(ticks "$api"); w0=$(ticks "$worker"); s0=$(ticks "$STORE_PID")
  sleep "${IDLE_SECONDS:-150}"
  a1=$(ticks "$api"); w1=$(ticks "$worker"); s1=$(ticks "$STORE_PID")
  ac1=$(calls "localhost:$API_PORT/metrics"); wc1=$(calls "localhost:$WORKER_METRICS/metrics")
  n="${IDLE_SECONDS:-150}"
  [ "$inline" = true ] && echo "(one process runs the API and the worker: its figures are under api)"
  echo "round $round, ${n} s at rest: api $(pct $((a1 - a0)) "$n"), worker $(pct $((w1 - w0)) "$n"), store $(pct $((s1 - s0)) "$n") = $(pct $((a1 - a0 + w1 - w0 + s1 - s0)) "$n") of a core; store calls a minute: api $(((ac1 - ac0) * 60 / n)), worker $(((wc1 - wc0) * 60 / n))"
  kill "$api" $worker; wait "$api" $worker 2>/dev/null || true
done
