#!/bin/sh
# Run once by the postgres image on an empty volume (compose.yml mounts it into
# /docker-entrypoint-initdb.d): one database per service, closed to every other role, with two
# logins of its own:
#   <service>_owner  (password <SERVICE>_DB_OWNER_PASSWORD) owns the database and its objects:
#                    the service migrates as it (DATABASE_OWNER_URL) and grants the other
#                    login exactly the service's rights;
#   <service>        (password <SERVICE>_DB_PASSWORD) is what the service runs as (DATABASE_URL):
#                    rows only, no DDL, no ownership (audit's: append and read only).
# Without those passwords (`deno task dev`, which connects as the superuser and makes its own
# logins) only the database is made.
set -eu

# >>> databases: written by `deno task generate` from services/catalog.json
databases="auth billing patient analytics notification audit scheduling clinical"
# <<< databases

for service in $databases; do
  upper="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  password="$(printenv "${upper}_DB_PASSWORD" || true)"
  owner_password="$(printenv "${upper}_DB_OWNER_PASSWORD" || true)"
  if [ -n "$password" ] && [ -n "$owner_password" ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      -v service="$service" -v owner="${service}_owner" \
      -v password="$password" -v owner_password="$owner_password" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"service" OWNER :"owner";
REVOKE ALL ON DATABASE :"service" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"service" TO :"service";
SQL
  else
    echo "init-databases: ${upper}_DB_PASSWORD or ${upper}_DB_OWNER_PASSWORD is not set;" \
      "database $service has no logins of its own" >&2
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      -v service="$service" <<'SQL'
CREATE DATABASE :"service";
SQL
  fi
done
