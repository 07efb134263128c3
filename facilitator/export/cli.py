"""``facilitator keys archive-new``, ``facilitator export`` and ``facilitator verify-manifest``
(docs/export.md).

Both run where the plaintext may be: ``archive-new`` on a machine with no network, ``export``
on the convener's own computer. ``export`` reads the ciphertext bundle from a file (carried to
an offline machine) or fetches it from the server with the convener's account, verifies the
epoch chain, decrypts with the archive key file, anonymises with the same rules as the browser
(every finding reviewed on the terminal or in a review file) and writes Markdown, JSON and PDF.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from facilitator import td2
from facilitator.core.i18n import SUPPORTED_LOCALES, locale_info
from facilitator.export import anonymise
from facilitator.export.bundle import ExportError, open_bundle
from facilitator.export.render import (
    Labels,
    manifest_for,
    to_html,
    to_json,
    to_markdown,
    to_pdf,
)
from facilitator.export.summary import build_summary
from facilitator.export.verify import (
    BadInput,
    ManifestCheck,
    ManifestFailure,
    read_bundle,
    read_summary_export,
)
from facilitator.td2.cli import file_option

FORMATS = ("md", "json", "pdf")
# Where a script gives the key file's passphrase (after --passphrase-file, before asking).
PASSPHRASE_ENV = "FACILITATOR_KEY_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)


@click.group("keys")
def keys() -> None:
    """Offline keys."""


@keys.command("archive-new")
@file_option("--out", help="where to write the key file (it must not exist)", required=True)
def archive_new_command(out: Path) -> None:
    """Make the dialogue's archive key on this (offline) machine.

    Writes the private key sealed under a generated passphrase and prints the passphrase once,
    with the public key the convener registers in the browser and its fingerprint.
    """
    if out.exists():
        raise click.ClickException(f"{out} exists already; choose another file name.")
    private, public = td2.generate_member_keypair()
    passphrase = td2.generate_passphrase()
    out.write_bytes(td2.seal_key_file(td2.private_to_pkcs8(private, "x25519"), passphrase))
    out.chmod(0o600)
    click.echo(f"Key file:    {out}")
    click.echo(f"Passphrase:  {passphrase}")
    click.echo("             (write it down; it is not stored anywhere)")
    click.echo(f"Public key:  {td2.b64u_encode(public)}")
    click.echo(f"Fingerprint: {td2.fingerprint(public)}")
    click.echo("Register the public key in the dialogue's workspace, Export panel.")


def _passphrase(passphrase_file: Path | None) -> str:
    """The key file's passphrase: from --passphrase-file, else FACILITATOR_KEY_PASSPHRASE, else
    asked on the terminal without echo."""
    if passphrase_file is not None:
        return passphrase_file.read_text().strip()
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return str(click.prompt("Key file passphrase", hide_input=True))


def _load_key(path: Path, passphrase: str) -> bytes:
    try:
        key_type, private = td2.pkcs8_to_private(td2.open_key_file(path.read_bytes(), passphrase))
    except td2.Td2Error as error:
        raise click.ClickException(f"The key file does not open: {error}") from None
    if key_type != "x25519":
        raise click.ClickException("This key file does not hold an archive (X25519) key.")
    return private


def _fetch(server: str, dialogue_id: str, username: str) -> dict[str, Any]:
    from facilitator.client import DialogueClient
    from facilitator.client.transport import ApiError, HttpTransport

    password = click.prompt("Password", hide_input=True)
    code = click.prompt("Authenticator code")
    client = DialogueClient(HttpTransport(server.rstrip("/")))
    try:
        client.sign_in_with_code(username, password, code)
        bundle: dict[str, Any] = client.call("GET", f"/api/v1/dialogues/{dialogue_id}/export")
    except ApiError as error:
        raise click.ClickException(f"The server refused: {error}") from None
    return bundle


def _ask(finding: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    click.echo("")
    click.echo(f"  {finding['where']}: {finding['context']}")
    label = labels.get(finding["label"], finding["label"])
    possible = finding.get("confidence") == "possible"
    hint = ", possibly an ordinary word" if possible else ""
    click.echo(f"  «{finding['match']}» ({finding['kind']}{hint}) -> {label}")
    choice = click.prompt(
        "  [r]eplace / [k]eep / [o]ther replacement",
        type=click.Choice(["r", "k", "o"]),
        default="k" if possible else "r",
    )
    if choice == "k":
        return {"id": finding["id"], "action": "keep"}
    if choice == "o":
        return {"id": finding["id"], "action": "replace", "replacement": click.prompt("  With")}
    return {"id": finding["id"], "action": "replace"}


def _source_of(finding: dict[str, Any]) -> tuple[str, str]:
    """One person, affiliation, side or term: the listed name and the kind it was found as."""
    return (str(finding["kind"]), str(finding["source"]))


def _ask_all(findings: list[dict[str, Any]], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each finding asked on the terminal, in reading order. Where the same person (or
    affiliation, side, term) is found again later, the convener may give every later occurrence
    the same decision, as ``"every": true`` does in a review file; those are not asked again."""
    every: dict[tuple[str, str], dict[str, Any]] = {}
    decisions = []
    for index, finding in enumerate(findings):
        key = _source_of(finding)
        if key in every:
            decisions.append({**every[key], "id": finding["id"]})
            continue
        decision = _ask(finding, labels)
        decisions.append(decision)
        later = sum(1 for other in findings[index + 1 :] if _source_of(other) == key)
        if later and click.confirm(
            f"  Apply this to every other occurrence of «{finding['source']}» ({later} more)?",
            default=False,
        ):
            every[key] = decision
    return decisions


