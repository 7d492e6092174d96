//! SPEC §7, "nothing lost": every vaultc command, run over a generated vault full of hostile
//! files, leaves every byte under the temporary root as it was — the vault, the folders
//! beside it, and whatever a symbolic link points at — except the output it was asked for.
//! No command panics; `--fix` changes only the bytes its fixes name, and only once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use crate::TODAY;

/// What is at a path, without following symbolic links.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// A folder and its modification time: a file made and removed in it (a temporary file
    /// beside a note) changes it.
    Dir(SystemTime),
    Link(PathBuf),
    /// Size, modification time and a hash of the bytes (`None`: unreadable to us).
    File(u64, SystemTime, Option<u64>),
}

type Snapshot = BTreeMap<String, Entry>;

/// FNV-1a over 8-byte words: enough to see any change, and fast in a debug build.
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().unwrap());
        h = (h ^ word).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ bytes.len() as u64
}

/// Everything under `root` (symbolic links recorded, not followed), by `/`-separated path.
fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let rel = vaultc::vault::relative(root, &path);
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let mtime = meta.modified().unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, Entry::Link(std::fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                out.insert(rel, Entry::Dir(mtime));
                walk(root, &path, out);
            } else {
                let h = std::fs::read(&path).ok().map(|b| hash(&b));
                out.insert(rel, Entry::File(meta.len(), mtime, h));
            }
        }
    }
    let mut out = Snapshot::new();
    walk(root, root, &mut out);
    out
}

/// Paths that differ between two snapshots (changed, appeared or gone).
fn changes(before: &Snapshot, after: &Snapshot) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// A temporary root: `vault/` (the generated vault plus `vault/hostile/`), `outside/` with
/// a secret note and image that symbolic links in the vault point at, and `out/` for
/// exports.
struct Root {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    vault: PathBuf,
    /// chmod 000 stops reads here (false when the tests run as root).
    unreadable_blocks: bool,
}

const SECRET: &str = "SECRET-OUTSIDE-THE-VAULT";

/// `None` when the vault generator is not at hand (the test is skipped, saying so).
fn build_root() -> Option<Root> {
    let (tmp, vault, _truth) = crate::generated::generate()?;
    Some(hostile_root(tmp, vault))
}

/// The hostile notes and links in `vault/hostile`, a secret outside the vault, an `out`
/// folder beside it.
fn hostile_root(tmp: tempfile::TempDir, vault: PathBuf) -> Root {
    let root = tmp.path().to_owned();
    let w = |p: PathBuf, bytes: &[u8]| std::fs::write(p, bytes).unwrap();

    std::fs::create_dir(root.join("outside")).unwrap();
    w(
        root.join("outside/secret.md"),
        format!("# Secret\n\n{SECRET} [[NVIDIA]]\n").as_bytes(),
    );
    w(root.join("outside/secret.png"), SECRET.as_bytes());
    std::fs::create_dir(root.join("out")).unwrap();

    let h = vault.join("hostile");
    std::fs::create_dir(&h).unwrap();
    hostile_notes(&h);
    hostile_links(&h);
    let unreadable_blocks = std::fs::read(h.join("unreadable.md")).is_err();
    Root {
        _tmp: tmp,
        root,
        vault,
        unreadable_blocks,
    }
}

