"""Dask against ``--jobs``: ``python bench/cluster.py [--files 200] [--repeat 3]`` (issue 16).

The same 200 calendars of ``bench/generate.py`` (``ensure_many``) to Graph, in the same run,
rounds interleaved so a change of machine load hits every row alike; medians are reported:

* ``cli --jobs 2``: ``python -m ics_bridge convert … --jobs 2`` (a process pool, forked);
* ``cli --dask local:2``: the same command with ``--dask local:2``: starting a LocalCluster of two
  worker processes, the batch, stopping the cluster, all in the wall time;
* ``library, jobs 2``: :func:`ics_bridge.batch.convert_paths` with ``jobs=2``, timed in a process
  that has imported ics-bridge;
* ``library, running cluster``: :func:`ics_bridge.convert_many` on a LocalCluster of two worker
  processes started (and warmed up: ics-bridge imported on the workers) before the clock starts:
  the case of a team that has a cluster (``--dask tcp://…``, ``client=``).

The overhead is each Dask row against its ``jobs 2`` row.  Prints one table; ``--json`` saves it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))


def _out(name: str) -> Path:
    out = HERE / "data" / f"cluster_out_{name}"
    shutil.rmtree(out, ignore_errors=True)
    return out


def _check(out: Path, count: int, what: str) -> None:
    written = sum(1 for _ in out.rglob("*.json"))
    if written != count:
        raise SystemExit(f"{what}: {written}/{count} written")


def cli(folder: Path, count: int, how: list[str], name: str) -> float:
    out = _out(name)
    cmd = [sys.executable, "-m", "ics_bridge", "convert", str(folder), "--to", "graph", "-o", str(out), "-q", *how]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(how)}: exit {proc.returncode}: {proc.stderr[-2000:]}")
    _check(out, count, name)
    return seconds


def library(folder: str, count: int, repeat: int) -> dict[str, list[float]]:
    """In one child process: ``convert_paths(jobs=2)`` and ``convert_many`` on a running cluster,
    interleaved."""
    import logging
    from distributed import Client, LocalCluster
    import ics_bridge
    from ics_bridge.batch import convert_paths
    times: dict[str, list[float]] = {"library, jobs 2": [], "library, running cluster": []}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      worker_dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        client.run(lambda: __import__("ics_bridge.distributed"))
        for _ in range(repeat):
            out = _out("lib_jobs")
            t0 = time.perf_counter()
            convert_paths([folder], to="graph", output=out, jobs=2)
            times["library, jobs 2"].append(time.perf_counter() - t0)
            _check(out, count, "library jobs 2")
            out = _out("lib_dask")
            t0 = time.perf_counter()
            result = ics_bridge.convert_many([folder], to="graph", output=out, client=client)
            times["library, running cluster"].append(time.perf_counter() - t0)
            _check(out, count, "library dask")
            assert result.exit_code() == 0
    return times


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--library":
        print(json.dumps(library(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", default=str(HERE / "data" / "cluster.json"))
    args = ap.parse_args()
    import generate
    from run import machine
    folder = generate.ensure_many(args.files)
    times: dict[str, list[float]] = {"cli --jobs 2": [], "cli --dask local:2": []}
    for _ in range(args.repeat):
        times["cli --jobs 2"].append(cli(folder, args.files, ["--jobs", "2"], "jobs"))
        times["cli --dask local:2"].append(cli(folder, args.files, ["--dask", "local:2"], "dask"))
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--library", str(folder), str(args.files),
                           str(args.repeat)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"library run failed: {proc.stderr[-3000:]}")
    times.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    median = {k: statistics.median(v) for k, v in times.items()}
    base = {"cli --dask local:2": "cli --jobs 2", "library, running cluster": "library, jobs 2"}
    lines = [f"machine: {machine()}, load {os.getloadavg()[0]:.1f}", "",
             f"| {args.files} files → Graph | s (median of {args.repeat}) | runs | overhead vs jobs 2 |",
             "|---|---|---|---|"]
    for name, value in median.items():
        over = f"{(value / median[base[name]] - 1) * 100:+.0f} %" if name in base else "—"
        lines.append(f"| {name} | {value:.2f} | {', '.join(f'{t:.2f}' for t in times[name])} | {over} |")
    print("\n".join(lines))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"machine": machine(), "times": times, "median": median}, indent=2))


if __name__ == "__main__":
    main()
