"""An interrupted Dask batch returns only when its workers no longer run any of its tasks: a
cancelled task runs on to its end (Dask cannot stop a running thread), and one writing its output
has a temporary file beside it until its rename.  Before ``distributed._settle`` the client could
return while a worker was between the two (CI saw one ``.tmp`` left in
``test_interrupted_then_resumed_is_one_uninterrupted_run``).  Here each worker's fsync is slowed,
so every write in flight when the batch stops is caught with its temporary file present."""

from __future__ import annotations

import logging
import os
import shutil
import signal
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("distributed")
from distributed import Client, LocalCluster  # noqa: E402

import ics_bridge  # noqa: E402
from ics_bridge import batch  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      worker_dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


def _slow_fsync() -> None:
    """In a worker: each fsync (atomic_write's, between writing the temporary file and its
    rename) takes 1.5 s longer."""
    import os as os_
    import time as time_
    real = os_.fsync

    def slow(fd: int) -> None:
        time_.sleep(1.5)
        real(fd)

    slow.real = real  # type: ignore[attr-defined]
    os_.fsync = slow


def _real_fsync() -> None:
    import os as os_
    os_.fsync = getattr(os_.fsync, "real", os_.fsync)


def _ours_running(dask_worker: Any) -> int:
    return sum(1 for ts in dask_worker.state.all_running_tasks if str(ts.key).startswith("ics-bridge-"))


def test_interrupted_batch_returns_with_no_task_running_and_no_temporary_file(client: Client,
                                                                              tmp_path: Path) -> None:
    src = tmp_path / "in"
    for k in range(2):
        shutil.copytree(SAMPLES, src / f"copy{k}")
    client.run(_slow_fsync)
    out = tmp_path / "out"

    def stop_at_first(result: batch.FileResult) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    first = ics_bridge.convert_many([src], to="graph", output=out, client=client, on_file=stop_at_first)
    assert first.interrupted == signal.SIGINT
    assert not any(client.run(_ours_running).values())
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    client.run(_real_fsync)
    second = ics_bridge.convert_many([src], to="graph", output=out, client=client, resume=True)
    assert second.exit_code() == 0 and second.resumed >= 1
    batch.convert_paths([src], to="graph", output=tmp_path / "ref")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.json")} == \
        {p.relative_to(tmp_path / "ref"): p.read_bytes() for p in (tmp_path / "ref").rglob("*.json")}
