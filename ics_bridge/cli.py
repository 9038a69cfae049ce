"""``ics-bridge``: the command line, a thin click layer over :mod:`ics_bridge.batch` and
:mod:`ics_bridge.validate` (the only module that imports click).

Exit codes: 0 success, 1 some input failed (or, for ``roundtrip``/``diff``, differences were
found), 2 usage error, 3 lossy conversions under ``convert --strict``.  Bad input never prints a
traceback: each problem is one line naming the file, the event and the field.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .batch import STDIN, STDIN_NAME, STREAM_BYTES, BatchUsageError, FileResult, Protected, convert_paths, discover, write_report
from .errors import InputError, OutputError
from .interrupt import raising_on_signals, signal_number
from .limits import DEFAULT_LIMITS, too_large
from .options import Options
from .timezones import resolve_name

FORMATS = ("ics", "graph", "google")
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
_STREAM = f"{STREAM_BYTES // _UNITS['m']}M"  # batch.STREAM_BYTES: where streaming (no size cap) begins


class _Size(click.ParamType):
    """A byte count: ``1048576``, ``512k``, ``256M``, ``1G``."""

    name = "size"

    def __init__(self, minimum: int = 1) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().lower().removesuffix("b")
        unit = text[-1:] if text[-1:] in _UNITS else ""
        try:
            number = int(text[: len(text) - len(unit)] if unit else text)
        except ValueError:
            self.fail(f"{value!r} is not a size (e.g. 1048576, 512k, 256M, 1G)", param, ctx)
        if number < self.minimum:
            self.fail(f"must be at least {self.minimum} byte{'s' if self.minimum != 1 else ''}", param, ctx)
        return number * _UNITS[unit]


def _binary(stream: Any) -> Any:
    """The byte stream under a text stream (``click.get_binary_stream`` is deprecated in Click 8.2)."""
    return getattr(stream, "buffer", stream)


def _zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if resolve_name(value) is None:
        raise click.BadParameter(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)")
    return value


def _zone_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The time-zone and size options shared by every command."""
    options = [
        click.option("--max-bytes", type=_Size(), default="256M", show_default=True,
                     help="Refuse an input larger than this where it is read into memory whole: stdin, "
                          "--merge, --split, output to stdout, roundtrip and diff, and convert inputs under "
                          f"--stream-from ({_STREAM}) (suffixes k, M, G).  An input of that size or more converted "
                          "to its own output file (-o FILE, -o DIR) streams series by series and has no size limit."),
        click.option("--max-events", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_events,
                     show_default=True, help="Refuse an input file with more events than this (streamed or not)."),
        click.option("--calendar-zone", metavar="ZONE", callback=_zone,
                     help="Google: the calendar time zone for events without one."),
        click.option("--keep-utc", is_flag=True,
                     help="Keep UTC times of Google .ics exports in UTC instead of reading them in X-WR-TIMEZONE."),
        click.option("--default-zone", metavar="ZONE", default="UTC", show_default=True, callback=_zone,
                     help="Zone given to floating times where the target needs one."),
        click.option("--graph-zone-names", type=click.Choice(["windows", "iana"]), default="windows",
                     show_default=True, help="Zone names in Graph output."),
        click.option("--tzid-style", type=click.Choice(["iana", "windows"]), default="iana", show_default=True,
                     help="TZIDs in .ics output (windows: as Outlook writes them)."),
    ]
    for option in options:
        f = option(f)
    return f


def _options(profile: str, tzid_style: str, graph_zone_names: str, default_zone: str, keep_utc: bool,
             calendar_zone: str | None, max_bytes: int, max_events: int) -> Options:
    return Options(profile=profile, tzid_style=tzid_style, graph_zone_names=graph_zone_names,  # type: ignore[arg-type]
                   default_zone=default_zone, x_wr_timezone=not keep_utc, calendar_zone=calendar_zone,
                   max_bytes=max_bytes, limits=replace(DEFAULT_LIMITS, max_events=max_events))


def _err(message: str) -> None:
    click.echo(message, err=True)


def _stdin_bytes(inputs: tuple[str, ...]) -> bytes | None:
    if STDIN not in inputs:
        return None
    return _binary(sys.stdin).read()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ics-bridge")
def cli() -> None:
    """Convert calendar events between iCalendar (.ics), Microsoft Graph JSON and Google
    Calendar JSON, with a loss report, round-trip validation and a semantic diff."""


# ------------------------------------------------------------------------------------------
# convert
# ------------------------------------------------------------------------------------------

