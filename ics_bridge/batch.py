"""Converting many files at once: discovery, output paths, safe writes and parallel jobs.

The CLI (``ics-bridge convert``) is a thin layer over :func:`convert_paths`; this module never
imports click.  The rules a batch follows:

* inputs are files, directories (recursed, hidden entries skipped, only
  ``.ics .ical .ifb .json .jsonl .ndjson``) or ``-`` for stdin; the format is detected per file
  from its content unless ``source`` says otherwise;
* one bad file is reported (file, event, field, reason — ``str(InputError)``) and the batch goes
  on (``fail_fast`` stops it); unexpected exceptions are reported as ``internal error`` for that
  file, never as a traceback;
* an input is never overwritten and an output path that is an input is refused, even with
  ``force``; outputs are written to a temporary file in the target directory and renamed
  (atomic); an existing output needs ``force``; with ``--jobs`` and ``-o DIR`` a worker writes
  that temporary file and the parent syncs and renames it, in input order (:func:`_stage`);
* ``split`` names files after the series UID made safe (:func:`safe_name`): ASCII, no path
  separators, no leading dot, no Windows device name, bounded length, a hash suffix whenever the
  UID had to be changed, and a counter for the rare remaining clash;
* a failed write (full disk, read-only folder) is an error for that input naming the output,
  and leaves no temporary file; an interruption (SIGINT, SIGTERM) stops the batch with every
  output complete and the result saying which inputs were not converted; ``resume`` converts
  only those (:mod:`ics_bridge.journal`);
* an input of :data:`STREAM_BYTES` or more written to its own file streams, without the
  ``max_bytes`` cap that holds for what is read into memory whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import re
import secrets
import signal
import sys
import unicodedata
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Literal, Sequence

from icalendar import Calendar

from . import journal as journal_
from . import lazy_json
# the safe writing moved to io/files (the pipeline writes files too); these stay batch's names
from .io.files import (Protected, _is_device, _is_input, _umask, atomic_write, commit, discard,  # noqa: F401
                       stage, staging_name)
from . import edge, pipeline
from . import model as m
from .edge import calendar_from_model
from .pipeline import StreamWorkerError, convert_file, encode
from .errors import IcsBridgeError, InputError, OutputError
from .io import ics as ics_io
from .interrupt import deferred_signals, end_pool, signal_number, started_worker, submitted
from .limits import too_large
from .options import Format, Options
from .report import Loss, LossKind, Report, Severity
from .series import group_series

INPUT_SUFFIXES = (".ics", ".ical", ".ifb", ".json", ".jsonl", ".ndjson")
SUFFIX = {"ics": ".ics", "graph": ".json", "google": ".json"}
STDIN = "-"
STDIN_NAME = "<stdin>"
MAX_NAME = 80
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})

Mode = Literal["stdout", "file", "dir", "merge-stdout", "merge-file", "split"]


class BatchUsageError(IcsBridgeError):
    """The request itself cannot be carried out (the CLI's exit code 2)."""


# ------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InputFile:
    """One input: ``name`` as shown in messages, ``path`` (None for stdin), ``rel`` the path
    mirrored under an output directory, ``data`` the bytes of stdin."""

    name: str
    path: Path | None
    rel: PurePath
    data: bytes | None = None


def discover(inputs: Sequence[str | os.PathLike[str]], stdin: bytes | None = None) -> list[InputFile]:
    """Files in the order given; directories recursed in sorted order.  A path that does not
    exist is kept (reading it reports the error, the rest goes on)."""
    found: list[InputFile] = []
    seen: set[Path] = set()
    stdin_used = False
    for raw in inputs:
        text = os.fspath(raw)
        if text == STDIN:
            if stdin_used:
                raise BatchUsageError("'-' (stdin) given more than once")
            stdin_used = True
            found.append(InputFile(STDIN_NAME, None, PurePath("stdin"), stdin if stdin is not None else b""))
            continue
        path = Path(text)
        if path.is_dir():
            for file in _walk(path):
                key = file.resolve()
                if key not in seen:
                    seen.add(key)
                    found.append(InputFile(str(file), file, file.relative_to(path)))
            continue
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        found.append(InputFile(text, path, PurePath(path.name)))
    return found


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if name.lower().endswith(INPUT_SUFFIXES):
                yield Path(dirpath) / name


# ------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileError:
    """One error line: where (file, event, field) and why."""

    file: str | None
    message: str
    uid: str | None = None
    field: str | None = None
    internal: bool = False
    item: str | None = None  # the place in a JSON collection: value[3], items[0], line 4

    @classmethod
    def of(cls, err: InputError, file: str) -> "FileError":
        err = err.located(file)
        return cls(err.file, _one_line(err.message), err.uid, err.field, item=err.item)

    def as_text(self) -> str:
        if self.internal:
            return f"{self.file}: internal error: {self.message}"
        parts = [p for p in (self.file, self.item, f"event {self.uid}" if self.uid else None,
                             f"field {self.field}" if self.field else None) if p]
        return ": ".join(parts + [self.message])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FileError":
        return cls(data["file"], data["message"], data.get("uid"), data.get("field"), bool(data.get("internal")),
                   data.get("item"))

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "item": self.item, "uid": self.uid, "field": self.field, "message": self.message,
                "internal": self.internal, "text": self.as_text()}


