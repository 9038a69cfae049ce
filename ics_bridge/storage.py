"""Files and folders at plain paths or at URLs of any fsspec filesystem (``s3://``, ``gs://``,
``abfs://``, ``file://``…), for the batch on a Dask cluster (:mod:`ics_bridge.distributed`).

Why a module of its own: where the bytes are is one job, where the work runs another.  Plain
paths keep :mod:`ics_bridge.batch`'s rules and code (discovery, the plan, ``atomic_write``,
:class:`batch.Protected`); URLs get the same names, order and refusals through fsspec, which
takes each filesystem's credentials from the environment (botocore's chain for s3fs,
``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs, ``AZURE_STORAGE_*`` for adlfs,
``FSSPEC_<PROTOCOL>_<OPTION>`` for any).  fsspec is imported only when a URL is used.

Writing (:func:`store`) is never half-done: a temporary name and a rename for local files
(:func:`batch.atomic_write`) and for filesystems with directories; one request for object
stores, where an object appears whole or not at all.  An existing file needs ``force``, except
when it already holds exactly the bytes to write: that is what a Dask task rerun after its worker
died finds (see :mod:`ics_bridge.distributed`), and failing it would fail a batch that lost
nothing.
"""

from __future__ import annotations

import os
import posixpath
import re
import uuid
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from .batch import (INPUT_SUFFIXES, STDIN, BatchUsageError, InputFile, Plan, Protected, _inside, _one_line,
                    atomic_write, discover as discover_paths, plan as plan_paths)
from .errors import IcsBridgeError, InputError, OutputError
from .options import Format

INSTALL = "pip install 'ics-bridge[dask]' (dask, distributed, fsspec)"
# Object stores write an object in one request: it appears whole or not at all, so no
# temporary name is needed (and a rename there is a copy).
OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "adl", "oss"})
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(text: str | os.PathLike[str]) -> bool:
    """``scheme://…``: opened with fsspec."""
    return bool(_URL.match(os.fspath(text)))


