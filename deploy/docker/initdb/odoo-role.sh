#!/bin/bash
# Run once by the postgres image on a new data volume: the role Odoo connects as, allowed to
# create its database but not a superuser (a superuser could run programs on the database host).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v password="$ODOO_DB_PASSWORD" <<'SQL'
CREATE ROLE odoo LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD :'password';
SQL
