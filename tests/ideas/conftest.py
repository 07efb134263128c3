"""A room for rounds: the workshop (every role admitted) and six more participants of two sides,
whose person documents the convener wrote."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from facilitator.client import DialogueClient
from tests.dialogues.conftest import admit, client_for, workshop

__all__ = ["Voters", "client_for", "voters", "workshop"]

SIDES = {"upper": "Upper Vell farmers", "lower": "Lower Vell towns"}


@dataclass
class Voters:
    """The workshop, and participant devices by name (``upper1``…``lower3``) with their sides."""

    workshop: object
    devices: dict[str, DialogueClient] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)

    @property
    def dialogue_id(self) -> str:
        return str(self.workshop.dialogue_id)  # type: ignore[attr-defined]


@pytest.fixture
def voters(workshop, client_for) -> Voters:
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    result = Voters(workshop)
    for side in ("upper", "lower"):
        for n in (1, 2, 3):
            name = f"{side}{n}"
            device = client_for(None)
            handle = admit(convener, d, device, convener.invite_participant(d))
            device.open_device_session(d)
            convener.write_meta(d, {"type": "person", "handle": handle, "role": "participant",
                                    "display_name": name, "side": SIDES[side]})
            result.devices[name] = device
            result.handles[name] = handle
    return result
