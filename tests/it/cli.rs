//! The CLI: every output format, exit codes, the PATHS form, `--fix`, config errors.

use crate::{check, copy_fixture, fixture, json, stdout, vaultc};

/// The formats fixture in one format, snapshotted: a test per format, so that one mismatch
/// does not hide the others.
fn format_snapshot(format: &str) {
    let (out, code) = check(&fixture("formats"), format, &[]);
    assert_eq!(code, 1, "{format}");
    insta::assert_snapshot!(format!("format_{format}"), out);
}

macro_rules! format_snapshots {
    ($($test:ident: $format:literal),* $(,)?) => {
        $(#[test] fn $test() { format_snapshot($format) })*
    };
}

format_snapshots! {
    format_pretty_snapshot: "pretty",
    format_concise_snapshot: "concise",
    format_json_snapshot: "json",
    format_github_snapshot: "github",
    format_sarif_snapshot: "sarif",
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let (out, _) = check(&fixture("formats"), "sarif", &[]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
}

/// SARIF regions on a line of multibyte text: columns count code points (`columnKind:
/// unicodeCodePoints`), offsets count bytes and say so (`byteOffset`, `byteLength`); no
/// `charOffset` claims characters it does not count.
#[test]
fn sarif_regions_on_multibyte_text_agree_with_the_column_kind() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Société\n\nÉtude — « Générale » 🚀 [[Nowhere]] fin\n";
    std::fs::write(dir.path().join("n.md"), text).unwrap();
    let (out, _) = check(dir.path(), "sarif", &[]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let region = &run["results"][0]["locations"][0]["physicalLocation"]["region"];
    let line = text.lines().nth(2).unwrap();
    let link = "[[Nowhere]]";
    let byte_col = line.find(link).unwrap();
    let point_col = line[..byte_col].chars().count();
    assert_ne!(byte_col, point_col, "the line is multibyte before the link");
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], point_col + 1);
    assert_eq!(region["endColumn"], point_col + 1 + link.chars().count());
    let start = region["byteOffset"].as_u64().unwrap() as usize;
    let len = region["byteLength"].as_u64().unwrap() as usize;
    assert_eq!(&text.as_bytes()[start..start + len], link.as_bytes());
    if let Some(offset) = region.get("charOffset") {
        let points = text[..start].chars().count();
        assert_eq!(offset, points, "charOffset counts code points");
    }
}

/// Pretty output leaves a blank line after each finding, as rustc and ruff do.
#[test]
fn pretty_findings_stand_apart() {
    let (out, _) = check(&fixture("formats"), "pretty", &[]);
    assert!(
        out.contains("help: write `NVIDIA`\n\nbroken-link\n"),
        "{out}"
    );
    assert!(out.contains(" ╰────\n\nbroken-link\n"), "{out}");
    assert!(
        out.ends_with("stamp\n\nFound 3 errors, 1 warning and 1 info (2 fixable with `--fix`).\n"),
        "{out}"
    );
}