/// Notes no parser should choke on: bad encodings, huge lines, deep nesting, YAML bombs.
fn hostile_notes(h: &Path) {
    let w = |p: PathBuf, bytes: &[u8]| std::fs::write(p, bytes).unwrap();
    w(
        h.join("latin1.md"),
        b"Soci\xE9t\xE9 G\xE9n\xE9rale [[Nowhere]]\n",
    );
    w(
        h.join("bom-crlf.md"),
        b"\xEF\xBB\xBF---\r\ntags: [a]\r\n---\r\n# T\r\n\r\n| a | b |\r\n|---|---|\r\n| [[x|y]] | 1 |\r\n",
    );
    w(h.join("nul.md"), b"nul \0 byte [[Also gone]] \0\0\n");
    // 10 MB on one line, with a link at its end that resolves (a finding out there is
    // `a_finding_past_column_65535_is_reported`).
    let mut long = "word ".repeat(2_000_000);
    long.push_str("[[x]]\n");
    w(h.join("long.md"), long.as_bytes());
    w(h.join("x.md"), b"x\n");
    // 10k levels of list on one line (`- - - … item`), and 1000 levels by indentation (an
    // indented 10k-level list is 100 MB).
    w(
        h.join("deep-list.md"),
        format!("{}item [[y]]\n", "- ".repeat(10_000)).as_bytes(),
    );
    let list: String = (0..1_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    w(h.join("deep-list-indented.md"), list.as_bytes());
    w(h.join("y.md"), b"y\n");
    w(
        h.join("deep-quote.md"),
        format!("{}deep [[y]]\n", "> ".repeat(10_000)).as_bytes(),
    );
    w(
        h.join("deep-brackets.md"),
        format!("{}x{}\n", "[".repeat(10_000), "]".repeat(10_000)).as_bytes(),
    );
    let mut bomb = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    bomb.push_str("aliases: *i\ntags: *i\n---\n# Bomb\n");
    w(h.join("yaml-bomb.md"), bomb.as_bytes());
    w(
        h.join("unbalanced.md"),
        b"[[never closed\n![[Partial\n[[a]b]] ]] [[\n%% open comment $ <!-->\n",
    );
    w(
        h.join("escape.md"),
        b"[[../../outside/secret]] ![[../../outside/secret.png]] [x](../../outside/secret.md)\n",
    );
    // One table row of 40k wikilinks with code spans between them: quadratic once (each link
    // recounted the backticks from the row's start).
    let mut row = String::from("| links | n |\n|---|---|\n| ");
    for _ in 0..40_000 {
        row.push_str("[[x]] `c` ");
    }
    row.push_str("| 1 |\n");
    w(h.join("wide-row.md"), row.as_bytes());
}

/// Symbolic links (a loop, out of the vault, dangling) and a file nobody may read.
fn hostile_links(h: &Path) {
    let w = |p: PathBuf, bytes: &[u8]| std::fs::write(p, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::{PermissionsExt, symlink};
        symlink("..", h.join("loop")).unwrap();
        symlink("../../outside/secret.md", h.join("outside-note.md")).unwrap();
        symlink("../../outside", h.join("outside-dir")).unwrap();
        symlink("nowhere.md", h.join("dangling.md")).unwrap();
        w(h.join("unreadable.md"), b"# Unreadable\n");
        std::fs::set_permissions(
            h.join("unreadable.md"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
}

impl Drop for Root {
    /// Gives the unreadable file its permissions back, so the temporary folder can go.
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(
                self.vault.join("hostile/unreadable.md"),
                std::fs::Permissions::from_mode(0o644),
            );
        }
    }
}

/// The run did not crash: exit 0, 1 or 2, no panic message.
fn assert_no_crash(what: &str, o: &Output) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.code().is_some_and(|c| c <= 2),
        "`{what}` crashed: {:?}\n{stderr}",
        o.status
    );
    assert!(!stderr.contains("panicked"), "`{what}` panicked:\n{stderr}");
}

/// Runs `vaultc ARGS` in the vault; fails if anything under the root changed except paths
/// starting with one of `outputs` (root-relative) and the folders holding them.
fn run(r: &Root, args: &[&str], outputs: &[&str]) -> Output {
    let before = snapshot(&r.root);
    let o = crate::vaultc(&r.vault, args);
    assert_no_crash(&args.join(" "), &o);
    assert_only_outputs_changed(&args.join(" "), &before, &snapshot(&r.root), outputs);
    o
}

