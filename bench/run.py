"""The benchmark: ``python bench/run.py --sizes 1000,10000 [--jobs-files 200] [--repeat 1]``.

Every measurement runs in a fresh ``python`` subprocess (so peak RSS is that task's own: the
child reports its VmHWM from /proc, falling back to ``ru_maxrss``) on the files of
``bench/generate.py``.  Rates are events/s where "events" is the number of VEVENTs of the source
calendar, for every row, so rows compare.  Ratios are against the floor for the same input
(reading + splitting lines for ICS, ``json.loads`` for JSON) and against icalendar's bare
``Calendar.from_ical`` + walk (DTSTART, RRULE, ATTENDEE of each event) for ICS input, its
``to_ical`` for ICS output — all from the same run.  One table is printed (and ``--json`` saved).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

# task → (input kind, output kind, what it is compared with)
TASKS = {
    "floor_ics": ("ics", None, None),
    "floor_graph": ("graph", None, None),
    "floor_google": ("google", None, None),
    "ical_parse": ("ics", None, "floor_ics"),
    "ical_write": ("ics", "ics", None),
    # where the time goes (docs/performance.md): our reader alone, and icalendar's value objects
    # alone (content lines split beforehand, untimed): no path that builds them can beat this row
    "hub_read": ("ics", None, "ical_parse"),
    "objects_only": ("ics", None, "ical_parse"),
    # issue 12, the typed hub alone: .ics → model, model → .ics
    "typed_read": ("ics", None, "ical_parse"),
    "typed_write": ("ics", "ics", "ical_write"),
    "ics2graph": ("ics", "graph", "ical_parse"),
    "ics2graph_stream": ("ics", "graph", "ical_parse"),
    "ics2google": ("ics", "google", "ical_parse"),
    "ics2google_stream": ("ics", "google", "ical_parse"),
    # one large file with --jobs 2: the streamed series converted in two worker processes
    "ics2graph_stream_jobs2": ("ics", "graph", "ical_parse"),
    "ics2google_stream_jobs2": ("ics", "google", "ical_parse"),
    "graph2ics_stream_jobs2": ("graph", "ics", "ical_write"),
    "graph2ics": ("graph", "ics", "ical_write"),
    "graph2ics_stream": ("graph", "ics", "ical_write"),
    "google2ics": ("google", "ics", "ical_write"),
    "google2ics_stream": ("google", "ics", "ical_write"),
    "roundtrip_graph": ("ics", "ics", "ical_both"),
    # .ics → .ics (a copy with repairs, zones normalised): against icalendar's parse + write
    "ics2ics": ("ics", "ics", "ical_both"),
}


def _peak_kb() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(task: str, size: int) -> dict[str, float]:
    """Runs in the child: one task, timed from the moment its input is on disk."""
    import generate
    paths = generate.ensure(size)
    src = paths[TASKS[task][0]]
    import ics_bridge  # noqa: F401 - imports are not timed
    from icalendar import Calendar
    t0 = time.perf_counter()
    if task == "floor_ics":
        n = len(src.read_bytes().decode("utf-8").splitlines())
    elif task in ("floor_graph", "floor_google"):
        n = len(json.loads(src.read_bytes()))
    elif task == "ical_parse":
        cal = Calendar.from_ical(src.read_bytes().decode("utf-8"))
        for ev in cal.walk("VEVENT"):
            ev.get("DTSTART"), ev.get("RRULE"), ev.get("ATTENDEE")
    elif task == "hub_read":
        from ics_bridge.io.ics_model import read_model
        from ics_bridge.report import Report
        read_model(src.read_bytes(), Report())
    elif task == "typed_read":
        from ics_bridge.io.model_reader import IcsReader
        reader = IcsReader(src.read_bytes())
        for series in reader.series():
            pass
    elif task == "typed_write":
        from ics_bridge.io.model_reader import read_calendar
        from ics_bridge.io.model_writer import write_calendar
        model = read_calendar(src.read_bytes())
        t0 = time.perf_counter()
        out = write_calendar(model)
    elif task == "objects_only":
        t0 = _objects_only(src)
    elif task == "ical_write":
        cal = Calendar.from_ical(src.read_bytes().decode("utf-8"))
        t0 = time.perf_counter()
        out = cal.to_ical()
    elif task in ("ics2graph", "ics2google", "graph2ics", "google2ics", "ics2ics"):
        to = {"ics2graph": "graph", "ics2google": "google"}.get(task, "ics")
        out = ics_bridge.convert(src.read_bytes(), to=to).to_bytes()
    elif "_stream" in task:
        from ics_bridge.pipeline import convert_file
        to = "ics" if task.startswith(("graph", "google")) else "graph" if "graph" in task else "google"
        res = convert_file(src, os.devnull, to=to, source=TASKS[task][0], jobs=_jobs_of(task))
        assert res.streamed
    elif task == "roundtrip_graph":
        mid = ics_bridge.convert(src.read_bytes(), to="graph").to_bytes()
        out = ics_bridge.convert(mid, to="ics").to_bytes()
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = time.perf_counter() - t0
    # with --jobs the workers are children: their peak (the largest one's) is reported apart
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if _jobs_of(task) > 1 else 0
    return {"seconds": seconds, "peak_kb": _peak_kb(), "workers_peak_kb": workers}


def _objects_only(src: Path) -> float:
    """Build the VCALENDAR's icalendar objects from content lines split beforehand (icalendar's
    own ``handle_property``: value parsing, value objects, ``Component.add``); returns the time
    the building started, so only it is timed."""
    from icalendar import Calendar
    from icalendar.parser.content_line import Contentline
    from ics_bridge.io import contentlines
    from ics_bridge.io import ics as ics_io
    from ics_bridge.report import Report
    text = ics_io.prepare_text(src.read_bytes().decode("utf-8"), Report())
    parser = ics_io._Parser(text, ics_io._FACTORY, Calendar.types_factory)
    parser.initialize_parsing()
    parts = []
    for line in parser._lines:
        split = contentlines.split(line)
        if split is None:
            parts.append((*Contentline(line).parts(), Contentline(line)))
        else:
            parts.append((split[0], split[1], contentlines.unescape(split[2]), contentlines.SplitLine(line, split)))
    t0 = time.perf_counter()
    for name, params, value, line in parts:
        upper = name.upper()
        if upper == "BEGIN":
            parser.handle_begin_component(value)
        elif upper == "END":
            parser.handle_end_component(value)
        else:
            parser.handle_property(upper, params, value, line)
    return t0


def _jobs_of(task: str) -> int:
    """``…_stream_jobsN`` → N; 1 for every other task."""
    head, _, jobs = task.rpartition("_jobs")
    return int(jobs) if head and jobs.isdigit() else 1


def child(task: str, size: int) -> dict[str, float]:
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--child", task, str(size)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"{task} {size} failed:\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # max over children so far
    data["children_maxrss_kb"] = children
    return data


def jobs_scaling(count: int, jobs: list[int]) -> list[dict[str, float]]:
    import generate
    folder = generate.ensure_many(count)
    rows = []
    cli = (ROOT / "ics_bridge" / "cli.py").exists()
    for n in jobs:
        out = HERE / "data" / f"jobs_out_{n}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        if cli:
            cmd = [sys.executable, "-m", "ics_bridge", "convert", str(folder), "--to", "graph", "-o", str(out),
                   "--jobs", str(n), "--force"]
            how = "CLI --jobs"
        else:
            cmd = [sys.executable, str(Path(__file__)), "--pool", str(folder), str(out), str(n)]
            how = "ProcessPoolExecutor"
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - t0
        written = len(list(out.iterdir()))
        if proc.returncode or written != count:
            raise SystemExit(f"jobs {n}: exit {proc.returncode}, {written}/{count} written: {proc.stderr[-2000:]}")
        rows.append({"jobs": n, "seconds": seconds, "files": count, "how": how})
    return rows


def hardware_scaling() -> float:
    """What two processes can give on this machine: one CPU-bound loop alone vs two at once."""
    code = "s = 0\nfor i in range(20_000_000): s += i"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    for p in procs:
        p.wait()
    two = time.perf_counter() - t0
    return 2 * one / two


def _pool_one(args: tuple[str, str]) -> None:
    import ics_bridge
    src, dst = args
    conv = ics_bridge.convert(Path(src).read_bytes(), to="graph", source="ics", file=src)
    Path(dst).write_bytes(conv.to_bytes())


def pool(folder: str, out: str, jobs: int) -> None:
    from concurrent.futures import ProcessPoolExecutor
    files = sorted(Path(folder).glob("*.ics"))
    work = [(str(f), str(Path(out) / (f.stem + ".json"))) for f in files]
    if jobs == 1:
        for w in work:
            _pool_one(w)
        return
    with ProcessPoolExecutor(jobs) as ex:
        list(ex.map(_pool_one, work, chunksize=4))


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import icalendar
    return (f"nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, icalendar {icalendar.__version__}, "
            f"{platform.system()} {platform.release()}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--pool":
        pool(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--jobs-files", type=int, default=200, help="files for the --jobs scaling run (0: skip)")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--json", default=str(HERE / "data" / "results.json"))
    args = ap.parse_args()
    import generate
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        generate.ensure(size)
    results: dict[int, dict[str, dict[str, float]]] = {}
    for size in sizes:
        results[size] = {}
        for task in args.tasks.split(","):
            results[size][task] = child(task, size)
            r = results[size][task]
            print(f"  {size:>7} {task:18} {r['seconds']:8.2f}s {r['peak_kb'] / 1024:7.0f} MB", file=sys.stderr, flush=True)
    rows = table(results)
    stream_jobs = stream_jobs_rows(results)
    jobs_rows = jobs_scaling(args.jobs_files, [int(j) for j in args.jobs.split(",")]) if args.jobs_files else []
    if jobs_rows:
        jobs_rows.append({"jobs": "2 busy loops", "seconds": 0.0, "files": "—", "how": "hardware ceiling",
                          "speedup": hardware_scaling()})
    text = render(rows, jobs_rows, stream_jobs)
    print(f"machine: {machine()}\n")
    print(text)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"machine": machine(), "results": results, "jobs": jobs_rows}, indent=2))


LABEL = {
    "floor_ics": "floor: read + split lines (ICS)", "floor_graph": "floor: json.loads (Graph)",
    "floor_google": "floor: json.loads (Google)", "ical_parse": "icalendar from_ical + walk",
    "hub_read": "ics-bridge reader (read_model, every repair)", "objects_only": "icalendar value objects only",
    "ical_write": "icalendar to_ical", "typed_read": "typed reader (.ics → model)",
    "typed_write": "typed writer (model → .ics)", "ics2graph": "ICS→Graph", "ics2graph_stream": "ICS→Graph (stream)",
    "ics2google": "ICS→Google", "ics2google_stream": "ICS→Google (stream)", "graph2ics": "Graph→ICS",
    "graph2ics_stream": "Graph→ICS (stream)", "google2ics": "Google→ICS",
    "google2ics_stream": "Google→ICS (stream)", "roundtrip_graph": "round trip ICS→Graph→ICS", "ics2ics": "ICS→ICS",
    "ics2graph_stream_jobs2": "ICS→Graph (stream, jobs 2)", "ics2google_stream_jobs2": "ICS→Google (stream, jobs 2)",
    "graph2ics_stream_jobs2": "Graph→ICS (stream, jobs 2)",
}
FLOOR = {"ics": "floor_ics", "graph": "floor_graph", "google": "floor_google"}


def table(results: dict[int, dict[str, dict[str, float]]]) -> list[list[str]]:
    rows = []
    for size, by_task in results.items():
        rate = {t: size / r["seconds"] for t, r in by_task.items()}
        if "ical_parse" in rate and "ical_write" in rate:
            rate["ical_both"] = 1 / (1 / rate["ical_parse"] + 1 / rate["ical_write"])
        for task, r in by_task.items():
            src, _out, versus = TASKS[task]
            floor = FLOOR[src]
            vs_floor = f"{rate[task] / rate[floor]:.4f}" if floor in rate and task != floor else "—"
            vs_ical = f"{rate[task] / rate[versus]:.2f}×" if versus in rate and not task.startswith("ical") else "—"
            target = {"typed_read": 8, "ics2graph": 6, "ics2graph_stream": 6, "ics2google": 6, "ics2google_stream": 6,
                      "graph2ics": 3, "graph2ics_stream": 3, "google2ics": 3, "google2ics_stream": 3}.get(task)
            vs_ical += f" (target {target}×)" if target else ""
            rows.append([f"{size:,}", LABEL[task], f"{r['seconds']:.2f}", f"{rate[task]:,.0f}",
                         f"{r['peak_kb'] / 1024:.0f}", vs_floor, vs_ical])
    return rows


def stream_jobs_rows(results: dict[int, dict[str, dict[str, float]]]) -> list[list[str]]:
    """One large file, ``jobs`` N against the same streamed task with one job, same run."""
    rows = []
    for size, by_task in results.items():
        for task, r in by_task.items():
            jobs = _jobs_of(task)
            base = by_task.get(task.rpartition("_jobs")[0]) if jobs > 1 else None
            if base is None:
                continue
            rows.append([f"{size:,}", LABEL[task], str(jobs), f"{base['seconds']:.2f}", f"{r['seconds']:.2f}",
                         f"{base['seconds'] / r['seconds']:.2f}×", f"{r['peak_kb'] / 1024:.0f}",
                         f"{r.get('workers_peak_kb', 0) / 1024:.0f}"])
    return rows


def render(rows: list[list[str]], jobs_rows: list[dict[str, float]],
           stream_jobs: list[list[str]] | None = None) -> str:
    head = ["events", "task", "s", "events/s", "peak RSS MB", "× floor", "× icalendar"]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    if stream_jobs:
        lines += ["", "| events | one large file | jobs | s (jobs 1) | s | speed-up | parent RSS MB | worker RSS MB |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in stream_jobs]
    if jobs_rows:
        base = jobs_rows[0]["seconds"]
        lines += ["", "| jobs | files | s | speed-up | via |", "|---|---|---|---|---|"]
        lines += [f"| {j['jobs']} | {j['files']} | {j['seconds']:.2f} | "
                  f"{j.get('speedup') or base / j['seconds']:.2f}× | {j['how']} |" for j in jobs_rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
