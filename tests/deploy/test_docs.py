"""docs/deploy.md and the checklist name only files that exist, and the README points there."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

DOCS = [ROOT / "docs" / "deploy.md", ROOT / "deploy" / "venue" / "checklist.md"]


def referenced_paths(text: str) -> set[str]:
    """Repository paths under deploy/ or docs/ written in the text (a trailing / for folders)."""
    found = re.findall(r"(?<![\w/.-])((?:deploy|docs)/[\w@./-]*[\w/])", text)
    return {path.rstrip(".") for path in found}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_named_exists(doc):
    paths = referenced_paths(doc.read_text())
    assert paths, "the scan finds the paths"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{doc.name} names files that are not in the repository: {missing}"


def test_the_scan_reads_paths_as_written():
    text = "see `deploy/venue/checklist.md`, run /opt/facilitator/deploy/venue/x.sh and docs/a.md."
    assert referenced_paths(text) == {"deploy/venue/checklist.md", "docs/a.md"}


def test_readme_points_to_the_deployment_guide_and_keeps_a_two_command_quick_start():
    readme = (ROOT / "README.md").read_text()
    assert "## Deploying" in readme and "docs/deploy.md" in readme
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in quick_start.strip().splitlines()] == [
        ["make", "run"], ["make", "test"]]
