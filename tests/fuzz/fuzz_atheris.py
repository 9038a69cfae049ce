"""Coverage-guided fuzzing of the readers with atheris, on demand (not collected by pytest).

    pip install atheris
    python tests/fuzz/fuzz_atheris.py ics  -max_total_time=600 tests/corpus/ics
    python tests/fuzz/fuzz_atheris.py graph -max_total_time=600 tests/corpus/graph
    python tests/fuzz/fuzz_atheris.py google -max_total_time=600 tests/corpus/google
    python tests/fuzz/fuzz_atheris.py graph-items -max_total_time=600
    python tests/fuzz/fuzz_atheris.py google-items -max_total_time=600

The corpus directory seeds the fuzzer (libFuzzer options after the source name).  Any
exception other than :class:`ics_bridge.errors.InputError` is a finding: libFuzzer writes the
input to ``crash-*``; turn it into a named test in tests/test_hostile_*.py.

``graph-items`` / ``google-items`` fuzz the JSON collection readers with malformed items
(:mod:`malformed_items`): the fuzzer's bytes choose corpus events, the fields replaced by values
of other types, items that are not objects, the envelope (list response, bare array, JSON
Lines) and the target; there any exception, InputError included, is a finding, and so is a
streamed conversion that differs from the whole-file one.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import ics_bridge
    from ics_bridge.errors import InputError

import malformed_items  # noqa: E402 - beside this file; not instrumented (the harness)

SOURCES = ("ics", "graph", "google", "graph-items", "google-items")
SOURCE = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in SOURCES else "ics"
TARGETS = ("ics", "graph", "google")


def one_collection(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    source = SOURCE.split("-")[0]
    to = TARGETS[fdp.ConsumeIntInRange(0, 2)]
    shape, payload, items = malformed_items.build(source, fdp.ConsumeIntInRange)
    malformed_items.check(source, shape, payload, items, to)


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
    atheris.Setup(sys.argv, one_collection if SOURCE.endswith("-items") else one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
