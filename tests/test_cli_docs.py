"""docs/cli.md shows what the program prints today, never what it printed once.

Each fenced block of docs/cli.md with lines starting ``$ `` is a session: its commands run in
order in one bash, in a temporary directory holding a copy of samples/ (``ics-bridge`` and
``python3`` are this checkout), stdout and stderr together, and the block must be exactly the
commands followed by their output.  A stale example fails here; after a deliberate change
regenerate every session with ::

    ICS_BRIDGE_UPDATE_DOCS=1 python -m pytest tests/test_cli_docs.py

and review the ``git diff`` of docs/cli.md.  Command lines of ``sh`` blocks (examples shown
without output) must at least be accepted by the argument parser.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from ics_bridge.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
UPDATE = os.environ.get("ICS_BRIDGE_UPDATE_DOCS") == "1"
_BLOCK = re.compile(r"^```([a-z]*)\n(.*?)^```$", re.M | re.S)
_MARK = "@@ics-bridge-docs-example@@"


def _sessions(text: str) -> list[re.Match[str]]:
    return [m for m in _BLOCK.finditer(text) if any(line.startswith("$ ") for line in m.group(2).splitlines())]


def _commands(body: str) -> list[str]:
    return [line[2:] for line in body.splitlines() if line.startswith("$ ")]


def _workdir(tmp: Path) -> tuple[Path, dict[str, str]]:
    shutil.copytree(ROOT / "samples", tmp / "samples")
    bin_dir = tmp / ".bin"
    bin_dir.mkdir()
    for name, target in (("ics-bridge", f'"{sys.executable}" -m ics_bridge'), ("python3", f'"{sys.executable}"')):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {target} "$@"\n')
        shim.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
           "SOURCE_DATE_EPOCH": "1714521600", "TZ": "UTC", "LANG": "C.UTF-8", "HOME": str(tmp)}
    return tmp, env


def run_session(commands: list[str], tmp: Path) -> str:
    """The session as a reader sees it in a terminal: each command, then what it printed."""
    cwd, env = _workdir(tmp)
    script = ["exec 2>&1", "status=0"]
    for n, command in enumerate(commands):
        # the marker splits the output; (exit $status) keeps $? of the previous command for `echo $?`
        script.append(f"echo '{_MARK}{n}'; (exit $status); {command}\nstatus=$?")
    proc = subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, timeout=600)
    parts = re.split(rf"^{_MARK}\d+\n", proc.stdout.decode("utf-8", "replace"), flags=re.M)[1:]
    assert len(parts) == len(commands), proc.stdout
    return "".join(f"$ {command}\n{output}" for command, output in zip(commands, parts))


def test_every_session_in_cli_md_is_what_the_program_prints(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    sessions = _sessions(text)
    assert len(sessions) >= 5, "docs/cli.md lost its examples"
    stale = []
    pieces, last = [], 0
    for n, match in enumerate(sessions):
        expected = match.group(2)
        actual = run_session(_commands(expected), tmp_path / f"session{n}")
        if actual != expected:
            stale.append(f"--- docs/cli.md\n{expected}+++ the program\n{actual}")
        pieces += [text[last:match.start(2)], actual]
        last = match.end(2)
    if UPDATE:
        DOC.write_text("".join(pieces) + text[last:], encoding="utf-8")
        return
    assert not stale, ("examples in docs/cli.md differ from what the program prints (regenerate with "
                       "ICS_BRIDGE_UPDATE_DOCS=1 and review):\n" + "\n".join(stale))


def _invocations(text: str) -> list[str]:
    """``ics-bridge …`` command lines of the sh blocks, without pipes, redirections and comments."""
    found = []
    for match in _BLOCK.finditer(text):
        if match.group(1) != "sh":
            continue
        for line in match.group(2).splitlines():
            line = line.split(" #", 1)[0]
            for part in re.split(r"\|\||\||&&|>", line):
                part = part.strip()
                if part.startswith("ics-bridge "):
                    found.append(part)
    return found


def test_every_example_command_is_accepted() -> None:
    commands = _invocations(DOC.read_text(encoding="utf-8"))
    assert len(commands) >= 8
    for command in commands:
        args = shlex.split(command)[1:]
        try:
            if args and args[0] in cli.commands:
                cli.commands[args[0]].make_context(args[0], args[1:])
            else:
                cli.make_context("ics-bridge", args)
        except click.exceptions.Exit:
            pass
        except click.ClickException as exc:  # pragma: no cover - the failure message
            pytest.fail(f"docs/cli.md: {command}: {exc.format_message()}")