#[test]
fn exit_codes_mean_clean_findings_and_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n\n[[b]]\n").unwrap();
    std::fs::write(dir.path().join("b.md"), "# B\n\n*Updated 2020-01-01*\n").unwrap();
    assert_eq!(
        check(dir.path(), "concise", &[]).1,
        0,
        "a stale note is only a warning"
    );
    assert_eq!(check(dir.path(), "concise", &["--deny", "warnings"]).1, 1);
    std::fs::write(dir.path().join("c.md"), "[[missing]]\n").unwrap();
    assert_eq!(check(dir.path(), "concise", &[]).1, 1);
    assert_eq!(
        vaultc(dir.path(), &["check", "--today", "2026-13-45"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        vaultc(dir.path(), &["check", "nowhere.md"]).status.code(),
        Some(2)
    );
    assert_eq!(
        vaultc(dir.path(), &["check", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn paths_limit_the_report_but_links_resolve_against_the_whole_vault() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "[[b]] [[gone-a]]\n").unwrap();
    std::fs::write(dir.path().join("b.md"), "[[a]] [[gone-b]]\n").unwrap();
    let (found, code) = json(dir.path(), &["a.md"]);
    assert_eq!(code, 1);
    let paths: Vec<&str> = found.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a.md"], "only a.md is reported, and [[b]] resolves");
    assert!(found[0]["message"].as_str().unwrap().contains("gone-a"));
}

#[test]
fn fix_escapes_pipes_and_fixes_case_changing_nothing_else() {
    let dir = copy_fixture("formats");
    let before = std::fs::read_to_string(dir.path().join("Rotation.md")).unwrap();
    let o = vaultc(
        dir.path(),
        &[
            "check",
            "--today",
            crate::TODAY,
            "--format",
            "concise",
            "--fix",
        ],
    );
    let after = std::fs::read_to_string(dir.path().join("Rotation.md")).unwrap();
    let expected = before
        .replace("[[nvidia]]", "[[NVIDIA|nvidia]]")
        .replace("[[NVIDIA|NVDA]]", "[[NVIDIA\\|NVDA]]");
    assert_eq!(after, expected);
    assert!(String::from_utf8_lossy(&o.stderr).contains("Fixed 2 issues in 1 file"));
    let out = stdout(&o);
    assert!(
        !out.contains("case-mismatch") && !out.contains("table-unescaped-pipe"),
        "{out}"
    );
    // Without --fix nothing is ever written.
    let untouched = copy_fixture("formats");
    check(untouched.path(), "concise", &[]);
    assert_eq!(
        std::fs::read_to_string(untouched.path().join("Rotation.md")).unwrap(),
        before
    );
}

#[test]
fn rule_command_prints_docs_and_lists_rules() {
    let here = fixture("formats");
    let list = stdout(&vaultc(&here, &["rule"]));
    for name in vaultc::rules::rule_names() {
        assert!(list.contains(name), "{name} missing from `vaultc rule`");
    }
    let doc = stdout(&vaultc(&here, &["rule", "table-unescaped-pipe"]));
    assert!(
        doc.starts_with("# table-unescaped-pipe (default: error, fixable with --fix)"),
        "{doc}"
    );
    assert!(doc.contains("## Why is this bad?"));
    let o = vaultc(&here, &["rule", "broken-lnk"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `broken-link`?"));
}

#[test]
fn config_errors_name_the_key_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\nsrc = \"notes\"\n\n[lint]\nstale-afer = \"90d\"\n",
    )
    .unwrap();
    let o = vaultc(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown field `stale-afer`"), "{err}");
    assert!(err.contains("book.toml:5:1"), "{err}");
}

#[test]
fn book_toml_levels_planned_and_src_are_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("notes/a.md"), "[[Palantir]] [[Nowhere]]\n").unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\nsrc = \"notes\"\n[lint]\nplanned = [\"palantir\"]\n[lint.rules]\nbroken-link = \"warn\"\norphan-note = \"info\"\n",
    )
    .unwrap();
    let (found, code) = json(dir.path(), &[]);
    assert_eq!(code, 0, "broken-link lowered to a warning");
    let rules: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["level"].as_str().unwrap(),
                d["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("orphan-note", "info", "notes/a.md"),
            ("broken-link", "warning", "notes/a.md")
        ]
    );
}

