#!/bin/sh
# Get (or renew) the venue certificate from Let's Encrypt by a DNS challenge, on a
# machine with internet: the name never has to point to this machine. Then install it
# for Caddy (install-certificate.sh) and check it (check-certificate.sh).
#
#   get-certificate.sh --name room.example.org --plugin cloudflare \
#       --credentials /root/.secrets/certbot-cloudflare.ini --until 2027-03-14
#
# Options:
#   --name NAME          the name participants will open (required)
#   --plugin PLUGIN      certbot's DNS plugin for the provider that serves the name's DNS:
#                        cloudflare, rfc2136, digitalocean, ovh, gandi, linode, route53 …
#                        (Debian package python3-certbot-dns-PLUGIN; required)
#   --credentials FILE   that plugin's credentials file (mode 0600); route53 reads
#                        AWS's usual configuration instead
#   --email ADDRESS      for Let's Encrypt's expiry notices (optional)
#   --until DATE         last day of the workshop, YYYY-MM-DD, checked afterwards
#   --staging            use Let's Encrypt's test service (certificates phones reject)
#
# Needs: apt-get install certbot python3-certbot-dns-PLUGIN
# Certbot keeps the certificate under /etc/letsencrypt/live/facilitator-venue/ and renews
# it by itself (certbot.timer) while the machine is online; each renewal is installed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
name=
plugin=
credentials=
email=
until=$(date -u +%Y-%m-%d)
staging=

while [ $# -gt 0 ]; do
    case $1 in
        --name) name=$2; shift 2 ;;
        --plugin) plugin=$2; shift 2 ;;
        --credentials) credentials=$2; shift 2 ;;
        --email) email=$2; shift 2 ;;
        --until) until=$2; shift 2 ;;
        --staging) staging=--staging; shift ;;
        *) echo "unknown option: $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

if [ -z "$name" ] || [ -z "$plugin" ]; then
    echo "usage: $0 --name NAME --plugin PLUGIN [--credentials FILE] [--until YYYY-MM-DD]" >&2
    exit 2
fi
if ! command -v certbot >/dev/null 2>&1; then
    echo "certbot is missing: apt-get install certbot python3-certbot-dns-$plugin" >&2
    exit 1
fi

set -- certonly --non-interactive --agree-tos --cert-name facilitator-venue \
    --authenticator "dns-$plugin" --domain "$name" \
    --deploy-hook "$here/install-certificate.sh"
if [ -n "$credentials" ]; then
    set -- "$@" "--dns-$plugin-credentials" "$credentials"
fi
if [ -n "$email" ]; then
    set -- "$@" --email "$email"
else
    set -- "$@" --register-unsafely-without-email
fi
if [ -n "$staging" ]; then
    set -- "$@" "$staging"
fi

# A certificate that already covers the workshop is kept; otherwise a new one is issued.
if [ -r /etc/facilitator/tls/fullchain.pem ] \
    && "$here/check-certificate.sh" --name "$name" --until "$until" >/dev/null 2>&1; then
    set -- "$@" --keep-until-expiring
else
    set -- "$@" --force-renewal
fi

certbot "$@"
"$here/install-certificate.sh" /etc/letsencrypt/live/facilitator-venue/fullchain.pem \
    /etc/letsencrypt/live/facilitator-venue/privkey.pem
"$here/check-certificate.sh" --name "$name" --until "$until"