@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--to", "to", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("--from", "source", type=click.Choice(("auto",) + FORMATS), default="auto", show_default=True,
              help="Input format; auto detects it per file from the content.")
@click.option("-o", "--output", metavar="PATH",
              help="Output file, directory (one output per input, relative paths mirrored) or - for stdout "
                   "(the default for a single input).")
@click.option("--merge", is_flag=True, help="Write all inputs as one calendar / one JSON collection.")
@click.option("--split", is_flag=True, help="Write one file per event series into the -o directory, named from the UID.")
@click.option("--profile", type=click.Choice(["resource", "request", "insert", "import"]), default="resource",
              show_default=True, help="Provider output profile (Graph: resource/request; Google: resource/insert/import).")
@_zone_options
@click.option("--force", is_flag=True, help="Overwrite existing outputs (never an input).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Convert files in this many parallel processes.")
@click.option("--dask", "dask", metavar="ADDRESS",
              help="Run on a Dask cluster (tcp://scheduler:8786), or local[:N] for N worker processes here; "
                   "inputs and -o may then be fsspec URLs (s3://, gs://, abfs://, file://). Needs ics-bridge[dask].")
@click.option("--stream-from", "stream_from", type=_Size(minimum=0), default=None,
              help="Convert an input at least this large that goes to its own output file (-o FILE, -o DIR) "
                   "series by series: memory stays flat however long it is, and --max-bytes does not apply. "
                   "Lower it (0: every input) for the least memory; streaming costs more CPU than reading a "
                   "file whole: about 1.25x (.ics input) to 1.6x (JSON input) for large files, 1.5x for files "
                   f"of a few dozen events.  [default: {_STREAM}]")
@click.option("--fail-fast", is_flag=True, help="Stop at the first input with an error.")
@click.option("--resume", is_flag=True,
              help="After an interrupted run (Ctrl-C, SIGTERM: exit 130/143) of the same command: convert only "
                   "the inputs without a complete output; the outputs and report are those of one whole run.")
@click.option("--strict", is_flag=True, help="Exit 3 when a conversion lost data.")
@click.option("--report", "report_path", metavar="FILE", help="Write the loss report as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only (no progress bar, notes or summary).")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print warnings and notes of the loss report (losses and guessed repairs are always "
                   "printed).")
def convert(inputs: tuple[str, ...], to: str, source: str, output: str | None, merge: bool, split: bool,
            profile: str, tzid_style: str, graph_zone_names: str, default_zone: str, keep_utc: bool,
            calendar_zone: str | None, max_bytes: int, max_events: int, force: bool, jobs: int, dask: str | None,
            stream_from: int | None, fail_fast: bool, resume: bool, strict: bool,
            report_path: str | None, quiet: bool, verbose: bool) -> int:
    """Convert INPUT files, directories or - (stdin) to --to."""
    from . import distributed, storage
    options = replace(_options(profile, tzid_style, graph_zone_names, default_zone, keep_utc, calendar_zone,
                               max_bytes, max_events), stream_bytes=stream_from)
    if dask is not None and jobs != 1:
        raise click.UsageError("--jobs and --dask cannot be combined: the cluster's workers are the jobs")
    if dask is None and any(storage.is_url(p) for p in (*inputs, output or "", report_path or "")):
        raise click.UsageError("URLs as inputs or outputs need --dask (e.g. --dask local:2)")
    stdin = _stdin_bytes(inputs)
    try:
        if dask is not None:
            distributed.require()
        found = storage.discover(inputs, stdin)
    except BatchUsageError as err:
        raise click.UsageError(str(err)) from None
    if report_path == STDIN and output in (None, STDIN):
        raise click.UsageError("--report - needs -o: the converted data already goes to stdout")
    if report_path is not None and report_path != STDIN and Path(report_path) in Protected(found):
        raise click.UsageError(f"{report_path}: is one of the inputs; refusing to overwrite it")
    show_bar = (not quiet and len(found) > 1 and sys.stderr.isatty())
    bar_ctx: Any = None

    def on_file(result: FileResult) -> None:
        for error in result.errors:
            if bar_ctx is not None:
                click.echo("", err=True)
            _err(f"error: {error.as_text()}")
        if not quiet:
            for note in result.notes:
                _err(f"note: {result.input}: {note}")
            # What did not arrive and what was guessed are always printed; other repairs and
            # choices with -v.
            for entry in result.entries:
                if verbose or entry.shown_by_default:
                    _err(entry.as_text())
        if bar_ctx is not None and dask is None:
            bar_ctx.update(1)

    def on_progress() -> None:  # --dask: the bar follows the cluster's finished tasks
        if bar_ctx is not None:
            bar_ctx.update(1)

    run = functools.partial(_run_convert, inputs, to, source, output, merge, split, options, force, jobs, dask,
                            fail_fast, stdin, resume=resume)
    stdout = _binary(sys.stdout)
    try:
        if show_bar:
            with click.progressbar(length=len(found), label="converting", file=sys.stderr) as bar:
                bar_ctx = bar
                batch = run(stdout, on_file, on_progress)
        else:
            batch = run(stdout, on_file, on_progress)
    except BatchUsageError as err:
        raise click.UsageError(str(err)) from None
    except distributed.ClusterError as err:
        _err(f"error: {err}")
        return 1
    for error in batch.errors:
        _err(f"error: {error.as_text()}")
    if report_path is not None:
        try:
            if report_path == STDIN:
                stdout.writelines(batch.report_chunks())
            elif storage.is_url(report_path):
                storage.Guard(found).check(report_path)
                storage.store(report_path, b"".join(batch.report_chunks()), force=force)
            else:
                write_report(report_path, batch, force=force or (resume and _interrupted_report(report_path)),
                             protect=Protected(found))
        except (OutputError, OSError) as err:
            _err(f"error: {report_path}: cannot write the report: {err}")
            if batch.interrupted is None:
                return 1
    if not quiet or batch.interrupted is not None:
        _err(("converted " if batch.files else "") + batch.summary())
    return batch.exit_code(strict)


