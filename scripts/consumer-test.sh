#!/usr/bin/env bash
# Packs the package, installs the tarball into a temporary copy of examples/consumer (a host
# app with its own package.json), compiles it with tsc against the published types only, and
# runs it once on @nestjs/platform-express and once on @nestjs/platform-fastify.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/rts-consumer-XXXXXX")
trap 'rm -rf "$work"' EXIT

npm run build >/dev/null
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "== packed $tarball"
if tar -tzf "$work/$tarball" | grep -E '\.spec\.|^package/(test|bench|data|src)/|\.map$' ; then
  echo "The tarball ships files it should not (above)." >&2
  exit 1
fi

cp -R "$root/examples/consumer" "$work/consumer"
rm -rf "$work/consumer/node_modules" "$work/consumer/dist"
cd "$work/consumer"
echo "== npm install (registry and cache only)"
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" 2>&1 | tee "$work/install.log"
if grep -q EBADENGINE "$work/install.log"; then echo "EBADENGINE during install" >&2; exit 1; fi
echo "== tsc"
npx tsc -p tsconfig.json
for adapter in express fastify; do
  echo "== run on $adapter"
  node dist/main.js "$adapter"
done
