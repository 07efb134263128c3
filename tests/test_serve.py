"""``facilitator serve`` (what ``make run`` starts): migrates, prints the first-convener link,
and serves the app with gevent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
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


def _status(url: str, host: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_gevent_server_refuses_a_forged_host_on_pages_and_the_live_connection(
    tmp_path: Path,
):
    env = {"DATABASE_URL": "", "FACILITATOR_TRUSTED_PROXIES": "1"}
    with serving(env, tmp_path) as server:
        handshake = server.origin + "/socket.io/?EIO=4&transport=polling"
        assert _status(server.origin + "/login") == 200
        assert _status(handshake) == 200
        assert _status(server.origin + "/login", host="evil.example") == 400
        assert _status(handshake, host="evil.example") == 400


def test_a_bad_setting_stops_the_server_with_its_name(tmp_path: Path):
    command = [str(Path(sys.executable).parent / "facilitator"), "serve"]
    env = {**os.environ, "FACILITATOR_INSTANCE": str(tmp_path),
           "FACILITATOR_TRUSTED_PROXIES": "two"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "FACILITATOR_TRUSTED_PROXIES" in done.stderr
    assert "Traceback" not in done.stderr