def _interrupted_report(path: str) -> bool:
    """Whether ``path`` is the --report of an interrupted run, which --resume completes (and so
    replaces without --force); any other file is kept."""
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(64 * 1024 * 1024))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("interrupted"), dict) and "files" in data


def _run_convert(inputs: tuple[str, ...], to: str, source: str, output: str | None, merge: bool, split: bool,
                 options: Options, force: bool, jobs: int, dask: str | None, fail_fast: bool, stdin: bytes | None,
                 stdout: Any, on_file: Callable[[FileResult], None], on_progress: Callable[[], None],
                 resume: bool = False) -> Any:
    if dask is not None:
        from .distributed import convert_many
        return convert_many(inputs, to=to, output=output, client=dask, source=source, merge=merge,  # type: ignore[arg-type]
                            split=split, options=options, force=force, fail_fast=fail_fast, stdin=stdin,
                            stdout=stdout, on_file=on_file, on_progress=on_progress, resume=resume)
    return convert_paths(inputs, to=to, source=source, output=output, merge=merge, split=split,  # type: ignore[arg-type]
                         options=options, force=force, jobs=jobs, fail_fast=fail_fast, stdin=stdin, stdout=stdout,
                         on_file=on_file, resume=resume)


# ------------------------------------------------------------------------------------------
# roundtrip and diff
# ------------------------------------------------------------------------------------------

class _HorizonType(click.ParamType):
    """``--horizon``: years after each series start (``5``, ``10y``) or a date (``2030-12-31``)."""

    name = "years|date"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from .validate import Horizon
        try:
            horizon = Horizon.parse(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)
        if horizon.until is None and not 1 <= horizon.years <= 100:
            self.fail("years must be between 1 and 100", param, ctx)
        return horizon


def _horizon_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--max-occurrences", type=click.IntRange(min=1), default=1000, show_default=True,
                     help="Expand each series to at most this many occurrences.")(f)
    f = click.option("--horizon-years", type=click.IntRange(min=1, max=100), default=None, hidden=True,
                     help="Same as --horizon N (kept for older scripts).")(f)
    f = click.option("--horizon", "horizon_value", type=_HorizonType(), default="5", show_default=True,
                     help="Expand each series this many years after its start, or up to this date "
                          "(YYYY-MM-DD); past it only the series end is compared.")(f)
    return f


def _horizon(value: Any, years: int | None, max_occurrences: int) -> Any:
    from .validate import Horizon
    if years is not None:
        return Horizon(years, max_occurrences)
    return replace(value, max_count=max_occurrences)


def _load(name: str, stdin: bytes | None, max_bytes: int) -> bytes:
    """roundtrip and diff hold each input in memory whole: ``--max-bytes`` caps it."""
    if name == STDIN:
        data = stdin or b""
    else:
        path = Path(name)
        size = path.stat().st_size
        if size > max_bytes:
            raise too_large(size, max_bytes, name)
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes, name)
    return data