@dataclass
class FileResult:
    """What happened to one input.  ``failed``: nothing was converted; ``errors`` may also hold
    single events that were skipped while the rest of the file was converted."""

    input: str
    source: Format | None = None
    events: int = 0
    outputs: list[str] = field(default_factory=list)
    entries: "list[Loss] | FileEntries" = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: bool = False
    # carried from the worker to the writer, dropped afterwards
    payload: bytes | None = None
    data: Any = None
    parts: list[tuple[str, bytes]] = field(default_factory=list)
    staged: tuple[str, int, str] | None = None  # the payload written by a worker: (temporary file, size, SHA-256)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.errors

    @property
    def losses(self) -> list[Loss]:
        return [e for e in self.entries if e.severity is Severity.LOSS]

    def tally(self) -> tuple[int, int]:
        """(losses, warnings) in one pass over the entries (which may be on disk)."""
        losses = warnings = 0
        for e in self.entries:
            losses += e.severity is Severity.LOSS
            warnings += e.severity is Severity.WARNING
        return losses, warnings

    def to_journal(self) -> dict[str, Any]:
        """What ``--resume`` needs to give this result again without converting (journal.py).
        A streamed input's entries stay lazy (:mod:`ics_bridge.lazy_json`: they are on disk);
        a list, in memory already, is given as one (the same JSON text, encoded in one
        ``json.dumps`` rather than one per entry, and not walked first: ``lazy_json.Encoded``;
        the ``--jobs`` parent journals every input, 0.17 → 0.07 CPU s on 200 files × 50 events)."""
        entries = (lazy_json.Encoded([e.as_dict() for e in self.entries]) if isinstance(self.entries, list)
                   else lazy_json.Lazy(self.entries, Loss.as_dict))
        return {"input": self.input, "source": self.source, "events": self.events, "outputs": list(self.outputs),
                "entries": entries, "errors": [e.as_dict() for e in self.errors],
                "notes": list(self.notes), "failed": self.failed}

    @classmethod
    def from_journal(cls, data: dict[str, Any]) -> "FileResult":
        entries = [Loss(**{**{k: v for k, v in e.items() if k != "severity"}, "kind": LossKind(e["kind"])})
                   for e in data["entries"]]
        return cls(data["input"], data["source"], data["events"], list(data["outputs"]), entries,
                   [FileError.from_dict(e) for e in data["errors"]], list(data["notes"]), bool(data["failed"]))


