"""The batch on a Dask cluster (``convert --dask``), inputs and outputs on any fsspec filesystem.

Why: a tenant-wide migration is more CPU than one machine has; teams that run one already have
a Dask cluster, so the batch runs on it as it is.  Everything else is :mod:`ics_bridge.batch`:
discovery, the plan (modes, usage errors), output names (``_Names``, :func:`batch.safe_name`),
the per-file conversion (``batch._convert_file``), the merge (``batch._merge``), the result
and report; paths and URLs are :mod:`ics_bridge.storage`'s.  This module decides where the work
runs.

* One task per input.  Where every output name is known before converting (``-o FILE``, or
  ``-o DIRECTORY`` with no two inputs claiming one name) the worker reads the input, converts it
  and writes its output straight to the storage; only the result (no bytes) comes back.
  Otherwise (``--split``, ``--merge``, stdout, ``--fail-fast``, clashing names: each depends on
  the inputs before it) the bytes come back and are written here in input order, as ``--jobs``
  does.
* Results are taken as tasks finish (``on_progress``: the cluster's task states) and handed on
  in input order (``on_file``, the report), each input once.
* A single large input written to one file is streamed as ``--jobs`` streams it
  (``batch._stream_file``), its series batches converted on the workers
  (:data:`ics_bridge.pipeline.POOL_MAP`); it has to be a local (or ``file://``) path, because the
  index pass seeks in it.
* A plain path must be the same path on the workers (shared storage); workers get it absolute.
  URLs (:mod:`ics_bridge.storage`) need nothing shared but the storage.

* Interruptions, the journal and ``--resume`` are :mod:`ics_bridge.batch`'s (``stoppable``,
  ``handed_on``, ``resumed``): the client writes the journal lines as results are handed on,
  and inputs the journal holds are not sent to the cluster.  With URLs there is no journal and
  ``resume`` is refused (:func:`_journal`).  ``--dask local:N`` workers ignore SIGINT/SIGTERM
  (a Ctrl-C reaches the process group); the client stops them.  An interrupted batch cancels
  what is queued and waits (up to :data:`SETTLE_SECONDS`) for the tasks still running, so it
  returns with whole outputs only, never a temporary file beside one (:func:`_settle`).

Faults (issue 16):

* A worker that dies is Dask's to handle: its running tasks and the results it held run again on
  another worker (``distributed.scheduler.allowed-failures``, 3 by default; past that the input
  is reported as an internal error, never silently dropped).
* An output is never half-written: a temporary name in the same folder and a rename
  (:func:`batch.atomic_write` locally), or one request on object stores, where an object appears
  whole or not at all.
* "Now" (DTSTAMP where the source has none) is fixed once per batch (:func:`clock.fixed`), so a
  task that runs twice produces the same bytes.  A second attempt that finds the output its
  first attempt wrote (the same bytes) does not fail; with ``--force`` it writes the same bytes
  again.  An output is never written twice with different content.  The one visible difference
  from ``--jobs``: without ``--force``, an existing output that already holds exactly the bytes
  this batch would write counts as written (it cannot be told apart from a retried task's).
"""

from __future__ import annotations

import logging
import warnings
import os
import re
import threading
import time
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator, Literal, Sequence

from . import clock
from .batch import (SUFFIX, BatchResult, BatchUsageError, FileError, FileResult, InputFile, Plan, Protected,
                    _convert_file, _merge, _Names, _one_line, _previous, _stdout, _streams, _Task, handed_on,
                    resumed, safe_name, stoppable)
from .batch import _journal as batch_journal
from .journal import Journal
from .errors import IcsBridgeError, InputError, OutputError
from .interrupt import deferred_signals, ignored_by_started_processes
from .options import Format, Options
from .storage import INSTALL, Guard, child, discover, is_url, local_path, plan, read_url, store

if TYPE_CHECKING:
    from distributed import Client

_LOCAL = re.compile(r"^local(?::(\d+))?$")
# A LocalCluster's workers without the statistical profiler (a stack sample of the running
# task every 10 ms: about a tenth of the CPU of this pure-Python work, measured in
# bench/cluster.py) and with a calmer memory monitor (100 ms by default).
LOCAL_CONFIG = {"distributed.worker.profile.enabled": False,
                "distributed.worker.memory.monitor-interval": "500ms"}


