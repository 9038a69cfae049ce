"""Golden outputs: every file of tests/corpus and samples/, converted in every direction and profile.

Why: the safety net of issue 12 (the hub's representation changes) and of every fix after it.  The
bytes and the loss report of each conversion are stored under ``tests/golden/out/``; the test
(``tests/test_golden.py``) holds today's program to them.  A golden that differs from the
baseline (``BASELINE.sha256``, written once, with the outputs of the commit that introduced the
goldens) must be listed in ``CHANGES.md`` with the fix and the test that proves it.

Regenerate after a deliberate change, then list each changed golden in CHANGES.md::

    python tests/golden/generate.py            # rewrite tests/golden/out/
    python tests/golden/generate.py --check    # exit 1 and list what differs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# DTSTAMP of items without a timestamp of their own (ics_bridge.clock): 2026-01-01T00:00:00Z.
EPOCH = "1767225600"

import ics_bridge  # noqa: E402
from ics_bridge import InputError, Options  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BASELINE = HERE / "BASELINE.sha256"

# (target, profile, ics tzid style): every profile each target has.
TARGETS: tuple[tuple[str, str, str], ...] = (
    ("ics", "resource", "iana"),
    ("ics", "resource", "windows"),
    ("graph", "resource", "iana"),
    ("graph", "request", "iana"),
    ("google", "resource", "iana"),
    ("google", "insert", "iana"),
    ("google", "import", "iana"),
)


@dataclass(frozen=True)
class Source:
    fmt: str
    path: Path

    @property
    def key(self) -> str:
        """Where its goldens live: ``corpus/ics/<file>`` or ``samples/graph/<file>``."""
        rel = self.path.relative_to(ROOT)
        parts = rel.parts
        top = "corpus" if parts[0] == "tests" else "samples"
        return f"{top}/{self.fmt}/{self.path.name}"


def sources() -> list[Source]:
    found: list[Source] = []
    for base in (ROOT / "tests" / "corpus", ROOT / "samples"):
        for fmt, suffix in (("ics", ".ics"), ("graph", ".json"), ("google", ".json")):
            folder = base / fmt
            if folder.is_dir():
                found += [Source(fmt, p) for p in sorted(folder.iterdir()) if p.suffix == suffix]
    return found


def _name(target: str, profile: str, style: str) -> str:
    stem = f"{target}-{profile}" + ("-windows" if style == "windows" else "")
    return stem


def run(source: Source, target: str, profile: str, style: str) -> dict[str, bytes]:
    """The golden files of one conversion: ``<name>.out`` (the bytes, when any) and
    ``<name>.report.json`` (loss entries in order, per-event errors, or the whole-file error)."""
    name = _name(target, profile, style)
    options = Options(profile=profile, tzid_style=style)  # type: ignore[arg-type]
    data = source.path.read_bytes()
    files: dict[str, bytes] = {}
    try:
        conv = ics_bridge.convert(data, to=target, source=source.fmt, options=options,  # type: ignore[arg-type]
                                  file=source.path.name)
        try:
            files[f"{name}.out"] = conv.to_bytes(options)
            written_error = None
        except ics_bridge.IcsBridgeError as err:
            written_error = str(err)
        record = {
            "report": [loss.as_dict() for loss in conv.report],
            "errors": [str(e) for e in conv.errors],
        }
        if written_error is not None:
            record["write_error"] = written_error
    except InputError as err:
        record = {"error": str(err)}
    files[f"{name}.report.json"] = (json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return files


def outputs(source: Source) -> dict[str, bytes]:
    """Every golden file of one source, keyed by its path under ``out/``."""
    found: dict[str, bytes] = {}
    for target, profile, style in TARGETS:
        for name, content in run(source, target, profile, style).items():
            found[f"{source.key}/{name}"] = content
    return found


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--baseline", action="store_true",
                        help="also (re)write BASELINE.sha256: only when the goldens are introduced")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    expected: dict[str, bytes] = {}
    for source in sources():
        expected.update(outputs(source))
    if args.check:
        stored = {str(p.relative_to(OUT)): p.read_bytes() for p in OUT.rglob("*") if p.is_file()}
        bad = sorted(k for k in set(stored) | set(expected) if stored.get(k) != expected.get(k))
        for key in bad:
            print(key)
        return 1 if bad else 0
    for path in OUT.rglob("*"):
        if path.is_file() and str(path.relative_to(OUT)) not in expected:
            path.unlink()
    for key, content in expected.items():
        path = OUT / key
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
    if args.baseline:
        BASELINE.write_text("".join(f"{digest(c)}  {k}\n" for k, c in sorted(expected.items())))
    print(f"{len(expected)} golden files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