class FileEntries(Sequence[Loss]):
    """A streamed input's loss entries, read from the conversion's spooled report as they are
    used, each carrying the input's name (why: a million-event file has ~1.3 million entries;
    as a list they took GBs where the conversion itself stays flat).  Pickled as a plain list
    (a worker's result crossing processes)."""

    def __init__(self, entries: Sequence[Loss], name: str) -> None:
        self._entries = entries
        self._name = name

    def __iter__(self) -> Iterator[Loss]:
        name = self._name
        for e in self._entries:
            yield e if e.file else Loss(**{**e.__dict__, "file": name})

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, FileEntries)) else NotImplemented

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)  # output / merge errors not tied to one input
    stopped: bool = False  # fail_fast stopped the batch
    interrupted: int | None = None  # the signal (SIGINT, SIGTERM) that stopped the batch
    pending: list[str] = field(default_factory=list)  # inputs not converted because of it
    resumed: int = 0  # inputs taken complete from an earlier, interrupted run (--resume)

    @property
    def failed_files(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    @property
    def events(self) -> int:
        return sum(f.events for f in self.files)

    @property
    def entries(self) -> list[Loss]:
        return [e for f in self.files for e in f.entries]

    @property
    def losses(self) -> int:
        return self.tally()[0]

    @property
    def warnings(self) -> int:
        return self.tally()[1]

    def tally(self) -> tuple[int, int]:
        """(losses, warnings) of every file, in one pass over each file's entries."""
        losses = warnings = 0
        for f in self.files:
            lost, warned = f.tally()
            losses, warnings = losses + lost, warnings + warned
        return losses, warnings

    @property
    def all_errors(self) -> list[FileError]:
        return [e for f in self.files for e in f.errors] + self.errors

    def exit_code(self, strict: bool = False) -> int:
        """0 all converted; 1 some input failed; 3 lossy conversions when ``strict``; 128 + the
        signal when interrupted (130 SIGINT, 143 SIGTERM, as shells report a killed command)."""
        if self.interrupted is not None:
            return 128 + self.interrupted
        if self.all_errors or any(f.failed for f in self.files) or self.stopped:
            return 1
        if strict and self.losses:
            return 3
        return 0

    def summary(self) -> str:
        failed = len(self.failed_files)
        losses, warnings = self.tally()
        files = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        if failed:
            files += f" ({failed} with errors)"
        errors = len(self.all_errors)
        return (f"{files}, {self.events} event{'s' if self.events != 1 else ''}, "
                f"{losses} loss{'es' if losses != 1 else ''}, {warnings} "
                f"warning{'s' if warnings != 1 else ''}, {errors} error{'s' if errors != 1 else ''}"
                + (f", {len(self.written)} written" if self.written else "")
                + (" (stopped at the first error)" if self.stopped else "")
                + (f", {self.resumed} complete from the interrupted run" if self.resumed else "")
                + self._interruption())

    def _interruption(self) -> str:
        if self.interrupted is None:
            return ""
        name = signal.Signals(self.interrupted).name
        shown = ", ".join(self.pending[:10]) + (f" and {len(self.pending) - 10} more" if len(self.pending) > 10 else "")
        done = len(self.files)
        return (f"; interrupted by {name}: {done} of {done + len(self.pending)} input"
                f"{'s' if done + len(self.pending) != 1 else ''} done"
                + (f", not converted: {shown}" if self.pending else "")
                + " (every output written is complete; run the same command with --resume to finish)")

    def report_dict(self) -> dict[str, Any]:
        """The ``--report`` JSON as one value (for a caller; the CLI writes :meth:`report_chunks`)."""
        report = self._report(lazy=False)
        return report

    def report_chunks(self) -> Iterator[bytes]:
        """The bytes of ``json.dumps(report_dict(), indent=2, ensure_ascii=False)`` + newline,
        in blocks of about 64 KiB: the entries are encoded one at a time (a streamed file's stay
        on disk)."""
        yield from lazy_json.blocks(itertools.chain(lazy_json.chunks(self._report(lazy=True), indent=2), ["\n"]))

    def _report(self, lazy: bool) -> dict[str, Any]:
        losses, warnings = self.tally()
        entries = (e for f in self.files for e in f.entries)
        return {
            "summary": {"files": len(self.files), "failed": len(self.failed_files), "events": self.events,
                        "losses": losses, "warnings": warnings, "errors": len(self.all_errors),
                        "written": list(self.written)},
            "files": [{"input": f.input, "source": f.source, "events": f.events, "outputs": f.outputs,
                       "ok": f.ok, "notes": f.notes} for f in self.files],
            "entries": lazy_json.Lazy(entries, Loss.as_dict) if lazy else [e.as_dict() for e in entries],
            "errors": [e.as_dict() for e in self.all_errors],
            **({"interrupted": {"signal": signal.Signals(self.interrupted).name, "not_converted": list(self.pending)}}
               if self.interrupted is not None else {}),
        }


# ------------------------------------------------------------------------------------------
# The plan: where outputs go
# ------------------------------------------------------------------------------------------

@dataclass
class Plan:
    inputs: list[InputFile]
    mode: Mode
    target: Path | None
    to: Format


def plan(inputs: list[InputFile], *, to: Format, output: str | os.PathLike[str] | None,
         merge: bool = False, split: bool = False) -> Plan:
    """Decide where the outputs go; :class:`BatchUsageError` when the request is impossible."""
    if merge and split:
        raise BatchUsageError("--merge and --split cannot be combined")
    if not inputs:
        raise BatchUsageError("no input files found (directories are searched for "
                              + " ".join(INPUT_SUFFIXES) + ")")
    out = os.fspath(output) if output is not None else None
    several = len(inputs) > 1
    if out is None or out == STDIN:
        if split:
            raise BatchUsageError("--split writes one file per series: give -o DIRECTORY")
        if several and not merge:
            raise BatchUsageError(f"{len(inputs)} inputs: give -o DIRECTORY, or --merge for one output")
        return Plan(inputs, "merge-stdout" if merge else "stdout", None, to)
    target = Path(out)
    if split:
        mode: Mode = "split"
    elif merge:
        if target.is_dir():
            raise BatchUsageError(f"{out}: is a directory; --merge writes one file")
        mode = "merge-file"
    elif target.is_dir() or out.endswith(("/", os.sep)) or several:
        mode = "dir"
    else:
        mode = "file"
    if mode in ("file", "merge-file") and _is_input(target, inputs):
        raise BatchUsageError(f"{out}: is one of the inputs; refusing to overwrite it")
    if mode in ("dir", "split") and target.exists() and not target.is_dir():
        raise BatchUsageError(f"{out}: exists and is not a directory")
    return Plan(inputs, mode, target, to)


def safe_name(uid: str, *, max_len: int = MAX_NAME) -> str:
    """A file name (without extension) from a UID that cannot leave its directory: ASCII
    letters, digits and ``. _ - @ +`` only, no leading dot, no Windows device name, at most
    ``max_len`` characters plus a hash of the UID whenever it had to be changed, so different
    UIDs never map to the same name."""
    text = unicodedata.normalize("NFKC", uid or "")
    clean = re.sub(r"[^A-Za-z0-9._@+-]+", "_", text)
    clean = re.sub(r"\.{2,}", ".", clean).strip("._- ")
    if not clean:
        clean = "event"
    if clean.split(".")[0].upper() in _WINDOWS_DEVICES:
        clean = "_" + clean
    if clean != uid or len(clean) > max_len:
        digest = hashlib.sha256((uid or "").encode("utf-8", "surrogatepass")).hexdigest()[:12]
        clean = f"{clean[:max_len].rstrip('._- ')}-{digest}"
    return clean


class _Names:
    """Unique names in one directory (case-insensitive, as on macOS and Windows)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, stem: str, suffix: str) -> str:
        name = stem + suffix
        n = 2
        while name.lower() in self.used:
            name = f"{stem}~{n}{suffix}"
            n += 1
        self.used.add(name.lower())
        return name


def _inside(directory: Path, name: str) -> Path:
    path = directory / name
    home, real = directory.resolve(), path.resolve()  # each once: a resolve is an lstat per part of the path
    if real.parent != home and home not in real.parents:
        raise OutputError(f"{path}: would be written outside {directory}")
    return path


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------

# ------------------------------------------------------------------------------------------
# The per-file work (runs in worker processes with --jobs)
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Task:
    item: InputFile
    to: Format
    source: Format | Literal["auto"]
    options: Options
    shape: Literal["bytes", "data", "split"]
    in_process: bool
    # (planned output, its temporary file): a --jobs worker writes the payload there (_stage)
    stage: tuple[Path, Path] | None = None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _read(item: InputFile, max_bytes: int) -> bytes:
    """The whole input in memory, within ``max_bytes`` (large files stream instead: :data:`STREAM_BYTES`)."""
    if item.data is not None:
        data = item.data
    else:
        assert item.path is not None
        size = item.path.stat().st_size
        if size > max_bytes:
            raise too_large(size, max_bytes)
        data = item.path.read_bytes()
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    return data


def _parse_input(data: bytes, source: Format | Literal["auto"], name: str, options: Options
                 ) -> tuple[Any, Format, Report | None]:
    if source != "auto":
        return data, source, None
    return pipeline.sniff(data, options, file=name)


def _sub_calendar(cal: Calendar, components: list[Any]) -> Calendar:
    sub = Calendar()
    for key, value in cal.items():
        sub[key] = value
    for comp in components:
        sub.add_component(comp)
    return sub


def _ical_parts(cal: Calendar) -> list[tuple[str, Calendar]]:
    """An icalendar hub's series, each as a calendar of its own (``split``)."""
    vevents = list(cal.walk("VEVENT"))
    typed = edge.events_to_model(vevents)  # edge: until .ics → .ics is written from the typed hub (issue 12)
    origin = edge.origins(typed, vevents)
    return [(series.uid, _sub_calendar(cal, [origin[id(e)] for e in series.events])) for series in group_series(typed)]


def _convert_file(task: _Task) -> FileResult:
    """Read, convert and (for the writer) serialise one input.  Never raises."""
    item = task.item
    result = FileResult(item.name)
    try:
        data = _read(item, task.options.max_bytes)
        payload, source, parsed = _parse_input(data, task.source, item.name, task.options)
        result.source = source
        cal, report, errors = pipeline.read_hub(payload, source, task.options, file=item.name, target=task.to,
                                                parsed=parsed)
        result.errors.extend(FileError.of(e, item.name) for e in errors)
        if isinstance(cal, Calendar):  # the library edge: a caller's icalendar.Calendar (pipeline._ics_to_ics_hub)
            result.events = sum(1 for _ in cal.walk("VEVENT"))
            parts = _ical_parts(cal) if task.shape == "split" else []
        else:
            result.events = sum(1 for _ in cal.events)
            parts = ([(s.uid, dataclasses.replace(cal, series=(s,), components=())) for s in cal.series]
                     if task.shape == "split" else [])
        if task.shape == "split":
            for uid, sub in parts:
                part = pipeline.write_hub(sub, task.to, report, task.options)
                result.parts.append((uid, encode(part, task.options)))
        else:
            out = pipeline.write_hub(cal, task.to, report, task.options)
            if task.shape == "bytes":
                result.payload = encode(out, task.options)
                if task.stage is not None:
                    _stage(result, *task.stage)
            elif isinstance(out, (Calendar, m.Calendar)) and not task.in_process:
                result.payload = encode(out, Options(tzid_style="iana"))
            elif isinstance(out, m.Calendar):  # merged with the others' icalendar calendars (_merge)
                result.data = calendar_from_model(out)  # edge: until _merge merges typed calendars (issue 12)
            else:
                result.data = out
        result.entries = [e if e.file else Loss(**{**e.__dict__, "file": item.name}) for e in report]
    except InputError as err:
        result.failed = True
        result.errors.append(FileError.of(err, item.name))
    except OutputError as err:
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(str(err))))
    except UnicodeError as err:
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(f"cannot decode the input: {err}")))
    except OSError as err:
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(f"cannot read: {err.strerror or err}")))
    except ImportError as err:  # a provider that is not installed / not written yet
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(f"provider not available: {err}"), internal=True))
    except Exception as err:  # noqa: BLE001 — one bad file must not stop the batch
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(f"{type(err).__name__}: {err}"), internal=True))
    return result


