"""What a batch has finished, so that ``--resume`` converts only the rest.

Why a journal: an output file proves its conversion finished (outputs are only ever written by
a rename, :func:`ics_bridge.batch.atomic_write`), but not what its loss report said; the report
of a resumed batch must be the one an uninterrupted run gives.  So after each input is
delivered, one JSON line records its result and its outputs (size and SHA-256).  On
``--resume`` an input whose line is there, whose file has not changed since, and whose outputs
are all present with those sizes and hashes is taken from the journal; every other input is
converted again (an existing output with the very bytes it would get counts as complete).

The journal is a hidden file beside the outputs (``.ics-bridge-journal.jsonl`` in the output
folder, ``.<name>.ics-bridge-journal.jsonl`` beside a single output file), its first line the
fingerprint of the command (target, source, options, output), so a resume with other options
ignores it.  A finished batch (not interrupted) removes it.  A torn last line (the run was
killed while writing it) is ignored.

The last input's line is held in memory and written only if the batch is interrupted
(:meth:`Journal.close`): a finished batch removes the journal right after it, so writing it
would only cost time (a streamed 10k-event file's line: ~0.3 s, the ``--jobs`` parent's serial
step; a million events: tens of seconds).  So is the description of its outputs: a streamed
output is read back to be hashed (:meth:`Journal.record` takes a function).  A run killed
outright (SIGKILL) in that instant loses the line; the resume then converts that input again,
to the same bytes.

Lines are made durable (``fsync``) at most once every :data:`SYNC_EVERY` seconds (with the next
line written after that), and when an interrupted batch closes its journal, not once a line: an
``fsync`` costs ~2 ms here, as much as converting a 20-event file, and the batch paid two per
input (the output's and its line's); one job waits for each.  A line that is not durable yet
when the machine crashes costs the resume the time to convert that input again, as a missing
line always has; a line is always written after its output's rename, and made durable after
it, so a durable line still means a complete output (``io.files.atomic_write`` syncs the
output before its rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, BinaryIO

from . import lazy_json

NAME = ".ics-bridge-journal.jsonl"

#: A line written this many seconds or more after the last ``fsync`` is synced at once (with
#: the lines before it); a line written sooner waits for the next such line, or for the close
#: of an interrupted batch.
SYNC_EVERY = 1.0


def path_for(target: Path, directory: bool) -> Path:
    """Where the journal of outputs written to ``target`` lives."""
    return target / NAME if directory else target.parent / f".{target.name}{NAME}"


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def size_and_digest(data: bytes) -> tuple[int, str]:
    """An output's size and SHA-256 as a journal line records them, from its bytes."""
    return len(data), hashlib.sha256(data).hexdigest()


def input_key(path: Path | None, data: bytes | None) -> str | None:
    """What identifies an input's content cheaply: size and modification time of a file, the
    hash of stdin."""
    if data is not None:
        return "sha256:" + hashlib.sha256(data).hexdigest()
    assert path is not None
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def describe_outputs(paths: list[str], written: list[bytes] | None = None,
                     digests: list[tuple[int, str]] | None = None) -> list[list[Any]]:
    """Each output's path, size and SHA-256; from ``digests`` (a ``--jobs`` worker's, of the
    bytes it staged), from ``written``, the bytes just written to each (the ``--jobs`` parent
    journals every input: reading each output back cost it an open and a read), else read back
    from the file (a streamed output, never held whole)."""
    if digests is not None:
        return [[p, size, sha] for p, (size, sha) in zip(paths, digests)]
    if written is not None:
        return [[p, *size_and_digest(data)] for p, data in zip(paths, written)]
    return [[p, os.path.getsize(p), digest(Path(p))] for p in paths]


def outputs_intact(outputs: list[list[Any]]) -> bool:
    """Every recorded output still there with the same size and hash."""
    for name, size, sha in outputs:
        path = Path(name)
        try:
            if not path.is_file() or path.stat().st_size != size or digest(path) != sha:
                return False
        except OSError:
            return False
    return True


class Journal:
    """One batch's journal: :meth:`previous` entries (when resuming), :meth:`record` new ones."""

    def __init__(self, path: Path, fingerprint: str, resume: bool) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.previous: dict[str, dict[str, Any]] = self._read() if resume else {}
        self._fh: BinaryIO | None = None
        self._resume = resume
        self._held: dict[str, Any] | None = None  # the last input's line, written only on an interruption
        self._synced = time.monotonic()  # when the lines written so far were last made durable
        self._unsynced = False

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError:
            return {}
        out: dict[str, dict[str, Any]] = {}
        for k, line in enumerate(lines):
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # torn by a kill while it was written
            if k == 0:
                if entry.get("fingerprint") != self.fingerprint:
                    return {}
                continue
            if isinstance(entry, dict) and isinstance(entry.get("input"), str):
                out[entry["input"]] = entry
        return out

    def _open(self) -> BinaryIO | None:
        if self._fh is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                keep = self._resume and bool(self.previous)
                self._fh = open(self.path, "ab" if keep else "wb")
                if not keep:
                    self._fh.write(json.dumps({"fingerprint": self.fingerprint}).encode() + b"\n")
            except OSError:
                return None
        return self._fh

    def begin(self) -> None:
        """Create the journal before the first output is renamed into place: a batch stopped
        between that rename and the output's journal line still leaves its journal (a resume
        then finds the output by its bytes)."""
        self._open()

    def record(self, entry: dict[str, Any], last: bool = False) -> None:
        """One finished input; the ``last`` one's line is held for :meth:`close` (module doc).
        ``entry["files"]`` may be a function giving the outputs' description
        (:func:`describe_outputs`), called only when the line is written.  A journal that
        cannot be written (a full disk) only costs a resume the time to convert that input
        again: nothing is lost, so nothing is raised."""
        if last:
            self._held = entry
            return
        self._write(entry)

    def _write(self, entry: dict[str, Any]) -> None:
        fh = self._open()
        if fh is None:
            return
        if callable(entry.get("files")):
            try:
                entry = {**entry, "files": entry["files"]()}
            except OSError:  # an output gone meanwhile: without its line, a resume converts it again
                return
        try:
            fh.writelines(text.encode("utf-8") for text in lazy_json.chunks(entry))  # entries lazy
            fh.write(b"\n")
            fh.flush()
        except OSError:
            return
        self._unsynced = True
        if time.monotonic() - self._synced >= SYNC_EVERY:
            self._sync(fh)

    def _sync(self, fh: BinaryIO) -> None:
        """The lines written so far made durable (module doc: once a second, not once a line)."""
        try:
            os.fsync(fh.fileno())
        except OSError:
            pass
        self._synced, self._unsynced = time.monotonic(), False

    def close(self, finished: bool) -> None:
        """``finished``: the journal is removed; else it is kept for ``--resume``, with the held
        line of the last input written first."""
        if not finished and self._held is not None:
            self._write(self._held)
        self._held = None
        if self._fh is not None:
            if not finished and self._unsynced:
                self._sync(self._fh)
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None
        if finished:
            try:
                self.path.unlink()
            except OSError:
                pass
