"""Dask against ``--jobs``: ``python bench/cluster.py [--files 200] [--repeat 3]`` (issue 16).

The same 200 calendars of ``bench/generate.py`` (``ensure_many``) to Graph, in the same run,
rounds interleaved so a change of machine load hits every row alike; medians are reported:

* ``cli --jobs 2``: ``python -m ics_bridge convert … --jobs 2`` (a process pool, forked);
* ``cli --dask local:2``: the same command with ``--dask local:2``: starting a LocalCluster of two
  worker processes, the batch, stopping the cluster, all in the wall time;
* ``library, jobs 2``: :func:`ics_bridge.batch.convert_paths` with ``jobs=2``, timed in a process
  that has imported ics-bridge;
* ``library, running cluster``: :func:`ics_bridge.convert_many` on a LocalCluster of two worker
  processes (configured as ``--dask local`` starts them: ``distributed.LOCAL_CONFIG``) started, and
  warmed up (ics-bridge imported on the workers), before the clock starts: the case of a team
  that has a cluster (``--dask tcp://…``, ``client=``).

Each row has its wall time and its CPU time (user + system of every process involved: the
command and the children it waited for; for the running cluster, this process and the workers'
own counters).  On a shared machine the wall time follows the load of the moment; the CPU time
is what the batch costs whatever the load, so the overhead is given on both.  The overhead is
each Dask row against its ``jobs 2`` row.  Prints one table; ``--json`` saves it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _worker_cpu(client: object) -> float:
    return sum(client.run(_cpu).values())  # type: ignore[attr-defined]


def cli(folder: Path, count: int, how: list[str], name: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``convert`` command (its worker processes included: they
    are its children, waited for before it exits)."""
    out = _out(name)
    cmd = [sys.executable, "-m", "ics_bridge", "convert", str(folder), "--to", "graph", "-o", str(out), "-q", *how]
    cpu0 = _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu0
    if proc.returncode:
        raise SystemExit(f"{' '.join(how)}: exit {proc.returncode}: {proc.stderr[-2000:]}")
    _check(out, count, name)
    return seconds, cpu


def library(folder: str, count: int, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """In one child process: ``convert_paths(jobs=2)`` and ``convert_many`` on a running cluster,
    interleaved."""
    import logging
    from distributed import Client, LocalCluster
    import ics_bridge
    from ics_bridge.batch import convert_paths
    times: dict[str, list[tuple[float, float]]] = {"library, jobs 2": [], "library, running cluster": []}
    import dask
    from ics_bridge.distributed import LOCAL_CONFIG
    with dask.config.set(LOCAL_CONFIG), LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, worker_dashboard_address=None,
            silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        client.run(lambda: __import__("ics_bridge.distributed"))
        for _ in range(repeat):
            out = _out("lib_jobs")
            cpu0 = _cpu() + _cpu(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            convert_paths([folder], to="graph", output=out, jobs=2)  # its pool is shut down (reaped) at the end
            times["library, jobs 2"].append((time.perf_counter() - t0,
                                             _cpu() + _cpu(resource.RUSAGE_CHILDREN) - cpu0))
            _check(out, count, "library jobs 2")
            out = _out("lib_dask")
            cpu0 = _cpu() + _worker_cpu(client)
            t0 = time.perf_counter()
            result = ics_bridge.convert_many([folder], to="graph", output=out, client=client)
            seconds = time.perf_counter() - t0
            times["library, running cluster"].append((seconds, _cpu() + _worker_cpu(client) - cpu0))
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
    times: dict[str, list[tuple[float, float]]] = {"cli --jobs 2": [], "cli --dask local:2": []}
    for _ in range(args.repeat):
        times["cli --jobs 2"].append(cli(folder, args.files, ["--jobs", "2"], "jobs"))
        times["cli --dask local:2"].append(cli(folder, args.files, ["--dask", "local:2"], "dask"))
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--library", str(folder), str(args.files),
                           str(args.repeat)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"library run failed: {proc.stderr[-3000:]}")
    times.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    wall = {k: statistics.median(t for t, _c in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _t, c in v) for k, v in times.items()}
    base = {"cli --dask local:2": "cli --jobs 2", "library, running cluster": "library, jobs 2"}

    def over(values: dict[str, float], name: str) -> str:
        return f"{(values[name] / values[base[name]] - 1) * 100:+.0f} %" if name in base else "—"

    lines = [f"machine: {machine()}, load {os.getloadavg()[0]:.1f}", "",
             f"| {args.files} files → Graph | wall s (median of {args.repeat}) | CPU s (median) | wall runs | "
             "overhead vs jobs 2: wall | CPU |", "|---|---|---|---|---|---|"]
    for name in times:
        runs = ", ".join(f"{t:.1f}" for t, _c in times[name])
        lines.append(f"| {name} | {wall[name]:.2f} | {cpu[name]:.2f} | {runs} | {over(wall, name)} | {over(cpu, name)} |")
    median = {"wall": wall, "cpu": cpu}
    print("\n".join(lines))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"machine": machine(), "times": times, "median": median}, indent=2))


if __name__ == "__main__":
    main()