def _stage(result: FileResult, planned: Path, tmp: Path) -> None:
    """The payload written to ``tmp`` by the worker (:func:`ics_bridge.io.files.stage`), its
    size and hash kept for the journal; the parent renames it in input order (:func:`_deliver`)."""
    assert result.payload is not None
    stage(planned, tmp, result.payload)
    result.staged = (str(tmp), *journal_.size_and_digest(result.payload))
    result.payload = None


# ------------------------------------------------------------------------------------------
# Merging
# ------------------------------------------------------------------------------------------

def _items(data: Any, to: Format) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("value", "items"):
            if isinstance(data.get(key), list):
                return list(data[key])
        return [data]
    return []


def _merge(results: list[FileResult], to: Format, options: Options) -> bytes:
    if to == "ics":
        merged = ics_io.new_calendar()
        zones: set[str] = set()
        for r in results:
            if r.data is None and r.payload is None:
                continue
            cal = r.data if isinstance(r.data, Calendar) else Calendar.from_ical(r.payload)
            for comp in cal.subcomponents:
                if comp.name == "VTIMEZONE":
                    tzid = str(comp.get("TZID"))
                    if tzid in zones:
                        continue
                    zones.add(tzid)
                merged.add_component(comp)
        return ics_io.serialize(merged, tzid_style=options.tzid_style)
    items = [item for r in results for item in _items(r.data, to)]
    if to == "graph":
        return encode({"value": items}, options)
    return encode({"kind": "calendar#events", "items": items}, options)