fn assert_only_outputs_changed(what: &str, before: &Snapshot, after: &Snapshot, outputs: &[&str]) {
    let allowed = |path: &str| {
        outputs.iter().any(|o| {
            path == *o
                || path.starts_with(&format!("{o}/"))
                // The folder an output was written into.
                || Path::new(o).parent().is_some_and(|p| Path::new(path) == p)
        })
    };
    let unexpected: Vec<String> = changes(before, after)
        .into_iter()
        .filter(|p| !allowed(p))
        .collect();
    assert!(
        unexpected.is_empty(),
        "`{what}` changed files outside its output {outputs:?}: {:#?}",
        unexpected
            .iter()
            .map(|p| (p, before.get(p), after.get(p)))
            .collect::<Vec<_>>()
    );
}

/// Removes an output folder or file under the root.
fn remove(r: &Root, rel: &str) {
    let p = r.root.join(rel);
    if p.is_dir() {
        std::fs::remove_dir_all(&p).unwrap();
    } else if p.exists() {
        std::fs::remove_file(&p).unwrap();
    }
}

/// `vaultc --help`'s command list.
fn commands(r: &Root) -> Vec<String> {
    let o = crate::vaultc(&r.vault, &["--help"]);
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    help.split("Commands:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// Runs commands in the root's vault, remembering which ones ran.
struct Runs<'a> {
    r: &'a Root,
    covered: BTreeSet<String>,
}

impl Runs<'_> {
    fn cmd(&mut self, args: &[&str], outputs: &[&str]) -> Output {
        self.covered.insert(args[0].to_owned());
        run(self.r, args, outputs)
    }
}

#[test]
fn no_command_changes_a_byte_it_was_not_asked_to_write() {
    let Some(r) = build_root() else {
        return;
    };
    let start = snapshot(&r.root);
    let mut runs = Runs {
        r: &r,
        covered: BTreeSet::new(),
    };
    // Each command once (a run over this vault takes seconds in a debug build), each check
    // format once.
    let found = check_every_format(&mut runs);
    assert_hostile_findings(&r, &found);
    queries_and_exports(&mut runs);
    // build: into a new folder beside the vault, and into the vault itself (refused: a
    // folder vaultc did not create).
    runs.cmd(&["build", "--out", "../site", "--today", TODAY], &["site"]);
    if r.root.join("site").exists() {
        assert_no_secret(&r.root.join("site"));
    }
    remove(&r, "site");
    runs.cmd(&["build", "--out", ".", "--today", TODAY], &[]);
    runs.cmd(&["cache", "clean"], &[]);
    serve(&r);
    runs.covered.insert("serve".to_owned());
    lsp(&r);
    runs.covered.insert("lsp".to_owned());
    cache_outside_the_vault(&r);

    let missing: Vec<String> = commands(&r)
        .into_iter()
        .filter(|c| !runs.covered.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "commands this test does not run: {missing:?}"
    );
    // Outputs removed, the root is as it was (folders that held outputs aside).
    let end = snapshot(&r.root);
    let changed: Vec<String> = changes(&start, &end)
        .into_iter()
        .filter(|p| !matches!(start.get(p), Some(Entry::Dir(_))))
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
}

/// `check` in every format, and of one folder; the JSON report's findings.
fn check_every_format(runs: &mut Runs<'_>) -> Vec<serde_json::Value> {
    let mut found = Vec::new();
    for format in ["pretty", "concise", "json", "github", "sarif"] {
        let o = runs.cmd(&["check", "--today", TODAY, "--format", format], &[]);
        if format == "json" {
            found = serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout).unwrap();
        }
    }
    runs.cmd(&["check", "--today", TODAY, "--no-cache", "hostile"], &[]);
    found
}

