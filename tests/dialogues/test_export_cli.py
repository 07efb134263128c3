"""The convener's export on the command line, end to end: an archive key made offline by
``facilitator keys archive-new``, the scenario's agenda, roster and notes sealed through the API,
a later epoch wrapped to the archive key, the bundle fetched, then ``facilitator export`` with a
review file: Markdown, JSON and a PDF whose Arabic and Persian run right to left."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from facilitator import td2
from facilitator.client.client import team_channel_id
from facilitator.client.transport import ApiError
from facilitator.dialogues import models
from facilitator.export.cli import archive_new_command, export_command
from facilitator.extensions import db

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = json.loads((ROOT / "tests" / "scenarios" / "vell-water-dialogue.json").read_text())
PERSIAN_NOTE = "زنان دلتا به گفتهٔ پرستو رضایی زودتر از همه کمبود آب را حس کردند."
OFF_RECORD_NOTE = "CANARY-OFF-RECORD: the delegation admitted the figures were political."
NO_NOTES_NOTE = "CANARY-NO-NOTES: this should never have been written."
TEAM_NOTE = "CANARY-TEAM-NOTE: the ministry will not sign before the elections."
OFF_RECORD_ITEM = "Fears and needs, without rebuttal"


def archive_key(tmp_path: Path) -> tuple[Path, Path, bytes]:
    out = tmp_path / "archive.key"
    result = CliRunner().invoke(archive_new_command, ["--out", str(out)])
    assert result.exit_code == 0, result.output
    passphrase = re.search(r"Passphrase:\s+(\S+)", result.output).group(1)
    public = re.search(r"Public key:\s+(\S+)", result.output).group(1)
    (tmp_path / "passphrase").write_text(passphrase)
    return out, tmp_path / "passphrase", td2.b64u_decode(public)


def seal_scenario(convener: Any, rapporteur: Any, dialogue_id: str, scenario: dict) -> dict:
    """Sessions, items, the participants' person documents and the scenario's notes."""
    items: dict[str, str] = {}
    for position, session in enumerate(scenario["sessions"]):
        session_id = td2.b64u_encode(td2.random_id())
        convener.write_meta(dialogue_id, {
            "type": "session", "id": session_id, "title": session["title"],
            "starts": session["starts"], "ends": session["ends"], "position": position})
        for index, item in enumerate(session["agenda"]):
            item_id = td2.b64u_encode(td2.random_id())
            items[item["title"]["en"]] = item_id
            convener.write_meta(dialogue_id, {
                "type": "agenda_item", "id": item_id, "session": session_id,
                "title": item["title"], "phase": item["phase"], "minutes": item["minutes"],
                "confidentiality": item["confidentiality"], "position": index})
    for person in scenario["participants"]:
        convener.write_meta(dialogue_id, {"type": "person", "id": td2.b64u_encode(td2.random_id()),
                                          "role": person.get("role", "participant"), **person})
    at = "2026-12-08T10:41:07+03:00"
    for note in scenario["notes"]:
        rapporteur.write_note(dialogue_id, {
            "id": td2.b64u_encode(td2.random_id()), "item": items[note["agenda_item"]],
            "kind": note["kind"], "text": note["text"], "lang": note["lang"], "at": at})
    extra = [
        ("Mapping the 2019 dam release crisis", "point", PERSIAN_NOTE, "fa"),
        ("Fears and needs, without rebuttal", "point", OFF_RECORD_NOTE, "en"),
        ("Side caucuses", "point", NO_NOTES_NOTE, "en"),
    ]
    for title, kind, body, lang in extra:
        rapporteur.write_note(dialogue_id, {
            "id": td2.b64u_encode(td2.random_id()), "item": items[title], "kind": kind,
            "text": body, "lang": lang, "at": at})
    return items


def names_and_affiliations(scenario: dict) -> list[str]:
    people = scenario["participants"] + scenario["team"]
    found = [p["display_name"] for p in people]
    found += [p["affiliation"] for p in people if p.get("affiliation")]
    return found


def run_export(tmp_path: Path, bundle: Path, key: Path, passphrase: Path, review: Path,
               *more: str) -> Any:
    return CliRunner().invoke(export_command, [
        "--bundle", str(bundle), "--key", str(key), "--passphrase-file", str(passphrase),
        "--review", str(review), "--out", str(tmp_path / "out"), *more])


def test_scenario_exported_on_the_command_line(app, workshop, tmp_path, artifacts):
    convener = workshop.clients["convener"]
    dialogue_id = workshop.dialogue_id
    key, passphrase, public = archive_key(tmp_path)
    registered = convener.register_archive_key(dialogue_id, public)
    assert registered["fingerprint"] == td2.fingerprint(public)
    seal_scenario(convener, workshop.clients["rapporteur"], dialogue_id, SCENARIO)
    # A later epoch (the observer leaves) is wrapped to the archive key as well.
    convener.remove(dialogue_id, [workshop.handles["observer"]])
    bundle = convener.call("GET", f"/api/v1/dialogues/{dialogue_id}/export")
    assert [w["epoch"] for w in bundle["archive_wraps"]] == [e["epoch"] for e in bundle["epochs"]]
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(bundle))

    # First run: the findings go to a review file, nothing is written yet.
    review = tmp_path / "review.json"
    first = run_export(tmp_path, bundle_file, key, passphrase, review)
    assert first.exit_code == 3, first.output
    assert not (tmp_path / "out").exists()
    findings = json.loads(review.read_text())
    matched = {f["match"] for f in findings}
    assert {"Yusuf Al-Mansour", "Anatoly Greshnev", "ليلى ناصر", "جامعة فيل العليا",
            "پرستو رضایی"} <= matched
    # Second run, the proposed replacements accepted as they are.
    second = run_export(tmp_path, bundle_file, key, passphrase, review)
    assert second.exit_code == 0, second.output
    out = tmp_path / "out"
    markdown = (out / "summary.md").read_text()
    exported = json.loads((out / "summary.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    for name in names_and_affiliations(SCENARIO):
        assert name not in markdown, name
    for secret in (OFF_RECORD_NOTE, NO_NOTES_NOTE, "Fears and needs", "Side caucuses"):
        assert secret not in markdown and secret not in json.dumps(exported, ensure_ascii=False)
    assert "10:41" not in markdown and "10:41" not in json.dumps(exported)
    assert "[a participant]" in markdown
    assert "2026-12-08" in markdown
    head = td2.b64u_encode(td2.record_hash(td2.b64u_decode(bundle["epochs"][-1]["record"])))
    assert manifest["epoch_chain_head"] == head == exported["manifest"]["epoch_chain_head"]
    assert manifest["epochs"] == len(bundle["epochs"])
    assert manifest["content_sha256"] in markdown

    # The PDF: Arabic and Persian notes laid out right to left, checked on the rendered page.
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(out / "summary.pdf"))
    found = {}
    for page in pdf:
        textpage = page.get_textpage()
        for lang, sample in (("ar", "أشارت"), ("fa", "زنان")):  # each note's first word
            text = textpage.get_text_range()
            at = text.find(sample)
            if at >= 0 and lang not in found:
                first = textpage.get_charbox(at)
                last = textpage.get_charbox(at + len(sample) - 1)
                found[lang] = (first, last, page.get_width())
                page.render(scale=2).to_pil().save(artifacts / f"export-{lang}.png")
    assert set(found) == {"ar", "fa"}
    for lang, (first, last, width) in found.items():
        # Reading order runs leftwards: the word's first letter is right of its last.
        assert first[0] > last[0], lang
        assert first[2] > width / 2, f"{lang}: the line does not start on the right"


def test_tampered_chain_stops_the_export(app, workshop, tmp_path):
    convener = workshop.clients["convener"]
    key, passphrase, public = archive_key(tmp_path)
    convener.register_archive_key(workshop.dialogue_id, public)
    with app.app_context():
        epoch = db.session.scalar(select(models.Epoch).where(
            models.Epoch.dialogue_id == workshop.dialogue_id, models.Epoch.number == 1))
        record = bytearray(td2.b64u_decode(epoch.record))
        record[-1] ^= 1  # the record's clock, one bit: the signature no longer verifies
        epoch.record = td2.b64u_encode(bytes(record))
        db.session.commit()
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(
        convener.call("GET", f"/api/v1/dialogues/{workshop.dialogue_id}/export")))
    result = run_export(tmp_path, bundle_file, key, passphrase, tmp_path / "review.json")
    assert result.exit_code == 1
    assert "key history does not verify" in result.output
    assert not (tmp_path / "out").exists()


def test_wrong_key_and_bad_bundle_are_refused(app, workshop, tmp_path):
    convener = workshop.clients["convener"]
    _key, _passphrase, public = archive_key(tmp_path)
    convener.register_archive_key(workshop.dialogue_id, public)
    other = tmp_path / "other"
    other.mkdir()
    key, passphrase, _public = archive_key(other)
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(
        convener.call("GET", f"/api/v1/dialogues/{workshop.dialogue_id}/export")))
    result = run_export(tmp_path, bundle_file, key, passphrase, tmp_path / "review.json")
    assert result.exit_code == 1 and "not the dialogue's archive key" in result.output
    (tmp_path / "junk.json").write_text("{not json")
    result = run_export(tmp_path, tmp_path / "junk.json", key, passphrase, tmp_path / "r.json")
    assert result.exit_code == 1 and "not JSON" in result.output
    (tmp_path / "wrong").write_text("not-the-passphrase")
    result = run_export(tmp_path, bundle_file, key, tmp_path / "wrong", tmp_path / "r.json")
    assert result.exit_code == 1 and "does not open" in result.output


def test_epochs_need_the_archive_wrap_once_there_is_a_key(app, workshop, tmp_path):
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    _key, _passphrase, public = archive_key(tmp_path)
    # The wraps must cover every epoch the convener holds.
    states = convener.epochs(d)
    with pytest.raises(ApiError) as refused:
        convener.call("PUT", f"/api/v1/dialogues/{d}/archive-key", {
            "x25519_public": td2.b64u_encode(public),
            "wraps": [{"epoch": 0, "wrap": td2.b64u_encode(bytes(80))}]})
    assert refused.value.status == 400 and len(states) > 1
    convener.register_archive_key(d, public)
    ring = convener.keyrings[d]
    current = convener.epochs(d)[-1]
    body, _state = convener._epoch_body(
        ring, current.number + 1, current.record_hash, current.roster, td2.random_secret())
    with pytest.raises(ApiError) as missing:
        convener.call("POST", f"/api/v1/dialogues/{d}/epochs", body)
    assert missing.value.status == 400
    assert missing.value.body["params"]["reason"] == "archive_wrap"
    assert convener.call("GET", f"/api/v1/dialogues/{d}")["current_epoch"] == current.number


def test_storage_holds_no_plaintext_and_no_author_of_any_note(app, workshop, tmp_path):
    convener, rapporteur = workshop.clients["convener"], workshop.clients["rapporteur"]
    seal_scenario(convener, rapporteur, workshop.dialogue_id, SCENARIO)
    with app.app_context():
        notes = db.session.scalars(select(models.Envelope).where(
            models.Envelope.dialogue_id == workshop.dialogue_id,
            models.Envelope.kind == "note")).all()
        assert len(notes) == len(SCENARIO["notes"]) + 3
        assert {n.author_handle for n in notes} == {td2.b64u_encode(bytes(16))}
        columns = {c.name for c in models.Envelope.__table__.columns}
        assert not columns & {"uploader", "editor", "account_id", "member_id", "created_by"}
        dump = "\n".join(
            str(row) for table in db.metadata.sorted_tables
            for row in db.session.execute(select(table)))
    for note in SCENARIO["notes"]:
        assert note["text"][:30] not in dump
    for secret in ("CANARY-91ac2f-NOTE", PERSIAN_NOTE[:20], OFF_RECORD_NOTE, NO_NOTES_NOTE):
        assert secret not in dump


def test_who_may_take_notes(app, workshop):
    d = workshop.dialogue_id
    note = {"id": td2.b64u_encode(td2.random_id()), "item": td2.b64u_encode(td2.random_id()),
            "kind": "point", "text": "x", "lang": "en", "at": "2026-12-07T10:00:00+03:00"}
    for role in ("convener", "facilitator", "rapporteur"):
        workshop.clients[role].write_note(d, note)
    for role in ("interpreter", "observer", "participant"):
        with pytest.raises(ApiError) as refused:
            workshop.clients[role].write_note(d, note)
        assert refused.value.status == 403, role
    workshop.clients["convener"].call("PUT", f"/api/v1/dialogues/{d}/settings",
                                      {"participant_notes": True})
    message_id = workshop.clients["participant"].write_note(d, note)
    # Notes have no author: any note taker may remove one; an observer may not.
    with pytest.raises(ApiError) as refused:
        workshop.clients["observer"].call("DELETE", f"/api/v1/dialogues/{d}/envelopes/{message_id}")
    assert refused.value.status == 403
    workshop.clients["rapporteur"].call("DELETE", f"/api/v1/dialogues/{d}/envelopes/{message_id}")


def team_note(item: str, text: str = TEAM_NOTE) -> dict[str, str]:
    return {"id": td2.b64u_encode(td2.random_id()), "item": item, "kind": "point",
            "text": text, "lang": "en", "at": "2026-12-08T11:02:00+03:00"}


def team_channel(dialogue_id: str) -> str:
    return td2.b64u_encode(team_channel_id(td2.b64u_decode(dialogue_id)))


def open_team_note(api: Any, dialogue_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
    """A team member opens an off-the-record note with the epoch's ``K_team``."""
    key = api.team_keys(dialogue_id)[envelope["epoch"]]
    aad = td2.build_aad(
        "note", td2.b64u_decode(dialogue_id), td2.b64u_decode(envelope["channel_id"]),
        envelope["epoch"], td2.b64u_decode(envelope["message_id"]), bytes(16))
    return dict(json.loads(td2.open_blob(key, aad, td2.b64u_decode(envelope["blob"]))))


