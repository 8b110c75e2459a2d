#!/bin/bash
# Render /etc/odoo/odoo.conf from deploy/odoo.conf.template (environment: see deploy/render.py),
# then hand over to the official image's entrypoint.
set -euo pipefail
python3 /opt/sales-pipeline/deploy/render.py /opt/sales-pipeline/deploy/odoo.conf.template \
    > /etc/odoo/odoo.conf
# the official entrypoint takes the database connection from HOST/PORT/USER/PASSWORD
export HOST="${DB_HOST:-db}" PORT="${DB_PORT:-5432}" USER="${DB_USER:-odoo}" PASSWORD="${DB_PASSWORD:-odoo}"
exec /entrypoint.sh "$@"