def _every_occurrence(findings: list[dict[str, Any]], decided: dict[str, Any]) -> dict[str, Any]:
    """A decision with ``"every": true`` stands for every finding of the same listed name and
    kind (one person, affiliation, side or term) that has no decision of its own; of two such
    decisions for one person, the first in the findings' order wins. Kind and name are read from
    the findings, not from the file, so an edited file cannot widen a decision."""
    by_id = {f["id"]: f for f in findings}
    every: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        decision = decided.get(finding["id"])
        if isinstance(decision, dict) and decision.get("every") is True:
            every.setdefault((finding["kind"], finding["source"]), decision)
    spread = dict(decided)
    for finding_id, finding in by_id.items():
        key = (finding["kind"], finding["source"])
        if finding_id not in spread and key in every:
            spread[finding_id] = {**every[key], "id": finding_id}
    return spread


def _decisions(
    findings: list[dict[str, Any]], review: Path | None, labels: dict[str, str]
) -> list[dict[str, Any]] | None:
    """Decisions from the review file, or asked on the terminal; None when a review file was
    written for the convener to complete first."""
    if not findings:
        return []
    if review is None:
        click.echo(f"{len(findings)} passage(s) may identify someone:")
        return _ask_all(findings, labels)
    if not review.exists():
        proposed = [
            {**f, "action": "keep"}
            if f.get("confidence") == "possible"
            else {**f, "action": "replace", "replacement": labels.get(f["label"], f["label"])}
            for f in findings
        ]
        review.write_text(json.dumps(proposed, ensure_ascii=False, indent=2) + "\n")
        click.echo(
            f"{len(findings)} passage(s) may identify someone. Review {review} "
            '("action": "replace", "keep", or "replace" with a "replacement"; "every": true '
            "applies a decision to every occurrence of the same person), then run again."
        )
        return None
    data = json.loads(review.read_text())
    decided = _every_occurrence(
        findings, {d["id"]: d for d in data if isinstance(d, dict) and "id" in d}
    )
    missing = [f["id"] for f in findings if f["id"] not in decided]
    if missing:
        raise click.ClickException(
            f"The review file has no decision for {len(missing)} finding(s); "
            "delete it to have it written again."
        )
    return [decided[f["id"]] for f in findings]