def _problem(name: str, err: BaseException) -> str:
    """One line for an input that could not be read or compared at all."""
    if isinstance(err, InputError):
        return str(err.located(name))
    if isinstance(err, UnicodeError):
        return f"{name}: cannot decode the input: {err}"
    if isinstance(err, OSError):
        return f"{name}: cannot read: {err.strerror or err}"
    if isinstance(err, ImportError):
        return f"{name}: internal error: provider not available: {err}"
    return f"{name}: internal error: {type(err).__name__}: {' '.join(str(err).split())}"


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--via", type=click.Choice(FORMATS), required=True, help="The format to go through and back from.")
@click.option("--from", "source", type=click.Choice(("auto",) + FORMATS), default="auto", show_default=True,
              help="Input format; auto detects it per file from the content.")
@click.option("--profile", type=click.Choice(["resource", "request", "insert", "import"]), default="resource",
              show_default=True, help="Provider profile used for the --via format.")
@_zone_options
@_horizon_options
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list lossless events.")
def roundtrip(inputs: tuple[str, ...], via: str, source: str, profile: str, tzid_style: str, graph_zone_names: str,
              default_zone: str, keep_utc: bool, calendar_zone: str | None, max_bytes: int, max_events: int,
              horizon_value: Any, horizon_years: int | None, max_occurrences: int, as_json: bool, quiet: bool) -> int:
    """Convert every event of INPUT to --via and back, and compare the meaning as the --via
    provider shows it (without ics-bridge's private data).

    Exit 0 only when every event came back unchanged."""
    from .validate import roundtrip as run_roundtrip
    options = _options(profile, tzid_style, graph_zone_names, default_zone, keep_utc, calendar_zone, max_bytes,
                       max_events)
    horizon = _horizon(horizon_value, horizon_years, max_occurrences)
    stdin = _stdin_bytes(inputs)
    try:
        found = discover(inputs, stdin)
    except BatchUsageError as err:
        raise click.UsageError(str(err)) from None
    if not found:
        raise click.UsageError("no input files found")
    results: list[dict[str, Any]] = []
    problems: list[str] = []
    counts = {"lossless": 0, "changed": 0, "missing": 0, "extra": 0}
    unreported = 0
    private = 0
    for item in found:
        name = item.name
        try:
            data = _load(name, item.data, max_bytes) if item.path is None else _load(str(item.path), None, max_bytes)
            result = run_roundtrip(data, via=via, source=None if source == "auto" else source,  # type: ignore[arg-type]
                                   options=options, file=name, horizon=horizon)
        except Exception as err:  # noqa: BLE001 — one line per bad input, never a traceback
            problems.append(_problem(name, err))
            if not as_json:
                _err(f"error: {problems[-1]}")
            results.append({"file": name, "lossless": False, "error": problems[-1], "events": []})
            continue
        for err in result.errors:
            problems.append(str(err))
            if not as_json:
                _err(f"error: {err}")
        for event in result.events:
            counts[event.status] += 1
            private += sum(1 for d in event.differences if d.kept_privately) + (1 if event.not_shown_by else 0)
        unreported += len(result.unreported())
        results.append(result.as_dict())
        if not as_json:
            _print_verdicts(name, result.events, quiet, roundtrip=True)
    ok = not problems and counts["changed"] == counts["missing"] == counts["extra"] == 0
    total = sum(counts.values())
    summary = {"files": len(found), "events": total, **counts, "errors": len(problems),
               "unreported_differences": unreported, "kept_only_in_private_data": private, "lossless": ok}
    if as_json:
        click.echo(json.dumps({"via": via, "view": "native", "horizon": horizon.as_dict(), "summary": summary,
                               "files": results}, indent=2, ensure_ascii=False))
    else:
        _err(f"roundtrip via {via} (horizon: {horizon.as_text()}): {len(found)} file{'s' if len(found) != 1 else ''}, "
             f"{total} events: {counts['lossless']} lossless, {counts['changed']} changed, {counts['missing']} lost, "
             f"{counts['extra']} gained, {len(problems)} error{'s' if len(problems) != 1 else ''}"
             + (f"; {private} difference{'s' if private != 1 else ''} kept only in ics-bridge's private data"
                if private else "")
             + (f"; {unreported} difference{'s' if unreported != 1 else ''} not in the loss report" if unreported else ""))
    return 0 if ok else 1


