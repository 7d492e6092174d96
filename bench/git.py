#!/usr/bin/env python3
"""Benchmark the git-aware rule (`updated-not-bumped`) and `check --staged` on a versioned vault.

    python3 bench/git.py [--notes 10000] [--commits 50] [--runs 5] [--keep] [--no-build]

Generates a vault with the shared generator (seed 7) into bench/vaults/git-n<NOTES>, makes it a
git repository and commits it in --commits commits (four fifths of them add the notes in
batches, the rest each edit a slice of the notes already committed), then times
`vaultc check` (release build):

  cold  (--no-cache, every note read and parsed): the rule off, the rule on with a clean work
        tree, the rule on with one note edited, `--staged` with one note edited and staged;
  warm  (the caches vaultc keeps between runs, one note edited before each run, as a
        pre-commit hook meets it): the rule off, the rule on, `--staged` with that note staged.

The runs of the commands compared are interleaved, each command with caches of its own, so a
shared machine's load weighs on each alike. Besides wall times (median of --runs, after one
warm-up), one more run of each with `VAULTC_TIMINGS=1` gives the time in vaultc's `git:` phases
(opening the repository, HEAD's and the index's blob ids, judging the notes).

"Rule off" is the same vault checked with a config that sets `updated-not-bumped = "off"`:
then vaultc opens no repository at all. The issue's targets: the rule on costs under 2x the
rule off, and `--staged` with one staged note under 300 ms more than the rule off.
The repository is built with the `git` command (a benchmark fixture, not vaultc: vaultc reads
git with gix). The vault is deleted at the end unless --keep.

Python 3.11 standard library only; imports the timing helpers of bench/run.py.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: paths, measure, edit_target)

TODAY = "2026-11-24"
OFF_TOML = '[book]\nsrc = "."\n\n[lint.rules]\nupdated-not-bumped = "off"\n'


def git(vault, *args, stdin=None, env=None):
    subprocess.run(["git", "-C", str(vault), *args], input=stdin, env=env, check=True,
                   stdout=subprocess.DEVNULL, text=True)


def commit_env(i):
    """A fixed identity and a date per commit, so the history is the same every time."""
    day = f"2024-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}T12:00:00Z"
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE=day, GIT_COMMITTER_DATE=day)
    for var in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(var, None)
    return env


def make_repo(vault, commits):
    """`git init`, then `commits` commits: adds in batches, then edits of committed notes."""
    notes = sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md"))
    others = sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*")
                    if p.is_file() and not p.name.endswith(".md"))
    git(vault, "init", "-q", "-b", "main", env=commit_env(0))
    adds = max(1, commits * 4 // 5)
    per = -(-len(notes) // adds)
    for i in range(adds):
        batch = notes[i * per:(i + 1) * per] + (others if i == 0 else [])
        git(vault, "add", "--pathspec-from-file=-", stdin="\n".join(batch) + "\n",
            env=commit_env(i))
        git(vault, "commit", "-q", "-m", f"notes, batch {i + 1}", env=commit_env(i))
    for i in range(adds, commits):
        # Each edit commit touches every 97th note from a different start.
        batch = notes[i % 97::97]
        for path in batch:
            with open(vault / path, "a", encoding="utf-8") as f:
                f.write(f"\nRevised in commit {i + 1}.\n")
        git(vault, "add", "--pathspec-from-file=-", stdin="\n".join(batch) + "\n",
            env=commit_env(i))
        git(vault, "commit", "-q", "-m", f"revisions {i + 1}", env=commit_env(i))


def check_cmd(vault, config, *extra):
    return [run.VAULTC, "--config", vault / config, "check", "--today", TODAY,
            "--format", "json", *extra, vault]


def git_phases(cmd, cwd, env):
    """Milliseconds of the `git:` phases `VAULTC_TIMINGS` prints for one run of `cmd`."""
    err = subprocess.run(cmd, cwd=cwd, env=dict(env, VAULTC_TIMINGS="1"), text=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).stderr
    return sum(float(m) for m in re.findall(r"^vaultc: git: \S+\s+([\d.]+) ms", err, re.M))


def timings(vault, runs, caches):
    """Every figure, as (label, result of run.timed_runs, ms in git's phases).

    The runs of the commands compared are interleaved (one of each in turn), so the load of a
    shared machine weighs on each alike; each command keeps its caches in a folder of its own
    (a change of config or of `--staged` would otherwise start the incremental state over).
    """
    note = run.edit_target(vault)
    rel = note.relative_to(vault).as_posix()
    original = note.read_bytes()

    def edit(i, stage=False):
        note.write_bytes(original + f"\nEdited for benchmark run {i}.\n".encode())
        if stage:
            git(vault, "add", "--", rel, env=commit_env(0))

    def restore(_=None):
        note.write_bytes(original)
        git(vault, "add", "--", rel, env=commit_env(0))

    staged = lambda i: edit(i, stage=True)  # noqa: E731
    groups = [
        [("cold, rule off, 1 edited", "book-off.toml", ["--no-cache"], edit),
         ("cold, rule on, clean tree", "book.toml", ["--no-cache"], restore),
         ("cold, rule on, 1 edited", "book.toml", ["--no-cache"], edit),
         ("cold, --staged, 1 staged", "book.toml", ["--no-cache", "--staged"], staged)],
        [("warm, rule off, 1 edited", "book-off.toml", [], edit),
         ("warm, rule on, 1 edited", "book.toml", [], edit),
         ("warm, --staged, 1 staged", "book.toml", ["--staged"], staged)],
    ]
    out = []
    try:
        for group in groups:
            cache = {label: str(caches / f"c{n}") for n, (label, *_) in enumerate(group)}
            walls = {label: [] for label, *_ in group}
            peaks = {label: [] for label, *_ in group}
            for i in range(-1, runs):  # run -1: the warm-up (page cache, vaultc's caches)
                for label, config, extra, prepare in group:
                    prepare(i)
                    cmd = check_cmd(vault, config, *extra)
                    os.environ["VAULTC_CACHE_DIR"] = cache[label]  # run.measure's child
                    wall, peak, code, _ = run.measure(cmd, vault, subprocess.DEVNULL)
                    if code not in (0, 1):
                        sys.exit(f"{label} exited with {code}")
                    if i >= 0:
                        walls[label].append(wall * 1e3)
                        peaks[label].append(peak / 2**20)
                    restore()
            for label, config, extra, prepare in group:
                prepare(runs)
                env = dict(os.environ, VAULTC_CACHE_DIR=cache[label])
                ms = git_phases(check_cmd(vault, config, *extra), vault, env)
                restore()
                out.append((label, {"median_ms": statistics.median(walls[label]),
                                    "min_ms": min(walls[label]),
                                    "peak_rss_mb": max(peaks[label])}, ms))
    finally:
        restore()
    return out


def report(results):
    print(f"\n{'':<28} {'median ms':>10} {'min ms':>8} {'peak MB':>8} {'git ms':>7}")
    for label, r, ms in results:
        print(f"{label:<28} {r['median_ms']:>10.0f} {r['min_ms']:>8.0f} "
              f"{r['peak_rss_mb']:>8.0f} {ms:>7.1f}")
    by = {label: r["median_ms"] for label, r, _ in results}
    print()
    for kind, off, on, staged in (("cold", "cold, rule off, 1 edited", "cold, rule on, 1 edited",
                                   "cold, --staged, 1 staged"),
                                  ("warm", "warm, rule off, 1 edited", "warm, rule on, 1 edited",
                                   "warm, --staged, 1 staged")):
        ratio = by[on] / by[off]
        more = by[staged] - by[off]
        print(f"{kind}: rule on / off = {ratio:.2f}x (target < 2x: "
              f"{'met' if ratio < 2 else 'MISSED'}); --staged - off = {more:+.0f} ms "
              f"(target < 300 ms: {'met' if more < 300 else 'MISSED'})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the vault and its repository")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = ap.parse_args()
    if args.notes < 1 or args.commits < 2 or args.runs < 1:
        ap.error("--notes >= 1, --commits >= 2 and --runs >= 1")
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release"], cwd=run.REPO, check=True)
    vault = run.VAULTS / f"git-n{args.notes}"
    if vault.exists():
        shutil.rmtree(vault)
    run.VAULTS.mkdir(parents=True, exist_ok=True)
    gen = os.environ.get("VAULTC_GEN_VAULT",
                         str(run.REPO.parent / "shared" / "bench" / "gen_vault.py"))
    try:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, gen, "--notes", str(args.notes), "--out", str(vault),
                        "--seed", str(run.SEED), "--today", TODAY], check=True,
                       stdout=subprocess.DEVNULL)
        run.truth_path(vault).unlink()
        (vault / "book.toml").write_text(run.BOOK_TOML)
        (vault / "book-off.toml").write_text(OFF_TOML)
        make_repo(vault, args.commits)
        print(f"{args.notes} notes in {args.commits} commits, built in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        with tempfile.TemporaryDirectory() as caches:
            # vaultc's caches in folders of this run's, so nothing of another run is reused.
            results = timings(vault, args.runs, Path(caches))
        report(results)
    finally:
        if not args.keep:
            shutil.rmtree(vault, ignore_errors=True)


if __name__ == "__main__":
    main()