/// Hostile files are findings, never crashes, and nothing outside the vault is walked.
fn assert_hostile_findings(r: &Root, found: &[serde_json::Value]) {
    let of = |path: &str| -> Vec<&str> {
        found
            .iter()
            .filter(|d| d["path"] == path)
            .map(|d| d["rule"].as_str().unwrap())
            .collect()
    };
    assert_eq!(of("hostile/latin1.md"), ["invalid-utf8", "broken-link"]);
    assert!(
        of("hostile/yaml-bomb.md")
            .iter()
            .all(|r| *r == "invalid-frontmatter")
    );
    for unreadable in [
        "hostile/loop",
        "hostile/dangling.md",
        "hostile/outside-note.md",
        "hostile/outside-dir",
    ] {
        assert!(
            of(unreadable).contains(&"unreadable-file"),
            "{unreadable}: {:?}",
            of(unreadable)
        );
    }
    assert!(
        !found.iter().any(|d| d["path"]
            .as_str()
            .unwrap()
            .starts_with("hostile/outside-dir/")),
        "a folder outside the vault was walked"
    );
    if r.unreadable_blocks {
        assert_eq!(of("hostile/unreadable.md"), ["unreadable-file"]);
    } else {
        // As root, chmod 000 does not stop a read: the note is simply read.
        assert!(!of("hostile/unreadable.md").contains(&"unreadable-file"));
    }
}

/// `rule`, the exports (to standard output and to files beside the vault) and the queries.
fn queries_and_exports(runs: &mut Runs<'_>) {
    let r = runs.r;
    runs.cmd(&["rule"], &[]);
    runs.cmd(&["rule", "case-mismatch"], &[]);
    runs.cmd(&["rule", "no-such-rule"], &[]);
    let json = runs.cmd(&["export", "--json", "-", "--today", TODAY], &[]);
    let model = String::from_utf8_lossy(&json.stdout);
    assert!(!model.contains(SECRET), "a file outside the vault was read");
    runs.cmd(
        &["export", "--json", "../out/model.json"],
        &["out/model.json"],
    );
    assert!(r.root.join("out/model.json").is_file());
    remove(r, "out/model.json");
    runs.cmd(
        &["export", "--sqlite", "../out/model.sqlite"],
        &["out/model.sqlite"],
    );
    let out: Vec<_> = std::fs::read_dir(r.root.join("out")).unwrap().collect();
    assert_eq!(out.len(), 1, "export --sqlite left more than its file");
    remove(r, "out/model.sqlite");
    runs.cmd(&["refs", "hostile/latin1", "--json"], &[]);
    runs.cmd(&["backlinks", "../../outside/secret"], &[]);
    runs.cmd(&["tables", "--format", "csv"], &[]);
    runs.cmd(&["graph", "--format", "graphml"], &[]);
    runs.cmd(&["stats", "--json"], &[]);
    runs.cmd(&["path", "Nowhere", "../../outside/secret"], &[]);
    runs.cmd(&["completions", "bash"], &[]);
    runs.cmd(&["man"], &[]);
    runs.cmd(&["man", "--out", "../out/man"], &["out/man"]);
    remove(r, "out/man");
}

/// `serve` starts, serves, and is stopped; it may write only its output folder.
fn serve(r: &Root) {
    let before = snapshot(&r.root);
    let args = [
        "serve",
        "--out",
        "../served",
        "--port",
        "0",
        "--today",
        TODAY,
    ];
    // A loaded machine builds slowly: up to two minutes for the first build.
    crate::serve_and_stop(&r.vault, &args, Duration::from_secs(120));
    assert_only_outputs_changed("serve", &before, &snapshot(&r.root), &["served"]);
    if r.root.join("served").exists() {
        assert_no_secret(&r.root.join("served"));
    }
    remove(r, "served");
}

