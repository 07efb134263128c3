"""Human-comparable fingerprints of public keys."""

import base64
import hashlib

from facilitator.td2.encoding import require_bytes


def fingerprint(public: bytes) -> str:
    """``base32(SHA-256("td2/v1/fp" || pub)[:10])`` as 4 groups of 4, e.g. ``7WSX-KJSK-TSHS-SN7I``.

    Ten bytes are exactly sixteen base32 characters, so there is no padding.
    """
    digest = hashlib.sha256(b"td2/v1/fp" + require_bytes("public key", public, 32)).digest()
    text = base64.b32encode(digest[:10]).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))
