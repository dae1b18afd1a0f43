#!/usr/bin/env bash
# scripts/proxy.sh DIR LISTEN_PORT HTTP_PORTS REALTIME_PORTS: nginx on 127.0.0.1:LISTEN_PORT
# in front of Odoo servers on loopback (ports comma-separated: one HTTP port and one
# real-time port per server), with the deployment's own proxy rules
# (deploy/nginx/siao-justice-proxy.conf). Runs in the foreground until stopped; its
# configuration, logs and buffers are in DIR. Used by make bench and the tests.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=$1 LISTEN=$2 HTTP_PORTS=$3 REALTIME_PORTS=$4
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { echo "[siao_justice] the reverse proxy needs nginx: install it (apt-get install nginx) and run again." >&2; exit 1; }
mkdir -p "$DIR/tmp"
servers() { local port; for port in ${1//,/ }; do printf '        server 127.0.0.1:%s;\n' "$port"; done; }
cat >"$DIR/nginx.conf" <<CONF
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/error.log error;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
    include $ROOT/deploy/nginx/siao-justice-zones.conf;
    upstream siao_odoo {
$(servers "$HTTP_PORTS")
    }
    upstream siao_odoo_realtime {
$(servers "$REALTIME_PORTS")
    }
    server {
        listen 127.0.0.1:$LISTEN;
        include $ROOT/deploy/nginx/siao-justice-proxy.conf;
    }
}
CONF
exec "$NGINX" -e "$DIR/error.log" -p "$DIR" -c "$DIR/nginx.conf" -g "daemon off;"
