#!/usr/bin/env python3
"""Render a deploy template: every {{ NAME }} takes the environment variable NAME, or its default
below. ADMIN_PASSWORD (plain) becomes ADMIN_PASSWD_HASH (pbkdf2-sha512, as Odoo stores it).

    (umask 027; deploy/render.py deploy/odoo.conf.template > /etc/odoo/odoo.conf)
    ODOO_SERVERS="10.0.0.11:8069 10.0.0.12:8069" \
        deploy/render.py deploy/nginx/odoo-upstreams.conf.template
"""

import os
import re
import sys

DEFAULTS = {
    "DB_HOST": "127.0.0.1",
    "DB_PORT": "5432",
    "DB_USER": "odoo",
    "DB_PASSWORD": "",
    "DB_NAME": "odoo",
    "DB_MAXCONN": "16",
    "DB_MAXCONN_GEVENT": "8",
    "DB_SSLMODE": "prefer",
    "HTTP_INTERFACE": "127.0.0.1",
    "HTTP_PORT": "8069",
    "GEVENT_PORT": "8072",
    "WORKERS": str(2 * (os.cpu_count() or 1) + 1),
    "MAX_CRON_THREADS": "0",
    "DATA_DIR": "/var/lib/odoo",
    "ADDONS_PATH": "/opt/sales-pipeline/addons",
    "LOGFILE": "/var/log/odoo/odoo.log",
    "SERVER_NAME": "odoo.example.cn",
    "HTTP_LISTEN": "80",
    "HTTPS_LISTEN": "443",
    "HTTPS_PORT_SUFFIX": "",
    "NGINX_SNIPPETS": "/etc/nginx/snippets",
    "NGINX_LOG_DIR": "/var/log/nginx",
    # the Odoo servers behind the proxy: "host:http_port" or "host:http_port:gevent_port" each
    # (gevent_port defaults to GEVENT_PORT)
    "ODOO_SERVERS": "127.0.0.1:8069",
    "CLIENT_MAX_BODY_SIZE": "100m",
    "STATIC_ROOTS": "/opt/odoo/odoo/addons /opt/odoo/addons /opt/sales-pipeline/addons",
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Z_]+)\s*\}\}")


def admin_hash():
    password = os.environ.get("ADMIN_PASSWORD")
    if not password:
        return os.environ.get("ADMIN_PASSWD_HASH", "")
    from passlib.context import CryptContext  # noqa: PLC0415 (Odoo's own dependency)

    return CryptContext(schemes=["pbkdf2_sha512"]).hash(password)


def upstream_lines(websocket):
    lines = []
    for server in value("ODOO_SERVERS").split():
        host, http_port, *gevent_port = server.split(":")
        port = (gevent_port or [value("GEVENT_PORT")])[0] if websocket else http_port
        lines.append(f"    server {host}:{int(port)};")
    return "\n".join(lines)


def static_try_files():
    roots = os.environ.get("STATIC_ROOTS", DEFAULTS["STATIC_ROOTS"]).split()
    return " ".join(f"{root}$uri" for root in roots)


def replica_lines():
    host = os.environ.get("DB_REPLICA_HOST")
    if not host:
        return "; no replica"
    port = os.environ.get("DB_REPLICA_PORT") or value("DB_PORT")
    return f"db_replica_host = {host}\ndb_replica_port = {port}"


def value(name):
    computed = {
        "ADMIN_PASSWD_HASH": admin_hash,
        "ODOO_UPSTREAM_SERVERS": lambda: upstream_lines(websocket=False),
        "ODOO_CHAT_SERVERS": lambda: upstream_lines(websocket=True),
        "DB_NAME_REGEX": lambda: re.escape(value("DB_NAME")),
        "STATIC_TRY_FILES": static_try_files,
        "DB_REPLICA_LINES": replica_lines,
        "SSL_CERTIFICATE": lambda: os.environ.get(
            "SSL_CERTIFICATE", f"/etc/ssl/certs/{value('SERVER_NAME')}.pem"
        ),
        "SSL_CERTIFICATE_KEY": lambda: os.environ.get(
            "SSL_CERTIFICATE_KEY", f"/etc/ssl/private/{value('SERVER_NAME')}.key"
        ),
    }
    if name in computed:
        return computed[name]()
    if name in os.environ:
        return os.environ[name]
    if name in DEFAULTS:
        return DEFAULTS[name]
    sys.exit(f"render.py: {name} is neither set in the environment nor defaulted")


def main(path):
    with open(path, encoding="utf-8") as template:
        text = template.read()
    sys.stdout.write(PLACEHOLDER.sub(lambda match: value(match.group(1)), text))


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    main(sys.argv[1])