class ClusterError(IcsBridgeError):
    """The Dask cluster cannot be reached or started (the CLI prints it and exits 1)."""


def require(what: str = "--dask") -> None:
    """:class:`BatchUsageError` naming what to install when the ``[dask]`` extra is missing."""
    try:
        import distributed  # noqa: F401
        import fsspec  # noqa: F401
    except ImportError:
        raise BatchUsageError(f"{what} needs the optional dependencies: {INSTALL}") from None


def _write_error(result: FileResult, name: str, err: Exception) -> None:
    """An output that could not be written, as ``batch.run`` reports it."""
    text = str(err) if isinstance(err, OutputError) else f"cannot write: {err}"
    result.errors.append(FileError(name, _one_line(text)))
    result.failed = True


# ------------------------------------------------------------------------------------------
# The work on a worker
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Work:
    task: _Task
    dest: str | None   # where the worker writes the output; None: the bytes come back
    force: bool
    now: datetime


def _run(work: _Work) -> FileResult:
    """One input on a worker: read (a path, stdin's bytes, or a URL), convert with the batch's
    own code, and write the output when its name is known.  Never raises."""
    task = work.task
    item = task.item
    with clock.fixed(work.now):
        if item.path is None and item.data is None:
            try:
                task = replace(task, item=replace(item, data=read_url(item.name, task.options.max_bytes)))
            except InputError as err:
                return FileResult(item.name, failed=True, errors=[FileError.of(err, item.name)])
            except (OSError, IcsBridgeError) as err:
                message = getattr(err, "strerror", None) or err
                return FileResult(item.name, failed=True,
                                  errors=[FileError(item.name, _one_line(f"cannot read: {message}"))])
        result = _convert_file(task)
    if work.dest is not None and not result.failed:
        assert result.payload is not None
        try:
            store(work.dest, result.payload, force=work.force)
        except (OutputError, OSError) as err:
            _write_error(result, item.name, err)
        result.payload = None
    return result


_STREAM_LOCK = threading.Lock()


def _stream_batch(job: Any, work: Callable[[list[Any]], list[Any]], batch: list[Any], now: datetime) -> list[Any]:
    """A streamed file's batch of series on a worker: the stream's per-process converter for
    ``job`` (built once per worker), the batch's clock.  One batch at a time per process (the
    converter keeps per-file state)."""
    from . import pipeline
    with _STREAM_LOCK, clock.fixed(now):
        if pipeline._WORKER is None or pipeline._WORKER.job is not job:
            pipeline._init_worker(job)
        return work(batch)


def _pool_map(client: "Client", now: datetime) -> Callable[..., Iterator[list[Any]]]:
    """``pipeline._pool_map`` on the cluster: the job sent once to every worker, at most
    2 × ``jobs`` batches in flight, results in batch order; a task whose workers kept dying
    raises :class:`StreamWorkerError` as a dead pool process does."""
    def run(job: Any, work: Any, batches: Iterator[list[Any]], jobs: int) -> Iterator[list[Any]]:
        from .pipeline import StreamWorkerError
        shared = client.scatter(job, broadcast=True, hash=False)
        pending: deque[Any] = deque()
        try:
            while True:
                while len(pending) < 2 * jobs and (batch := next(batches, None)) is not None:
                    pending.append(client.submit(_stream_batch, shared, work, batch, now, pure=False))
                if not pending:
                    return
                future = pending.popleft()
                try:
                    results = future.result()
                except _killed() as err:
                    raise StreamWorkerError(f"a Dask worker kept dying during the conversion: {err}") from None
                future.release()
                yield results
        finally:
            for future in pending:
                future.cancel()
            shared.release()
    return run


def _killed() -> tuple[type[BaseException], ...]:
    from distributed.scheduler import KilledWorker
    return (KilledWorker,)


# ------------------------------------------------------------------------------------------
# The batch
# ------------------------------------------------------------------------------------------