/// `vaultc lsp` on the vault: an editor opens it, opens and edits a note, asks for a rename
/// (edits are only proposed to the editor) and quits. Nothing on disk changes.
fn lsp(r: &Root) {
    use std::io::Write;
    let before = snapshot(&r.root);
    let vault = r.vault.canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}/{rel}", vault.display());
    let messages = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"capabilities": {}, "rootUri": uri("")}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri("Edited.md"), "languageId": "markdown", "version": 1,
                             "text": "# Edited\n\n[[Somewhere]] #tag\n"}}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/rename", "params": {
            "textDocument": {"uri": uri("Edited.md")}, "position": {"line": 2, "character": 3},
            "newName": "Elsewhere"}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("vaultc"))
        .current_dir(&r.vault)
        .env("NO_COLOR", "1")
        .env("VAULTC_CACHE_DIR", crate::cache_dir())
        .args(["lsp", "--today", TODAY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for m in messages {
        let body = m.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    }
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_no_crash("lsp", &o);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_only_outputs_changed("lsp", &before, &snapshot(&r.root), &[]);
}

/// `vaultc ARGS` in `dir` without `VAULTC_CACHE_DIR`, with the user's cache directory at
/// `home_cache` (`XDG_CACHE_HOME`).
fn run_with_user_cache(dir: &Path, home_cache: &Path, args: &[&str]) -> Output {
    let o = Command::new(assert_cmd::cargo::cargo_bin("vaultc"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("VAULTC_CACHE_DIR")
        .env("XDG_CACHE_HOME", home_cache)
        .args(args)
        .output()
        .unwrap();
    assert_no_crash(&args.join(" "), &o);
    o
}

/// Without `VAULTC_CACHE_DIR` and without a book.toml, `check`, `build` and `export` keep
/// their cache in the user's cache directory, keyed by the vault; `cache clean` removes it.
/// Nothing changes beside the vault but the outputs asked for.
fn cache_outside_the_vault(r: &Root) {
    let home_cache = tempfile::tempdir().unwrap();
    let run_plain = |args: &[&str], outputs: &[&str]| {
        let before = snapshot(&r.root);
        run_with_user_cache(&r.vault, home_cache.path(), args);
        assert_only_outputs_changed(&args.join(" "), &before, &snapshot(&r.root), outputs);
    };
    run_plain(&["check", "--today", TODAY], &[]);
    run_plain(&["check", "--today", TODAY], &[]);
    let kept = walk_files(home_cache.path());
    assert!(
        kept.iter()
            .any(|p| p.starts_with(home_cache.path().join("vaultc"))),
        "the cache is in the user's cache directory: {kept:?}"
    );
    let build = ["build", "--out", "../built", "--today", TODAY];
    run_plain(&build, &["built"]);
    run_plain(&build, &["built"]);
    remove(r, "built");
    let export = ["export", "--today", TODAY, "--json", "../exported.json"];
    run_plain(&export, &["exported.json"]);
    run_plain(&export, &["exported.json"]);
    remove(r, "exported.json");
    run_plain(&["cache", "clean"], &[]);
    assert!(!r.vault.join(".vaultc-cache").exists());
    assert!(
        walk_files(home_cache.path()).is_empty(),
        "cache clean removed everything"
    );
}

#[test]
fn commands_in_a_folder_without_book_toml_write_nothing_into_it() {
    // A `/tmp` or a home folder: notes, and other tools' Markdown (JavaScript packages, a
    // Python virtual environment) that is nobody's notes.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("notes.md", "# Notes\n\n[[Todo]] [[Missing]]\n");
    w("Todo.md", "# Todo\n\n[[Notes]]\n");
    w(
        "node_modules/left-pad/README.md",
        "[[Broken in a package]]\n",
    );
    w("venv/pyvenv.cfg", "home = /usr/bin\n");
    w(
        "venv/lib/site-packages/x/README.md",
        "[[Broken in a virtualenv]]\n",
    );
    let home_cache = tmp.path().join("home-cache");
    let before = snapshot(&dir);
    let run = |args: &[&str]| run_with_user_cache(&dir, &home_cache, args);
    let o = run(&["check", "--today", TODAY, "--format", "concise"]);
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(report.contains("Missing"), "{report}");
    assert!(
        !report.contains("Broken in"),
        "other tools' files were read: {report}"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("no book.toml or .obsidian/ found: treating")
            && stderr.contains("as the vault"),
        "{stderr}"
    );
    for args in [
        &["check", "--today", TODAY][..],
        &["export", "--json", "-", "--today", TODAY],
        &["refs", "Todo"],
        &["backlinks", "Todo"],
        &["tables"],
        &["graph"],
        &["stats"],
        &["path", "notes", "Todo"],
        &["build", "--today", TODAY],
        &["build", "--today", TODAY],
    ] {
        run(args);
    }
    assert_eq!(
        changes(&before, &snapshot(&dir)),
        BTreeSet::new(),
        "written into the folder"
    );
    let site: Vec<PathBuf> = walk_files(&home_cache)
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    assert_eq!(site.len(), 1, "the site went to the user's cache directory");
    let o = run(&["cache", "clean"]);
    assert!(o.status.success());
    assert!(
        walk_files(&home_cache).is_empty(),
        "cache clean removes the site too"
    );
    // A folder with no notes says so.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run_with_user_cache(&empty, &home_cache, &["check", "--today", TODAY]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no notes (.md files) in"));
}

/// No file under `dir` holds the secret kept outside the vault.
fn assert_no_secret(dir: &Path) {
    for entry in walk_files(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{} holds a file from outside the vault",
            entry.display()
        );
    }
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn fix_on_a_hostile_vault_changes_only_fixable_notes_once() {
    let Some(r) = build_root() else {
        return;
    };
    let (found, _) = crate::json(&r.vault, &["--no-cache"]);
    let fixable: BTreeSet<String> = found
        .iter()
        .filter(|d| !d["fix"].is_null())
        .map(|d| format!("vault/{}", d["path"].as_str().unwrap()))
        .collect();
    assert!(
        !fixable.is_empty(),
        "the generated vault has nothing to fix"
    );
    let before_bytes: BTreeMap<String, Vec<u8>> = fixable
        .iter()
        .map(|p| (p.clone(), std::fs::read(r.root.join(p)).unwrap()))
        .collect();

    let before = snapshot(&r.root);
    let o = crate::vaultc(&r.vault, &["check", "--fix", "--today", TODAY]);
    assert_no_crash("check --fix", &o);
    let after = snapshot(&r.root);
    let changed = changes(&before, &after);
    for path in &changed {
        match after.get(path) {
            Some(Entry::File(..)) => {
                assert!(
                    fixable.contains(path),
                    "--fix changed {path}, which had no fix"
                );
                let now = std::fs::read(r.root.join(path)).unwrap();
                if let Err(e) = crate::props::only_fix_differences(&before_bytes[path], &now) {
                    panic!("{path}: {e}");
                }
            }
            // The folder of a fixed note (its temporary file came and went).
            Some(Entry::Dir(_)) => assert!(
                fixable
                    .iter()
                    .any(|f| Path::new(f).parent() == Some(Path::new(path))),
                "--fix touched the folder {path}"
            ),
            other => panic!("--fix made or removed {path}: {other:?}"),
        }
    }
    assert!(
        changed.iter().any(|p| fixable.contains(p)),
        "--fix fixed nothing"
    );
    // Nothing fixable is left, and a second run changes nothing.
    let (left, _) = crate::json(&r.vault, &["--no-cache"]);
    let fixable_left: Vec<_> = left
        .iter()
        .filter(|d| d["rule"] == "table-unescaped-pipe")
        .collect();
    assert!(fixable_left.is_empty(), "{fixable_left:#?}");
    let o = crate::vaultc(&r.vault, &["check", "--fix", "--today", TODAY]);
    assert_no_crash("check --fix (again)", &o);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("Fixed"));
    assert_eq!(changes(&after, &snapshot(&r.root)), BTreeSet::new());
}

/// SPEC §7: symbolic links are followed inside the vault; loops are reported; a link that
/// points outside the vault is neither read nor copied, and reported once.
#[cfg(unix)]
#[test]
fn symlinks_inside_are_followed_outside_are_reported_once_and_never_read() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let (root, vault) = (tmp.path(), tmp.path().join("vault"));
    std::fs::create_dir_all(vault.join("notes")).unwrap();
    std::fs::create_dir_all(root.join("outside/deeper")).unwrap();
    std::fs::write(
        root.join("outside/secret.md"),
        format!("{SECRET} [[Gone]]\n"),
    )
    .unwrap();
    std::fs::write(root.join("outside/deeper/more.md"), SECRET).unwrap();
    std::fs::write(root.join("outside/secret.png"), SECRET).unwrap();
    std::fs::write(vault.join("notes/Real.md"), "# Real\n\n[[Missing one]]\n").unwrap();
    std::fs::write(vault.join("Home.md"), "[[Real]] [[Alias]]\n").unwrap();
    symlink("notes/Real.md", vault.join("Alias.md")).unwrap();
    symlink("notes", vault.join("shortcut")).unwrap();
    symlink("..", vault.join("notes/loop")).unwrap();
    symlink("../outside/secret.md", vault.join("leak.md")).unwrap();
    symlink("../outside/secret.png", vault.join("leak.png")).unwrap();
    symlink("../../outside", vault.join("notes/leak-dir")).unwrap();
    symlink(root.join("outside"), vault.join("abs-leak")).unwrap();
    let before = snapshot(root);

    let (found, _) = crate::json(&vault, &["--no-cache"]);
    let outside: Vec<&str> = found
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("outside the vault"))
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        outside,
        // `shortcut/leak-dir` is `notes/leak-dir` again, through a linked folder.
        ["abs-leak", "leak.md", "leak.png", "notes/leak-dir"],
        "{found:#?}"
    );
    let text = serde_json::to_string(&found).unwrap();
    assert!(
        !text.contains(SECRET) && !text.contains("Gone"),
        "{found:#?}"
    );
    // Inside links are followed: the aliased note and the folder shortcut are read.
    let missing: Vec<&str> = found
        .iter()
        .filter(|d| d["rule"] == "broken-link")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["Alias.md", "notes/Real.md", "shortcut/Real.md"]);
    assert!(
        found
            .iter()
            .any(|d| d["path"] == "notes/loop" && d["rule"] == "unreadable-file"),
        "{found:#?}"
    );

    let o = crate::vaultc(&vault, &["export", "--json", "-"]);
    assert_no_crash("export", &o);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(SECRET));
    let o = crate::vaultc(&vault, &["build", "--out", "../site"]);
    assert_no_crash("build", &o);
    if root.join("site").exists() {
        assert_no_secret(&root.join("site"));
        std::fs::remove_dir_all(root.join("site")).unwrap();
    }
    let changed: Vec<String> = changes(&before, &snapshot(root))
        .into_iter()
        .filter(|p| p.as_str() != "")
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
}

