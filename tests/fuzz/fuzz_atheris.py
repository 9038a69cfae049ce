"""Coverage-guided fuzzing of the readers with atheris, on demand (not collected by pytest).

    pip install atheris
    python tests/fuzz/fuzz_atheris.py ics  -max_total_time=600 tests/corpus/ics
    python tests/fuzz/fuzz_atheris.py graph -max_total_time=600 tests/corpus/graph
    python tests/fuzz/fuzz_atheris.py google -max_total_time=600 tests/corpus/google

The corpus directory seeds the fuzzer (libFuzzer options after the source name).  Any
exception other than :class:`ics_bridge.errors.InputError` is a finding: libFuzzer writes the
input to ``crash-*``; turn it into a named test in tests/test_hostile_*.py.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import ics_bridge
    from ics_bridge.errors import InputError

SOURCE = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in ("ics", "graph", "google") else "ics"
TARGETS = ("ics", "graph", "google")


def one_input(data: bytes) -> None:
    if not data:
        return
    to = TARGETS[data[0] % len(TARGETS)]
    try:
        conv = ics_bridge.convert(data[1:], to=to, source=SOURCE, file="fuzz")  # type: ignore[arg-type]
        conv.to_bytes()
    except InputError:
        return


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
