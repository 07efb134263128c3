"""A Python client that does what the browser does, with the Python TD2 implementation.

Tests, the command line and benchmarks use it. It speaks to the server through a ``Transport``:
``HttpTransport`` for a real server, ``FlaskTransport`` for an app's test client.
"""

from facilitator.client.client import DialogueClient, KeyRing
from facilitator.client.transport import ApiError, FlaskTransport, HttpTransport, Transport

__all__ = [
    "ApiError",
    "DialogueClient",
    "FlaskTransport",
    "HttpTransport",
    "KeyRing",
    "Transport",
]
