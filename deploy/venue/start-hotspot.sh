#!/bin/sh
# Turn this laptop into the venue's Wi-Fi: a network without internet whose DNS answers
# the venue name with the laptop's own address (10.42.0.1). Uses NetworkManager, as on
# Debian and Ubuntu desktops. Run as root; undo with: nmcli connection down facilitator-venue
#
#   start-hotspot.sh --name room.example.org --ssid Workshop --password 'long passphrase'
#
# Options:
#   --name NAME          the name on the venue certificate (required)
#   --ssid SSID          the Wi-Fi network's name (required)
#   --password PASS      its WPA2 passphrase, 8 to 63 characters (required)
#   --interface IFACE    the Wi-Fi interface (default: the first one NetworkManager lists)
#
# Some laptop Wi-Fi chips serve only a few devices as a hotspot: try it with as many
# phones as will join, or use a travel router instead (docs/deploy.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
address=10.42.0.1
connection=facilitator-venue
name=
ssid=
password=
interface=

while [ $# -gt 0 ]; do
    case $1 in
        --name) name=$2; shift 2 ;;
        --ssid) ssid=$2; shift 2 ;;
        --password) password=$2; shift 2 ;;
        --interface) interface=$2; shift 2 ;;
        *) echo "unknown option: $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

if [ -z "$name" ] || [ -z "$ssid" ] || [ -z "$password" ]; then
    echo "usage: $0 --name NAME --ssid SSID --password PASSPHRASE [--interface IFACE]" >&2
    exit 2
fi
length=${#password}
if [ "$length" -lt 8 ] || [ "$length" -gt 63 ]; then
    echo "the Wi-Fi passphrase must have 8 to 63 characters" >&2
    exit 2
fi
case $name in
    *[!a-zA-Z0-9.-]*) echo "not a host name: $name" >&2; exit 2 ;;
esac
if [ -z "$interface" ]; then
    interface=$(nmcli -t -f DEVICE,TYPE device status | awk -F: '$2 == "wifi" { print $1; exit }')
fi
if [ -z "$interface" ]; then
    echo "no Wi-Fi interface found (nmcli device status)" >&2
    exit 1
fi

# 1. DNS: NetworkManager's hotspot starts dnsmasq, which reads this folder.
install -d /etc/NetworkManager/dnsmasq-shared.d
sed -e "s/room\.example\.org/$name/g" -e "s/10\.42\.0\.1/$address/g" \
    "$here/dnsmasq-facilitator.conf" > /etc/NetworkManager/dnsmasq-shared.d/facilitator.conf

# 2. The laptop itself finds the name too (its browser, facilitator doctor).
sed -i "/# facilitator-venue\$/d" /etc/hosts
printf '%s %s # facilitator-venue\n' "$address" "$name" >> /etc/hosts

# 3. The hotspot: WPA2 only (some phones fail on mixed WPA/WPA2), 2.4 GHz (every phone
#    has it), no IPv6, the laptop always at $address.
nmcli connection delete "$connection" >/dev/null 2>&1 || true
nmcli connection add type wifi ifname "$interface" con-name "$connection" autoconnect no \
    ssid "$ssid" 802-11-wireless.mode ap 802-11-wireless.band bg \
    ipv4.method shared ipv4.addresses "$address/24" ipv6.method disabled \
    wifi-sec.key-mgmt wpa-psk wifi-sec.proto rsn wifi-sec.pairwise ccmp wifi-sec.group ccmp \
    wifi-sec.psk "$password" >/dev/null
nmcli connection up "$connection"

echo "Wi-Fi \"$ssid\" is up; $name answers with $address on it."
echo "Next: print-join.sh --name $name --ssid \"$ssid\" --password ..."
