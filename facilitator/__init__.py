"""Facilitator: end-to-end encrypted toolkit for confidential dialogues.

Importing the package loads nothing else: the protocol (``facilitator.td2``), the client and the
anonymiser stay free of the web stack. The server is built by ``facilitator.app.create_app``.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
