"""The ``--jobs`` worker processes start through :func:`interrupt.started_worker`: SIGINT and
SIGTERM ignored (the parent decides) and the objects inherited from the parent frozen
(``gc.freeze``), so the workers' full collections do not walk, and copy, the parent's pages."""

from __future__ import annotations

import gc
import signal
from types import SimpleNamespace

from ics_bridge import batch


def _worker_state(task: object) -> batch.FileResult:
    """Stands in for ``batch._convert_file`` in a worker: what the initializer left."""
    frozen = gc.get_freeze_count() > 0
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN and signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    return batch.FileResult(task.item.name, notes=[f"frozen={frozen} ignored={ignored}"])  # type: ignore[attr-defined]


def test_batch_workers_start_frozen_and_ignoring_signals(monkeypatch):
    monkeypatch.setattr(batch, "_convert_file", _worker_state)
    tasks = [SimpleNamespace(item=SimpleNamespace(name=f"in{n}.ics")) for n in range(4)]
    results = list(batch._results(tasks, 2))  # type: ignore[arg-type]
    assert [r.input for r in results] == [f"in{n}.ics" for n in range(4)]
    assert {note for r in results for note in r.notes} == {"frozen=True ignored=True"}
    assert gc.get_freeze_count() == 0  # the parent itself is left as it was


def _pool_state(batch: list[int]) -> list[object]:
    """Stands in for ``pipeline._convert_batch`` in a streamed conversion's worker."""
    from ics_bridge import pipeline
    return [(n, gc.get_freeze_count() > 0, type(pipeline._WORKER).__name__,
             signal.getsignal(signal.SIGINT) is signal.SIG_IGN) for n in batch]


def test_stream_pool_workers_start_with_their_converter_frozen():
    from pathlib import Path

    import ics_bridge
    from ics_bridge import pipeline
    from ics_bridge.io import stream
    path = Path(__file__).parent / "corpus"
    sample = next(p for p in sorted(path.rglob("*.ics")))
    idx = stream.index_ics(sample)
    job = pipeline._IcsJob(stream._without_blocks(idx), "graph", ics_bridge.Options(), None, True)
    out = [row for rows in pipeline._pool_map(job, _pool_state, iter([[0, 1], [2], [3, 4]]), 2) for row in rows]
    assert out == [(n, True, "_GroupConverter", True) for n in range(5)]
    assert gc.get_freeze_count() == 0
