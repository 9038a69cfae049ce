"""The benchmark's calendar generator (``bench/generate.py``) for tests that need a realistic
file: zones with their VTIMEZONEs, series with overrides far from them, non-ASCII text."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def generator() -> Any:
    """``bench/generate.py`` as a module (``bench/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
