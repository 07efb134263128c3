"""``facilitator serve`` (what ``make run`` starts): migrates, prints the first-convener link,
and serves the app with gevent."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from tests.servers import serving


def test_serve_prints_a_working_setup_link_and_serves(tmp_path: Path):
    with serving({"DATABASE_URL": ""}, tmp_path) as server:
        origin, output = server.origin, server.output
        assert "MonkeyPatchWarning" not in output
        link = re.search(r"(http://127\.0\.0\.1:\d+/setup#[\w-]+)", output).group(1)
        assert link.startswith(origin)
        with urllib.request.urlopen(link, timeout=5) as page:  # noqa: S310
            assert "Create the first convener account" in page.read().decode()
        assert (tmp_path / "facilitator.db").exists()