def _fs(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError:
        raise BatchUsageError(f"{url}: URLs need the optional dependencies: {INSTALL}") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as err:  # a filesystem whose package is not installed (s3fs, gcsfs…)
        raise BatchUsageError(f"{url}: {_one_line(str(err))}") from None


def local_path(url: str) -> Path | None:
    """The local path of a plain path or a ``file://`` URL; None for any other URL."""
    if not is_url(url):
        return Path(url)
    if url.lower().startswith(("file://", "local://")):
        return Path(_fs(url)[1])
    return None


def _walk_key(rel: str) -> tuple[tuple[int, str], ...]:
    """The order of ``batch._walk`` (``os.walk`` top-down, sorted: a folder's files, then its
    subfolders) for a relative path, so a folder reads in the same order as a URL."""
    *dirs, name = rel.split("/")
    return tuple((1, d) for d in dirs) + ((0, name),)


def discover_url(url: str) -> list[InputFile]:
    fs, path = _fs(url)
    if not fs.isdir(path):
        return [InputFile(url, None, PurePosixPath(posixpath.basename(path.rstrip("/"))))]
    root = path.rstrip("/")
    found = []
    for file in fs.find(root):
        rel = posixpath.relpath(file, root)
        if any(part.startswith(".") for part in rel.split("/")) or not rel.lower().endswith(INPUT_SUFFIXES):
            continue
        found.append(rel)
    head = url.rstrip("/")
    return [InputFile(f"{head}/{rel}", None, PurePosixPath(rel)) for rel in sorted(found, key=_walk_key)]


def discover(inputs: Sequence[str | os.PathLike[str]], stdin: bytes | None = None) -> list[InputFile]:
    """:func:`batch.discover` for plain paths and ``-``; URLs (files or folders, recursed in the
    same order) listed with fsspec.  An input without ``path`` and ``data`` is a URL, its
    ``name``."""
    if not any(is_url(i) for i in inputs):
        return discover_paths(inputs, stdin)
    if sum(1 for i in inputs if os.fspath(i) == STDIN) > 1:
        raise BatchUsageError("'-' (stdin) given more than once")
    found: list[InputFile] = []
    seen: set[object] = set()
    for raw in inputs:
        items = discover_url(os.fspath(raw)) if is_url(raw) else discover_paths([raw], stdin)
        for item in items:
            key: object = item.path.resolve() if item.path is not None else item.name if item.data is None else STDIN
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found


def plan(found: list[InputFile], *, to: Format, output: str | os.PathLike[str] | None, merge: bool = False,
         split: bool = False) -> Plan:
    """:func:`batch.plan`; for a URL ``output`` the folder tests ask its filesystem, and
    ``Plan.target`` holds the URL (a string; a plain path there is a ``Path``)."""
    out = os.fspath(output) if output is not None else None
    if out is None or not is_url(out):
        return plan_paths(found, to=to, output=out, merge=merge, split=split)
    fs, path = _fs(out)
    folder = fs.isdir(path)
    if merge and folder:
        raise BatchUsageError(f"{out}: is a directory; --merge writes one file")
    given = out.rstrip("/") + "/" if folder and not merge else out
    result = plan_paths(found, to=to, output=given, merge=merge, split=split)
    if result.mode in ("dir", "split") and not folder and fs.exists(path):
        raise BatchUsageError(f"{out}: exists and is not a directory")
    if result.mode in ("file", "merge-file"):
        try:
            Guard(found).check(out)
        except OutputError:
            raise BatchUsageError(f"{out}: is one of the inputs; refusing to overwrite it") from None
    result.target = out.rstrip("/") if result.mode in ("dir", "split") else out  # type: ignore[assignment]
    return result


def read_url(url: str, max_bytes: int) -> bytes:
    fs, path = _fs(url)
    size = fs.size(path)
    if size is not None and size > max_bytes:
        raise InputError(f"file is {size} bytes, over the limit of {max_bytes} (raise it with --max-bytes)")
    with fs.open(path, "rb") as fh:
        return fh.read(max_bytes + 1)


def child(target: str, name: str) -> str:
    """``name`` (relative, ``/``-separated) in the output folder ``target``; :class:`OutputError`
    when it would be written outside it (as :func:`batch._inside` for plain paths)."""
    if not is_url(target):
        return str(_inside(Path(target), name))
    clean = posixpath.normpath(name)
    if clean.startswith(("/", "../")) or clean in ("..", "."):
        raise OutputError(f"{target}/{name}: would be written outside {target}")
    return f"{target.rstrip('/')}/{clean}"


def _put(dest: str, data: bytes, force: bool) -> None:
    local = local_path(dest)
    if local is not None:
        atomic_write(local, data, force=force)
        return
    fs, path = _fs(dest)
    if fs.isdir(path):
        raise OutputError(f"{dest}: is a directory")
    if not force and fs.exists(path):
        raise OutputError(f"{dest}: exists (use --force to overwrite)")
    parent, name = posixpath.split(path)
    if dest.split("://", 1)[0].lower() in OBJECT_STORES:
        fs.pipe_file(path, data)
        return
    fs.makedirs(parent, exist_ok=True)
    tmp = f"{parent}/.{name}.{uuid.uuid4().hex}.tmp"
    fs.pipe_file(tmp, data)
    try:
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def _holds(dest: str, data: bytes) -> bool:
    try:
        local = local_path(dest)
        if local is not None:
            return local.is_file() and local.stat().st_size == len(data) and local.read_bytes() == data
        fs, path = _fs(dest)
        return fs.size(path) == len(data) and fs.cat_file(path) == data
    except (OSError, IcsBridgeError):
        return False


def store(dest: str, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``dest`` (a plain path or a URL), never half-written; an existing file
    needs ``force`` unless it already holds exactly ``data`` (this batch's own earlier attempt:
    see the module doc)."""
    try:
        _put(dest, data, force)
    except OutputError:
        if force or not _holds(dest, data):
            raise


class Guard:
    """Outputs that are inputs are refused: plain and ``file://`` paths through
    :class:`batch.Protected` (also via links), other URLs by their normalised form."""

    def __init__(self, inputs: list[InputFile]) -> None:
        urls = [i for i in inputs if i.path is None and i.data is None]
        local = [replace(i, path=path) for i in urls if (path := local_path(i.name)) is not None]
        self.local = Protected([*inputs, *local])
        self.urls = {self._key(i.name) for i in urls}

    @staticmethod
    def _key(url: str) -> str:
        fs, path = _fs(url)
        return fs.unstrip_protocol(path)

    def check(self, dest: str) -> None:
        local = local_path(dest)
        if (local is not None and local in self.local) or (is_url(dest) and self._key(dest) in self.urls):
            raise OutputError(f"{dest}: is an input; refusing to overwrite it")
