"""What bounds ``--jobs 2`` on the many-files batch: ``python bench/jobs_ceiling.py [--files 200] [--runs 7]``.

Every process of a batch first starts Python and imports the package (S), then converts its
first file more slowly than the rest (F: that file's VTIMEZONEs read and checked against tzdata,
caches filled, modules loaded on first use).  Both lie on the critical path of each worker
whatever the number of jobs, so with T1 the one-job run, two jobs on two cores take at least
about S + F + (T1 - S - F) / 2: that model, next to the command line's own one-job / two-job
ratio measured in alternation.  The model is not a hard bound: a one-job run also waits for each
output's sync, which with two jobs the parent does while the workers convert.  S and F are
medians of ``--runs`` fresh processes each; the ratio is the median of ``--runs`` pairs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))


def per_file(folder: Path) -> list[float]:
    """In this (fresh) process: each file's conversion to Graph as a batch worker runs it
    (read, convert, encode; ``batch._convert_file``), in seconds, in the batch's order."""
    from ics_bridge import batch
    from ics_bridge.options import Options
    times = []
    for item in batch.discover([folder]):
        task = batch._Task(item, "graph", "auto", Options(), "bytes", False, None)
        start = time.perf_counter()
        result = batch._convert_file(task)
        times.append(time.perf_counter() - start)
        if result.failed:
            raise SystemExit(f"{item.name}: {result.errors}")
    return times


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def serial_parts(folder: Path, runs: int) -> tuple[float, float, float]:
    """(S, F, a file at the steady rate), seconds, medians of ``runs`` fresh processes each."""
    start_up = [_wall([sys.executable, "-c", "import ics_bridge.cli"]) for _ in range(runs)]
    extra, steady = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child", str(folder)], check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout
        times = json.loads(out.splitlines()[-1])
        steady.append(statistics.median(times[2:]))
        extra.append(times[0] - steady[-1])
    return statistics.median(start_up), statistics.median(extra), statistics.median(steady)


def pairs(folder: Path, runs: int) -> list[tuple[float, float]]:
    """(one job, two jobs) wall seconds of the command line, in alternation, after a warm-up."""
    out = Path(tempfile.mkdtemp(prefix="ceiling-"))
    cmd = [sys.executable, "-m", "ics_bridge", "convert", str(folder), "--to", "graph", "-o", str(out), "-q",
           "--force", "--jobs"]
    try:
        _wall(cmd + ["1"])  # the files in the page cache
        return [(_wall(cmd + ["1"]), _wall(cmd + ["2"])) for _ in range(runs)]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(per_file(Path(sys.argv[2]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200, help="files of 50 events (bench/generate.py ensure_many)")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    import generate
    folder = generate.ensure_many(args.files)
    start_up, first, steady = serial_parts(folder, args.runs)
    timed = pairs(folder, args.runs)
    one = statistics.median(t1 for t1, _ in timed)
    ratios = [t1 / t2 for t1, t2 in timed]
    serial = start_up + first
    print(f"{args.files} files; S and F medians of {args.runs} fresh processes, ratios of {args.runs} pairs")
    print(f"  S   start-up (python -c 'import ics_bridge.cli')  {start_up:6.3f} s")
    print(f"  F   first file's extra time                        {first:6.3f} s  (a file after it: "
          f"{steady * 1000:.1f} ms)")
    print(f"  T1  one job, the command line                      {one:6.3f} s")
    print(f"  two jobs if all but S + F halves: T1 / (S + F + (T1 - S - F) / 2) = "
          f"{one / (serial + (one - serial) / 2):.2f}x; 1.8x would need S + F <= T1 / 9 = {one / 9:.3f} s")
    print(f"  measured one job / two jobs: median {statistics.median(ratios):.2f}x "
          f"({min(ratios):.2f}-{max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
