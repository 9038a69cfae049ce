"""What bounds ``--jobs 2``: ``python bench/jobs_ceiling.py [--files 200 | --input FILE] [--runs 7]``.

Every process of a batch first starts Python and imports the package (S), then converts its
first file more slowly than the rest (F: that file's VTIMEZONEs read and checked against tzdata,
caches filled, modules loaded on first use).  Both lie on the critical path of each worker
whatever the number of jobs, so with T1 the one-job run, two jobs on two cores take at least
about S + F + (T1 - S - F) / 2: that model, next to the command line's own one-job / two-job
ratio measured in alternation.  The model is not a hard bound: a one-job run also waits for each
output's sync, which with two jobs the parent does while the workers convert.  S and F are
medians of ``--runs`` fresh processes each; the ratio is the median of ``--runs`` pairs.

The machine's own ceiling is measured in the same minutes: in each round, after the two
commands, one process running a pure-Python loop and two forked processes sharing the same
loop between them (no start-up, no I/O, nothing serial).  Their ratio is what two processes get
from this machine then: on two cores shared with other load it is often well under 2 (1.28 to
2.01 in one set).  Each round's command ratio divided by its loop ratio is the batch's
efficiency against that ceiling, which a reader can compare across machines; the ratio alone
says as much about the machine's neighbours as about the code.  ``--input FILE`` times one
large file instead (its S and F are not separate there: pass 1 and the output are serial too).
"""

from __future__ import annotations

import argparse
import json
import os
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


def busy(loops: int, jobs: int) -> None:
    """``loops`` iterations of a pure-Python loop, in one process or shared by ``jobs`` forked ones."""
    def work(count: int) -> None:
        total = 0
        for i in range(count):
            total += i * i

    if jobs == 1:
        work(loops)
        return
    children = []
    for _ in range(jobs):
        pid = os.fork()
        if pid == 0:
            work(loops // jobs)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)


def _loops_for(seconds: float) -> int:
    """Loop iterations one process runs in about ``seconds`` here."""
    probe = 2_000_000
    took = _wall([sys.executable, __file__, "--busy", str(probe), "1"])
    return max(probe, int(probe * seconds / max(took, 1e-3)))


def pairs(source: Path, runs: int) -> list[tuple[float, float, float, float]]:
    """(one job, two jobs, one loop process, two loop processes) wall seconds per round, in
    alternation after a warm-up; the loop sized to take about as long as one job."""
    out = Path(tempfile.mkdtemp(prefix="ceiling-"))
    target = out / "out.json" if source.is_file() else out
    cmd = [sys.executable, "-m", "ics_bridge", "convert", str(source), "--to", "graph", "-o", str(target), "-q",
           "--force", "--jobs"]
    try:
        loops = _loops_for(_wall(cmd + ["1"]))  # the warm-up also puts the input in the page cache
        loop = [sys.executable, __file__, "--busy", str(loops)]
        return [(_wall(cmd + ["1"]), _wall(cmd + ["2"]), _wall(loop + ["1"]), _wall(loop + ["2"]))
                for _ in range(runs)]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _print_serial_parts(folder: Path, runs: int, one: float) -> None:
    """S, F and the model's ratio for the folder of files (see the module doc)."""
    start_up, first, steady = serial_parts(folder, runs)
    serial = start_up + first
    print(f"  S   start-up (python -c 'import ics_bridge.cli')  {start_up:6.3f} s")
    print(f"  F   first file's extra time                        {first:6.3f} s  (a file after it: "
          f"{steady * 1000:.1f} ms)")
    print(f"  two jobs if all but S + F halves: T1 / (S + F + (T1 - S - F) / 2) = "
          f"{one / (serial + (one - serial) / 2):.2f}x; 1.8x would need S + F <= T1 / 9 = {one / 9:.3f} s")


def _spread(name: str, values: list[float]) -> str:
    return f"  {name}: median {statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(per_file(Path(sys.argv[2]))))
        return
    if len(sys.argv) > 3 and sys.argv[1] == "--busy":
        busy(int(sys.argv[2]), int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200, help="files of 50 events (bench/generate.py ensure_many)")
    ap.add_argument("--input", type=Path, help="one file to time instead of the folder of --files files")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if args.input is None:
        import generate
        source = generate.ensure_many(args.files)
    else:
        source = args.input
    timed = pairs(source, args.runs)
    one = statistics.median(t[0] for t in timed)
    ratios = [t1 / t2 for t1, t2, _, _ in timed]
    machine = [l1 / l2 for _, _, l1, l2 in timed]
    print(f"{args.files if args.input is None else 1} file(s) ({source}); {args.runs} rounds")
    print(f"  T1  one job, the command line                      {one:6.3f} s")
    if args.input is None:
        _print_serial_parts(source, args.runs, one)
    print(_spread("one job / two jobs, the command line", ratios))
    print(_spread("the machine: one loop process / two, same rounds", machine))
    print(_spread("efficiency: each round's ratio / its loops' ratio", [r / m for r, m in zip(ratios, machine)]))


if __name__ == "__main__":
    main()