# ------------------------------------------------------------------------------------------
# The batch
# ------------------------------------------------------------------------------------------

def _results(tasks: list[_Task], jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield _convert_file(task)
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=started_worker)
    futures: list[Future[FileResult]] = [submitted(pool, _convert_file, t) for t in tasks]
    try:
        for task, future in zip(tasks, futures):
            try:
                yield future.result()
            except Exception as err:  # noqa: BLE001 — a worker died or a result did not pickle
                result = FileResult(task.item.name, failed=True)
                result.errors.append(FileError(task.item.name, _one_line(f"{type(err).__name__}: {err}"),
                                               internal=True))
                yield result
    finally:  # also when the batch is interrupted: workers ended, not waited for
        end_pool(pool, futures)


def _fingerprint(plan_: Plan, source: str, options: Options) -> str:
    """The command a journal belongs to: a resume with other options converts everything."""
    return hashlib.sha256(repr((plan_.to, source, options, plan_.mode, os.fspath(plan_.target or ""))).encode()
                          ).hexdigest()


def _journal(plan_: Plan, source: str, options: Options, resume: bool) -> journal_.Journal | None:
    target = plan_.target
    special = target is not None and _is_device(target)
    if plan_.mode in ("dir", "split", "file") and target is not None and not special:  # not /dev/null, a FIFO
        where = journal_.path_for(target, plan_.mode != "file")
        journal = journal_.Journal(where, _fingerprint(plan_, source, options), resume)
        if plan_.mode != "file":  # a folder of outputs: the journal is there before the first one
            journal.begin()
        return journal
    if resume:
        raise BatchUsageError("--resume needs -o FILE or -o DIRECTORY (one output per input, or --split)")
    return None


def _previous(item: InputFile, journal: journal_.Journal | None) -> FileResult | None:
    """The result of ``item`` from an interrupted run, when its input and outputs are unchanged."""
    entry = journal.previous.get(item.name) if journal is not None else None
    if entry is None or entry.get("key") != journal_.input_key(item.path, item.data):
        return None
    if not journal_.outputs_intact(entry.get("files") or []):
        return None
    try:
        return FileResult.from_journal(entry["result"])
    except (KeyError, TypeError, ValueError):
        return None


def _claim_again(result: FileResult, plan_: Plan, names: _Names, split_names: _Names) -> None:
    """A resumed input's output names, claimed as its conversion claimed them, so the inputs
    after it get the names an uninterrupted run gives them."""
    assert plan_.target is not None
    for out in result.outputs:
        rel = Path(out).relative_to(plan_.target) if plan_.mode != "file" else Path(out)
        (split_names if plan_.mode == "split" else names).used.add(rel.as_posix().lower())


