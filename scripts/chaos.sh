#!/usr/bin/env bash
# npm run chaos: the system under load while workers pause and die, Redis and the store
# restart, and store calls fail; then the log and every view are checked. It starts its own
# FerretDB and redis-server on free ports (so it can restart them) and stops them at the end.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT"
mkdir -p data/logs
install_node_modules
build_app
build_ferretdb
if ! command -v redis-server >/dev/null 2>&1; then
  echo "error: the chaos run restarts its own Redis and needs redis-server on the PATH" >&2
  exit 1
fi
npx swc chaos -d dist --config-file .swcrc --quiet
node dist/chaos/main.js "$@"
