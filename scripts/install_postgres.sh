#!/usr/bin/env bash
# Installs Debian's PostgreSQL server binaries (initdb, pg_ctl) when none are present. The project
# never uses the system cluster: tests and `deno task dev` run a throwaway one of their own.
set -euo pipefail
for dir in ${PG_BIN:-} /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "postgres: found server binaries in $dir"
    exit 0
  fi
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "postgres: installing Debian's postgresql package"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# Debian starts a system cluster on install; we do not need it.
$SUDO service postgresql stop >/dev/null 2>&1 || true
ls -d /usr/lib/postgresql/*/bin