def run(plan_: Plan, *, source: Format | Literal["auto"] = "auto", options: Options = Options(),
        force: bool = False, jobs: int = 1, fail_fast: bool = False, stdout: BinaryIO | None = None,
        on_file: Callable[[FileResult], None] | None = None, resume: bool = False) -> BatchResult:
    """Convert every input of ``plan_`` and write the outputs; see the module doc.

    An interruption (KeyboardInterrupt, :class:`ics_bridge.interrupt.Terminated`) stops the
    batch: outputs already written are complete, none is partial, and the result says which
    inputs were not converted (``interrupted``, ``pending``).  ``resume``: inputs whose outputs
    an interrupted run completed are taken from its journal, not converted again."""
    journal = _journal(plan_, source, options, resume)
    return stoppable(plan_, journal, lambda batch: _run(
        plan_, batch, journal, source=source, options=options, force=force, jobs=jobs, fail_fast=fail_fast,
        stdout=stdout, on_file=on_file, resume=resume))


def stoppable(plan_: Plan, journal: journal_.Journal | None, body: Callable[[BatchResult], None]) -> BatchResult:
    """Run ``body`` on a new result; an interruption (KeyboardInterrupt, or SIGTERM through
    :func:`ics_bridge.interrupt.raising_on_signals`) ends it with the result saying which inputs
    were not converted, and the journal kept for ``--resume`` (a finished batch removes it).
    Shared by :func:`run` and :func:`ics_bridge.distributed.run`."""
    batch = BatchResult()
    try:
        body(batch)
    except KeyboardInterrupt as exc:
        batch.interrupted = signal_number(exc)
        done = {f.input for f in batch.files}
        batch.pending = [item.name for item in plan_.inputs if item.name not in done]
    finally:
        if journal is not None:
            journal.close(finished=batch.interrupted is None)
    return batch


def handed_on(result: FileResult, item: InputFile, plan_: Plan, batch: BatchResult,
              journal: journal_.Journal | None, on_file: Callable[[FileResult], None] | None,
              fail_fast: bool) -> bool:
    """One input's result, delivered, handed on in input order: its bytes dropped (kept for
    ``--merge``), added to the batch, its journal line written (what ``--resume`` needs), and
    ``on_file`` called.  True when ``fail_fast`` stops the batch here.  Shared by :func:`_run`
    and :func:`ics_bridge.distributed.run`."""
    files = _described(result) if journal is not None and result.outputs and not result.failed else None
    if not plan_.mode.startswith("merge"):
        result.payload, result.parts, result.data, result.staged = None, [], None, None
    batch.files.append(result)
    if files is not None:
        assert journal is not None
        journal.record({"input": item.name, "key": journal_.input_key(item.path, item.data),
                        "files": files, "result": result.to_journal()},
                       last=len(batch.files) == len(plan_.inputs))
    if on_file is not None:
        on_file(result)
    if fail_fast and not result.ok:
        batch.stopped = len(batch.files) < len(plan_.inputs)
        return True
    return False


def _described(result: FileResult) -> Callable[[], list[list[Any]]]:
    """The journal's description of ``result``'s outputs (:func:`journal.describe_outputs`), as
    a function: the last input's line is written only if the batch is interrupted, and a
    streamed output is described by reading it back (~25 ms for the 10k bench file, seconds
    for a million events), a serial step of every one-file run spent for nothing."""
    outputs = list(result.outputs)
    if result.staged is not None:
        return partial(journal_.describe_outputs, outputs, digests=[result.staged[1:]])
    written = [result.payload] if result.payload is not None else [data for _uid, data in result.parts]
    return partial(journal_.describe_outputs, outputs, written if len(written) == len(outputs) else None)


def resumed(result: FileResult, plan_: Plan, batch: BatchResult, names: _Names, split_names: _Names,
            on_file: Callable[[FileResult], None] | None) -> None:
    """An input taken complete from an interrupted run's journal (:func:`_previous`), handed on
    in its place: its names claimed again, its outputs counted as written."""
    _claim_again(result, plan_, names, split_names)
    batch.written.extend(result.outputs)
    batch.resumed += 1
    batch.files.append(result)
    if on_file is not None:
        on_file(result)


