#!/usr/bin/env python3
"""Compare two vaultc binaries on the same generated vaults, interleaved.

    python3 bench/ab.py OLD_BINARY NEW_BINARY [--sizes 10000,100000] [--runs 7]

A shared machine's load drifts over minutes, so two back-to-back `bench/run.py` runs can differ
by more than the change being measured. Here every cold run of one binary is followed by one of
the other, and each run's CPU time (user + system, from the child's rusage) is kept beside its
wall time: CPU time is what another process on the machine disturbs least. The cached and
one-edit runs are timed in a block per binary, each after its own warm-up, because the two
binaries may keep caches in the same place in different formats.

Vaults come from bench/run.py's generator (seed 7, bench/vaults/n<SIZE>, kept). Python 3.11
standard library only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the vaults, their ground truth, the edited note)


def once(cmd, cwd):
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{cmd[0]} exited with {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def summary(samples):
    walls, cpus, rss = zip(*samples)
    return {"wall_ms": statistics.median(walls) * 1e3, "cpu_ms": statistics.median(cpus) * 1e3,
            "rss_mb": max(rss)}


def check_cmd(exe, vault, today, cold):
    cmd = [exe, "--config", vault / "book.toml", "check", "--today", today, "--format", "json",
           vault]
    return cmd + ["--no-cache"] if cold else cmd


def cold(exes, vault, today, runs):
    samples = {exe: [] for exe in exes}
    for exe in exes:  # warm the page cache for both
        once(check_cmd(exe, vault, today, True), vault)
    for _ in range(runs):
        for exe in exes:
            samples[exe].append(once(check_cmd(exe, vault, today, True), vault))
    return {exe: summary(s) for exe, s in samples.items()}


def warm_and_edit(exe, vault, today, runs):
    cmd = check_cmd(exe, vault, today, False)
    once(cmd, vault)
    warm = summary([once(cmd, vault) for _ in range(runs)])
    note = run.edit_target(vault)
    original, times = note.read_bytes(), note.stat()
    try:
        once(cmd, vault)
        edits = []
        for i in range(runs):
            note.write_bytes(original + f"\nEdited for A/B run {i}.\n".encode())
            edits.append(once(cmd, vault))
    finally:
        # Bytes and times as before: the next binary's cached runs meet an unchanged vault,
        # not a note too fresh for a run cache to trust.
        note.write_bytes(original)
        os.utime(note, ns=(times.st_atime_ns, times.st_mtime_ns))
    return warm, summary(edits)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    exes = [Path(args.old).resolve(), Path(args.new).resolve()]
    print(f"load average before: {os.getloadavg()}")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        vault, _ = run.vault_for(size)
        today = run.truth_summary(vault)["today"]
        results = cold(exes, vault, today, args.runs)
        for exe in exes:
            warm, edit = warm_and_edit(exe, vault, today, args.runs)
            rows += [(size, label, exe, r) for label, r in
                     (("check --no-cache", results[exe]), ("check (cached)", warm),
                      ("check (1 edit)", edit))]
    print(f"load average after: {os.getloadavg()}\n")
    print(f"{'size':>7}  {'command':<17} {'binary':<22} {'wall ms':>9} {'cpu ms':>9} {'RSS MB':>8}")
    for size, label, exe, r in sorted(rows, key=lambda r: (r[0], r[1])):
        print(f"{size:>7}  {label:<17} {exe.name[:22]:<22} {r['wall_ms']:>9.1f} {r['cpu_ms']:>9.1f}"
              f" {r['rss_mb']:>8.1f}")


if __name__ == "__main__":
    main()