def envelope_count(app: Any) -> int:
    with app.app_context():
        return len(db.session.scalars(select(models.Envelope.id)).all())


def test_off_the_record_team_notes_never_reach_an_export(app, workshop, tmp_path):
    """An off-the-record note stays in the team channel: the team reads it, the bundle holds no
    envelope of that channel, and the command-line export (which could not open one) works."""
    convener, rapporteur = workshop.clients["convener"], workshop.clients["rapporteur"]
    d = workshop.dialogue_id
    key, passphrase, public = archive_key(tmp_path)
    convener.register_archive_key(d, public)
    items = seal_scenario(convener, rapporteur, d, SCENARIO)
    message_id = rapporteur.write_team_note(d, team_note(items[OFF_RECORD_ITEM]))
    team = team_channel(d)
    (stored,) = convener.call("GET", f"/api/v1/dialogues/{d}/envelopes?channel={team}")
    assert stored["message_id"] == message_id and stored["kind"] == "note"
    assert stored["author_handle"] == td2.b64u_encode(bytes(16))
    for role in ("convener", "facilitator", "interpreter"):
        opened = open_team_note(workshop.clients[role], d, stored)
        assert opened["text"] == TEAM_NOTE and opened["item"] == items[OFF_RECORD_ITEM], role
    # The epoch's note key, which the archive key and every member hold, does not open it.
    state = convener.epochs(d)[-1]
    note_key = td2.derive_subkey(
        state.secret, td2.b64u_decode(d), state.number, state.record_hash, "note")
    aad = td2.build_aad("note", td2.b64u_decode(d), td2.b64u_decode(team), state.number,
                        td2.b64u_decode(message_id), bytes(16))
    with pytest.raises(td2.Td2Error):
        td2.open_blob(note_key, aad, td2.b64u_decode(stored["blob"]))

    bundle = convener.call("GET", f"/api/v1/dialogues/{d}/export")
    assert bundle["envelopes"] and all(e["channel_id"] != team for e in bundle["envelopes"])
    assert message_id not in json.dumps(bundle)
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(bundle))
    review = tmp_path / "review.json"
    first = run_export(tmp_path, bundle_file, key, passphrase, review, "--format", "json")
    assert first.exit_code == 3, first.output
    second = run_export(tmp_path, bundle_file, key, passphrase, review, "--format", "json")
    assert second.exit_code == 0, second.output
    exported = (tmp_path / "out" / "summary.json").read_text()
    assert "CANARY-TEAM-NOTE" not in exported and OFF_RECORD_ITEM not in exported


