#!/bin/bash
# Render the shipped nginx site for the compose file: the two Odoo containers as upstreams; static
# files come from Odoo itself (the nginx container has no addons on disk).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/nginx-rendered"
mkdir -p "$out/snippets"
export ODOO_SERVERS="${ODOO_SERVERS:-web-1:8069 web-2:8069}" STATIC_ROOTS="${STATIC_ROOTS:-/nonexistent}"
render="$here/../render.py"
"$render" "$here/../nginx/odoo-upstreams.conf.template" > "$out/snippets/odoo-upstreams.conf"
"$render" "$here/../nginx/odoo-locations.conf.template" > "$out/snippets/odoo-locations.conf"
"$render" "$here/../nginx/odoo.conf.template" > "$out/odoo.conf"
echo "Rendered $out for SERVER_NAME=${SERVER_NAME:-odoo.example.cn}"
