#!/usr/bin/env python3
"""Benchmark `vaultc check` against a parse-only floor on generated vaults.

    python3 bench/run.py [--sizes 10000,100000] [--runs 5] [--keep] [--no-build]
                         [--export] [--site]

The floor (bench/floor, binary `vaultc-floor`) walks the vault and runs one pulldown-cmark pass
over every note and nothing else, so "ratio to floor" says how much vaultc spends on top of the
work no checker can avoid. Vaults come from the shared generator (env VAULTC_GEN_VAULT, default
<repo>/../shared/bench/gen_vault.py), seed 7, into bench/vaults/n<SIZE>; generation is
deterministic, so an existing vault with its ground truth is reused. Results are printed as a
table and written to bench/results.json.

Besides cold `check --no-cache`, it times `check` as a pre-commit hook meets it: with nothing
changed (the run cache answers) and after editing one note (each run appends a line to a
different note's copy, so the note cache serves the other notes). `--export` adds the exports;
`--site` adds `vaultc build`: cold into a new folder, again with nothing changed after a
`touch` of one note, and after editing one note, with the site's size against the notes' and
the most search index a query loads (in headless Chromium, when Node.js is set up for
tests/browser). Edited notes are restored afterwards.

Python 3.11 standard library only.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VAULTS = BENCH / "vaults"
VAULTC = REPO / "target" / "release" / "vaultc"
FLOOR_MANIFEST = BENCH / "floor" / "Cargo.toml"
FLOOR = BENCH / "floor" / "target" / "release" / "vaultc-floor"
RESULTS = BENCH / "results.json"
SEED = 7
# vaultc looks for book.toml from the working folder upwards, and bench/vaults sits inside the
# repo, whose own book.toml points at the sample vault. Each generated vault gets its own config
# and vaultc is always given it explicitly with --config.
BOOK_TOML = '[book]\nsrc = "."\n'


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000",
                    help="comma-separated note counts (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (default: 5)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated vaults (default: delete the ones this run generated)")
    ap.add_argument("--export", action="store_true",
                    help="also time `vaultc export --json` and `--sqlite` (compared with check)")
    ap.add_argument("--site", action="store_true",
                    help="also time `vaultc build`: cold, after a touch, after an edit")
    ap.add_argument("--no-build", action="store_true",
                    help="use the existing binaries instead of running cargo build first")
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not args.sizes or min(args.sizes) <= 0 or args.runs < 1:
        ap.error("--sizes needs positive note counts and --runs at least 1")
    return args


def build():
    # Inherit stdio so compile errors are visible; a stale binary would silently bench old code.
    subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    subprocess.run(["cargo", "build", "--release", "--manifest-path", str(FLOOR_MANIFEST)],
                   cwd=REPO, check=True)


def truth_path(vault):
    return vault.with_name(vault.name + ".expected.json")  # the generator puts it beside


def truth_summary(vault):
    """The few scalar fields of the ground truth needed before timing.

    Read in a throwaway interpreter: the 100k truth is 10 MB of JSON and takes this process to
    ~70 MB, and a child started from here reports at least this process's peak RSS as its own
    (see measure), which would swamp the floor's ~15 MB.
    """
    code = ("import json, sys; t = json.load(open(sys.argv[1]));"
            "print(json.dumps({k: t[k] for k in ('notes', 'today', 'bytes')}))")
    out = subprocess.run([sys.executable, "-c", code, truth_path(vault)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def vault_for(size):
    """Returns (vault folder, whether this call generated it)."""
    vault = VAULTS / f"n{size}"
    generated = False
    if not (vault.is_dir() and truth_path(vault).is_file()):
        # A folder without its ground truth is a half-finished generation; the generator
        # refuses a non-empty output folder, so start over.
        if vault.exists():
            shutil.rmtree(vault)
        gen = os.environ.get("VAULTC_GEN_VAULT", str(REPO.parent / "shared" / "bench" / "gen_vault.py"))
        VAULTS.mkdir(parents=True, exist_ok=True)
        print(f"generating {size} notes into {vault} ...", flush=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, gen, "--notes", str(size), "--out", str(vault),
                        "--seed", str(SEED)], check=True)
        print(f"  generated in {time.perf_counter() - t0:.1f} s", flush=True)
        generated = True
    (vault / "book.toml").write_text(BOOK_TOML)
    return vault, generated


def measure(cmd, cwd, stdout):
    """Runs cmd once; returns (wall seconds, peak RSS in bytes, exit code, RSS is a bound).

    os.wait4 gives the rusage of exactly this child (ru_maxrss, KiB on Linux). Caveat: Linux
    carries the pre-exec address space's high-water mark into ru_maxrss, and subprocess starts
    children with vfork, i.e. in *this* process's address space. So a child's figure is really
    max(its own peak, this process's peak); when it is no more than ours it is only an upper
    bound, and is flagged. Hence the care to keep this process small until timing is over.
    """
    own_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it; tell Popen
    return wall, usage.ru_maxrss * 1024, proc.returncode, usage.ru_maxrss <= own_kib


def timed_runs(name, runs, ok_codes, cwd, cmd_for, prepare=None):
    """Runs `cmd_for(i)` for i in 0..runs (after `prepare(i)`, if given) and summarises the
    wall times and peak RSS."""
    walls, rss, bound = [], [], False
    for i in range(runs):
        if prepare:
            prepare(i)
        wall, peak, code, is_bound = measure(cmd_for(i), cwd, subprocess.DEVNULL)
        if code not in ok_codes:
            sys.exit(f"{name} exited with {code}")
        walls.append(wall)
        rss.append(peak)
        bound |= is_bound
    return {"command": name, "argv": [str(c) for c in cmd_for(0)], "walls_s": walls,
            "median_ms": statistics.median(walls) * 1e3, "min_ms": min(walls) * 1e3,
            "peak_rss_mb": max(rss) / 2**20, "rss_is_upper_bound": bound}


def bench_command(name, cmd, cwd, ok_codes, runs, output):
    """One warm-up run, its stdout saved to `output` for later checks, then `runs` timed runs."""
    # The warm-up also fills the page cache, so every timed run reads the vault from memory.
    with open(output, "wb") as out:
        _, _, code, _ = measure(cmd, cwd, out)
    if code not in ok_codes:
        sys.exit(f"{name} exited with {code}")
    return timed_runs(name, runs, ok_codes, cwd, lambda _: cmd)


def bench_edits(name, cmd, cwd, ok_codes, runs, note, touch_only=False):
    """Times `cmd` after each of `runs` changes to `note`: an appended line (a different one
    each run), or with `touch_only` a new modification time and the same bytes. One warm-up
    run first, so caches hold the unchanged vault; the note is restored at the end."""
    original = note.read_bytes()

    def change(i):
        if touch_only:
            os.utime(note, ns=(time.time_ns(), time.time_ns()))
        else:
            note.write_bytes(original + f"\nEdited for benchmark run {i}.\n".encode())

    try:
        _, _, code, _ = measure(cmd, cwd, subprocess.DEVNULL)
        if code not in ok_codes:
            sys.exit(f"{name} exited with {code}")
        return timed_runs(name, runs, ok_codes, cwd, lambda _: cmd, change)
    finally:
        note.write_bytes(original)


def bench_site(vault, today, runs, workdir):
    """`vaultc build`: cold (a new folder each run), after a touch, after an edit."""
    base = [VAULTC, "--config", vault / "book.toml", "build", "--today", today, "--out"]
    # New folders, removed only at the end: removing a 15k-file site just before the next
    # build makes ext4's inode allocator slow (it skips recently deleted inodes), which would
    # time the file system rather than vaultc.
    cold = timed_runs("build (cold)", runs, {0}, vault,
                      lambda i: base + [workdir / f"site-{i}"])
    site = workdir / "site-0"
    cold.update(site_figures(site, vault))
    note = edit_target(vault)
    touched = bench_edits("build (touch)", base + [site], vault, {0}, runs, note,
                          touch_only=True)
    edited = bench_edits("build (edit)", base + [site], vault, {0}, runs, note)
    for i in range(runs):
        shutil.rmtree(workdir / f"site-{i}", ignore_errors=True)
    return [cold, touched, edited]


def site_figures(site, vault):
    """The built site's size against the notes' (SPEC §5: under 3x plus a fixed amount), and
    the most search index a query loads in the browser (tests/browser/search-bytes.mjs, in
    headless Chromium; skipped when Node.js or its playwright-core is missing)."""
    notes = sum(p.stat().st_size for p in vault.rglob("*.md") if ".vaultc" not in str(p))
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    figures = {"site_mb": size / 1e6, "notes_mb": notes / 1e6, "site_ratio": size / notes}
    script = REPO / "tests" / "browser" / "search-bytes.mjs"
    if shutil.which("node") and (script.parent / "node_modules" / "playwright-core").is_dir():
        out = subprocess.run(["node", script, site], capture_output=True, text=True)
        m = re.search(r"largest: ([0-9.]+) KB", out.stdout)
        if m:
            figures["search_kb"] = float(m.group(1))
        else:
            print(f"  search-bytes.mjs failed:\n{out.stdout}{out.stderr}", flush=True)
    return figures


def edit_target(vault):
    """The note the edit benchmarks change: the first one in path order."""
    return min(p for p in vault.rglob("*.md") if ".vaultc" not in str(p))


def verify(report, truth):
    """Compares vaultc's JSON report with the generator's ground truth.

    Prints per-rule counts, and whether the broken-link targets are the same set: the number
    that proves vaultc really read and resolved the generated notes (a run that checked the
    wrong folder or nothing at all finds no broken links, or the sample vault's).
    """
    by_rule = {}
    for d in report:
        by_rule[d["rule"]] = by_rule.get(d["rule"], 0) + 1
    expected = {"broken-link": truth["broken_occurrences"],
                "broken-heading": len(truth["broken_headings"]),
                "stale-note": len(truth["stale_notes"]),
                "table-column-count": len(truth["malformed_rows"])}
    for rule in sorted(set(by_rule) | set(expected)):
        want = expected.get(rule, "-")
        got = by_rule.get(rule, 0)
        flag = "" if want == "-" or want == got else "  <-- differs"
        print(f"  {rule:20} vaultc {got:>7}   ground truth {want:>7}{flag}")
    # The target is the first `...` in messages like "link target `X` matches no note ..."
    # and "embedded file `X` matches no file ...", as written in the note.
    targets = set()
    for d in report:
        if d["rule"] == "broken-link":
            m = re.search(r"`([^`]*)`", d["message"])
            targets.add(m.group(1) if m else d["message"])
    want = set(truth["broken_targets"])
    same = targets == want
    print(f"  broken-link targets: vaultc {len(targets)}, ground truth {len(want)}"
          + ("" if same else f" (missing {len(want - targets)}, extra {len(targets - want)})"))
    print(f"report matches ground truth: {'yes' if same else 'no'}")
    return {"rule_counts": by_rule, "expected_counts": expected,
            "broken_targets_match": same,
            "missing_targets": sorted(want - targets)[:20],
            "extra_targets": sorted(targets - want)[:20]}


def time_size(size, runs, workdir, export=False, site=False):
    """Times floor and vaultc on one vault; their warm-up outputs are kept in workdir."""
    vault, generated = vault_for(size)
    truth = truth_summary(vault)
    print(f"== {size} notes: {truth['bytes'] / 1e6:.0f} MB of Markdown, today = {truth['today']}",
          flush=True)
    floor_out, report = workdir / f"floor-{size}.txt", workdir / f"report-{size}.json"
    floor = bench_command("floor", [FLOOR, vault], vault, {0}, runs, floor_out)
    floor["output"] = floor_out.read_text().strip()
    print(f"  floor: {floor['output']}", flush=True)
    # vaultc exits 1 when it finds errors, which these vaults always have; 2 is a real failure.
    # Cold: --no-cache, so every run reads and parses every note.
    cmd = [VAULTC, "--config", vault / "book.toml", "check", "--no-cache", "--today",
           truth["today"], "--format", "json", vault]
    vaultc = bench_command("vaultc check", cmd, vault, {0, 1}, runs, report)
    # Warm: the run cache, as a pre-commit hook sees an unchanged vault (the warm-up stores it).
    warm_cmd = [c for c in cmd if c != "--no-cache"]
    warm = bench_command("check (cached)", warm_cmd, vault, {0, 1}, runs,
                         workdir / f"warm-{size}.json")
    # One note edited: the run cache cannot answer, the note cache serves the other notes.
    edited = bench_edits("check (1 edit)", warm_cmd, vault, {0, 1}, runs, edit_target(vault))
    results = [floor, vaultc, warm, edited]
    if site:
        results.extend(bench_site(vault, truth["today"], runs, workdir))
    if export:
        # Both exports write a file; the warm-up's stdout (empty) goes to a scratch file.
        # Cold (--no-cache: every note parsed) and warm (the note cache, as after a check or
        # an earlier export of the unchanged vault).
        base = [VAULTC, "--config", vault / "book.toml", "export", "--today", truth["today"]]
        for name, flag, out, cold in (
                ("json (cold)", "--json", workdir / f"export-{size}.json", True),
                ("export json", "--json", workdir / f"export-{size}.json", False),
                ("sqlite (cold)", "--sqlite", workdir / f"export-{size}.sqlite", True),
                ("export sqlite", "--sqlite", workdir / f"export-{size}.sqlite", False)):
            cmd = base + (["--no-cache"] if cold else []) + [flag, out]
            r = bench_command(name, cmd, vault, {0}, runs,
                              workdir / f"{name.replace(' ', '-')}-{size}.txt")
            r["output_mb"] = out.stat().st_size / 1e6
            r["ratio_to_check"] = r["median_ms"] / vaultc["median_ms"]
            results.append(r)
            out.unlink()
    for r in results:
        r["ratio_to_floor"] = r["median_ms"] / floor["median_ms"]
    return {"size": size, "bytes": truth["bytes"], "today": truth["today"],
            "vault": vault, "generated": generated, "report": report,
            "results": results}


def print_table(sizes):
    head = (f"{'size':>7}  {'command':<14} {'median ms':>10} {'min ms':>10} {'peak RSS MB':>12}"
            f" {'x floor':>8}")
    print("\n" + head + "\n" + "-" * len(head))
    for s in sizes:
        for r in s["results"]:
            rss = ("<=" if r["rss_is_upper_bound"] else "") + f"{r['peak_rss_mb']:.1f}"
            print(f"{s['size']:>7}  {r['command']:<14} {r['median_ms']:>10.1f} {r['min_ms']:>10.1f}"
                  f" {rss:>12} {r['ratio_to_floor']:>8.2f}")
    for s in sizes:
        for r in s["results"]:
            if "site_ratio" in r:
                search = (f", search loads at most {r['search_kb']:.0f} KB"
                          if "search_kb" in r else "")
                print(f"{s['size']:>7}  site: {r['site_mb']:.0f} MB for {r['notes_mb']:.0f} MB"
                      f" of notes ({r['site_ratio']:.2f} x){search}")
    for s in sizes:
        for r in s["results"]:
            if "ratio_to_check" in r:
                print(f"{s['size']:>7}  {r['command']:<14} {r['ratio_to_check']:.2f} x check,"
                      f" {r['output_mb']:.0f} MB written")
    if any(r["rss_is_upper_bound"] for s in sizes for r in s["results"]):
        print("(<= : the child's peak RSS is below this script's own, which ru_maxrss includes)")


def scaling(sizes):
    """vaultc's median time ratio between each pair of consecutive sizes (e.g. 100k/10k).

    Linear work gives a ratio equal to the size ratio; much more hints at something quadratic.
    """
    rows = []
    ordered = sorted(sizes, key=lambda s: s["size"])
    for small, big in zip(ordered, ordered[1:]):
        t = [next(r["median_ms"] for r in s["results"] if r["command"] == "vaultc check")
             for s in (small, big)]
        rows.append({"from": small["size"], "to": big["size"],
                     "size_ratio": big["size"] / small["size"], "time_ratio": t[1] / t[0]})
        print(f"vaultc {big['size']}/{small['size']} time ratio: {t[1] / t[0]:.2f}"
              f" (size ratio {big['size'] / small['size']:.0f})")
    return rows


def main():
    args = parse_args()
    if not args.no_build:
        build()
    for exe in (VAULTC, FLOOR):
        if not exe.is_file():
            sys.exit(f"missing {exe}; build it or drop --no-build")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="vaultc-bench-") as tmp:
        # Every timing first, while this process is small (see measure); then the checks,
        # which load reports and ground truths of up to hundreds of MB.
        sizes = [time_size(n, args.runs, Path(tmp), args.export, args.site)
                 for n in args.sizes]
        load_after = os.getloadavg()
        for s in sizes:
            print(f"\n== {s['size']} notes: vaultc's report against the ground truth")
            report = json.loads(s["report"].read_text())
            truth = json.loads(truth_path(s["vault"]).read_text())
            s["results"][1]["verification"] = verify(report, truth)
            del report, truth
            if s["generated"] and not args.keep:
                shutil.rmtree(s["vault"])
                truth_path(s["vault"]).unlink()
            for key in ("vault", "generated", "report"):
                del s[key]
    print_table(sizes)
    scale = scaling(sizes)
    # Timings on a shared machine are only as good as its idle time; keep the evidence.
    meta = {"runs": args.runs, "seed": SEED, "cpus": os.cpu_count(),
            "loadavg_before": load_before, "loadavg_after": load_after,
            "git_head": subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, text=True,
                                       capture_output=True).stdout.strip(),
            "vaultc_mtime": time.ctime(VAULTC.stat().st_mtime)}
    RESULTS.write_text(json.dumps({"meta": meta, "sizes": sizes, "scaling": scale}, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