def test_team_notes_are_the_teams_alone(app, workshop):
    """Participants and observers are never sent a team-channel envelope, nor may they post or
    delete one (403, nothing stored); among the team, the note takers write them."""
    d = workshop.dialogue_id
    team = team_channel(d)
    item = td2.b64u_encode(td2.random_id())
    convener = workshop.clients["convener"]
    convener.call("PUT", f"/api/v1/dialogues/{d}/settings", {"participant_notes": True})
    for role in ("convener", "facilitator", "rapporteur"):
        workshop.clients[role].write_team_note(d, team_note(item))
    message_id = workshop.clients["rapporteur"].write_team_note(d, team_note(item))
    with pytest.raises(ApiError) as refused:
        workshop.clients["interpreter"].write_team_note(d, team_note(item))
    assert refused.value.status == 403  # the team reads them; only its note takers write
    assert len(convener.call("GET", f"/api/v1/dialogues/{d}/envelopes?channel={team}")) == 4
    assert len(workshop.clients["interpreter"].call(
        "GET", f"/api/v1/dialogues/{d}/envelopes?channel={team}")) == 4

    before = envelope_count(app)
    for role in ("participant", "observer"):
        api = workshop.clients[role]
        # Their device holds the epoch's note key but no K_team: whatever it seals is refused.
        ring, state = api.keyrings[d], api.epochs(d)[-1]
        note_key = td2.derive_subkey(
            state.secret, ring.dialogue_id, state.number, state.record_hash, "note")
        new_id = td2.random_id()
        aad = td2.build_aad("note", ring.dialogue_id, td2.b64u_decode(team), state.number,
                            new_id, bytes(16))
        body = {"kind": "note", "channel_id": team, "message_id": td2.b64u_encode(new_id),
                "epoch": state.number, "author_handle": td2.b64u_encode(bytes(16)),
                "blob": td2.b64u_encode(td2.seal_blob(
                    note_key, aad, json.dumps({"type": "note", **team_note(item)}).encode()))}
        status, answer, _ = api.transport.request("POST", f"/api/v1/dialogues/{d}/envelopes", body)
        assert status == 403 and answer["error"] == "permission_denied", role
        status, answer, _ = api.transport.request(
            "GET", f"/api/v1/dialogues/{d}/envelopes?channel={team}")
        assert status == 403 and answer["error"] == "permission_denied", role
        everything = api.call("GET", f"/api/v1/dialogues/{d}/envelopes")
        assert everything and all(e["channel_id"] != team for e in everything), role
        status, answer, _ = api.transport.request(
            "DELETE", f"/api/v1/dialogues/{d}/envelopes/{message_id}")
        assert status == 403, role
    assert envelope_count(app) == before
    # A participant's own note in the notes channel is still accepted.
    workshop.clients["participant"].write_note(d, team_note(item, "a point"))
    workshop.clients["facilitator"].call("DELETE", f"/api/v1/dialogues/{d}/envelopes/{message_id}")
    assert len(convener.call("GET", f"/api/v1/dialogues/{d}/envelopes?channel={team}")) == 3


def test_export_fetches_the_bundle_from_the_server(app, live_app, workshop, make_member, tmp_path):
    """``--server``: the convener signs in on the terminal (password, then an authenticator
    code) and the bundle comes over HTTP."""
    import time

    import pyotp

    convener = workshop.clients["convener"]
    key, passphrase, public = archive_key(tmp_path)
    convener.register_archive_key(workshop.dialogue_id, public)
    seal_scenario(convener, workshop.clients["rapporteur"], workshop.dialogue_id, SCENARIO)
    member = workshop.members["convener"]
    code = pyotp.TOTP(member.totp_secret).at(time.time() + 30)  # the next code: each is used once
    review = tmp_path / "review.json"
    args = ["--server", live_app.config["LIVE_ORIGIN"], "--dialogue", workshop.dialogue_id,
            "--username", member.username, "--key", str(key), "--passphrase-file",
            str(passphrase), "--review", str(review), "--format", "md",
            "--out", str(tmp_path / "out")]
    first = CliRunner().invoke(export_command, args, input=f"{member.password}\n{code}\n")
    assert first.exit_code == 3, first.output
    assert review.exists()