@contextmanager
def connect(address: str) -> Iterator["Client"]:
    """A client for ``address``: ``tcp://host:8786`` (or any scheduler address), or
    ``local[:N]`` for a :class:`distributed.LocalCluster` of N worker processes (one thread
    each: the conversion holds the GIL) started here and stopped afterwards."""
    require()
    import dask
    from distributed import Client, LocalCluster
    local = _LOCAL.match(address)
    try:
        if local:
            n = int(local.group(1) or os.cpu_count() or 1)
            if n < 1:
                raise BatchUsageError("--dask local:N needs N ≥ 1")
            # The workers take the config they are started with, and ignore SIGINT and SIGTERM
            # (a Ctrl-C reaches the whole process group): the batch here decides, and ends them.
            # Its logs are the cluster's own (a worker lost, a heartbeat after shutdown): the batch
            # reports every input's outcome itself, so only critical ones reach the terminal; and no
            # dashboard ("Port 8787 is already in use" beside another cluster).
            with dask.config.set(LOCAL_CONFIG), ignored_by_started_processes(), warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                       worker_dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
        else:
            cluster, client = None, Client(address, timeout="30s")
    except (OSError, TimeoutError, RuntimeError, ValueError) as err:
        raise ClusterError(f"cannot {'start' if local else 'reach'} the Dask cluster {address}: "
                           f"{_one_line(str(err))}") from None
    try:
        yield client
    finally:
        if cluster is not None:
            _quiet_shutdown(client)
        client.close()
        if cluster is not None:
            cluster.close()


def _silence() -> None:
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def _quiet_shutdown(client: "Client") -> None:
    """Before a LocalCluster of ours is stopped: its workers log no more.  Stopped while tasks
    run (an interrupted batch), a worker's heartbeat can meet the closed scheduler and log a
    traceback of the shutdown's, not of the batch's (whose errors are results, never logs)."""
    _silence()  # the scheduler and nannies of a LocalCluster run in this process
    try:
        client.run(_silence)
    except Exception:  # noqa: BLE001 — a worker already gone: nothing to silence there
        pass


def _threads(client: "Client") -> int:
    return max(1, sum(client.nthreads().values()))


def _ordered(client: "Client", futures: list[Any], names: list[str],
             on_progress: Callable[[], None] | None) -> Iterator[tuple[int, FileResult]]:
    """Results as the tasks finish (``on_progress`` for each), handed on in input order."""
    from distributed import as_completed
    index = {f.key: i for i, f in enumerate(futures)}
    ready: dict[int, FileResult] = {}
    following = 0
    for future in as_completed(futures):
        i = index[future.key]
        try:
            ready[i] = future.result()
        except Exception as err:  # noqa: BLE001 — KilledWorker past allowed-failures, or a result that did not pickle
            ready[i] = FileResult(names[i], failed=True,
                                  errors=[FileError(names[i], _one_line(f"{type(err).__name__}: {err}"), internal=True)])
        future.release()
        if on_progress is not None:
            on_progress()
        while following in ready:
            yield following, ready.pop(following)
            following += 1


def _direct_names(plan_: Plan) -> list[str] | None:
    """Each input's output, when all are known before converting: ``-o FILE``, or a folder in
    which no two inputs claim the same name.  None otherwise."""
    target = str(plan_.target)
    if plan_.mode == "file":
        return [target]
    if plan_.mode != "dir":
        return None
    names = _Names()
    out = []
    for item in plan_.inputs:
        rel = item.rel.with_suffix(SUFFIX[plan_.to])
        claimed = names.claim(rel.with_suffix("").as_posix(), SUFFIX[plan_.to])
        if claimed.lower() != rel.as_posix().lower():
            return None
        out.append(claimed)
    return out


def _absolute(item: InputFile) -> InputFile:
    """Workers may run elsewhere (another working folder): they get absolute paths; messages keep
    the name as given."""
    return replace(item, path=item.path.absolute()) if item.path is not None else item


def _on_worker(dest: str) -> str:
    local = local_path(dest)
    return str(local.absolute()) if local is not None and not is_url(dest) else dest


