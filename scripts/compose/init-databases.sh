#!/bin/sh
# Run once by the postgres image on an empty volume (compose.yml mounts it into
# /docker-entrypoint-initdb.d): one database per service, each owned by a login role of the same
# name whose password is <SERVICE>_DB_PASSWORD, and closed to every other role. Without that
# password (`deno task dev`, which connects as the superuser) only the database is made.
set -eu

for service in auth billing patient analytics notification audit; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  password="$(printenv "$variable" || true)"
  if [ -n "$password" ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      -v service="$service" -v password="$password" <<'SQL'
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"service" OWNER :"service";
REVOKE ALL ON DATABASE :"service" FROM PUBLIC;
SQL
  else
    echo "init-databases: $variable is not set; database $service has no role of its own" >&2
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      -v service="$service" <<'SQL'
CREATE DATABASE :"service";
SQL
  fi
done
