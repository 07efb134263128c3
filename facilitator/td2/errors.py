"""Typed errors of the TD2 package.

Every failure that leaves :mod:`facilitator.td2` is a :class:`Td2Error`, so
callers can catch one type and still tell the cases apart.  Errors from
``cryptography`` (``InvalidTag``, ``InvalidSignature``, ``ValueError``) are
translated at the boundary of the module that calls the library.
"""


class Td2Error(Exception):
    """Base class of every TD2 error."""


class Td2FormatError(Td2Error):
    """Malformed input: wrong length, bad encoding, unknown label, bad framing."""


class Td2DecryptError(Td2Error):
    """Authenticated decryption failed: wrong key, AAD, info or tampered bytes."""


class Td2KeyError(Td2Error):
    """An unusable key: not a valid X25519/Ed25519 key, or a low-order point."""


class Td2SignatureError(Td2Error):
    """An Ed25519 signature does not verify."""


class Td2ChainError(Td2Error):
    """An epoch chain does not verify; the message says which link and why."""
