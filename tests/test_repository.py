"""The repository holds sources, not build leftovers (issue 15): tools a test needs come from
``pyproject.toml`` extras or ``.ci/run``, never from archives committed beside the code."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVES = (".whl", ".egg", ".tar.gz", ".tgz", ".tar", ".zip", ".gz", ".bz2", ".xz", ".jar")


def _tracked() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode == 0 and done.stdout:
        return done.stdout.splitlines()
    # not a git checkout (an sdist, a copy): the top level and the package, where leftovers land
    return [p.relative_to(ROOT).as_posix() for p in [*ROOT.iterdir(), *(ROOT / "ics_bridge").rglob("*")]
            if p.is_file()]


def test_no_build_archives_committed() -> None:
    found = [name for name in _tracked() if name.lower().endswith(ARCHIVES)]
    assert found == [], f"build leftovers in the repository: {found}"
