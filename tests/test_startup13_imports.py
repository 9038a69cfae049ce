"""What a process imports before it converts: ``import ics_bridge`` and the command line bring
neither pydantic nor the Graph JSON reader (its pydantic models) nor the Dask and batch modules,
and an .ics input converted to Graph or Google on the command line imports only the batch modules.  They cost ~0.1 s of
every command's start-up (0.33 → 0.23 s for ``ics-bridge --help``) and of every library user's
``import ics_bridge`` (~290 → ~160 ms), for inputs that never need them.  Each is imported where
its input or option is met (Graph or Google JSON read, ``--dask`` / ``ics_bridge.convert_many``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LAZY = ("pydantic", "ics_bridge.providers.graph.to_ical", "ics_bridge.providers.graph.reader",
        "ics_bridge.providers.google.reader", "ics_bridge.distributed", "ics_bridge.batch")


def _loaded(code: str, tmp_path: Path) -> dict[str, bool]:
    """Run ``code`` in a fresh interpreter; which of :data:`LAZY` it imported."""
    probe = code + f"\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {LAZY!r}}}))"
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout.decode().splitlines()[-1])


def test_importing_the_package_imports_none_of_them(tmp_path: Path) -> None:
    assert not any(_loaded("import ics_bridge", tmp_path).values())


def test_the_command_line_and_an_ics_conversion_import_none_of_them(tmp_path: Path) -> None:
    code = ("import sys\nfrom ics_bridge.cli import main\n"
            f"for to in ('graph', 'google'):\n"
            f"    assert main(['convert', {str(SAMPLES / 'ics')!r}, '--to', to, '-o', to, '-q']) == 0\n")
    loaded = _loaded(code, tmp_path)
    assert (tmp_path / "graph" / "outlook-export.json").stat().st_size > 1000
    assert (tmp_path / "google" / "google-export.json").stat().st_size > 1000
    # the batch module runs every command-line conversion (the Dask module's own lines, 2 ms
    # beside it, name its errors); pydantic and the JSON readers stay out
    assert {name for name, yes in loaded.items() if yes} == {"ics_bridge.batch", "ics_bridge.distributed"}


def test_json_inputs_and_convert_many_still_import_what_they_need(tmp_path: Path) -> None:
    code = ("import ics_bridge\n"
            f"ics_bridge.convert(open({str(SAMPLES / 'graph' / 'single-event.json')!r}, 'rb').read(), to='ics')\n"
            f"ics_bridge.convert(open({str(SAMPLES / 'google' / 'events-list.json')!r}, 'rb').read(), to='ics')\n"
            "assert callable(ics_bridge.convert_many) and ics_bridge.convert_many.__module__ == 'ics_bridge.distributed'\n")
    loaded = _loaded(code, tmp_path)
    assert all(loaded[name] for name in ("pydantic", "ics_bridge.providers.graph.reader",
                                         "ics_bridge.providers.google.reader", "ics_bridge.distributed"))
