#!/usr/bin/env python3
"""Compare every command's output between two vaultc binaries, byte for byte.

    python3 bench/compare.py [--base BIN] [--new BIN] [--sizes 10000] [--corpus DIR]
                             [--no-build] [--keep]

Runs both binaries on the same vaults with the same arguments, from the same folder, and
compares standard output and the exit code of each run (and, for files a command writes —
exports, sites — the files). The vaults: the sample vault of this repository (its book.toml),
a copy of the shared corpus (a folder without book.toml, as a user points vaultc at one), and
generated vaults (../shared/bench/gen_vault.py, seed 7, with a book.toml as bench/run.py
writes). Every run gets a fresh cache folder per binary (VAULTC_CACHE_DIR), so cold, warm
(run cache), incremental (after an edit the script makes to both) and `--no-cache` runs are
all compared.

Commands: `check` in every format (cold, warm, uncached, after an edit, with PATHS),
`export --json` (stdout and file), `export --sqlite` (the database's SQL dump), `refs` and
`backlinks` (text and JSON), `tables` (JSON and CSV, all and one note), `graph` in every
format, `stats` (text and JSON), `path`, `rule`, and `build` (every file of the site but the
two files vaultc keeps about it, whose layout changed on purpose). Standard error is not
compared: it carries timings, progress and paths that differ by design (the cache folder).

Exit status 0 when everything matched, 1 otherwise. Python 3.11 standard library only.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BASE = Path("/work/baseline/vaultc-16a8b6d")
NEW = REPO / "target" / "release" / "vaultc"
CORPUS = REPO.parent / "shared" / "corpora" / "financial-charts-2026-01-14"
GEN = REPO.parent / "shared" / "bench" / "gen_vault.py"
TODAY = "2026-11-24"
FORMATS = ["pretty", "concise", "json", "github", "sarif"]
# Files vaultc keeps about a site it built: their layout is vaultc's own (records).
SITE_RECORDS = {".vaultc-site", ".vaultc-site-inputs"}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default=str(BASE), help="the binary before (default: %(default)s)")
    ap.add_argument("--new", default=str(NEW), help="the binary after (default: %(default)s)")
    ap.add_argument("--sizes", default="10000", help="generated vault sizes (default: %(default)s)")
    ap.add_argument("--corpus", default=str(CORPUS), help="a vault folder copied and compared")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    return args


class Runner:
    """Runs one binary with its own cache folder."""

    def __init__(self, exe, cache):
        self.exe = exe
        self.env = dict(os.environ, NO_COLOR="1", VAULTC_CACHE_DIR=str(cache))
        self.env.pop("VAULTC_TIMINGS", None)

    def run(self, cwd, args):
        p = subprocess.run([self.exe, *args], cwd=cwd, env=self.env, capture_output=True,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout


class Compare:
    def __init__(self, base, new):
        self.base, self.new = base, new
        self.same = self.differ = 0

    def both(self, label, cwd, args, files=()):
        """Runs `args` with both binaries; compares stdout, exit code and `files`."""
        results = []
        for runner in (self.base, self.new):
            for f in files:
                if Path(f).exists():
                    Path(f).unlink()
            code, out = runner.run(cwd, args)
            results.append((code, out, [read_output(Path(f)) for f in files]))
        if results[0] == results[1]:
            self.same += 1
        else:
            self.differ += 1
            (bc, bo, bf), (nc, no, nf) = results
            print(f"  DIFFERS: {label}: {' '.join(args)} (exit {bc} vs {nc},"
                  f" {len(bo)} vs {len(no)} bytes{', files differ' if bf != nf else ''})")
            show_first_difference(bo, no)
        return results[1][1]

    def build(self, label, cwd, config):
        """`vaultc build` with both binaries into new folders; compares the sites."""
        sites = []
        for i, runner in enumerate((self.base, self.new)):
            out = Path(tempfile.mkdtemp(prefix=f"site-{i}-")) / "site"
            args = (["--config", str(config)] if config else []) + [
                "build", "--today", TODAY, "--out", str(out)]
            code, _ = runner.run(cwd, args)
            sites.append((code, tree(out)))
            shutil.rmtree(out.parent, ignore_errors=True)
        if sites[0] == sites[1]:
            self.same += 1
        else:
            self.differ += 1
            a, b = sites[0][1], sites[1][1]
            changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            print(f"  DIFFERS: {label}: build (exit {sites[0][0]} vs {sites[1][0]}),"
                  f" {len(changed)} files: {changed[:5]}")


def read_output(path):
    if not path.exists():
        return None
    if path.suffix == ".sqlite":
        conn = sqlite3.connect(path)
        try:
            return "\n".join(conn.iterdump()).encode()
        finally:
            conn.close()
    return path.read_bytes()


def tree(root):
    """Every file under `root` but vaultc's own records, by relative path."""
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in SITE_RECORDS}


