"""The adversarial suite reuses the dialogue fixtures: a workshop with every role admitted."""

from tests.dialogues.conftest import client_for, workshop

__all__ = ["client_for", "workshop"]