/// SPEC §7: a 10 MB one-line note with a broken link at its end. The pretty report (the
/// default format) panics in miette ("Formatting argument out of range": a column past
/// 65535 is used as a format width); src/report/pretty.rs must cut such a line to a window
/// around the span.
#[test]
fn a_finding_past_column_65535_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut long = "word ".repeat(20_000);
    long.push_str("[[Nowhere]]\n");
    std::fs::write(dir.path().join("long.md"), long).unwrap();
    for format in ["pretty", "concise", "json", "github", "sarif"] {
        let o = crate::vaultc(dir.path(), &["check", "--no-cache", "--format", format]);
        assert_no_crash(&format!("check --format {format}"), &o);
        assert_eq!(o.status.code(), Some(1));
    }
}

/// How long one command may take over the hostile vault below (a debug build on a busy
/// machine); none comes near it unless something hangs or goes quadratic.
const BOUND: Duration = Duration::from_secs(90);

/// `vaultc ARGS` in `dir`, killed and failed when it runs longer than [`BOUND`]; stdout and
/// stderr go to files outside the root, so a large output cannot stall it.
fn bounded(r: &Root, args: &[&str], logs: &Path) -> Output {
    let (out, err) = (logs.join("stdout"), logs.join("stderr"));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("vaultc"))
        .current_dir(&r.vault)
        .env("NO_COLOR", "1")
        .env("VAULTC_CACHE_DIR", crate::cache_dir())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`vaultc {}` ran longer than {BOUND:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: std::fs::read(out).unwrap(),
        stderr: std::fs::read(err).unwrap(),
    }
}

