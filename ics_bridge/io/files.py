"""Writing output files safely: through a temporary file and a rename, never over an input.

Why here: the pipeline (:mod:`ics_bridge.pipeline`, a streamed conversion into a path) and the
batch (:mod:`ics_bridge.batch`) both write files this way; it knows no format and no provider,
so both import it and neither imports the other for it (issue 12: imports point one way).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

from ..errors import OutputError
from ..interrupt import deferred_signals

__all__ = ["Protected", "atomic_write", "commit", "discard", "stage", "staging_name"]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class Protected:
    """The inputs of a batch (anything with a ``path``: :class:`ics_bridge.batch.InputFile`), by
    resolved path and by (device, inode), built once: an output that is one of them (also
    through a symlink or a hard link) is refused."""

    def __init__(self, inputs: Iterable[Any] = ()) -> None:
        self.paths: set[Path] = set()
        self.ids: set[tuple[int, int]] = set()
        for item in inputs:
            if item.path is not None:
                self.paths.add(item.path.resolve())
                ident = _identity(item.path)
                if ident is not None:
                    self.ids.add(ident)

    def __contains__(self, path: object) -> bool:
        assert isinstance(path, Path)
        if path.resolve() in self.paths:
            return True
        ident = _identity(path)
        return ident is not None and ident in self.ids


def _is_input(path: Path, inputs: Iterable[Any] | Protected) -> bool:
    protected = inputs if isinstance(inputs, Protected) else Protected(inputs)
    return path in protected



def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot_write(path: Path, err: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write: {err.strerror or err}")


class _Sink:
    """The temporary file as a writing function sees it: a failed write (a full disk, a file
    system turned read-only, an I/O error) is an :class:`OutputError` naming the output, told
    apart from the function's own OSErrors (reading its input)."""

    def __init__(self, fh: BinaryIO, path: Path) -> None:
        self._fh = fh
        self._path = path

    def write(self, data: Any) -> int:
        try:
            return self._fh.write(data)
        except OSError as err:
            raise _cannot_write(self._path, err) from None

    def flush(self) -> None:
        try:
            self._fh.flush()
        except OSError as err:
            raise _cannot_write(self._path, err) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


def atomic_write(path: Path, data: bytes | Callable[[BinaryIO], None], *, force: bool = False,
                 protect: Iterable[Any] | Protected = (), mode: int | None = None) -> None:
    """Write ``data`` (bytes, or a function that writes to the open file) to ``path`` through a
    temporary file in the same directory and a rename.  Without ``force`` an existing file is
    never replaced (no-clobber even against a race).  ``mode``: the file's permissions (default:
    what the umask gives a new file).

    Whatever goes wrong (a full disk, a read-only folder, an interruption), ``path`` is either
    untouched or complete: the temporary file is removed (where the file system still allows
    it) and a write failure is an :class:`OutputError` naming ``path``."""
    if _writable(path, force, protect):
        _write_through(path, data)  # /dev/null, a FIFO: a rename would replace the device with a file
        return
    tmp: Path | None = None
    try:
        with deferred_signals():  # the temporary file never exists without its removal armed
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            except OSError as err:
                raise _cannot_write(path, err) from None
            tmp = Path(tmp_name)
            fh = os.fdopen(fd, "wb")
        _fill_synced(fh, path, data)
        _rename(tmp, path, force, mode)
    finally:
        discard(tmp)


def staging_name(path: Path, token: str) -> Path:
    """The temporary file beside ``path`` that :func:`stage` writes and :func:`commit` renames:
    a name the caller knows in advance (``token``: unique to the batch and the input), so it can
    remove what a worker ended mid-write left behind."""
    return path.parent / f".{path.name}.{token}.tmp"


def stage(path: Path, tmp: Path, data: bytes) -> None:
    """A ``--jobs`` worker's half of :func:`atomic_write`: ``data`` written to ``tmp`` (a new
    file, :func:`staging_name` of ``path``), neither synced nor renamed; :func:`commit` does
    both, in input order, in the parent.  The worker's result then carries no output bytes (a
    pipe holds 64 KiB: a worker sending 150 KB waited for the parent to read them).  A failure
    is an :class:`OutputError` naming ``path``, and leaves no ``tmp``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(tmp, "xb")
    except OSError as err:
        raise _cannot_write(path, err) from None
    try:
        with fh:
            _fill(fh, path, data)
    except BaseException:
        discard(tmp)
        raise


def commit(tmp: Path, path: Path, *, force: bool = False, protect: Iterable[Any] | Protected = (),
           mode: int | None = None) -> None:
    """The parent's half: the staged ``tmp`` made durable and renamed to ``path`` under the rules
    of :func:`atomic_write` (never over an input, no clobber without ``force``).  ``tmp`` is
    gone afterwards, whatever happened."""
    try:
        if _writable(path, force, protect):
            _write_through(path, tmp.read_bytes())
            return
        try:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as err:
            raise _cannot_write(path, err) from None
        _rename(tmp, path, force, mode)
    finally:
        discard(tmp)


def _writable(path: Path, force: bool, protect: Iterable[Any] | Protected) -> bool:
    """Whether ``path`` may be written, raising :class:`OutputError` when not; True when it is a
    device or FIFO, to be written through rather than renamed over."""
    if _is_input(path, protect):
        raise OutputError(f"{path}: is an input; refusing to overwrite it")
    if _is_device(path):
        return True
    if path.exists() and not force:
        raise OutputError(f"{path}: exists (use --force to overwrite)")
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    return False


def _fill_synced(fh: BinaryIO, path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    try:
        _fill(fh, path, data)
        try:
            os.fsync(fh.fileno())
        except OSError as err:
            raise _cannot_write(path, err) from None
    finally:
        try:
            fh.close()
        except OSError:  # only after a failure above: a flushed file closes cleanly
            pass


def _rename(tmp: Path, path: Path, force: bool, mode: int | None) -> None:
    """``tmp`` (complete, synced) into place as ``path``; without ``force``, never over a file
    that appeared meanwhile."""
    try:
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name appeared meanwhile
            except FileExistsError:
                raise OutputError(f"{path}: exists (use --force to overwrite)") from None
            except OSError:  # no hard links here (some network or FAT file systems)
                if path.exists():
                    raise OutputError(f"{path}: exists (use --force to overwrite)") from None
                os.replace(tmp, path)
    except OSError as err:
        raise _cannot_write(path, err) from None


def discard(tmp: Path | None) -> None:
    """A temporary file removed if it is there (a staged output never renamed, or one whose
    write or rename failed); a folder that no longer allows it is left as it is."""
    with deferred_signals():  # an interruption here waits until the temporary file is gone
        try:
            if tmp is not None and tmp.exists():
                tmp.unlink()
        except OSError:  # a folder turned read-only: nothing can be removed, nothing was renamed
            pass


def _is_device(path: Path) -> bool:
    """A device, FIFO or socket (``/dev/null``, a named pipe): written where it is, never renamed over."""
    return path.exists() and not path.is_file() and not path.is_dir()


def _write_through(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write into a device, FIFO or socket where it is: there is no file to keep whole."""
    try:
        fh = open(path, "wb")
    except OSError as err:
        raise _cannot_write(path, err) from None
    with fh:
        _fill(fh, path, data)


def _fill(fh: BinaryIO, path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """``data`` (bytes, or a function writing to the file) into ``fh``, flushed; a failed write
    is an :class:`OutputError` naming ``path`` (:class:`_Sink`)."""
    sink = _Sink(fh, path)
    if callable(data):
        data(sink)  # type: ignore[arg-type]
    else:
        sink.write(data)
    sink.flush()
