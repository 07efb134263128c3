"""The malicious-server cases (``tests/adversarial/server_cases.json``) against the browser, in
Chromium: the same database edits between steps as for the Python client, and the browser must
refuse in the same way. Setup and the victims' actions call the workspace's own modules on its
pages; one refusal per kind is also checked where people see it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator import td2
from facilitator.client import DialogueClient, HttpTransport
from tests.adversarial.steps import SECRET_GUIDANCE, facilitator_names_archive_key
from tests.adversarial.tamper import CASES, Attacker, apply
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    create_dialogue,
    invite_participant,
    knock_fingerprint,
    let_in,
    participant_joins,
    sign_in,
)

pytestmark = pytest.mark.browser

MODULES = """
  const cs = await import('/static/js/dialogues/crypto-state.js');
  const steward = await import('/static/js/dialogues/steward.js');
  const api = await import('/static/js/dialogues/api.js');
  const td2 = await import('/static/js/td2/index.js');
"""
# Runs `body` on a page with the modules above; returns {ok, value} or {reason, detail}.
RUN = """async ([id, arg]) => {%s
  try {
    const value = await (async () => { %s })();
    return {ok: true, value};
  } catch (error) {
    return {ok: false, reason: error.reason ?? error.message, detail: error.detail ?? null};
  }
}"""


def run(page: Any, dialogue_id: str, body: str, arg: Any = None) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(RUN % (MODULES, body), [dialogue_id, arg])
    return result


def must(result: dict[str, Any]) -> Any:
    assert result["ok"], result
    return result["value"]


class Browsers:
    """A browser convener, a Python facilitator seated as a key steward (certified by the
    browser) and a browser participant."""

    def __init__(self, browser: Any, origin: str, make_member: Any, watch: Watch) -> None:
        convener = make_member("convener", username="samira")
        facilitator = make_member("facilitator", username="oleksandr")
        self.convener = watch.page(browser.new_context(locale="en-GB"))
        sign_in(self.convener, origin, convener)
        self.dialogue_id = create_dialogue(self.convener, origin)
        must(run(self.convener, self.dialogue_id, """
          return api.post(`/dialogues/${id}/invitations`, {
            invite_id: td2.b64uEncode(td2.randomId()), role: "facilitator", username: arg,
            steward: true});
        """, "oleksandr"))
        self.facilitator = DialogueClient(HttpTransport(origin))
        self.facilitator.sign_in(facilitator.username, facilitator.password, facilitator.totp_secret)
        (seat,) = self.facilitator.call("GET", "/api/v1/team-seats")
        knock = self.facilitator.knock(seat["invite_id"], steward=True)
        self.handles = {"facilitator": knock["handle"]}
        let_in_by_module(self.convener, self.dialogue_id)
        link = invite_participant(self.convener)
        self.participant, fingerprint = participant_joins(
            browser.new_context(locale="en-GB"), watch, link, origin
        )
        assert knock_fingerprint(self.convener) == fingerprint
        let_in(self.convener)
        expect(self.participant.locator("#dialogue-title")).to_be_visible(timeout=WAIT)
        state = must(run(self.convener, self.dialogue_id, """
          const s = await cs.openDialogue(id);
          return {handle: s.handle, roster: s.roster};
        """))
        self.handles["convener"] = state["handle"]
        (participant,) = [e for e in state["roster"] if e["role"] == "participant"]
        self.handles["participant"] = participant["handle"]
        self.pages = {"convener": self.convener, "participant": self.participant}


def let_in_by_module(page: Any, dialogue_id: str) -> None:
    must(run(page, dialogue_id, """
      const ws = {id, state: await cs.openDialogue(id)};
      for (const knock of await api.get(`/dialogues/${id}/knocks`)) await steward.approveKnock(ws, knock);
    """))


def before(room: Browsers, step: str) -> None:
    convener, dialogue_id = room.convener, room.dialogue_id
    if step == "convener_removes_facilitator":
        must(run(convener, dialogue_id, """
          await steward.removeMember({id, state: await cs.openDialogue(id)}, arg);
        """, room.handles["facilitator"]))
    elif step == "convener_registers_archive_key":
        must(run(convener, dialogue_id, """
          const panel = await import('/static/js/dialogues/archive-panel.js');
          await panel.registerArchiveKey(await cs.openDialogue(id), td2.b64uDecode(arg, 32));
        """, td2.b64u_encode(td2.generate_member_keypair()[1])))
    elif step == "facilitator_names_archive_key":
        facilitator_names_archive_key(room.facilitator, dialogue_id, room.handles["convener"])
    elif step == "convener_writes_guidance":
        must(run(convener, dialogue_id, """
          const s = await cs.openDialogue(id);
          await cs.writeMeta(s, {type: "agenda_item", id: td2.b64uEncode(td2.randomId()),
            title: {en: "Opening"}, phase: "opening", minutes: 20, position: 0,
            guidance: {en: arg}});
        """, SECRET_GUIDANCE))
    else:
        raise AssertionError(step)


def victim_does(room: Browsers, victim: str, action: str) -> dict[str, Any]:
    page, dialogue_id = room.pages[victim], room.dialogue_id
    if action in ("open", "seal"):
        return run(page, dialogue_id, """
          const s = await cs.openDialogue(id);
          return (await cs.readMeta(s)).length;
        """)
    if action == "rotate":
        return run(page, dialogue_id, """
          const s = await cs.openDialogue(id);
          return cs.cutEpoch(s, s.roster, {entries: await cs.readMeta(s)});
        """)
    if action == "read_guidance":
        result = run(page, dialogue_id, """
          const s = await cs.openDialogue(id);
          const item = (await cs.readMeta(s)).find((e) => e.doc?.type === "agenda_item").doc;
          if (item.guidance || s.teamKeys.size) return item;
          throw Object.assign(new Error("no_team_key"), {reason: "no_team_key"});
        """)
        assert SECRET_GUIDANCE not in page.content()
        return result
    raise AssertionError(action)


EXPECTED = {
    "signature": ("chain", "signature"),
    "creator": ("chain", "creator"),
    "rollback": ("chain", "rollback"),
    "archive_key": ("archive_key", None),
    "no_team_key": ("no_team_key", None),
}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_malicious_server_case_in_chromium(browser, origin, live_app, make_member, case):
    watch = Watch()
    room = Browsers(browser, origin, make_member, watch)
    for step in case["before"]:
        before(room, step)
    if case["id"] == "guidance_is_team_only":
        # The team reads what the browser sealed, with the Python client and the team key.
        (item,) = [
            d for d in room.facilitator.read_meta(room.dialogue_id)
            if d.get("type") == "agenda_item"
        ]
        assert "guidance" not in item
        assert room.facilitator.guidance(room.dialogue_id, item) == {"en": SECRET_GUIDANCE}
    attacker = Attacker(
        room.dialogue_id,
        room.handles["convener"],
        room.handles["participant"],
        room.handles["facilitator"],
        room.facilitator.keyrings[room.dialogue_id].ed25519_private or b"",
    )
    apply(live_app, attacker, case["tamper"])
    reason, detail = EXPECTED[case["refused"]]
    for victim in case["victims"]:
        result = victim_does(room, victim, case["then"])
        assert not result["ok"], (victim, result)
        assert result["reason"] == reason, (victim, result)
        if detail is not None:
            assert result["detail"]["reason"] == detail, (victim, result)
    if case["tamper"]:
        # Where people see it: the dialogue is refused with its reason, and shows no content.
        page = room.pages[case["victims"][0]]
        page.reload()
        expect(page.locator("#refusal")).to_be_visible(timeout=WAIT)
        assert "Vell River" not in page.locator("main").inner_text()
    assert [p for p in watch.problems if p.startswith("pageerror")] == []
