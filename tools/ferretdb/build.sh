#!/usr/bin/env bash
# Builds bin/ferretdb: FerretDB v1.24.2 embedded, with patches/*.sed applied to a copy of
# the module (the upstream source is never committed here), through a separate go.mod.
set -euo pipefail
cd "$(dirname "$0")"
MODULE=github.com/FerretDB/FerretDB
VERSION=$(go list -m -f "{{.Version}}" "$MODULE")
go mod download "$MODULE@$VERSION"
SRC=$(go list -m -f '{{.Dir}}' "$MODULE")
rm -rf build && mkdir -p build
cp -r "$SRC" build/FerretDB && chmod -R u+w build/FerretDB
sed -i -f patches/sqlite-id-lookup-uses-index.sed build/FerretDB/internal/backends/sqlite/metadata/metadata.go
grep -q '`->"_id"`' build/FerretDB/internal/backends/sqlite/metadata/metadata.go || { echo "error: the _id index patch did not apply" >&2; exit 1; }
sed -i -f patches/postgresql-id-lookup-uses-index.sed build/FerretDB/internal/backends/postgresql/query.go
grep -q 'metadata.IDColumn, p.Next()' build/FerretDB/internal/backends/postgresql/query.go || { echo "error: the PostgreSQL _id index patch did not apply" >&2; exit 1; }
cp go.mod build/go.patched.mod && cp go.sum build/go.patched.sum
echo "replace $MODULE => ./build/FerretDB" >> build/go.patched.mod
go build -modfile=build/go.patched.mod -o bin/ferretdb .