def _run(plan_: Plan, batch: BatchResult, journal: journal_.Journal | None, *, source: Format | Literal["auto"],
         options: Options, force: bool, jobs: int, fail_fast: bool, stdout: BinaryIO | None,
         on_file: Callable[[FileResult], None] | None, resume: bool) -> None:
    mode, to, target = plan_.mode, plan_.to, plan_.target
    shape: Literal["bytes", "data", "split"] = (
        "split" if mode == "split" else "data" if mode.startswith("merge") else "bytes")
    in_process = jobs <= 1 or len(plan_.inputs) <= 1
    staging = mode == "dir" and not in_process and not resume
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    tasks = [_Task(item, to, source, options, shape, in_process,
                   _staging(plan_, item, f"{token}-{k}") if staging else None) for k, item in enumerate(plan_.inputs)]
    names = _Names()
    split_names = _Names()
    protect = Protected(plan_.inputs)
    previous = {t.item.name: r for t in tasks if (r := _previous(t.item, journal)) is not None}
    streamed = {t.item.name for t in tasks if t.item.name not in previous and _streams(t.item, plan_, t.options)}
    todo = [t for t in tasks if t.item.name not in previous and t.item.name not in streamed]
    results: Iterator[FileResult] = _results(todo, jobs)
    try:
        for task in tasks:
            item = task.item
            if item.name in previous:
                resumed(previous[item.name], plan_, batch, names, split_names, on_file)
                continue
            if item.name in streamed:
                result = FileResult(item.name)
                try:
                    path = _dir_output(result, item, plan_, names) if mode == "dir" else target
                    assert path is not None
                    result = _stream_file(task, path, force, protect, jobs, result)
                except OutputError as err:
                    result.errors.append(FileError(item.name, _one_line(str(err))))
                    result.failed = True
                batch.written.extend(result.outputs)
            else:
                result = next(results)
            # written, counted and journaled together: an interruption waits for all three (the
            # output is bytes in memory; a streamed file was written above, interruptibly)
            with deferred_signals():
                if item.name not in streamed and not result.failed:
                    try:
                        _deliver(result, item, plan_, names, split_names, force, stdout, batch, protect, resume)
                    except OutputError as err:
                        result.errors.append(FileError(item.name, _one_line(str(err))))
                        result.failed = True
                    except OSError as err:
                        result.errors.append(FileError(item.name, _one_line(f"cannot write: {err}")))
                        result.failed = True
                stop = handed_on(result, item, plan_, batch, journal, on_file, fail_fast)
            if stop:
                break
    finally:
        results.close()  # type: ignore[attr-defined]  # a pool's workers end now, not at garbage collection
        _discard_staged(todo)
    if mode in ("merge-file", "merge-stdout") and not batch.stopped:
        ok = [r for r in batch.files if not r.failed]
        try:
            data = _merge(ok, to, options)
            if mode == "merge-stdout":
                _stdout(stdout).write(data)
                _stdout(stdout).flush()
            else:
                assert target is not None
                atomic_write(target, data, force=force, protect=protect)
                batch.written.append(str(target))
                for r in ok:
                    r.outputs.append(str(target))
        except OutputError as err:
            batch.errors.append(FileError(str(target) if target else None, _one_line(str(err))))
        except OSError as err:
            batch.errors.append(FileError(str(target) if target else None, _one_line(f"cannot write: {err}")))
        except Exception as err:  # noqa: BLE001
            batch.errors.append(FileError(str(target) if target else "<merge>",
                                          _one_line(f"{type(err).__name__}: {err}"), internal=True))
        for r in batch.files:
            r.payload, r.data = None, None


# An input file at least this large, written to an output file of its own (-o FILE, or one
# output per input under -o DIR), is converted series by series (``ics_bridge.convert_stream``):
# memory stays bounded whatever the size, so ``max_bytes`` does not apply to it.  Same bytes
# either way.  A module constant so tests can lower it; only the parent process reads it
# (``--jobs`` workers receive groups of series, never the decision to stream).  Why 16 MiB: a
# file read whole takes ~7-10× its size in memory (a 19 MB .ics: 173 MB peak), so below it every
# conversion stays under the 200 MiB the streamed path holds for any length; above it, streaming
# costs 1.25-1.6× the CPU of reading whole (docs/performance.md, "Speed round 9"; 64 MiB while it
# cost 1.3-2×, about 600 MB read whole).
STREAM_BYTES = 16 * 1024 * 1024


def _staging(plan_: Plan, item: InputFile, token: str) -> tuple[Path, Path]:
    """Where a ``--jobs`` worker writes ``item``'s output for the parent to rename (-o DIR): the
    output it is planned to be, and a temporary file beside it named by ``token``.  The name
    the parent claims may be another (``~N``), always in the same folder."""
    assert plan_.target is not None
    planned = plan_.target / item.rel.with_suffix(SUFFIX[plan_.to])
    return planned, staging_name(planned, token)


def _discard_staged(tasks: list[_Task]) -> None:
    """The temporary files of outputs staged but never renamed (an interruption, ``fail_fast``,
    a worker killed mid-write), removed once the pool is gone: no worker writes any more."""
    with deferred_signals():  # an interruption waits until every one is gone
        for task in tasks:
            if task.stage is not None:
                discard(task.stage[1])


def _streams(item: InputFile, plan_: Plan, options: Options) -> bool:
    """Whether ``item`` streams: written to a file of its own, and at least ``options.stream_bytes``
    (else :data:`STREAM_BYTES`) large."""
    if plan_.mode not in ("file", "dir") or item.path is None:
        return False
    threshold = STREAM_BYTES if options.stream_bytes is None else options.stream_bytes
    try:
        return item.path.stat().st_size >= threshold
    except OSError:
        return False


