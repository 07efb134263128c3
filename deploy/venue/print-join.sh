#!/bin/sh
# What participants need to join at the venue, as QR codes to show or print:
#   1. the Wi-Fi (phones join it by scanning),
#   2. the site's address (team members sign in there; participants get their own
#      invitation link or QR code from a key steward in the app).
#
#   print-join.sh --name room.example.org --ssid Workshop --password 'long passphrase'
#   print-join.sh ... --png DIR      also writes DIR/wifi.png and DIR/site.png to print
#
# Needs: apt-get install qrencode
set -eu

name=
ssid=
password=
png=

while [ $# -gt 0 ]; do
    case $1 in
        --name) name=$2; shift 2 ;;
        --ssid) ssid=$2; shift 2 ;;
        --password) password=$2; shift 2 ;;
        --png) png=$2; shift 2 ;;
        *) echo "unknown option: $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

if [ -z "$name" ]; then
    echo "usage: $0 --name NAME [--ssid SSID --password PASSPHRASE] [--png DIR]" >&2
    exit 2
fi
if ! command -v qrencode >/dev/null 2>&1; then
    echo "qrencode is missing: apt-get install qrencode" >&2
    exit 1
fi

# The Wi-Fi QR format escapes \ ; , : and " with a backslash.
escape() {
    printf '%s' "$1" | sed -e 's/[\\;,:"]/\\&/g'
}

site="https://$name/"

if [ -n "$ssid" ]; then
    wifi="WIFI:T:WPA;S:$(escape "$ssid");P:$(escape "$password");;"
    echo "1. Join the Wi-Fi \"$ssid\" (scan, or type the passphrase)"
    qrencode -t ANSIUTF8 -m 2 "$wifi"
    if [ -n "$png" ]; then
        mkdir -p "$png"
        qrencode -t PNG -s 10 -m 4 -o "$png/wifi.png" "$wifi"
    fi
    echo "   Then turn mobile data off, or answer \"stay connected\" when the phone says"
    echo "   this network has no internet."
    echo
fi

echo "2. Open $site"
qrencode -t ANSIUTF8 -m 2 "$site"
if [ -n "$png" ]; then
    mkdir -p "$png"
    qrencode -t PNG -s 10 -m 4 -o "$png/site.png" "$site"
    echo "Written: $png/site.png${ssid:+ and $png/wifi.png}"
fi
