"""The browser's code as pages load it: the bundles scripts/build.mjs writes to static/dist/,
and how they and the other static files are cached and compressed.

Pages name their entry module or stylesheet by its path under static/
(``asset_url("js/live/page-participant.js")``, ``asset_url("css/app.css")``); the build's manifest
says which hashed file holds it and which chunks it imports, so a phone on a slow network fetches
a few files, all at once (``asset_preloads``), and keeps them for good: a hashed name never
changes content, so it is served ``immutable`` and a second visit asks nothing. Without a build
(the app run straight from a checkout) the names fall back to the files themselves, and browsers
load the modules under static/js one import at a time: slower, never broken.

Compression. The build writes each bundle's gzip and brotli forms beside it; this module sends
the one the client accepts. The app compresses only responses with no per-request secret in
them: these files, and the message catalogue (core/i18n_views.py). Never a page or an API
response: those carry per-request secrets (the CSRF token, session data) next to text an
attacker can make the page reflect, and compressing both together leaks the secret through the
response's length (BREACH). The reverse proxy follows the same rule (deploy/caddy/site.caddy
compresses /static/ only, and leaves a response the app already encoded as it is).
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, send_file, url_for
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
# Files whose name does not change with their content: a browser reuses them for a few minutes,
# then asks again with If-None-Match / If-Modified-Since and gets a 304 when they are unchanged.
REVALIDATE = "public, max-age=300"
# esbuild's content hash in an output's name (`page-participant-M44QAAZC.js`).
HASHED = re.compile(r"-[A-Z0-9]{8}\.(?:js|css)$")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
EXTENSION = "facilitator.assets"


@dataclass
class Assets:
    """The build's manifest, read again when the build rewrites it."""

    dist: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)
    mtime: float | None = None

    def refresh(self) -> None:
        manifest = self.dist / "manifest.json"
        try:
            mtime = manifest.stat().st_mtime
        except FileNotFoundError:
            self.entries, self.mtime = {}, None
            return
        if mtime != self.mtime:
            self.entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
            self.mtime = mtime

    def path(self, entry: str) -> str:
        """Where ``entry`` (a path under static/) is served from, under static/: its build."""
        self.refresh()
        if self.mtime is None:
            return entry
        return f"dist/{self.entries[entry]['file']}"

    def url(self, entry: str) -> str:
        return url_for("static", filename=self.path(entry))

    def preloads(self, entry: str) -> list[str]:
        """The chunks ``entry``'s bundle imports, which the page asks for alongside it."""
        self.refresh()
        if self.mtime is None:
            return []
        imports = self.entries[entry]["imports"]
        assert isinstance(imports, list)
        return [url_for("static", filename=f"dist/{name}") for name in imports]


def current_assets() -> Assets:
    assets: Assets = current_app.extensions[EXTENSION]
    return assets


def asset_url(entry: str) -> str:
    return current_assets().url(entry)


def asset_preloads(entry: str) -> list[str]:
    return current_assets().preloads(entry)


def serve_dist(filename: str) -> Response:
    """A file of static/dist/, in the compressed form the client accepts when there is one."""
    dist = current_assets().dist
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    encoding, suffix = next(
        (
            (name, suffix)
            for name, suffix in ENCODINGS
            if request.accept_encodings[name] and (dist / f"{filename}{suffix}").is_file()
        ),
        (None, ""),
    )
    found = safe_join(str(dist), filename + suffix)
    if found is None or not Path(found).is_file():
        abort(404)
    # The bytes, not an open file: a page that goes away mid-download (a phone changing page)
    # leaves no file handle for the server to close later.
    stat = Path(found).stat()
    response = send_file(
        io.BytesIO(Path(found).read_bytes()),
        mimetype=mimetype,
        etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}",
        last_modified=stat.st_mtime,
        conditional=True,
    )
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = IMMUTABLE if HASHED.search(filename) else REVALIDATE
    return response


def serve_static(filename: str) -> Response:
    """Flask's static view, with the bundles' compression and every file's caching."""
    if filename.startswith("dist/"):
        return serve_dist(filename.removeprefix("dist/"))
    response = current_app.send_static_file(filename)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def init_assets(app: Flask, dist: Path) -> None:
    app.extensions[EXTENSION] = Assets(dist)
    app.jinja_env.globals.update(asset_url=asset_url, asset_preloads=asset_preloads)
    # The same endpoint, so the same rules apply (no sign-in, no session, the static headers).
    app.view_functions["static"] = serve_static