def _print_verdicts(name: str, events: list[Any], quiet: bool, *, roundtrip: bool) -> None:
    words = ({"missing": "lost in the round trip", "extra": "appeared in the round trip"} if roundtrip
             else {"missing": "missing (only in LEFT)", "extra": "extra (only in RIGHT)"})
    for event in events:
        label = f"{name}: {event.label}" if name else event.label
        if event.summary:
            label += f" ({event.summary})"
        if event.status == "lossless":
            if not quiet:
                click.echo(f"{label}: {'lossless' if roundtrip else 'same'}")
        elif event.status in ("missing", "extra"):
            notes = [f"kept only in ics-bridge's private data; {event.not_shown_by} does not show it"] \
                if event.not_shown_by else []
            if event.restored_only:
                notes.append("when read back by ics-bridge, as convert gives it")
            if roundtrip:
                notes.append(f"reported: {'; '.join(event.reported_by)}" if event.reported_by else "not in the loss report")
            note = f"  [{'; '.join(notes)}]" if notes else ""
            click.echo(f"{label}: {words[event.status]}{note}")
        else:
            click.echo(f"{label}: changed")
            for d in event.differences:
                click.echo(f"  {d.as_text()}  [{d.note()}]" if roundtrip else f"  {d.as_text()}")


@cli.command()
@click.argument("left", metavar="LEFT")
@click.argument("right", metavar="RIGHT")
@click.option("--left-from", type=click.Choice(("auto",) + FORMATS), default="auto", show_default=True,
              help="Format of LEFT.")
@click.option("--right-from", type=click.Choice(("auto",) + FORMATS), default="auto", show_default=True,
              help="Format of RIGHT.")
@_zone_options
@_horizon_options
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; the exit code tells.")
def diff(left: str, right: str, left_from: str, right_from: str, tzid_style: str, graph_zone_names: str,
         default_zone: str, keep_utc: bool, calendar_zone: str | None, max_bytes: int, max_events: int,
         horizon_value: Any, horizon_years: int | None, max_occurrences: int, as_json: bool, quiet: bool) -> int:
    """Compare the meaning of two calendars in any of the three formats, each as its provider
    shows it (a value only in ics-bridge's private data does not count).

    Events are matched by UID and RECURRENCE-ID, else by start and summary.  Exit 0 when they
    mean the same, 1 when they differ, 2 when an input cannot be read."""
    from .validate import diff as run_diff
    horizon = _horizon(horizon_value, horizon_years, max_occurrences)
    if left == STDIN and right == STDIN:
        raise click.UsageError("only one of LEFT and RIGHT can be - (stdin)")
    options = _options("resource", tzid_style, graph_zone_names, default_zone, keep_utc, calendar_zone, max_bytes,
                       max_events)
    stdin = _stdin_bytes((left, right))
    datas = []
    for name in (left, right):
        try:
            datas.append(_load(name, stdin, max_bytes))
        except Exception as err:  # noqa: BLE001
            _err(f"error: {_problem(name if name != STDIN else STDIN_NAME, err)}")
            return 2
    left_name = STDIN_NAME if left == STDIN else left
    right_name = STDIN_NAME if right == STDIN else right
    try:
        result = run_diff(datas[0], datas[1], left_source=None if left_from == "auto" else left_from,  # type: ignore[arg-type]
                          right_source=None if right_from == "auto" else right_from, options=options,
                          left_name=left_name, right_name=right_name, horizon=horizon)
    except Exception as err:  # noqa: BLE001
        name = err.file if isinstance(err, InputError) and err.file else f"{left_name} / {right_name}"
        _err(f"error: {_problem(name, err)}")
        return 2
    for err in result.errors:
        if not quiet and not as_json:
            _err(f"error: {err}")
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        _print_verdicts("", [e for e in result.events if not e.lossless], True, roundtrip=False)
        _err(f"{len(result.same)} same, {len(result.changed)} changed, {len(result.missing)} missing, "
             f"{len(result.extra)} extra (horizon: {horizon.as_text()})")
    return 0 if result.identical else 1


# ------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """The console script: runs the command and returns its exit code (never a traceback for
    bad input; set ``ICS_BRIDGE_DEBUG=1`` to see one for an internal error)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    try:
        with raising_on_signals():  # SIGTERM too: every cleanup runs, the batch says what was done
            code = cli.main(args=argv, prog_name="ics-bridge", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        _err("Aborted!")
        return 130
    except KeyboardInterrupt as exc:  # outside a batch (which reports its own interruption)
        _err(f"interrupted by {signal.Signals(signal_number(exc)).name}")
        return 128 + signal_number(exc)
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return 1
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("ICS_BRIDGE_DEBUG"):
            raise
        _err(f"ics-bridge: internal error: {type(exc).__name__}: {' '.join(str(exc).split())}")
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