def run(client: "Client", plan_: Plan, *, source: Format | Literal["auto"] = "auto", options: Options = Options(),
        force: bool = False, fail_fast: bool = False, stdout: BinaryIO | None = None,
        on_file: Callable[[FileResult], None] | None = None,
        on_progress: Callable[[], None] | None = None, resume: bool = False) -> BatchResult:
    """:func:`batch.run` on the cluster of ``client``; see the module doc.  The journal,
    ``resume`` and an interruption are :func:`batch.run`'s (the client writes the journal
    lines as results are handed on)."""
    journal = _journal(plan_, source, options, resume)
    return stoppable(plan_, journal, lambda batch: _run_batch(
        client, plan_, batch, journal, source, options, force, fail_fast, stdout, on_file, on_progress))


def _journal(plan_: Plan, source: str, options: Options, resume: bool) -> Journal | None:
    """:func:`batch._journal` when the inputs and ``-o`` are plain paths; none with URLs, and
    ``--resume`` refused there: the journal is one local file appended to as each input
    finishes (object stores cannot append), and it tells an input unchanged by its file's
    size and modification time."""
    if not _urls(plan_):
        return batch_journal(plan_, source, options, resume)
    _refuse_resume(plan_, resume)
    return None


def _urls(plan_: Plan) -> bool:
    return isinstance(plan_.target, str) or any(i.path is None and i.data is None for i in plan_.inputs)


def _refuse_resume(plan_: Plan, resume: bool) -> None:
    if resume and _urls(plan_):
        raise BatchUsageError("--resume with --dask needs plain paths for the inputs and -o, not URLs: the "
                              "journal of finished inputs is a local file appended to as each one finishes, "
                              "which object stores cannot do (give a mounted path, or run without --resume)")


def _in_order(count: int, previous: dict[int, FileResult],
              converted: Iterator[tuple[int, FileResult]]) -> Iterator[tuple[int, FileResult, bool]]:
    """Every input's result in input order: those taken from the journal (True) between the
    converted ones, which arrive in input order."""
    following = 0
    for i, result in converted:
        for j in range(following, i):
            yield j, previous[j], True
        yield i, result, False
        following = i + 1
    for j in range(following, count):
        yield j, previous[j], True


def _run_batch(client: "Client", plan_: Plan, batch: BatchResult, journal: Journal | None,
               source: Format | Literal["auto"], options: Options, force: bool, fail_fast: bool,
               stdout: BinaryIO | None, on_file: Callable[[FileResult], None] | None,
               on_progress: Callable[[], None] | None) -> None:
    mode, to = plan_.mode, plan_.to
    target = str(plan_.target) if plan_.target is not None else None
    shape: Literal["bytes", "data", "split"] = (
        "split" if mode == "split" else "data" if mode.startswith("merge") else "bytes")
    now = clock.now_utc()
    guard = Guard(plan_.inputs)
    names = _Names()
    split_names = _Names()
    previous = {i: r for i, item in enumerate(plan_.inputs) if (r := _previous(item, journal)) is not None}
    streamed = _stream_plan(plan_, options)
    if streamed is not None and not previous:
        result = _stream(client, streamed, source, options, force, now, on_progress)
        batch.written.extend(result.outputs)
        handed_on(result, plan_.inputs[0], plan_, batch, journal, on_file, fail_fast)
        return
    direct = None if fail_fast else _direct_names(plan_)
    works: list[tuple[int, str | None, _Work]] = []
    for i, item in enumerate(plan_.inputs):
        if i in previous:
            continue
        dest = None
        if direct is not None:
            dest = direct[i] if mode == "file" else child(target or "", direct[i])
            try:
                guard.check(dest)
            except OutputError:  # converted, then refused here as batch.run refuses it
                dest = None
        works.append((i, dest, _Work(_Task(_absolute(item), to, source, options, shape, False),
                                     None if dest is None else _on_worker(dest), force, now)))
    token = uuid.uuid4().hex[:12]
    futures = client.map(_run, [work for _i, _dest, work in works],
                         key=[f"ics-bridge-{token}-{k}" for k in range(len(works))], pure=False) if works else []
    dests = {i: dest for i, dest, _work in works}
    converted = ((works[k][0], result) for k, result in
                 _ordered(client, futures, [w.task.item.name for _i, _d, w in works], on_progress))
    try:
        for i, result, from_journal in _in_order(len(plan_.inputs), previous, converted):
            item = plan_.inputs[i]
            if from_journal:
                resumed(result, plan_, batch, names, split_names, on_file)
                if on_progress is not None:
                    on_progress()
                continue
            dest = dests[i]
            with deferred_signals():  # written, counted and journaled together (batch.py)
                if dest is not None and not result.failed:
                    result.outputs.append(dest)
                    batch.written.append(dest)
                elif dest is None and not result.failed:
                    try:
                        _deliver(result, item, plan_, target, names, split_names, force, stdout, batch, guard)
                    except (OutputError, OSError) as err:
                        _write_error(result, item.name, err)
                stop = handed_on(result, item, plan_, batch, journal, on_file, fail_fast)
            if stop:
                break
    finally:  # also when interrupted: what is queued or running is dropped
        if futures:
            unfinished = [f for f in futures if not f.done()]
            client.cancel(futures)
            if unfinished:
                _settle(client, f"ics-bridge-{token}-")
    if mode.startswith("merge") and not batch.stopped:
        _write_merge(batch, plan_, target, options, force, stdout, guard)


