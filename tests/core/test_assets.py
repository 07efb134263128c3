"""The pages' bundles (scripts/build.mjs, facilitator/core/assets.py): a participant's phone
loads a few hashed files and none of the team's code; hashed files are cached for good and sent
compressed; pages are never compressed; without a build the modules under static/js serve."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest

from facilitator import PROJECT_ROOT
from facilitator.core.assets import EXTENSION, HASHED, IMMUTABLE, REVALIDATE, Assets
from tests.core.test_css import PHYSICAL

DIST = PROJECT_ROOT / "static" / "dist"
SOME_ID = "AAAAAAAAAAAAAAAAAAAAAA"
PARTICIPANT_PAGES = [
    f"/j/{SOME_ID}",
    f"/p/{SOME_ID}",
    f"/p/{SOME_ID}/notes",
    f"/p/{SOME_ID}/live",
    f"/p/{SOME_ID}/approve",
]
# The team's code, which no participant page may load.
TEAM_ONLY = re.compile(
    r"^static/js/(live/page-console\.js|live/page-projector\.js|dialogues/page-summary\.js"
    r"|dialogues/summary-(?!channel\.js)[\w-]+\.js|dialogues/page-workspace\.js|dialogues/page-print\.js"
    r"|dialogues/print-pack\.js|export/)"
)
SCRIPTS = re.compile(r'<script type="module" src="([^"]+)"></script>')
PRELOADS = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
STYLESHEETS = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


@pytest.fixture(scope="module")
def meta() -> dict:
    if not (DIST / "manifest.json").is_file():
        pytest.fail("static/dist/ is not built: run `make setup` (node scripts/build.mjs)")
    return json.loads((DIST / "meta.json").read_text(encoding="utf-8"))


def fetch(client, url: str, **headers: str):
    """The response, read and closed (a static file's stays open until closed)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response


def loaded_files(html: str) -> list[str]:
    return SCRIPTS.findall(html) + PRELOADS.findall(html)


def sources_reached(meta: dict, urls: list[str]) -> set[str]:
    """Every source module a page can run: its bundles, and all they import, dynamically too."""
    outputs = meta["outputs"]
    pending = [url.removeprefix("/") for url in urls]
    seen: set[str] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        pending.extend(i["path"] for i in outputs[path]["imports"] if not i.get("external"))
    return {source for path in seen for source in outputs[path]["inputs"]}


@pytest.mark.parametrize("path", PARTICIPANT_PAGES)
def test_participant_pages_load_only_hashed_bundles_without_team_code(client, meta, path):
    html = client.get(path).get_data(as_text=True)
    urls = loaded_files(html)
    assert len(SCRIPTS.findall(html)) == 2, urls  # secure-context.js and the page's own
    for url in urls:
        assert url.startswith("/static/dist/") and HASHED.search(url), url
        assert (PROJECT_ROOT / url.removeprefix("/")).is_file(), url
    sheets = STYLESHEETS.findall(html)
    assert sheets
    for url in sheets:
        assert url.startswith("/static/dist/css/") and HASHED.search(url), url
    sources = sources_reached(meta, urls)
    assert "static/js/secure-context.js" in sources
    assert not {source for source in sources if TEAM_ONLY.match(source)}, path


def test_the_team_check_sees_team_code_where_it_is(client, meta, sign_in, make_member):
    sign_in(make_member("facilitator"))
    html = client.get(f"/dialogues/{SOME_ID}/live").get_data(as_text=True)
    sources = sources_reached(meta, loaded_files(html))
    assert "static/js/live/page-console.js" in sources


def test_shared_json_tables_are_bundled(meta):
    sources = set(meta["inputs"])
    shared = {"roles.json", "anonymiser-languages.json", "common-words.json"}
    assert {f"static/shared/{name}" for name in shared} <= sources
    for path, output in meta["outputs"].items():
        assert not [i for i in output["imports"] if i["path"].endswith(".json")], path


def test_hashed_files_are_immutable_and_compressed_for_clients_that_accept_it(client, meta):
    name = next(p for p in meta["outputs"] if "js/live/page-participant-" in p)
    url, raw = "/" + name, (PROJECT_ROOT / name).read_bytes()

    plain = fetch(client, url)
    assert plain.status_code == 200 and plain.data == raw
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in plain.vary
    assert plain.mimetype == "text/javascript"

    zipped = fetch(client, url, **{"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Cache-Control"] == IMMUTABLE
    assert zipped.mimetype == "text/javascript"
    assert gzip.decompress(zipped.data) == raw and len(zipped.data) < len(raw) / 2

    squeezed = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.data) == raw

    etag = zipped.headers["ETag"]
    again = fetch(client, url, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


def test_other_static_files_revalidate(client):
    first = fetch(client, "/static/css/app.css", **{"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Cache-Control"] == REVALIDATE
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = fetch(client, "/static/css/app.css", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    manifest = fetch(client, "/static/dist/manifest.json")
    assert manifest.headers["Cache-Control"] == REVALIDATE


@pytest.mark.parametrize("path", PARTICIPANT_PAGES)
def test_pages_are_never_compressed(client, path):
    """A page carries the CSRF token: compressing it with reflected input would leak it."""
    response = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert 'name="csrf-token"' in response.get_data(as_text=True)


def test_without_a_build_pages_load_the_modules_as_they_are(app, client, tmp_path: Path):
    app.extensions[EXTENSION] = Assets(tmp_path / "dist")
    html = client.get(f"/p/{SOME_ID}/live").get_data(as_text=True)
    assert SCRIPTS.findall(html) == [
        "/static/js/secure-context.js",
        "/static/js/live/page-participant.js",
    ]
    assert not PRELOADS.findall(html)
    assert STYLESHEETS.findall(html) == [
        "/static/css/app.css",
        "/static/css/dialogues.css",
        "/static/css/live.css",
    ]
    with client.get("/static/js/live/page-participant.js") as module:
        assert module.status_code == 200 and module.headers["Cache-Control"] == REVALIDATE


def test_built_stylesheets_keep_their_logical_properties(meta):
    """Minifying must not turn `inset-inline-start` into `left`: one sheet serves RTL and LTR."""
    sheets = [path for path in meta["outputs"] if path.endswith(".css")]
    assert len(sheets) == len(list((PROJECT_ROOT / "static" / "css").glob("*.css")))
    for path in sheets:
        rules = re.split(r"[;{}]", (PROJECT_ROOT / path).read_text(encoding="utf-8"))
        assert not [rule for rule in rules if PHYSICAL.search(rule)], path
