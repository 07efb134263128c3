#!/bin/sh
# Put a certificate and its key where Caddy's venue configuration reads them
# (FACILITATOR_TLS_CERT, FACILITATOR_TLS_KEY in /etc/facilitator/caddy.env), readable
# by root and the caddy group only, then reload Caddy if it runs.
#
#   install-certificate.sh FULLCHAIN.pem PRIVKEY.pem
#
# As certbot's deploy hook (get-certificate.sh sets it up) it takes the renewed files from
# $RENEWED_LINEAGE, so a renewal is installed by itself.
set -eu

target=${FACILITATOR_TLS_DIR:-/etc/facilitator/tls}

if [ $# -eq 2 ]; then
    fullchain=$1
    privkey=$2
elif [ $# -eq 0 ] && [ -n "${RENEWED_LINEAGE:-}" ]; then
    fullchain=$RENEWED_LINEAGE/fullchain.pem
    privkey=$RENEWED_LINEAGE/privkey.pem
else
    echo "usage: $0 FULLCHAIN.pem PRIVKEY.pem" >&2
    exit 2
fi

group=root
if getent group caddy >/dev/null 2>&1; then
    group=caddy
fi

install -d -m 0750 -o root -g "$group" "$target"
# Write beside the old files, then rename: Caddy never reads half a file.
install -m 0640 -o root -g "$group" "$fullchain" "$target/.fullchain.pem.new"
install -m 0640 -o root -g "$group" "$privkey" "$target/.privkey.pem.new"
mv -f "$target/.fullchain.pem.new" "$target/fullchain.pem"
mv -f "$target/.privkey.pem.new" "$target/privkey.pem"
echo "installed $target/fullchain.pem and $target/privkey.pem"

if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet caddy 2>/dev/null; then
    systemctl reload caddy
    echo "Caddy reloaded"
fi
