#!/bin/sh
# Is the venue certificate good for the workshop? Prints the names it covers and when it
# expires, and fails (exit 1) with the reason when:
#   - it expires before the end of the given day (plus one day's margin),
#   - it does not cover the given name,
#   - the private key does not belong to it,
#   - it is not signed by a certificate authority phones trust.
#
#   check-certificate.sh --name room.example.org --until 2027-03-14
#
# Options (all optional):
#   --cert FILE     certificate with its chain  (default /etc/facilitator/tls/fullchain.pem)
#   --key FILE      its private key             (default /etc/facilitator/tls/privkey.pem;
#                   checked when readable)
#   --name NAME     the name participants open
#   --until DATE    last day of the workshop, YYYY-MM-DD (default: today)
#   --ca-file FILE  the trusted authorities     (default: the system's,
#                   /etc/ssl/certs/ca-certificates.crt)
set -eu

cert=/etc/facilitator/tls/fullchain.pem
key=/etc/facilitator/tls/privkey.pem
name=
until=$(date -u +%Y-%m-%d)
ca_file=/etc/ssl/certs/ca-certificates.crt

while [ $# -gt 0 ]; do
    case $1 in
        --cert) cert=$2; shift 2 ;;
        --key) key=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --until) until=$2; shift 2 ;;
        --ca-file) ca_file=$2; shift 2 ;;
        *) echo "unknown option: $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

problems=0
fail() {
    echo "PROBLEM: $*"
    problems=$((problems + 1))
}

if [ ! -r "$cert" ]; then
    echo "PROBLEM: cannot read the certificate $cert"
    exit 1
fi

echo "certificate: $cert"
openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | sed -n 's/^ *DNS:/covers:      DNS:/p'
echo "expires:     $(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)"

# Seconds from now to the end of the last day, plus a day's margin for time zones and
# a workshop that runs late.
end=$(date -u -d "$until 23:59:59" +%s) || { echo "--until wants YYYY-MM-DD" >&2; exit 2; }
now=$(date -u +%s)
seconds=$((end - now + 86400))
if [ "$seconds" -lt 0 ]; then
    seconds=0
fi
if openssl x509 -in "$cert" -noout -checkend "$seconds" >/dev/null; then
    echo "ok:          still valid a day after $until"
else
    fail "the certificate expires before $until is over (renew it: get-certificate.sh)"
fi

if [ -n "$name" ]; then
    if openssl x509 -in "$cert" -noout -checkhost "$name" | grep -q "does match"; then
        echo "ok:          covers $name"
    else
        fail "the certificate does not cover $name"
    fi
fi

if [ -r "$key" ]; then
    cert_key=$(openssl x509 -in "$cert" -noout -pubkey)
    private_key=$(openssl pkey -in "$key" -pubout)
    if [ "$cert_key" = "$private_key" ]; then
        echo "ok:          $key belongs to it"
    else
        fail "$key is not the key of this certificate"
    fi
else
    echo "note:        $key not readable here; key not checked"
fi

# The first certificate in the file is the site's; the rest is the chain that goes with it.
if openssl verify -CAfile "$ca_file" -untrusted "$cert" "$cert" >/dev/null 2>&1; then
    echo "ok:          signed by an authority in $ca_file"
else
    fail "not signed by an authority phones trust (a self-made certificate shows a warning)"
fi

if [ "$problems" -gt 0 ]; then
    exit 1
fi
echo "The certificate is ready for the workshop."
