"""The JavaScript half of TD2 v1 (static/js/td2/, static/js/keystore.js) in real Chromium.

Checks the published vectors in the browser, then cross-checks Chromium against the Python
reference (facilitator.td2) both ways on fresh random inputs: what one side seals, wraps, signs
or derives, the other opens, unwraps, verifies or derives identically. Bytes cross the
Python/page boundary as base64url strings.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facilitator import td2
from facilitator.td2.encoding import b64u_decode as unb64
from facilitator.td2.encoding import b64u_encode as b64
from facilitator.td2.errors import Td2Error
from facilitator.td2.vectors import check_vectors
from facilitator.td2.wrap import open_wrap

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors" / "td2v1.json"
VENDORED = ("hpke.js", "socket.io.js", "qrcode.js", "axe.min.js")
SECTIONS = (
    "subkeys",
    "aad",
    "seal",
    "wrap",
    "roster",
    "epoch_record",
    "fingerprint",
    "invite",
    "key_file",
    "negative",
    "team_subkeys",
    "team_wrap",
    "channel",
    "envelope",
)

# Prepended to every evaluated function: the module under test and small helpers.
PRELUDE = """
const td2 = await import("/js/td2/index.js");
const b = (text) => td2.b64uDecode(text);
const e = (bytes) => td2.b64uEncode(bytes);
const fails = async (f) => {
  try { await f(); return null; } catch (err) { return err.name; }
};
"""


def run(page: Any, body: str, arg: object = None) -> Any:
    """Evaluate ``body`` (an async function body that sees ``arg``) in the page."""
    return page.evaluate(f"async (arg) => {{ {PRELUDE}\n{body}\n}}", arg)


def rand(n: int = 16) -> bytes:
    return secrets.token_bytes(n)


def new_page(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/")
    return context, page, errors


@pytest.fixture(scope="module", autouse=True)
def _vendored() -> None:
    """td2 imports HPKE from static/vendor/, which `node scripts/vendor.mjs` generates."""
    missing = [n for n in VENDORED if not (ROOT / "static" / "vendor" / n).exists()]
    if missing:
        pytest.fail(f"static/vendor/ lacks {missing}: run `npm ci && node scripts/vendor.mjs`")


@pytest.fixture(scope="module")
def page(browser: Any, static_server: str) -> Iterator[Any]:
    """One page for the stateless tests; uncaught page errors fail the module."""
    context, page, errors = new_page(browser, static_server)
    yield page
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def vector_text() -> str:
    assert VECTORS.exists(), f"{VECTORS} is missing: run the vector generator"
    return VECTORS.read_text(encoding="utf-8")


# --- published vectors -----------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_vector_section_checks_in_chromium(page: Any, vector_text: str, section: str) -> None:
    entries = json.loads(vector_text)[section]
    assert entries, f"section {section} is empty"
    results = run(
        page,
        """
        const checker = await import("/js/td2/checker.js");
        const doc = checker.parseVectorJson(arg.text);
        const out = [];
        for (const [i, entry] of doc[arg.section].entries()) {
          try { await checker.checkEntry(arg.section, entry); out.push("ok"); }
          catch (err) { out.push(`${i}: ${err.name}: ${err.message}`); }
        }
        return out;
        """,
        {"text": vector_text, "section": section},
    )
    assert results == ["ok"] * len(entries)


def test_whole_vector_file_checks_like_the_python_checker(page: Any, vector_text: str) -> None:
    report = run(
        page,
        """
        const checker = await import("/js/td2/checker.js");
        return checker.checkVectors(checker.parseVectorJson(arg));
        """,
        vector_text,
    )
    python = check_vectors(json.loads(vector_text))
    assert python.ok
    assert report == {"counts": python.counts, "failure": None, "ok": True}


def _python_error(entry: dict[str, Any]) -> str:
    opener = open_wrap if entry.get("primitive") == "wrap" else td2.open_blob
    try:
        opener(unb64(entry["key"]), unb64(entry["aad"]), unb64(entry["blob"]))
    except Td2Error as exc:
        return type(exc).__name__
    return "opened"


def test_negative_vectors_fail_in_chromium_with_the_python_error(
    page: Any, vector_text: str
) -> None:
    negative = json.loads(vector_text)["negative"]
    names = run(
        page,
        """
        const out = [];
        for (const entry of arg) {
          const open = entry.primitive === "wrap" ? td2.openWrap : td2.openBlob;
          out.push(await fails(() => open(b(entry.key), b(entry.aad), b(entry.blob))));
        }
        return out;
        """,
        negative,
    )
    expected = [_python_error(entry) for entry in negative]
    assert "opened" not in expected
    whats = [n["what"] for n in negative]
    assert list(zip(whats, names, strict=True)) == list(zip(whats, expected, strict=True))
    # Bad framing is only reported after the blob authenticated: proof it really decrypted.
    padding = [name for n, name in zip(negative, names, strict=True) if "padding" in n["what"]]
    assert padding and set(padding) == {"Td2FormatError"}


# --- content: subkeys, AAD, seal/open ---------------------------------------------------------

PLAINTEXTS = [
    {},
    {"sender_ctr": 1, "last_seq_seen": 0, "text": "Good morning."},
    {"sender_ctr": 7, "last_seq_seen": 41, "text": "مرحبا — گفت‌وگو 🕊️"},
    {"text": "x" * 241},  # framed into exactly one block
    {"text": "y" * 242},  # one byte more: two blocks
    {"text": "سلام " * 300, "n": [1, 2, 3]},
]


def _content_context(kind: str) -> dict[str, Any]:
    epoch = secrets.randbelow(2**32)
    author = bytes(16) if kind == "note" else rand()
    return {
        "secret": rand(32),
        "dialogue": rand(),
        "channel": rand(),
        "epoch": epoch,
        "message": rand(),
        "author": author,
        "record_hash": rand(32),
    }


def _encoded(ctx: dict[str, Any]) -> dict[str, Any]:
    return {k: (b64(v) if isinstance(v, bytes) else v) for k, v in ctx.items()}


@pytest.mark.parametrize("kind", ["msg", "note", "meta"])
def test_chromium_seals_and_python_opens(page: Any, kind: str) -> None:
    ctx = _content_context(kind)
    out = run(
        page,
        """
        const c = arg.ctx;
        const raw = await td2.deriveSubkeyBytes(b(c.secret), b(c.dialogue), c.epoch,
                                                b(c.record_hash), arg.kind);
        const key = await td2.deriveSubkey(b(c.secret), b(c.dialogue), c.epoch,
                                           b(c.record_hash), arg.kind);
        const aad = td2.buildAad(arg.kind, b(c.dialogue), b(c.channel), c.epoch, b(c.message),
                                 b(c.author));
        const blobs = [];
        for (const value of arg.values) blobs.push(e(await td2.sealJson(key, aad, value)));
        return {key: e(raw), aad: e(aad), blobs, extractable: key.extractable};
        """,
        {"ctx": _encoded(ctx), "kind": kind, "values": PLAINTEXTS},
    )
    key = td2.derive_subkey(ctx["secret"], ctx["dialogue"], ctx["epoch"], ctx["record_hash"], kind)
    aad = td2.build_aad(
        kind, ctx["dialogue"], ctx["channel"], ctx["epoch"], ctx["message"], ctx["author"]
    )
    assert unb64(out["key"]) == key
    assert unb64(out["aad"]) == aad
    assert out["extractable"] is False
    for value, blob in zip(PLAINTEXTS, out["blobs"], strict=True):
        raw = unb64(blob)
        assert (len(raw) - 28) % 256 == 0
        assert td2.open_json(key, aad, raw) == value
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        assert td2.open_blob(key, aad, raw) == expected


@pytest.mark.parametrize("kind", ["msg", "note", "meta"])
def test_python_seals_and_chromium_opens(page: Any, kind: str) -> None:
    ctx = _content_context(kind)
    key = td2.derive_subkey(ctx["secret"], ctx["dialogue"], ctx["epoch"], ctx["record_hash"], kind)
    aad = td2.build_aad(
        kind, ctx["dialogue"], ctx["channel"], ctx["epoch"], ctx["message"], ctx["author"]
    )
    raw_plaintexts = [b"", rand(1), rand(252), rand(253), rand(1000)]
    out = run(
        page,
        """
        const c = arg.ctx;
        const key = await td2.deriveSubkey(b(c.secret), b(c.dialogue), c.epoch,
                                           b(c.record_hash), arg.kind);
        const aad = td2.buildAad(arg.kind, b(c.dialogue), b(c.channel), c.epoch, b(c.message),
                                 b(c.author));
        const values = [];
        for (const blob of arg.json) values.push(await td2.openJson(key, aad, b(blob)));
        const raws = [];
        for (const blob of arg.raw) raws.push(e(await td2.openBlob(key, aad, b(blob))));
        const parsed = td2.parseAad(aad);
        const refused = [await fails(() => td2.sealJson(key, aad, {x: NaN})),
                         await fails(() => td2.sealJson(key, aad, undefined))];
        return {values, raws, refused, parsed: {...parsed, dialogueId: e(parsed.dialogueId),
          channelId: e(parsed.channelId), messageId: e(parsed.messageId),
          authorHandle: e(parsed.authorHandle)}};
        """,
        {
            "ctx": _encoded(ctx),
            "kind": kind,
            "json": [b64(td2.seal_json(key, aad, v)) for v in PLAINTEXTS],
            "raw": [b64(td2.seal_blob(key, aad, p)) for p in raw_plaintexts],
        },
    )
    assert out["values"] == PLAINTEXTS
    assert out["refused"] == ["Td2FormatError", "Td2FormatError"]
    assert [unb64(r) for r in out["raws"]] == raw_plaintexts
    fields = td2.parse_aad(aad)
    assert out["parsed"] == {
        "kind": fields.kind,
        "dialogueId": b64(fields.dialogue_id),
        "channelId": b64(fields.channel_id),
        "epoch": fields.epoch,
        "messageId": b64(fields.message_id),
        "authorHandle": b64(fields.author_handle),
    }


def test_framing_matches_python_at_block_edges(page: Any) -> None:
    lengths = [0, 1, 251, 252, 253, 508, 509, 1000]
    data = [rand(n) for n in lengths]
    framed = run(
        page,
        "return arg.map((d) => e(td2.framePlaintext(b(d))));",
        [b64(d) for d in data],
    )
    assert [unb64(f) for f in framed] == [td2.frame_plaintext(d) for d in data]


# --- tampering --------------------------------------------------------------------------------


def test_tampering_is_rejected_in_chromium(page: Any) -> None:
    ctx = _encoded(_content_context("msg"))
    ctx["epoch"] = 5
    out = run(
        page,
        """
        const c = arg;
        const d = b(c.dialogue), ch = b(c.channel), m = b(c.message), a = b(c.author);
        const rh = b(c.record_hash), secret = b(c.secret);
        const key = await td2.deriveSubkey(secret, d, 5, rh, "msg");
        const aad = td2.buildAad("msg", d, ch, 5, m, a);
        const blob = await td2.sealJson(key, aad, {sender_ctr: 3, text: "tamper me"});
        const other = () => td2.randomId();
        const result = {};
        // The untampered blob opens: every rejection below is caused by the change made.
        result.baseline = (await td2.openJson(key, aad, blob)).text;
        const open = (k, x, bl) => fails(() => td2.openBlob(k, x, bl));
        result.kind = await open(key, td2.buildAad("note", d, ch, 5, m, a), blob);
        result.kindMeta = await open(key, td2.buildAad("meta", d, ch, 5, m, a), blob);
        result.dialogue = await open(key, td2.buildAad("msg", other(), ch, 5, m, a), blob);
        result.channel = await open(key, td2.buildAad("msg", d, other(), 5, m, a), blob);
        result.epochField = await open(key, td2.buildAad("msg", d, ch, 6, m, a), blob);
        result.message = await open(key, td2.buildAad("msg", d, ch, 5, other(), a), blob);
        result.author = await open(key, td2.buildAad("msg", d, ch, 5, m, other()), blob);
        result.authorZero = await open(key, td2.buildAad("msg", d, ch, 5, m, td2.NOTE_AUTHOR), blob);
        // Each byte of the AAD matters (not only whole fields).
        const flips = [];
        for (let i = 0; i < aad.length; i += 1) {
          const bad = aad.slice(); bad[i] ^= 0x80;
          flips.push(await open(key, bad, blob));
        }
        result.aadByteFlips = flips;
        // Wrong epoch: the next epoch's key (with or without the next epoch's AAD).
        const next = await td2.deriveSubkey(secret, d, 6, rh, "msg");
        result.epochKey = await open(next, aad, blob);
        result.epochKeyAndAad = await open(next, td2.buildAad("msg", d, ch, 6, m, a), blob);
        // Wrong record hash: a key derived from another epoch record.
        const otherRh = rh.slice(); otherRh[31] ^= 1;
        result.recordHash = await open(await td2.deriveSubkey(secret, d, 5, otherRh, "msg"), aad, blob);
        // Wrong label: the note key on a message.
        result.label = await open(await td2.deriveSubkey(secret, d, 5, rh, "note"), aad, blob);
        // Bit flips in nonce, ciphertext and tag.
        const flip = (i) => { const x = blob.slice(); x[i] ^= 1; return x; };
        result.nonceFlip = await open(key, aad, flip(0));
        result.ciphertextFlip = await open(key, aad, flip(12 + 4));
        result.tagFlip = await open(key, aad, flip(blob.length - 1));
        // Length: truncated, extended, a block cut off, a block added.
        result.truncated = await open(key, aad, blob.slice(0, -1));
        result.extended = await open(key, aad, td2.concat(blob, new Uint8Array(1)));
        result.blockCut = await open(key, aad, td2.concat(blob.slice(0, 12), blob.slice(12 + 256)));
        result.blockAdded = await open(key, aad, td2.concat(blob, new Uint8Array(256)));
        result.empty = await open(key, aad, new Uint8Array(0));
        // Authentic blobs with bad framing, made with raw AES-GCM under the real key.
        const rawKey = await td2.deriveSubkeyBytes(secret, d, 5, rh, "msg");
        const gcm = await crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["encrypt"]);
        const sealRaw = async (padded) => {
          const nonce = crypto.getRandomValues(new Uint8Array(12));
          const ct = await crypto.subtle.encrypt({name: "AES-GCM", iv: nonce, additionalData: aad}, gcm, padded);
          return td2.concat(nonce, new Uint8Array(ct));
        };
        const data = new TextEncoder().encode('{"text":"framed"}');
        const good = td2.framePlaintext(data);
        result.goodFraming = new TextDecoder().decode(await td2.openBlob(key, aad, await sealRaw(good)));
        const nonZero = good.slice(); nonZero[255] = 1;
        result.nonZeroPadding = await open(key, aad, await sealRaw(nonZero));
        const tooLong = good.slice(); tooLong.set(td2.u32(253), 0);
        result.lengthTooLarge = await open(key, aad, await sealRaw(tooLong));
        const beyond = good.slice(); beyond.set(td2.u32(100000), 0);
        result.lengthBeyondBlob = await open(key, aad, await sealRaw(beyond));
        const shorter = good.slice(); shorter.set(td2.u32(data.length - 1), 0);
        result.lengthTooSmall = await open(key, aad, await sealRaw(shorter));
        result.extraBlock = await open(key, aad, await sealRaw(td2.concat(good, new Uint8Array(256))));
        return result;
        """,
        ctx,
    )
    assert out.pop("baseline") == "tamper me"
    assert out.pop("goodFraming") == '{"text":"framed"}'
    flips = out.pop("aadByteFlips")
    assert len(flips) == 74
    assert set(flips) == {"Td2DecryptError"}
    # Impossible lengths are refused before decryption; a block more is a plausible length
    # and fails authentication instead.
    format_errors = {"truncated", "extended", "blockCut", "empty"}
    framing = {
        "nonZeroPadding",
        "lengthTooLarge",
        "lengthBeyondBlob",
        "lengthTooSmall",
        "extraBlock",
    }
    for name, error in out.items():
        expected = "Td2FormatError" if name in format_errors | framing else "Td2DecryptError"
        assert error == expected, name


# --- wraps (HPKE) -----------------------------------------------------------------------------


def _wrap_context() -> dict[str, Any]:
    return {
        "dialogue": rand(),
        "epoch": secrets.randbelow(2**32),
        "handle": rand(),
        "record_hash": rand(32),
        "secret": rand(32),
    }


RFC_INFO = "4f6465206f6e2061204772656369616e2055726e"  # "Ode on a Grecian Urn"
RFC_PT = "4265617574792069732074727574682c20747275746820626561757479"
RFC_AAD = "436f756e742d30"  # "Count-0"


def test_vendored_hpke_matches_published_vectors(page: Any) -> None:
    """@hpke/core (static/vendor/hpke.js) against RFC 9180 A.1.1 and an AES-256-GCM vector."""
    out = run(
        page,
        """
        const hpke = await import("/vendor/hpke.js");
        const { importX25519Private, importX25519Public } = await import("/js/td2/keys.js");
        const hex = (s) => Uint8Array.from(s.match(/../g), (x) => parseInt(x, 16));
        const toHex = (buf) => Array.from(new Uint8Array(buf), (x) => x.toString(16).padStart(2, "0")).join("");
        const suite = (aead) => new hpke.CipherSuite({kem: new hpke.DhkemX25519HkdfSha256(),
                                                      kdf: new hpke.HkdfSha256(), aead});
        // A.1.1: key pairs derived from ikmE / ikmR, AES-128-GCM.
        const a = suite(new hpke.Aes128Gcm());
        const ekm = await a.kem.deriveKeyPair(hex(arg.ikmE).buffer);
        const recipient = await a.kem.deriveKeyPair(hex(arg.ikmR).buffer);
        const sender = await a.createSenderContext({recipientPublicKey: recipient.publicKey,
                                                    info: hex(arg.info), ekm});
        const ct128 = toHex(await sender.seal(hex(arg.pt), hex(arg.aad)));
        const opened = await a.open({recipientKey: recipient, enc: sender.enc, info: hex(arg.info)},
                                    hex(arg.ct128), hex(arg.aad));
        // Same suite with AES-256-GCM (what TD2 uses), from a fixed ephemeral private key.
        const b256 = suite(new hpke.Aes256Gcm());
        const eph = await importX25519Private(hex(arg.skE256), {extractable: true});
        const s256 = await b256.createSenderContext({
          recipientPublicKey: await importX25519Public(hex(arg.pkR256)), info: hex(arg.info),
          ekm: {privateKey: eph.privateKey, publicKey: eph.publicKey}});
        const ct256 = toHex(await s256.seal(hex(arg.pt), hex(arg.aad)));
        return {enc: toHex(sender.enc), pkR: toHex(await a.kem.serializePublicKey(recipient.publicKey)),
                ct128, opened: toHex(opened), ct256};
        """,
        {
            "ikmE": "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
            "ikmR": "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
            "info": RFC_INFO,
            "pt": RFC_PT,
            "aad": RFC_AAD,
            "ct128": "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a9"
            "6d8770ac83d07bea87e13c512a",
            "skE256": "28e212563a8b6f068af7ff17400ff1baf23612b7a738bbaf5dfb321b2b5b431a",
            "pkR256": "ac66bae9ffa270cf4a89ed9f274e30c0456babae2572aaaf002ff0d8884ab018",
        },
    )
    assert out == {
        "enc": "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
        "pkR": "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
        "ct128": "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a9"
        "6d8770ac83d07bea87e13c512a",
        "opened": RFC_PT,
        "ct256": "23ded2d5d90ea89d975dac4792b297240f194952d7421aacbff0474100052b6b"
        "b8aa58d18ef6c42b6960e2e28f",
    }


def test_chromium_wraps_and_python_unwraps(page: Any) -> None:
    private, public = td2.generate_member_keypair()
    ctx = _wrap_context()
    out = run(
        page,
        """
        const c = arg.ctx;
        const wrap = await td2.wrapEpochSecret(b(arg.public), b(c.dialogue), c.epoch, b(c.handle),
                                               b(c.record_hash), b(c.secret));
        const again = await td2.wrapEpochSecret(b(arg.public), b(c.dialogue), c.epoch, b(c.handle),
                                                b(c.record_hash), b(c.secret));
        const info = td2.wrapInfo(b(c.dialogue), c.epoch, b(c.handle), b(c.record_hash));
        return {wrap: e(wrap), again: e(again), info: e(info)};
        """,
        {"ctx": _encoded(ctx), "public": b64(public)},
    )
    args = (ctx["dialogue"], ctx["epoch"], ctx["handle"], ctx["record_hash"])
    assert unb64(out["info"]) == td2.wrap_info(*args)
    wrap = unb64(out["wrap"])
    assert len(wrap) == td2.WRAP_LENGTH
    assert out["again"] != out["wrap"]  # a fresh ephemeral key every time
    assert td2.unwrap_epoch_secret(private, *args, wrap) == ctx["secret"]
    assert td2.unwrap_epoch_secret(private, *args, unb64(out["again"])) == ctx["secret"]
    other = (ctx["dialogue"], (ctx["epoch"] + 1) % 2**32, ctx["handle"], ctx["record_hash"])
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_epoch_secret(private, *other, wrap)


def test_python_wraps_and_chromium_unwraps_with_a_non_extractable_key(page: Any) -> None:
    created = run(
        page,
        """
        const pair = await td2.generateMemberKeyPair();
        globalThis.__member = pair;
        return {public: e(pair.publicRaw), extractable: pair.privateKey.extractable};
        """,
    )
    assert created["extractable"] is False
    public = unb64(created["public"])
    ctx = _wrap_context()
    args = (ctx["dialogue"], ctx["epoch"], ctx["handle"], ctx["record_hash"])
    wrap = td2.wrap_epoch_secret(public, *args, ctx["secret"])
    out = run(
        page,
        """
        const c = arg.ctx;
        const pair = globalThis.__member;
        const ctx = [b(c.dialogue), c.epoch, b(c.handle), b(c.record_hash)];
        const wrap = b(arg.wrap);
        const viaPrivate = await td2.unwrapEpochSecret(pair.privateKey, ...ctx, wrap);
        const viaPair = await td2.unwrapEpochSecret(pair, ...ctx, wrap);
        const otherHandle = await fails(() => td2.unwrapEpochSecret(
          pair, b(c.dialogue), c.epoch, td2.randomId(), b(c.record_hash), wrap));
        const otherKey = await fails(async () => td2.unwrapEpochSecret(
          await td2.generateMemberKeyPair(), ...ctx, wrap));
        const flipped = wrap.slice(); flipped[50] ^= 1;
        const tampered = await fails(() => td2.unwrapEpochSecret(pair, ...ctx, flipped));
        return {viaPrivate: e(viaPrivate), viaPair: e(viaPair), otherHandle, otherKey, tampered};
        """,
        {"ctx": _encoded(ctx), "wrap": b64(wrap)},
    )
    assert unb64(out["viaPrivate"]) == ctx["secret"]
    assert unb64(out["viaPair"]) == ctx["secret"]
    assert out["otherHandle"] == out["otherKey"] == out["tampered"] == "Td2DecryptError"


def test_team_wraps_and_keys_cross_both_ways(page: Any) -> None:
    """The team channel (an extension): Chromium's team wraps open in Python and Python's in
    Chromium with a non-extractable key; both derive the same team key; a team wrap never opens
    as an epoch wrap."""
    private, public = td2.generate_member_keypair()
    ctx = _wrap_context()
    args = (ctx["dialogue"], ctx["epoch"], ctx["handle"], ctx["record_hash"])
    from_python = td2.wrap_team_secret(public, *args, ctx["secret"])
    out = run(
        page,
        """
        const c = arg.ctx;
        const ctx = [b(c.dialogue), c.epoch, b(c.handle), b(c.record_hash)];
        const pair = await td2.generateMemberKeyPair();
        const wrap = await td2.wrapTeamSecret(b(arg.public), ...ctx, b(c.secret));
        const mine = await td2.wrapTeamSecret(pair.publicRaw, ...ctx, b(c.secret));
        const opened = await td2.unwrapTeamSecret(pair, ...ctx, mine);
        const asEpoch = await fails(() => td2.unwrapEpochSecret(pair, ...ctx, mine));
        const key = await td2.deriveTeamKeyBytes(b(c.secret), b(c.dialogue), c.epoch,
                                                 b(c.record_hash));
        const fromPython = await td2.unwrapTeamSecret(b(arg.private), ...ctx, b(arg.fromPython));
        const lowOrder = await fails(() => td2.wrapTeamSecret(new Uint8Array(32), ...ctx,
                                                             b(c.secret)));
        return {wrap: e(wrap), info: e(td2.teamWrapInfo(...ctx)), opened: e(opened), asEpoch,
                key: e(key), fromPython: e(fromPython), lowOrder,
                roles: [...td2.TEAM_CHANNEL_ROLES]};
        """,
        {
            "ctx": _encoded(ctx),
            "public": b64(public),
            "private": b64(private),
            "fromPython": b64(from_python),
        },
    )
    assert unb64(out["info"]) == td2.team_wrap_info(*args)
    assert td2.unwrap_team_secret(private, *args, unb64(out["wrap"])) == ctx["secret"]
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_epoch_secret(private, *args, unb64(out["wrap"]))
    assert unb64(out["opened"]) == unb64(out["fromPython"]) == ctx["secret"]
    assert out["asEpoch"] == "Td2DecryptError"
    assert out["lowOrder"] == "Td2KeyError"
    team_key = td2.derive_team_key(ctx["secret"], ctx["dialogue"], ctx["epoch"], ctx["record_hash"])
    assert unb64(out["key"]) == team_key
    assert sorted(out["roles"]) == sorted(td2.TEAM_CHANNEL_ROLES)


def test_low_order_x25519_public_keys_are_rejected_on_both_sides(page: Any) -> None:
    ctx = _wrap_context()
    points = [
        bytes(32),
        (1).to_bytes(32, "little"),
        bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    ]
    out = run(
        page,
        """
        const c = arg.ctx;
        const out = [];
        for (const point of arg.points) {
          out.push([
            await fails(() => td2.importX25519Public(b(point))),
            await fails(() => td2.wrapEpochSecret(b(point), b(c.dialogue), c.epoch, b(c.handle),
                                                  b(c.record_hash), b(c.secret))),
          ]);
        }
        const good = await td2.generateMemberKeyPair();
        out.push([await fails(() => td2.importX25519Public(good.publicRaw)), null]);
        return out;
        """,
        {"ctx": _encoded(ctx), "points": [b64(p) for p in points]},
    )
    assert out[:-1] == [["Td2KeyError", "Td2KeyError"]] * len(points)
    assert out[-1] == [None, None]
    args = (ctx["dialogue"], ctx["epoch"], ctx["handle"], ctx["record_hash"], ctx["secret"])
    for point in points:
        with pytest.raises(td2.Td2KeyError):
            td2.wrap_epoch_secret(point, *args)


# --- epoch records, signatures, chains ---------------------------------------------------------


def _record_fields() -> dict[str, Any]:
    return {
        "dialogue": rand(),
        "epoch": secrets.randbelow(2**32),
        "prev_hash": rand(32),
        "roster_hash": rand(32),
        "creator": rand(),
        "unix_ms": 1_700_000_000_000 + secrets.randbelow(10**12),
    }


def test_chromium_signs_records_and_python_verifies(page: Any) -> None:
    f = _record_fields()
    out = run(
        page,
        """
        const f = arg;
        const steward = await td2.generateStewardKeyPair();
        const record = td2.buildEpochRecord(b(f.dialogue), f.epoch, b(f.prev_hash),
                                            b(f.roster_hash), b(f.creator), f.unix_ms);
        const signature = await td2.signEpochRecord(steward.privateKey, record);
        const parsed = await td2.parseEpochRecord(record);
        return {record: e(record), signature: e(signature), public: e(steward.publicRaw),
                hash: e(await td2.recordHash(record)), parsedHash: e(parsed.recordHash),
                epoch: parsed.epoch, unixMs: parsed.unixMs,
                extractable: steward.privateKey.extractable};
        """,
        _encoded(f),
    )
    record = unb64(out["record"])
    args = (f["dialogue"], f["epoch"], f["prev_hash"], f["roster_hash"], f["creator"])
    assert record == td2.build_epoch_record(*args, f["unix_ms"])
    assert len(record) == 120
    assert unb64(out["hash"]) == unb64(out["parsedHash"]) == td2.record_hash(record)
    assert (out["epoch"], out["unixMs"]) == (f["epoch"], f["unix_ms"])
    assert out["extractable"] is False
    td2.verify_epoch_signature(unb64(out["public"]), record, unb64(out["signature"]))
    with pytest.raises(td2.Td2SignatureError):
        altered = record[:-1] + bytes((record[-1] ^ 1,))
        td2.verify_epoch_signature(unb64(out["public"]), altered, unb64(out["signature"]))


def test_python_signs_records_and_chromium_verifies(page: Any) -> None:
    f = _record_fields()
    private, public = td2.generate_steward_keypair()
    _, other_public = td2.generate_steward_keypair()
    record = td2.build_epoch_record(
        f["dialogue"], f["epoch"], f["prev_hash"], f["roster_hash"], f["creator"], f["unix_ms"]
    )
    signature = td2.sign_epoch_record(private, record)
    out = run(
        page,
        """
        const record = b(arg.record), sig = b(arg.signature);
        const ok = await fails(() => td2.verifyEpochSignature(b(arg.public), record, sig));
        const altered = record.slice(); altered[40] ^= 1;
        const badSig = sig.slice(); badSig[0] ^= 1;
        return {
          ok,
          ownSignatureSame: e(await td2.signEpochRecord(b(arg.private), record)) === arg.signature,
          alteredRecord: await fails(() => td2.verifyEpochSignature(b(arg.public), altered, sig)),
          alteredSignature: await fails(() => td2.verifyEpochSignature(b(arg.public), record, badSig)),
          otherSteward: await fails(() => td2.verifyEpochSignature(b(arg.other), record, sig)),
          shortSignature: await fails(() => td2.verifyEpochSignature(b(arg.public), record, sig.slice(1))),
        };
        """,
        {
            "record": b64(record),
            "signature": b64(signature),
            "public": b64(public),
            "private": b64(private),
            "other": b64(other_public),
        },
    )
    # Ed25519 is deterministic: the same seed signs the same bytes identically in both.
    assert out.pop("ok") is None
    assert out.pop("ownSignatureSame") is True
    assert set(out.values()) == {"Td2SignatureError"}


def _python_chain(length: int) -> dict[str, Any]:
    """A chain made in Python: a steward plus one newcomer per epoch."""
    dialogue = rand()
    steward_private, steward_public = td2.generate_steward_keypair()
    steward_handle = rand()
    roster = [td2.RosterMember(steward_handle, td2.generate_member_keypair()[1], "convener")]
    prev = td2.GENESIS_PREV_HASH
    links = []
    for n in range(length):
        if n:
            roster = [*roster, td2.RosterMember(rand(), td2.generate_member_keypair()[1], 5)]
        rh = td2.roster_hash(roster)
        record = td2.build_epoch_record(
            dialogue, n, prev, rh, steward_handle, 1_767_225_600_000 + n
        )
        links.append(
            td2.ChainLink(
                record, td2.sign_epoch_record(steward_private, record), roster, [steward_public]
            )
        )
        prev = td2.record_hash(record)
    return {"links": links, "steward_private": steward_private, "last_handle": roster[-1].handle}


def _links_json(links: list[td2.ChainLink]) -> list[dict[str, Any]]:
    return [
        {
            "record": b64(link.record),
            "signature": b64(link.signature),
            "roster": [
                {"handle": b64(m[0]), "x25519Public": b64(m[1]), "role": m[2]} for m in link.roster
            ],
            "stewardPublics": [b64(p) for p in link.steward_publics],
        }
        for link in links
    ]


CHAIN_JS = """
const decode = (links) => links.map((l) => ({
  record: b(l.record), signature: b(l.signature), stewardPublics: l.stewardPublics.map(b),
  roster: l.roster.map((m) => ({handle: b(m.handle), x25519Public: b(m.x25519Public), role: m.role})),
}));
const reason = async (f) => {
  try { await f(); return null; }
  catch (err) { return err instanceof td2.Td2ChainError ? `${err.reason}@${err.index}` : err.name; }
};
"""


def test_python_chain_verifies_in_chromium_and_tampering_names_the_failure(page: Any) -> None:
    chain = _python_chain(3)
    links = chain["links"]
    out = run(
        page,
        CHAIN_JS
        + """
        const links = decode(arg.links);
        const me = b(arg.me);
        const records = await td2.verifyChain(links, {verifierHandle: me});
        const result = {epochs: records.map((r) => r.epoch), hashes: records.map((r) => e(r.recordHash))};
        const verify = (ls, opts = {verifierHandle: me}) => reason(() => td2.verifyChain(ls, opts));
        const copy = () => decode(arg.links);
        // A verified prefix as anchor: only the new link is checked.
        const anchor = {dialogueId: records[1].dialogueId, epoch: 1, recordHash: records[1].recordHash,
                        roster: links[1].roster, stewardPublics: links[1].stewardPublics};
        result.anchored = await verify([links[2]], {verifierHandle: me, anchor});
        result.archive = await verify(links, {verifierHandle: null});
        result.empty = await verify([]);
        result.notMember = await verify(links, {verifierHandle: td2.randomId()});
        result.skipGenesis = await verify(links.slice(1));
        result.gap = await verify([links[0], links[2]]);
        result.replayed = await verify([links[0], links[1], links[1]]);
        let ls = copy(); ls[1].roster = ls[1].roster.slice(0, 1);
        result.rosterSwapped = await verify(ls);
        ls = copy(); ls[1].roster[0].role = 6;
        result.roleChanged = await verify(ls);
        ls = copy(); ls[2].roster = [ls[2].roster[0], ls[2].roster[0]];
        result.rosterDuplicate = await verify(ls);
        ls = copy(); ls[1].signature[0] ^= 1;
        result.badSignature = await verify(ls);
        ls = copy(); ls[2].record[50] ^= 1;
        result.prevHashAltered = await verify(ls);
        ls = copy(); ls[2].record[119] ^= 1;
        result.timeAltered = await verify(ls);
        ls = copy(); ls[1].record = ls[1].record.slice(1);
        result.recordTruncated = await verify(ls);
        const impostor = await td2.generateStewardKeyPair();
        ls = copy(); ls[1].signature = await td2.signEpochRecord(impostor.privateKey, ls[1].record);
        result.impostor = await verify(ls);
        return result;
        """,
        {"links": _links_json(links), "me": b64(chain["last_handle"])},
    )
    expected_records = td2.verify_chain(links, verifier_handle=chain["last_handle"])
    assert out.pop("epochs") == [0, 1, 2]
    assert out.pop("hashes") == [b64(r.record_hash) for r in expected_records]
    assert out == {
        "anchored": None,
        "archive": None,
        "empty": "empty@undefined",
        "notMember": "self@2",
        "skipGenesis": "not_genesis@0",
        "gap": "prev_hash@1",
        "replayed": "prev_hash@2",
        "rosterSwapped": "roster_mismatch@1",
        "roleChanged": "roster_mismatch@1",
        "rosterDuplicate": "roster_malformed@2",
        "badSignature": "signature@1",
        "prevHashAltered": "prev_hash@2",
        "timeAltered": "signature@2",
        "recordTruncated": "malformed@1",
        "impostor": "signature@1",
    }


def test_chain_reasons_for_dialogue_epoch_and_creator(page: Any) -> None:
    """Records re-signed by the real steward, each wrong in one field."""
    chain = _python_chain(2)
    genesis, second = chain["links"]
    parsed = td2.parse_epoch_record(second.record)
    steward = chain["steward_private"]

    def variant(**changes: Any) -> td2.ChainLink:
        fields = {
            "dialogue_id": parsed.dialogue_id,
            "epoch": parsed.epoch,
            "prev_hash": parsed.prev_hash,
            "roster_hash": parsed.roster_hash,
            "creator_handle": parsed.creator_handle,
            "unix_ms": parsed.unix_ms,
        } | changes
        record = td2.build_epoch_record(**fields)
        return td2.ChainLink(
            record, td2.sign_epoch_record(steward, record), second.roster, second.steward_publics
        )

    cases = {
        "dialogue": variant(dialogue_id=rand()),
        "epoch": variant(epoch=2),
        "creator": variant(creator_handle=rand()),
    }
    out = run(
        page,
        CHAIN_JS
        + """
        const result = {};
        for (const [name, links] of Object.entries(arg.cases)) {
          result[name] = await reason(() => td2.verifyChain(decode(links), {verifierHandle: null}));
        }
        return result;
        """,
        {"cases": {k: _links_json([genesis, v]) for k, v in cases.items()}},
    )
    assert out == {"dialogue": "dialogue@1", "epoch": "epoch@1", "creator": "creator@1"}
    for link in cases.values():
        with pytest.raises(td2.Td2ChainError):
            td2.verify_chain([genesis, link], verifier_handle=None)


def test_chromium_chain_verifies_in_python(page: Any) -> None:
    out = run(
        page,
        """
        const steward = await td2.generateStewardKeyPair();
        const stewardHandle = td2.randomId();
        let roster = [{handle: stewardHandle, x25519Public: (await td2.generateMemberKeyPair()).publicRaw,
                       role: "facilitator"}];
        let prev = td2.GENESIS_PREV_HASH;
        const dialogue = td2.randomId();
        const links = [];
        for (let n = 0; n < 3; n += 1) {
          if (n) roster = [...roster, {handle: td2.randomId(),
                                       x25519Public: (await td2.generateMemberKeyPair()).publicRaw,
                                       role: "interpreter"}];
          const record = td2.buildEpochRecord(dialogue, n, prev, await td2.rosterHash(roster),
                                              stewardHandle, Date.now() + n);
          links.push({record: e(record), signature: e(await td2.signEpochRecord(steward.privateKey, record)),
                      roster: roster.map((m) => ({handle: e(m.handle), x25519Public: e(m.x25519Public), role: m.role})),
                      stewardPublics: [e(steward.publicRaw)]});
          prev = await td2.recordHash(record);
        }
        return {links, me: links[2].roster[2].handle};
        """,
    )
    links = [
        td2.ChainLink(
            unb64(link["record"]),
            unb64(link["signature"]),
            [
                td2.RosterMember(unb64(m["handle"]), unb64(m["x25519Public"]), m["role"])
                for m in link["roster"]
            ],
            [unb64(p) for p in link["stewardPublics"]],
        )
        for link in out["links"]
    ]
    records = td2.verify_chain(links, verifier_handle=unb64(out["me"]))
    assert [r.epoch for r in records] == [0, 1, 2]


# --- rosters, fingerprints, invites, base64url --------------------------------------------------


def test_roster_hashes_fingerprints_and_invite_proofs_match_python(page: Any) -> None:
    roles = list(td2.ROLE_CODES)
    rosters = []
    for size in (1, 2, 6, 20):
        members = []
        for i in range(size):
            handle = bytearray(rand())
            handle[0] = 0x80 if i % 2 else 0x7F  # unsigned byte order matters
            role: str | int = roles[i % 6] if i % 3 else td2.ROLE_CODES[roles[i % 6]]
            members.append(td2.RosterMember(bytes(handle), td2.generate_member_keypair()[1], role))
        rosters.append(members)
    publics = [td2.generate_member_keypair()[1] for _ in range(4)]
    publics += [td2.generate_steward_keypair()[1] for _ in range(2)]
    invites = [(rand(16), td2.generate_member_keypair()[1]) for _ in range(4)]
    out = run(
        page,
        """
        const rosters = [];
        for (const r of arg.rosters) {
          rosters.push(e(await td2.rosterHash(r.map((m) => ({handle: b(m[0]), x25519Public: b(m[1]), role: m[2]})))));
        }
        const fingerprints = [];
        for (const p of arg.publics) fingerprints.push(await td2.fingerprint(b(p)));
        const invites = [];
        for (const [secret, pub, pythonProof] of arg.invites) {
          const proof = await td2.joinProof(b(secret), b(pub));
          const wrong = b(pythonProof); wrong[0] ^= 1;
          invites.push({proof: e(proof), hash: e(await td2.inviteSecretHash(b(secret))),
                        verifiesPython: await td2.verifyJoinProof(b(secret), b(pub), b(pythonProof)),
                        rejectsWrong: !(await td2.verifyJoinProof(b(secret), b(pub), wrong)),
                        rejectsOtherKey: !(await td2.verifyJoinProof(b(secret), td2.randomSecret(), b(pythonProof)))});
        }
        const empty = await fails(() => td2.rosterHash([]));
        return {rosters, fingerprints, invites, empty};
        """,
        {
            "rosters": [[[b64(m[0]), b64(m[1]), m[2]] for m in r] for r in rosters],
            "publics": [b64(p) for p in publics],
            "invites": [[b64(s), b64(p), b64(td2.join_proof(s, p))] for s, p in invites],
        },
    )
    assert out["rosters"] == [b64(td2.roster_hash(r)) for r in rosters]
    assert out["fingerprints"] == [td2.fingerprint(p) for p in publics]
    for (secret, public), got in zip(invites, out["invites"], strict=True):
        assert unb64(got["proof"]) == td2.join_proof(secret, public)
        assert td2.verify_join_proof(secret, public, unb64(got["proof"]))
        assert unb64(got["hash"]) == td2.invite_secret_hash(secret)
        assert got["verifiesPython"] and got["rejectsWrong"] and got["rejectsOtherKey"]
    assert out["empty"] == "Td2FormatError"


def test_invite_fragment_round_trip(page: Any) -> None:
    secret = rand(16)
    steward = td2.generate_steward_keypair()[1]
    out = run(
        page,
        """
        const fp = await td2.fingerprint(b(arg.steward));
        const fragment = td2.inviteFragment(b(arg.secret), fp);
        const parsed = td2.parseInviteFragment("#" + fragment);
        const typed = td2.parseInviteFragment(e(b(arg.secret)) + "." + fp.toLowerCase().replaceAll("-", " "));
        return {fragment, secret: e(parsed.inviteSecret), fp: parsed.stewardFingerprint,
                typedFp: typed.stewardFingerprint,
                bad: await fails(() => td2.parseInviteFragment("nodot"))};
        """,
        {"secret": b64(secret), "steward": b64(steward)},
    )
    assert out["fragment"] == f"{b64(secret)}.{td2.fingerprint(steward)}"
    assert out["secret"] == b64(secret)
    assert out["fp"] == out["typedFp"] == td2.fingerprint(steward)
    assert out["bad"] == "Td2FormatError"


def test_base64url_strictness_matches_python(page: Any) -> None:
    samples = [b64(rand(n)) for n in range(0, 9)]
    samples += [
        "",
        "AA",
        "AB",
        "AAA",
        "AAB",
        "A",
        "AAAAA",
        "AA==",
        "A+",
        "A/",
        "AA AA",
        "Zm9v",
        "Zm9",
        "Zm8",
        "_-_-",
        "é",
        "AA\n",
    ]
    out = run(
        page,
        """
        return arg.map((s) => { try { return e(b(s)); } catch (err) { return err.name; } });
        """,
        samples,
    )
    expected = []
    for s in samples:
        try:
            expected.append(b64(unb64(s)))
        except td2.Td2FormatError:
            expected.append("Td2FormatError")
    assert out == expected
    assert "Td2FormatError" in expected and any(x != "Td2FormatError" for x in expected)


def test_pkcs8_and_public_key_derivation_match_python(page: Any) -> None:
    x_private, x_public = td2.generate_member_keypair()
    e_private, e_public = td2.generate_steward_keypair()
    out = run(
        page,
        """
        return {
          x: e(await td2.x25519PublicFromPrivate(b(arg.x))),
          ed: e(await td2.ed25519PublicFromPrivate(b(arg.ed))),
          xDer: e(td2.privateToPkcs8(b(arg.x), "x25519")),
          edDer: e(td2.privateToPkcs8(b(arg.ed), "ed25519")),
          back: td2.pkcs8ToPrivate(td2.privateToPkcs8(b(arg.ed), "ed25519")).keyType,
          junk: await fails(() => td2.pkcs8ToPrivate(new Uint8Array(48))),
        };
        """,
        {"x": b64(x_private), "ed": b64(e_private)},
    )
    assert unb64(out["x"]) == x_public
    assert unb64(out["ed"]) == e_public
    assert unb64(out["xDer"]) == td2.private_to_pkcs8(x_private, "x25519")
    assert unb64(out["edDer"]) == td2.private_to_pkcs8(e_private, "ed25519")
    assert out["back"] == "ed25519"
    assert out["junk"] == "Td2KeyError"


# --- key files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", ["x25519", "ed25519"])
def test_python_key_file_opens_in_chromium(page: Any, key_type: str) -> None:
    if key_type == "x25519":
        private, public = td2.generate_member_keypair()
    else:
        private, public = td2.generate_steward_keypair()
    pkcs8 = td2.private_to_pkcs8(private, key_type)
    passphrase = td2.generate_passphrase()
    document = td2.seal_key_file(pkcs8, passphrase)
    out = run(
        page,
        """
        const pkcs8 = await td2.openKeyFile(b(arg.file), arg.passphrase);
        const imported = await td2.importKeyFile(new TextDecoder().decode(b(arg.file)), arg.passphrase);
        let altered = JSON.parse(new TextDecoder().decode(b(arg.file)));
        altered.public = e(td2.randomSecret());
        return {
          pkcs8: e(pkcs8), keyType: imported.keyType, public: e(imported.publicRaw),
          extractable: imported.privateKey.extractable,
          wrongPassphrase: await fails(() => td2.openKeyFile(b(arg.file), arg.passphrase + "x")),
          alteredPublic: await fails(() => td2.openKeyFile(JSON.stringify(altered), arg.passphrase)),
        };
        """,
        {"file": b64(document), "passphrase": passphrase},
    )
    assert unb64(out["pkcs8"]) == pkcs8
    assert out["keyType"] == key_type
    assert unb64(out["public"]) == public
    assert out["extractable"] is False
    assert out["wrongPassphrase"] == out["alteredPublic"] == "Td2DecryptError"


@pytest.mark.parametrize("key_type", ["x25519", "ed25519"])
def test_chromium_key_file_opens_in_python(page: Any, key_type: str) -> None:
    # Decomposed Arabic alef + hamza and e + acute: NFC must compose them on both sides.
    passphrase = "\u0643\u0644\u0645\u0629 \u0627\u0654\u0645\u0627\u0646 cafe\u0301"
    out = run(
        page,
        """
        const pair = arg.type === "x25519" ? await td2.generateMemberKeyPair({extractable: true})
                                           : await td2.generateStewardKeyPair({extractable: true});
        const file = await td2.exportKeyFile(pair.privateKey, arg.passphrase);
        const nonExtractable = await td2.generateMemberKeyPair();
        return {file: e(file), public: e(pair.publicRaw),
                refused: await fails(() => td2.exportKeyFile(nonExtractable.privateKey, "x"))};
        """,
        {"type": key_type, "passphrase": passphrase},
    )
    document = unb64(out["file"])
    assert json.loads(document)["iterations"] == td2.KEY_FILE_ITERATIONS
    pkcs8 = td2.open_key_file(document, passphrase)
    kind, private = td2.pkcs8_to_private(pkcs8)
    assert kind == key_type
    derive = td2.x25519_public_from_private if kind == "x25519" else td2.ed25519_public_from_private
    assert derive(private) == unb64(out["public"])
    with pytest.raises(td2.Td2DecryptError):
        td2.open_key_file(document, passphrase + " ")
    assert out["refused"] == "Td2KeyError"


# --- keystore -----------------------------------------------------------------------------------

KEYSTORE_PRELUDE = 'const ks = await import("/js/keystore.js");\n'


def test_keystore_keys_survive_a_reload_and_cannot_be_exported(
    browser: Any, static_server: str
) -> None:
    context, page, errors = new_page(browser, static_server)
    try:
        dialogue = rand()
        created = run(
            page,
            KEYSTORE_PRELUDE
            + """
            await ks.wipeKeystore();
            const member = await ks.createMemberKey(b(arg));
            const steward = await ks.createStewardKey(b(arg));
            const again = await fails(() => ks.createMemberKey(b(arg)));
            return {member: e(member.publicRaw), steward: e(steward.publicRaw), again,
                    fingerprint: member.fingerprint};
            """,
            b64(dialogue),
        )
        assert created["again"] == "KeystoreError"
        member_public = unb64(created["member"])
        assert created["fingerprint"] == td2.fingerprint(member_public)
        ctx = _wrap_context()
        args = (ctx["dialogue"], ctx["epoch"], ctx["handle"], ctx["record_hash"])
        wrap = td2.wrap_epoch_secret(member_public, *args, ctx["secret"])
        record = td2.build_epoch_record(dialogue, 0, td2.GENESIS_PREV_HASH, rand(32), rand(), 1)

        page.reload()
        out = run(
            page,
            KEYSTORE_PRELUDE
            + """
            const keys = await ks.getDialogueKeys(b(arg.dialogue));
            const c = arg.ctx;
            const secret = await td2.unwrapEpochSecret(keys.member, b(c.dialogue), c.epoch,
                                                       b(c.handle), b(c.record_hash), b(arg.wrap));
            const signature = await td2.signEpochRecord(keys.steward.privateKey, b(arg.record));
            const exports = {};
            for (const slot of ["member", "steward"]) {
              for (const format of ["pkcs8", "raw", "jwk"]) {
                exports[`${slot}/${format}`] = await fails(
                  () => crypto.subtle.exportKey(format, keys[slot].privateKey));
              }
            }
            return {
              secret: e(secret), signature: e(signature), exports,
              extractable: [keys.member.privateKey.extractable, keys.steward.privateKey.extractable],
              types: [keys.member.privateKey.algorithm.name, keys.steward.privateKey.algorithm.name],
              memberPublic: e(keys.member.publicRaw),
              list: await ks.listDialogues(),
              keyFile: await fails(() => td2.exportKeyFile(keys.member.privateKey, "x")),
            };
            """,
            {
                "dialogue": b64(dialogue),
                "ctx": _encoded(ctx),
                "wrap": b64(wrap),
                "record": b64(record),
            },
        )
        assert unb64(out["secret"]) == ctx["secret"]
        td2.verify_epoch_signature(unb64(created["steward"]), record, unb64(out["signature"]))
        assert out["extractable"] == [False, False]
        assert out["types"] == ["X25519", "Ed25519"]
        assert out["memberPublic"] == created["member"]
        # Exporting a stored private key fails in every format: it cannot leave WebCrypto.
        assert out["exports"] == {
            f"{slot}/{fmt}": "InvalidAccessError"
            for slot in ("member", "steward")
            for fmt in ("pkcs8", "raw", "jwk")
        }
        assert out["keyFile"] == "Td2KeyError"
        assert [entry["dialogueId"] for entry in out["list"]] == [b64(dialogue)]
        assert set(out["list"][0]["slots"]) == {"member", "steward"}
        assert errors == []
    finally:
        context.close()


def test_keystore_imports_a_python_key_file_as_non_extractable(
    browser: Any, static_server: str
) -> None:
    context, page, errors = new_page(browser, static_server)
    try:
        dialogue = rand()
        private, public = td2.generate_member_keypair()
        steward_private, steward_public = td2.generate_steward_keypair()
        passphrase = td2.generate_passphrase()
        member_file = td2.seal_key_file(td2.private_to_pkcs8(private, "x25519"), passphrase)
        steward_file = td2.seal_key_file(
            td2.private_to_pkcs8(steward_private, "ed25519"), passphrase
        )
        run(
            page,
            KEYSTORE_PRELUDE
            + """
            await ks.wipeKeystore();
            await ks.importKeyFileInto(b(arg.dialogue), b(arg.member), arg.passphrase);
            await ks.importKeyFileInto(b(arg.dialogue), b(arg.steward), arg.passphrase);
            """,
            {
                "dialogue": b64(dialogue),
                "member": b64(member_file),
                "steward": b64(steward_file),
                "passphrase": passphrase,
            },
        )
        ctx = _wrap_context()
        args = (ctx["dialogue"], ctx["epoch"], ctx["handle"], ctx["record_hash"])
        wrap = td2.wrap_epoch_secret(public, *args, ctx["secret"])
        page.reload()
        out = run(
            page,
            KEYSTORE_PRELUDE
            + """
            const keys = await ks.getDialogueKeys(b(arg.dialogue));
            const c = arg.ctx;
            const secret = await td2.unwrapEpochSecret(keys.member.privateKey, b(c.dialogue), c.epoch,
                                                       b(c.handle), b(c.record_hash), b(arg.wrap));
            return {
              secret: e(secret), member: e(keys.member.publicRaw), steward: e(keys.steward.publicRaw),
              exportMember: await fails(() => crypto.subtle.exportKey("pkcs8", keys.member.privateKey)),
              exportSteward: await fails(() => crypto.subtle.exportKey("jwk", keys.steward.privateKey)),
              wrongSlot: await fails(() => ks.importKeyFileInto(td2.randomId(), b(arg.stewardFile),
                                                                arg.passphrase, {slot: "member"})),
            };
            """,
            {
                "dialogue": b64(dialogue),
                "ctx": _encoded(ctx),
                "wrap": b64(wrap),
                "stewardFile": b64(steward_file),
                "passphrase": passphrase,
            },
        )
        assert unb64(out["secret"]) == ctx["secret"]
        assert unb64(out["member"]) == public
        assert unb64(out["steward"]) == steward_public
        assert out["exportMember"] == out["exportSteward"] == "InvalidAccessError"
        assert out["wrongSlot"] == "Td2KeyError"
        assert errors == []
    finally:
        context.close()


def test_keystore_delete_and_wipe(browser: Any, static_server: str) -> None:
    context, page, errors = new_page(browser, static_server)
    try:
        out = run(
            page,
            KEYSTORE_PRELUDE
            + """
            await ks.wipeKeystore();
            const a = td2.randomId(), b2 = td2.randomId(), c = td2.randomId();
            for (const d of [a, b2, c]) await ks.createMemberKey(d);
            await ks.createStewardKey(a);
            await ks.setMemberHandle(b2, td2.randomId().fill(9));
            const before = (await ks.listDialogues()).map((x) => x.dialogueId).sort();
            await ks.deleteDialogueKeys(b2);
            const afterDelete = (await ks.listDialogues()).map((x) => x.dialogueId).sort();
            const deleted = await ks.getDialogueKeys(b2);
            const kept = (await ks.getDialogueKeys(a)).steward !== undefined;
            return {ids: [e(a), e(b2), e(c)], before, afterDelete, deleted, kept};
            """,
        )
        a, b2, c = out["ids"]
        assert out["before"] == sorted([a, b2, c])
        assert out["afterDelete"] == sorted([a, c])
        assert out["deleted"] is None
        assert out["kept"] is True

        page.reload()
        wiped = run(
            page,
            KEYSTORE_PRELUDE
            + """
            await ks.wipeKeystore();
            const databases = (await indexedDB.databases()).map((d) => d.name);
            return {databases, name: ks.KEYSTORE_DATABASE};
            """,
        )
        assert wiped["name"] not in wiped["databases"]
        page.reload()
        after = run(
            page,
            KEYSTORE_PRELUDE
            + """
            return {list: await ks.listDialogues(), keys: await ks.getDialogueKeys(arg)};
            """,
            a,
        )
        assert after == {"list": [], "keys": None}
        assert errors == []
    finally:
        context.close()


def test_modules_load_under_a_strict_csp(browser: Any, static_server: str) -> None:
    """No eval/new Function anywhere in td2, the keystore or the vendored bundles."""
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    html = (
        '<!doctype html><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'self'; script-src 'self'\"><title>csp</title>"
    )
    page.route(
        static_server + "/csp.html",
        lambda route: route.fulfill(body=html, content_type="text/html"),
    )
    try:
        page.goto(static_server + "/csp.html")
        out = run(
            page,
            """
            const ks = await import("/js/keystore.js");
            const io = await import("/vendor/socket.io.js");
            const qr = await import("/vendor/qrcode.js");
            const code = qr.default(0, "M"); code.addData("https://example.org/j/x#y"); code.make();
            const pair = await td2.generateMemberKeyPair();
            const wrap = await td2.wrapEpochSecret(pair.publicRaw, td2.randomId(), 1, td2.randomId(),
                                                   td2.randomSecret(), td2.randomSecret());
            let evalBlocked = false;
            try { (0, eval)("1"); } catch { evalBlocked = true; }
            return {io: typeof io.io, qr: code.getModuleCount() > 0, wrap: wrap.length,
                    ks: typeof ks.wipeKeystore, evalBlocked};
            """,
        )
        assert out == {
            "io": "function",
            "qr": True,
            "wrap": 80,
            "ks": "function",
            "evalBlocked": True,
        }
        assert [v for v in violations if "eval" not in v] == []
    finally:
        context.close()


def test_no_fixed_nonce_leaks_into_the_public_api(page: Any) -> None:
    """Vector-only helpers are not exported from index.js; nonces, salts and wraps are fresh."""
    out = run(
        page,
        """
        const key = td2.randomSecret(), aad = td2.buildAad("msg", td2.randomId(), td2.randomId(), 0,
                                                           td2.randomId(), td2.randomId());
        const one = await td2.sealBlob(key, aad, new Uint8Array(3), {nonce: new Uint8Array(12)});
        const two = await td2.sealBlob(key, aad, new Uint8Array(3), {nonce: new Uint8Array(12)});
        const pair = await td2.generateMemberKeyPair({extractable: true});
        const der = await td2.exportPkcs8(pair.privateKey);
        const files = [];
        for (let i = 0; i < 2; i += 1) {
          files.push(JSON.parse(new TextDecoder().decode(await td2.sealKeyFile(der, "p", {
            salt: new Uint8Array(16), nonce: new Uint8Array(12), iterations: 1}))));
        }
        const exported = ["sealBlobWithNonce", "sealKeyFileFixed", "sealWrapFixed"]
          .filter((name) => name in td2);
        return {exported, nonces: [e(one.slice(0, 12)), e(two.slice(0, 12))],
                salts: files.map((f) => f.salt), fileNonces: files.map((f) => f.nonce),
                iterations: files.map((f) => f.iterations)};
        """,
    )
    assert out["exported"] == []
    zero_nonce, zero_salt = b64(bytes(12)), b64(bytes(16))
    assert zero_nonce not in out["nonces"] and len(set(out["nonces"])) == 2
    assert zero_salt not in out["salts"] and len(set(out["salts"])) == 2
    assert zero_nonce not in out["fileNonces"] and len(set(out["fileNonces"])) == 2
    assert out["iterations"] == [td2.KEY_FILE_ITERATIONS] * 2


def test_static_server_page_is_a_secure_context(page: Any) -> None:
    """WebCrypto exists only in secure contexts; 127.0.0.1 is one."""
    assert page.evaluate("() => [window.isSecureContext, typeof crypto.subtle]") == [True, "object"]