@click.command("export")
@file_option(
    "--bundle",
    "bundle_path",
    help="the ciphertext bundle saved from the workspace (offline machines)",
    exists=True,
)
@click.option("--server", help="fetch the bundle from this server, e.g. https://dialogues.example")
@click.option("--dialogue", "dialogue_id", help="the dialogue's id (with --server)")
@click.option("--username", help="the convener's account (with --server)")
@file_option("--key", "key_path", help="the archive key file", exists=True, required=True)
@file_option(
    "--passphrase-file",
    help="read the key file's passphrase from this file instead of asking",
    exists=True,
)
@file_option("--review", help="review findings in this JSON file instead of on the terminal")
@file_option("--terms", help="more names or words to look for, one per line", exists=True)
@file_option(
    "--text",
    "text_path",
    help="the convener's own summary text, anonymised with the notes",
    exists=True,
)
@click.option(
    "--locale",
    type=click.Choice(SUPPORTED_LOCALES),
    default="en",
    show_default=True,
    help="language of the headings",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    default=FORMATS,
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="directory for summary.md, summary.json, summary.pdf and manifest.json",
)
def export_command(
    bundle_path: Path | None,
    server: str | None,
    dialogue_id: str | None,
    username: str | None,
    key_path: Path,
    passphrase_file: Path | None,
    review: Path | None,
    terms: Path | None,
    text_path: Path | None,
    locale: str,
    formats: tuple[str, ...],
    out: Path,
) -> None:
    """Verify, decrypt, anonymise and write a dialogue's summary."""
    if bundle_path is not None:
        try:
            bundle = json.loads(bundle_path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise click.ClickException("The bundle file is not JSON.") from None
    elif server and dialogue_id and username:
        bundle = _fetch(server, dialogue_id, username)
    else:
        raise click.UsageError("Give --bundle FILE, or --server, --dialogue and --username.")
    private = _load_key(key_path, _passphrase(passphrase_file))
    try:
        opened = open_bundle(bundle, private)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    free_text = text_path.read_text() if text_path else ""
    summary, context = build_summary(opened, [locale], free_text)
    if terms is not None:
        context["terms"] = [t.strip() for t in terms.read_text().splitlines() if t.strip()]
    labels = Labels(locale)
    findings = anonymise.review(summary, context)
    decisions = _decisions(findings, review, labels.neutral())
    if decisions is None:
        sys.exit(3)
    clean = anonymise.apply(summary, context, decisions, labels.neutral())
    manifest = manifest_for(clean, opened.dialogue_id, opened.chain_head, opened.chain_length)
    out.mkdir(parents=True, exist_ok=True)
    if "md" in formats:
        (out / "summary.md").write_text(to_markdown(clean, manifest, labels))
    if "json" in formats:
        (out / "summary.json").write_text(to_json(clean, manifest))
    if "pdf" in formats:
        document = to_html(clean, manifest, labels, locale_info(locale).is_rtl)
        (out / "summary.pdf").write_bytes(to_pdf(document))
    (out / "manifest.json").write_text(json.dumps(manifest.as_dict(), indent=2) + "\n")
    click.echo(f"Epoch-chain head: {manifest.epoch_chain_head} ({manifest.epochs} epochs)")
    click.echo(f"Key steward at creation: {', '.join(opened.genesis_steward_fingerprints)}")
    if opened.unreadable_epochs:
        click.echo(f"Epochs the archive key cannot open: {opened.unreadable_epochs}")
    click.echo(f"Content SHA-256: {manifest.content_sha256}")
    click.echo(f"Written to {out}")


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise click.UsageError(f"The {what} file {path} is not JSON.") from None


@click.command("verify-manifest")
@file_option(
    "--bundle",
    "bundle_path",
    help="the dialogue's ciphertext bundle",
    exists=True,
    required=True,
)
@file_option(
    "--summary",
    "summary_path",
    help='the summary exported in the browser as JSON ({"manifest", "summary"})',
    exists=True,
    required=True,
)
@file_option(
    "--key",
    "key_path",
    help="the archive key file: also check that every participant side approved",
    exists=True,
)
@file_option(
    "--passphrase-file",
    help="read the key file's passphrase from this file instead of asking",
    exists=True,
)
def verify_manifest_command(
    bundle_path: Path, summary_path: Path, key_path: Path | None, passphrase_file: Path | None
) -> None:
    """Check a summary's manifest and approvals against the dialogue's bundle.

    Exit status 0 when every check holds, 1 with the reason of the first that does not.
    """
    try:
        bundle = read_bundle(_read_json(bundle_path, "bundle"))
        export = read_summary_export(_read_json(summary_path, "summary"))
    except BadInput as error:
        raise click.UsageError(str(error)) from None
    private = _load_key(key_path, _passphrase(passphrase_file)) if key_path else None
    try:
        ManifestCheck(bundle, export, lambda line: click.echo(f"OK    {line}")).run(private)
    except ManifestFailure as error:
        click.echo(f"FAIL  {error}")
        sys.exit(1)
    if private is None:
        click.echo(
            "Not checked: which sides the dialogue's participants are on (give --key, the "
            "archive key, to read them from the dialogue)."
        )
    click.echo("Every check holds.")
