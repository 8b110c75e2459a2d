#!/bin/bash
# Render /etc/odoo/odoo.conf from deploy/odoo.conf.template (environment: see deploy/render.py),
# then hand over to the official image's entrypoint.
set -euo pipefail
umask 027
python3 /opt/sales-pipeline/deploy/render.py /opt/sales-pipeline/deploy/odoo.conf.template \
    > /etc/odoo/odoo.conf
# the rendered file holds the database connection (the official entrypoint keeps it); the
# passwords are not needed in the environment of the server itself
unset DB_PASSWORD ADMIN_PASSWORD
exec /entrypoint.sh "$@"
