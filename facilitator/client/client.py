"""``DialogueClient``: sign in, create dialogues, invite, knock, approve, remove, read and write
sealed ``meta`` documents — the browser's flows, with ``facilitator.td2``.

The class is a facade over one module per concern, so tests and the command line hold one object
while each concern stays small: ``keyring`` (keys and the signed-in connection), ``epochs`` (the
verified chain, its rollback record and steward certificates), ``rotation`` (making epochs),
``invitations`` (links, seats and knocks), ``content`` (documents, notes and messages), ``agenda``
(team-only guidance), ``rounds`` (statements, ballots and their count), ``archive`` (the archive
key) and ``sealing`` (one envelope).
"""

from __future__ import annotations

from typing import Any

from facilitator import td2
from facilitator.client import agenda, archive, epochs, invitations, rotation, rounds
from facilitator.client import content as dialogue_content
from facilitator.client.agenda import GUIDANCE
from facilitator.client.keyring import (
    ARCHIVE_HANDLE,
    Connection,
    EpochState,
    KeyRing,
    open_device_session,
)
from facilitator.client.sealing import meta_channel_id, team_channel_id, well_known_channel_id

__all__ = [
    "ARCHIVE_HANDLE",
    "GUIDANCE",
    "DialogueClient",
    "EpochState",
    "KeyRing",
    "meta_channel_id",
    "team_channel_id",
    "well_known_channel_id",
]


class DialogueClient(Connection):
    """One device's view of the dialogues it holds keys for (``call`` and sign-in come from
    ``Connection``)."""

    # Tests build epochs and envelopes the server must refuse with these two.
    _epoch_body = staticmethod(epochs.epoch_body)
    _meta_envelope = staticmethod(dialogue_content.meta_envelope)

    # --- dialogues and epochs ---------------------------------------------------------------

    def create_dialogue(self, document: dict[str, Any]) -> str:
        return rotation.create_dialogue(self, document)

    def register_archive_key(self, dialogue_id: str, archive_public: bytes) -> dict[str, Any]:
        return archive.register_archive_key(self, dialogue_id, archive_public)

    def conveners(self, dialogue_id: str) -> dict[bytes, bytes]:
        return epochs.conveners(self, dialogue_id)

    def epochs(self, dialogue_id: str) -> list[EpochState]:
        return epochs.states(self, dialogue_id)

    def cut_epoch(
        self,
        dialogue_id: str,
        roster: list[td2.RosterMember],
        approve: list[str] | None = None,
        stewards: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return rotation.cut_epoch(self, dialogue_id, roster, approve, stewards)

    def roster(self, dialogue_id: str) -> list[td2.RosterMember]:
        return epochs.roster(self, dialogue_id)

    def remove(self, dialogue_id: str, handles: list[str]) -> dict[str, Any]:
        return rotation.remove(self, dialogue_id, handles)

    def team_keys(self, dialogue_id: str) -> dict[int, bytes]:
        return epochs.team_keys(self, dialogue_id)

    # --- invitations and knocks -------------------------------------------------------------

    def invite_participant(self, dialogue_id: str, role: str = "participant") -> str:
        return invitations.invite_participant(self, dialogue_id, role)

    def add_team_seat(
        self, dialogue_id: str, username: str, role: str, steward: bool = False
    ) -> str:
        return invitations.add_team_seat(self, dialogue_id, username, role, steward)

    def knock(self, link_or_invite_id: str, steward: bool = False) -> dict[str, Any]:
        return invitations.knock(self, link_or_invite_id, steward)

    def pending_knocks(self, dialogue_id: str) -> list[dict[str, Any]]:
        return invitations.pending_knocks(self, dialogue_id)

    def approve(self, dialogue_id: str, knocks: list[dict[str, Any]]) -> dict[str, Any]:
        return invitations.approve(self, dialogue_id, knocks)

    def open_device_session(self, dialogue_id: str) -> dict[str, Any]:
        return open_device_session(self, dialogue_id)

    # --- content ----------------------------------------------------------------------------

    def seal_message(
        self, dialogue_id: str, channel_id: bytes, content: dict[str, Any]
    ) -> dict[str, Any]:
        return dialogue_content.seal_message(self, dialogue_id, channel_id, content)

    def open_message(self, dialogue_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        return dialogue_content.open_message(self, dialogue_id, envelope)

    def seal_team_message(self, dialogue_id: str, content: dict[str, Any]) -> dict[str, Any]:
        return dialogue_content.seal_team_message(self, dialogue_id, content)

    def open_team_message(self, dialogue_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        return dialogue_content.open_team_message(self, dialogue_id, envelope)

    def write_note(
        self, dialogue_id: str, note: dict[str, Any], replaces: str | None = None
    ) -> str:
        return dialogue_content.write_note(self, dialogue_id, note, replaces)

    def write_team_note(
        self, dialogue_id: str, note: dict[str, Any], replaces: str | None = None
    ) -> str:
        return dialogue_content.write_team_note(self, dialogue_id, note, replaces)

    def write_meta(
        self, dialogue_id: str, document: dict[str, Any], replaces: str | None = None
    ) -> str:
        return dialogue_content.write_meta(self, dialogue_id, document, replaces)

    def read_meta(self, dialogue_id: str) -> list[dict[str, Any]]:
        return dialogue_content.read_meta(self, dialogue_id)

    def write_agenda_item(
        self,
        dialogue_id: str,
        item: dict[str, Any],
        guidance: dict[str, str] | None = None,
        replaces: str | None = None,
    ) -> str:
        return agenda.write_agenda_item(self, dialogue_id, item, guidance, replaces)

    def guidance(self, dialogue_id: str, document: dict[str, Any]) -> dict[str, str] | None:
        return agenda.read_guidance(self, dialogue_id, document)

    # --- rounds of ideas and decisions ------------------------------------------------------

    def open_round(self, dialogue_id: str, kind: str, details: dict[str, Any]) -> str:
        return rounds.open_round(self, dialogue_id, kind, details)

    def write_statement(self, dialogue_id: str, round_id: str, text: str, lang: str) -> str:
        return rounds.write_statement(self, dialogue_id, round_id, text, lang)

    def translate_statement(
        self, dialogue_id: str, round_id: str, of: str, text: str, lang: str
    ) -> str:
        return rounds.translate_statement(self, dialogue_id, round_id, of, text, lang)

    def act_on_statements(self, dialogue_id: str, round_id: str, action: dict[str, Any]) -> str:
        return rounds.act_on_statements(self, dialogue_id, round_id, action)

    def vote(
        self, dialogue_id: str, round_id: str, slot: str | None, ballot: dict[str, Any]
    ) -> None:
        rounds.vote(self, dialogue_id, round_id, slot, ballot)

    def close_round(self, dialogue_id: str, round_id: str) -> dict[str, Any]:
        return rounds.close_round(self, dialogue_id, round_id)

    def tally_and_publish(
        self, dialogue_id: str, round_id: str, hands: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        return rounds.tally_and_publish(self, dialogue_id, round_id, hands)

    def read_round(self, dialogue_id: str, round_id: str) -> dict[str, Any]:
        return rounds.read_round(self, dialogue_id, round_id)