def _stream_file(task: _Task, target: Path, force: bool, protect: Protected, jobs: int = 1,
                 result: FileResult | None = None) -> FileResult:
    """A large input, streamed into its output file ``target`` (written atomically).
    With ``jobs`` > 1 its series are converted in that many worker processes
    (:func:`ics_bridge.pipeline.convert_file`): one big file scales across cores too."""
    item = task.item
    assert item.path is not None
    result = result if result is not None else FileResult(item.name)
    outcome: list[Any] = []

    def write(fh: BinaryIO) -> None:
        outcome.append(convert_file(item.path, fh, to=task.to, source=None if task.source == "auto" else task.source,
                                    options=task.options, jobs=jobs))

    try:
        atomic_write(target, write, force=force, protect=protect)
    except StreamWorkerError as err:
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(str(err)), internal=True))
        return result
    except InputError as err:
        result.failed = True
        result.errors.append(FileError.of(err, item.name))
        return result
    except OutputError as err:
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(str(err))))
        return result
    except OSError as err:
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(f"cannot read or write: {err.strerror or err}")))
        return result
    except Exception as err:  # noqa: BLE001 — as for any one file: an error line, not a traceback
        result.failed = True
        result.errors.append(FileError(item.name, _one_line(f"{type(err).__name__}: {err}"), internal=True))
        return result
    streamed = outcome[0]
    result.events = streamed.items
    result.errors.extend(FileError.of(e, item.name) for e in streamed.errors)
    result.entries = FileEntries(streamed.report.entries, item.name)
    result.outputs.append(str(target))
    result.notes.append("converted series by series (large input)")
    return result


def _stdout(stream: BinaryIO | None) -> BinaryIO:
    return stream if stream is not None else sys.stdout.buffer


def _write_output(path: Path, data: bytes, force: bool, protect: Protected, resume: bool) -> None:
    """:func:`atomic_write`; when resuming, an existing output with these very bytes is complete
    already (an interrupted run renamed it into place, then stopped before its journal line)."""
    if resume and not force and path.is_file() and path not in protect:
        try:
            same = path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            same = False
        if same:
            return
    atomic_write(path, data, force=force, protect=protect)


def _dir_output(result: FileResult, item: InputFile, plan_: Plan, names: _Names) -> Path:
    """The output path of ``item`` under the -o directory: its relative path mirrored, the
    target's suffix, a ``~N`` when another input took that name already (noted)."""
    assert plan_.target is not None
    suffix = SUFFIX[plan_.to]
    rel = item.rel.with_suffix(suffix)
    claimed = names.claim(str(rel.with_suffix("")), suffix)
    if claimed.lower() != str(rel).lower():
        result.notes.append(f"{rel} was already written by another input; wrote {claimed}")
    return _inside(plan_.target, claimed)


def _deliver(result: FileResult, item: InputFile, plan_: Plan, names: _Names, split_names: _Names, force: bool,
             stdout: BinaryIO | None, batch: BatchResult, protect: Protected, resume: bool = False) -> None:
    mode, target, suffix = plan_.mode, plan_.target, SUFFIX[plan_.to]
    if mode == "stdout":
        assert result.payload is not None
        _stdout(stdout).write(result.payload)
        _stdout(stdout).flush()
        result.outputs.append("-")
    elif mode == "file":
        assert target is not None and result.payload is not None
        _write_output(target, result.payload, force, protect, resume)
        result.outputs.append(str(target))
        batch.written.append(str(target))
    elif mode == "dir":
        path = _dir_output(result, item, plan_, names)
        if result.staged is not None:
            commit(Path(result.staged[0]), path, force=force, protect=protect)
        else:
            assert result.payload is not None
            _write_output(path, result.payload, force, protect, resume)
        result.outputs.append(str(path))
        batch.written.append(str(path))
    elif mode == "split":
        assert target is not None
        target.mkdir(parents=True, exist_ok=True)
        for uid, data in result.parts:
            name = split_names.claim(safe_name(uid), suffix)
            path = _inside(target, name)
            _write_output(path, data, force, protect, resume)
            result.outputs.append(str(path))
            batch.written.append(str(path))


def convert_paths(inputs: Sequence[str | os.PathLike[str]], *, to: Format, source: Format | Literal["auto"] = "auto",
                  output: str | os.PathLike[str] | None = None, merge: bool = False, split: bool = False,
                  options: Options = Options(), force: bool = False, jobs: int = 1, fail_fast: bool = False,
                  stdin: bytes | None = None, stdout: BinaryIO | None = None,
                  on_file: Callable[[FileResult], None] | None = None, resume: bool = False) -> BatchResult:
    """Discover, plan and run a batch conversion (what ``ics-bridge convert`` does).

    Raises :class:`BatchUsageError` when the request cannot be carried out; every problem with
    a single input or output is in the returned :class:`BatchResult` instead."""
    found = discover(inputs, stdin)
    return run(plan(found, to=to, output=output, merge=merge, split=split), source=source, options=options,
               force=force, jobs=jobs, fail_fast=fail_fast, stdout=stdout, on_file=on_file, resume=resume)


def write_report(path: str | os.PathLike[str], batch: BatchResult, *, force: bool = False,
                 protect: Iterable[InputFile] | Protected = ()) -> None:
    """The batch's loss report as JSON (``--report``), written like any output, piece by piece."""
    def write(fh: BinaryIO) -> None:
        fh.writelines(batch.report_chunks())

    atomic_write(Path(path), write, force=force, protect=protect)