def show_first_difference(a, b):
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines())):
        if x != y:
            print(f"    line {i + 1}:\n    - {x[:160]!r}\n    + {y[:160]!r}")
            return


def entities(runner, cwd, cfg):
    """A hub, an unresolved name and two notes of the vault, from the base's `stats`."""
    _, out = runner.run(cwd, cfg + ["stats", "--json"])
    stats = json.loads(out)
    hub = stats["top_inbound"][0]["name"] if stats["top_inbound"] else None
    ranked = [e["name"] for e in stats["top_page_rank"] if e["kind"] == "note"]
    unresolved = stats["unresolved_entities"][0]["name"] if stats["unresolved_entities"] else None
    return hub, unresolved, ranked


def note_paths(vault_root, n=2):
    paths = sorted(p for p in vault_root.rglob("*.md")
                   if not any(part.startswith(".") for part in p.relative_to(vault_root).parts))
    return paths[:n]


def compare_vault(c, label, cwd, vault_root, config=None):
    """Every command on one vault; `config` is passed as --config when given."""
    print(f"== {label}", flush=True)
    cfg = ["--config", str(config)] if config else []
    check = cfg + ["check", "--today", TODAY, "--format"]
    for f in FORMATS:
        c.both(f"check {f} (no cache)", cwd, check + [f, "--no-cache"])
        c.both(f"check {f} (cold)", cwd, check + [f])
        c.both(f"check {f} (warm)", cwd, check + [f])
    notes = note_paths(vault_root)
    original = notes[0].read_bytes()
    try:
        notes[0].write_bytes(original + b"\n[[Added by compare.py]]\n## A heading\n")
        for f in FORMATS:
            c.both(f"check {f} (after an edit)", cwd, check + [f])
    finally:
        notes[0].write_bytes(original)
    rel = [os.path.relpath(p, cwd) for p in notes]
    for f in ("concise", "json", "pretty"):
        c.both(f"check {f} PATHS", cwd, check + [f] + rel)
    with tempfile.TemporaryDirectory() as out:
        export = cfg + ["export", "--today", TODAY]
        c.both("export --json -", cwd, export + ["--json", "-"])
        c.both("export --json FILE", cwd, export + ["--json", f"{out}/m.json"], [f"{out}/m.json"])
        c.both("export --sqlite FILE", cwd, export + ["--sqlite", f"{out}/m.sqlite"],
               [f"{out}/m.sqlite"])
    hub, unresolved, ranked = entities(c.base, cwd, cfg)
    for name in filter(None, [hub, unresolved]):
        c.both(f"refs {name}", cwd, cfg + ["refs", name])
        c.both(f"refs {name} --json", cwd, cfg + ["refs", name, "--json"])
    if hub:
        c.both(f"backlinks {hub}", cwd, cfg + ["backlinks", hub])
        c.both(f"backlinks {hub} --json", cwd, cfg + ["backlinks", hub, "--json"])
        c.both(f"tables {hub}", cwd, cfg + ["tables", hub])
    for f in ("json", "csv"):
        c.both(f"tables --format {f}", cwd, cfg + ["tables", "--format", f])
    for f in ("json", "dot", "graphml", "mermaid"):
        c.both(f"graph {f}", cwd, cfg + ["graph", "--format", f])
    c.both("stats", cwd, cfg + ["stats"])
    c.both("stats --json", cwd, cfg + ["stats", "--json"])
    if len(ranked) >= 2:
        c.both("path", cwd, cfg + ["path", ranked[0], ranked[1]])
        c.both("path back", cwd, cfg + ["path", ranked[1], ranked[0]])
    c.both("rule", cwd, ["rule"])
    c.both("rule broken-link", cwd, ["rule", "broken-link"])
    c.build("build", cwd, config)


def main():
    args = parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    work = Path(tempfile.mkdtemp(prefix="vaultc-compare-"))
    try:
        c = Compare(Runner(args.base, work / "cache-base"), Runner(args.new, work / "cache-new"))
        compare_vault(c, "sample vault", REPO, REPO / "vault")
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        compare_vault(c, "corpus (no book.toml)", corpus, corpus)
        for size in args.sizes:
            vault = work / f"n{size}"
            subprocess.run([sys.executable, str(GEN), "--notes", str(size), "--out", str(vault),
                            "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
            (vault / "book.toml").write_text('[book]\nsrc = "."\n')
            compare_vault(c, f"generated {size}", vault, vault, vault / "book.toml")
        print(f"\n{c.same} outputs identical, {c.differ} differ")
        return 0 if c.differ == 0 else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