# An interrupted batch waits this long at most for the tasks its workers still run, asking every so often.
SETTLE_SECONDS = 60.0
SETTLE_POLL = 0.05


def _settle(client: "Client", prefix: str, timeout: float = SETTLE_SECONDS) -> None:
    """After a stop, wait while a worker still runs a task of this batch (keys ``prefix…``): a
    cancelled task runs on to its end, and one writing its output has a temporary file beside it
    until its rename; an interrupted batch returns with complete outputs only and no temporary
    file (``WorkerState.all_running_tasks`` holds cancelled tasks still in a thread).  Bounded
    by ``timeout``: a worker that does not answer is not waited for."""
    def ours(dask_worker: Any) -> int:
        return sum(1 for ts in dask_worker.state.all_running_tasks if str(ts.key).startswith(prefix))

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not any(client.run(ours, wait=True).values()):
                return
        except Exception:  # noqa: BLE001 — a worker gone or a client closing: nothing left to wait for
            return
        time.sleep(SETTLE_POLL)


def _deliver(result: FileResult, item: InputFile, plan_: Plan, target: str | None, names: _Names,
             split_names: _Names, force: bool, stdout: BinaryIO | None, batch: BatchResult, guard: Guard) -> None:
    """``batch._deliver`` for a plain path or a URL (the outputs that depend on earlier inputs)."""
    mode, suffix = plan_.mode, SUFFIX[plan_.to]
    if mode.startswith("merge"):  # written once all are in (_write_merge)
        return
    if mode == "stdout":
        assert result.payload is not None
        _stdout(stdout).write(result.payload)
        _stdout(stdout).flush()
        result.outputs.append("-")
        return
    assert target is not None
    if mode == "file":
        assert result.payload is not None
        writes = [(target, result.payload)]
    elif mode == "dir":
        assert result.payload is not None
        rel = item.rel.with_suffix(suffix)
        claimed = names.claim(rel.with_suffix("").as_posix(), suffix)
        if claimed.lower() != rel.as_posix().lower():
            result.notes.append(f"{rel} was already written by another input; wrote {claimed}")
        writes = [(child(target, claimed), result.payload)]
    else:
        assert mode == "split", mode
        writes = [(child(target, split_names.claim(safe_name(uid), suffix)), data) for uid, data in result.parts]
    for dest, data in writes:
        guard.check(dest)
        store(dest, data, force=force)
        result.outputs.append(dest)
        batch.written.append(dest)


