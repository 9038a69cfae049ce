"""interrupt.deferred_signals: steps that must happen together (a temporary file made and its
removal armed; an output renamed into place, counted and journaled) finish before a SIGINT or
SIGTERM takes effect; the interruption is then raised, not lost."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from ics_bridge.interrupt import Terminated, deferred_signals, raising_on_signals
from ics_bridge.io.files import atomic_write


@pytest.mark.parametrize("sig, raised", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated)])
def test_a_signal_inside_waits_for_the_block_and_is_raised_after_it(sig: int, raised: type) -> None:
    steps: list[str] = []
    with raising_on_signals():
        with pytest.raises(raised):
            with deferred_signals():
                os.kill(os.getpid(), sig)  # delivered now, held
                steps.append("renamed")
                steps.append("journaled")
            steps.append("after")  # never: the held signal is raised on the way out
    assert steps == ["renamed", "journaled"]


def test_nested_deferrals_hold_until_the_outermost_ends() -> None:
    steps: list[str] = []
    with raising_on_signals(), pytest.raises(KeyboardInterrupt):
        with deferred_signals():
            with deferred_signals():
                os.kill(os.getpid(), signal.SIGINT)
                steps.append("inner")
            steps.append("outer")
    assert steps == ["inner", "outer"]


def test_an_interruption_while_the_temporary_file_is_removed_leaves_nothing(tmp_path: Path) -> None:
    """The write is interrupted from inside (as a signal would); the temporary file's removal
    still runs to its end, and neither the output nor a hidden temporary file is left."""
    def interrupted(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"partial")
        os.kill(os.getpid(), signal.SIGINT)  # raised here: Ctrl-C during the fill
        fh.write(b" never")

    with raising_on_signals(), pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "out.json", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_without_a_raising_handler_nothing_is_held() -> None:
    """In a worker the signals are ignored: the block neither holds nor raises them."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with deferred_signals():
            os.kill(os.getpid(), signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, old)