/// Every command that reads the vault, over hostile input alone (no generated vault: this
/// runs on any machine): invalid UTF-8, NUL, BOM and CRLF, a YAML bomb, a 10 MB line, deep
/// nesting, 20k brackets, a 40k-wikilink table row, a symlink loop, dangling and outside
/// symlinks, links that climb out of the vault. Each finishes within [`BOUND`], does not
/// crash, changes no file outside its output, and writes nothing from outside the vault to
/// its output, standard output or standard error.
#[test]
fn every_command_on_hostile_input_finishes_and_stays_in_the_vault() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    std::fs::create_dir(&vault).unwrap();
    std::fs::write(vault.join("Healthy.md"), "# Healthy\n\n[[x]] [[Nowhere]]\n").unwrap();
    let r = hostile_root(tmp, vault);
    let logs = tempfile::tempdir().unwrap();
    let runs: &[(&[&str], &[&str])] = &[
        (&["check", "--today", TODAY, "--format", "json"], &[]),
        (
            &["build", "--out", "../out/site", "--today", TODAY],
            &["out/site"],
        ),
        (&["export", "--json", "--today", TODAY], &[]),
        (
            &[
                "export",
                "--json",
                "../out/m.json",
                "--sqlite",
                "../out/m.db",
            ],
            &["out/m.json", "out/m.db"],
        ),
        (&["refs", "x"], &[]),
        (&["refs", "../../outside/secret", "--json"], &[]),
        (&["backlinks", "x", "--json"], &[]),
        (&["graph", "--format", "json"], &[]),
        (&["graph", "--format", "dot"], &[]),
        (&["graph", "--format", "graphml"], &[]),
        (&["graph", "--format", "mermaid"], &[]),
        (&["stats"], &[]),
        (&["stats", "--json"], &[]),
        (&["tables"], &[]),
        (
            &[
                "tables",
                "--format",
                "csv",
                "--typed",
                "--out",
                "../out/tables",
            ],
            &["out/tables"],
        ),
        (&["path", "Healthy", "x"], &[]),
    ];
    for (args, outputs) in runs {
        let before = snapshot(&r.root);
        let o = bounded(&r, args, logs.path());
        let what = args.join(" ");
        assert_no_crash(&what, &o);
        assert_eq!(
            o.status.code(),
            Some(if args[0] == "check" { 1 } else { 0 }),
            "{what}"
        );
        assert_only_outputs_changed(&what, &before, &snapshot(&r.root), outputs);
        for stream in [&o.stdout, &o.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(SECRET),
                "{what} read outside the vault"
            );
        }
        if r.root.join("out").exists() {
            assert_no_secret(&r.root.join("out"));
        }
    }
    // serve: within the bound too (serve_and_stop fails when it does not start serving).
    let before = snapshot(&r.root);
    let args = [
        "serve",
        "--out",
        "../served",
        "--port",
        "0",
        "--today",
        TODAY,
    ];
    crate::serve_and_stop(&r.vault, &args, BOUND);
    assert_only_outputs_changed("serve", &before, &snapshot(&r.root), &["served"]);
    assert_no_secret(&r.root.join("served"));
}