def _write_merge(batch: BatchResult, plan_: Plan, target: str | None, options: Options, force: bool,
                 stdout: BinaryIO | None, guard: Guard) -> None:
    """The ``--merge`` output, in input order, from the results the workers sent back."""
    ok = [r for r in batch.files if not r.failed]
    try:
        data = _merge(ok, plan_.to, options)
        if plan_.mode == "merge-stdout":
            _stdout(stdout).write(data)
            _stdout(stdout).flush()
        else:
            assert target is not None
            guard.check(target)
            store(target, data, force=force)
            batch.written.append(target)
            for r in ok:
                r.outputs.append(target)
    except (OutputError, OSError) as err:
        text = str(err) if isinstance(err, OutputError) else f"cannot write: {err}"
        batch.errors.append(FileError(target, _one_line(text)))
    except Exception as err:  # noqa: BLE001
        batch.errors.append(FileError(target or "<merge>", _one_line(f"{type(err).__name__}: {err}"), internal=True))
    for r in batch.files:
        r.payload, r.data = None, None


def _stream_plan(plan_: Plan, options: Options) -> Plan | None:
    """The plan with local paths when it is one large local input to one local file (streamed)."""
    if plan_.mode != "file" or len(plan_.inputs) != 1 or plan_.target is None:
        return None
    item = plan_.inputs[0]
    src = item.path if item.path is not None else local_path(item.name) if item.data is None else None
    dest = local_path(str(plan_.target))
    if src is None or dest is None:
        return None
    local = Plan([replace(item, path=src)], "file", dest, plan_.to)
    return local if _streams(local.inputs[0], local, options) else None


def _stream(client: "Client", plan_: Plan, source: Format | Literal["auto"], options: Options, force: bool,
            now: datetime, on_progress: Callable[[], None] | None) -> FileResult:
    from .batch import _stream_file
    from .pipeline import POOL_MAP
    task = _Task(plan_.inputs[0], plan_.to, source, options, "bytes", True)
    reset = POOL_MAP.set(_pool_map(client, now))
    try:
        with clock.fixed(now):
            assert isinstance(plan_.target, Path)
            result = _stream_file(task, plan_.target, force, Protected(plan_.inputs), max(2, _threads(client)))
    finally:
        POOL_MAP.reset(reset)
    if on_progress is not None:
        on_progress()
    return result


@contextmanager
def _client_for(client: "Client | str | None") -> Iterator["Client"]:
    if isinstance(client, str):
        with connect(client) as made:
            yield made
        return
    if client is None:
        require("convert_many")
        from distributed import get_client
        try:
            client = get_client()
        except ValueError:
            raise BatchUsageError("no Dask client: pass client= (a distributed.Client, an address, or "
                                  "'local:N')") from None
    yield client


def convert_many(inputs: Sequence[str | os.PathLike[str]], *, to: Format, output: str | os.PathLike[str] | None = None,
                 client: "Client | str | None" = None, source: Format | Literal["auto"] = "auto", merge: bool = False,
                 split: bool = False, options: Options = Options(), force: bool = False, fail_fast: bool = False,
                 stdin: bytes | None = None, stdout: BinaryIO | None = None,
                 on_file: Callable[[FileResult], None] | None = None,
                 on_progress: Callable[[], None] | None = None, resume: bool = False) -> BatchResult:
    """Convert files, folders or URLs on a Dask cluster: what :func:`batch.convert_paths` (and
    ``ics-bridge convert``) does, with the same :class:`batch.BatchResult`.

    ``client``: a :class:`distributed.Client`, a scheduler address or ``"local:N"`` (a cluster
    started and stopped for this call), or None for the current default client.  ``on_file``
    is called once per input in input order; ``on_progress`` once per finished task, in the
    order they finish.  ``resume``: as :func:`batch.convert_paths` (plain paths only, not URLs).
    :class:`BatchUsageError` when the request cannot be carried out."""
    require("convert_many")
    found = discover(inputs, stdin)
    plan_ = plan(found, to=to, output=output, merge=merge, split=split)
    _refuse_resume(plan_, resume)  # before a cluster is started for nothing
    with _client_for(client) as c:
        return run(c, plan_, source=source, options=options, force=force, fail_fast=fail_fast, stdout=stdout,
                   on_file=on_file, on_progress=on_progress, resume=resume)