#[test]
fn every_command_takes_the_vault_as_a_path_and_finds_its_book_toml_from_there() {
    // Run from this repository's root, whose own book.toml names the sample vault: the path
    // given decides which vault (and which book.toml) a command reads.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let other = copy_fixture("formats");
    let path = other.path().to_str().unwrap();
    let in_vault = |args: &[&str]| stdout(&vaultc(other.path(), args));
    for args in [
        &["stats", "--json"][..],
        &["graph", "--format", "dot"],
        &["tables"],
    ] {
        let mut with_path = args.to_vec();
        with_path.insert(1, path);
        assert_eq!(
            stdout(&vaultc(repo, &with_path)),
            in_vault(args),
            "{args:?} with the vault's path"
        );
        let mut with_flag = vec!["--vault", path];
        with_flag.extend_from_slice(args);
        assert_eq!(
            stdout(&vaultc(repo, &with_flag)),
            in_vault(args),
            "{args:?} with --vault"
        );
    }
    // Commands with their own arguments take the vault last.
    let refs = stdout(&vaultc(repo, &["refs", "NVIDIA", path, "--json"]));
    assert!(refs.contains("\"path\": \"Actors/NVIDIA.md\""), "{refs}");
    let hops = vaultc(repo, &["path", "Rotation", "NVIDIA", path]);
    assert!(stdout(&hops).contains("→ NVIDIA"), "{}", stdout(&hops));
    // `check PATH` of another vault is that vault, not "outside" this one.
    let (found, code) = crate::json(repo, &[path]);
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|d| d["path"].as_str().unwrap().ends_with("Rotation.md")),
        "{found:?}"
    );
    // A build of it goes to its book.toml's folder, wherever it is run from.
    let o = vaultc(repo, &["build", path, "--today", crate::TODAY]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(other.path().join("book/index.html").is_file());
    let twice = vaultc(repo, &["stats", path, "--vault", path]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("given twice"));
}

/// `serve` on a busy port fails at once with a message that says what to do, before it
/// builds anything.
#[test]
fn serve_on_a_busy_port_fails_before_building() {
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = vaultc(
        repo,
        &[
            "serve",
            "--port",
            &port,
            "--out",
            site.to_str().unwrap(),
            "--today",
            crate::TODAY,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{err}"
    );
    assert!(
        err.contains("--port N") && err.contains("--port 0"),
        "{err}"
    );
    assert_eq!(err.matches("in use").count(), 1, "said once: {err}");
    assert!(
        !site.exists(),
        "nothing was built before the port was checked"
    );
    assert!(o.stdout.is_empty());
}

/// The subcommands `vaultc --help` lists.
fn subcommands() -> Vec<String> {
    let help = stdout(&vaultc(std::path::Path::new("."), &["--help"]));
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

/// `vaultc completions SHELL` prints a script for the shell that knows every subcommand;
/// bash reads the bash one without a syntax error.
#[test]
fn completions_know_every_subcommand() {
    let commands = subcommands();
    assert!(commands.contains(&"completions".to_owned()), "{commands:?}");
    for (shell, marker) in [
        ("bash", "complete -F _vaultc"),
        ("zsh", "#compdef vaultc"),
        ("fish", "complete -c vaultc"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = vaultc(std::path::Path::new("."), &["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell} lacks {command}");
        }
        assert!(script.contains("--table"), "{shell} completes options too");
    }
    let script = stdout(&vaultc(std::path::Path::new("."), &["completions", "bash"]));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    let bash = crate::runs("bash", &["--version"]);
    if crate::require_tool(bash, "bash", "apt-get install bash") {
        let o = std::process::Command::new("bash")
            .arg("-n")
            .arg(file.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// `vaultc man` prints the man page (roff) naming every subcommand; `--out DIR` writes a
/// page per command.
#[test]
fn man_pages_cover_every_command() {
    let o = vaultc(std::path::Path::new("."), &["man"]);
    assert!(o.status.success());
    let page = stdout(&o);
    assert!(page.contains(".TH vaultc 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for command in subcommands() {
        assert!(
            page.contains(&format!("vaultc\\-{command}(1)")),
            "{command}:\n{page}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let o = vaultc(
        std::path::Path::new("."),
        &["man", "--out", tmp.path().to_str().unwrap()],
    );
    assert!(o.status.success());
    for command in subcommands() {
        let path = tmp.path().join(format!("vaultc-{command}.1"));
        let page = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(page.contains(".TH vaultc-"), "{}", path.display());
    }
    assert!(tmp.path().join("vaultc-cache-clean.1").is_file());
    let err = String::from_utf8_lossy(&o.stderr);
    let pages = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(
        err,
        format!(
            "vaultc: wrote {pages} man pages into {}\n",
            tmp.path().display()
        )
    );
}
