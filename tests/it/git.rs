//! Stamps that stay true: `updated-not-bumped`, `check --staged`, and the last commit dates
//! in stats, the exports and the site — on real repositories built with gix in temporary
//! folders (files written, staged into the index, committed on given days; no `git`
//! command).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use serde_json::Value;

use crate::{TODAY, check, fixture, stdout, vaultc};

/// A repository in a temporary folder, built with gix.
pub struct Scratch {
    dir: tempfile::TempDir,
    repo: gix::Repository,
    /// The index, as path → blob.
    staged: BTreeMap<String, ObjectId>,
    head: Option<ObjectId>,
}

impl Scratch {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = gix::init(dir.path()).unwrap();
        Self {
            dir,
            repo,
            staged: BTreeMap::new(),
            head: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        let file = self.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).unwrap();
    }

    /// Stages the files at `paths` as the work tree has them (a missing one as removed).
    pub fn add(&mut self, paths: &[&str]) {
        for path in paths {
            match std::fs::read(self.path().join(path)) {
                Ok(bytes) => {
                    let id = self.repo.write_blob(bytes).unwrap().detach();
                    self.staged.insert((*path).to_owned(), id);
                }
                Err(_) => {
                    self.staged.remove(*path);
                }
            }
        }
        self.write_index();
    }

    /// Stages every file of the work tree, and the removal of those gone.
    pub fn add_all(&mut self) {
        let files = crate::props::snapshot(self.path());
        self.staged.clear();
        for (path, bytes) in files.into_iter().filter(|(p, _)| !p.starts_with(".git/")) {
            let id = self.repo.write_blob(bytes).unwrap().detach();
            self.staged.insert(path, id);
        }
        self.write_index();
    }

    fn tree(&self) -> ObjectId {
        let empty = ObjectId::empty_tree(self.repo.object_hash());
        let mut editor = self.repo.edit_tree(empty).unwrap();
        for (path, id) in &self.staged {
            editor
                .upsert(path.as_str(), gix::objs::tree::EntryKind::Blob, *id)
                .unwrap();
        }
        editor.write().unwrap().detach()
    }

    fn write_index(&self) {
        let mut index = self.repo.index_from_tree(&self.tree()).unwrap();
        index.write(Default::default(), Default::default()).unwrap();
    }

    /// Commits the index on `day` (`YYYY-MM-DD`, at noon UTC).
    pub fn commit(&mut self, day: &str) -> ObjectId {
        let day: jiff::civil::Date = day.parse().unwrap();
        let seconds = day
            .at(12, 0, 0, 0)
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second();
        let signature = gix::actor::Signature {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            time: gix::date::Time { seconds, offset: 0 },
        };
        let (mut a, mut b) = Default::default();
        let id = self
            .repo
            .commit_as(
                signature.to_ref(&mut a),
                signature.to_ref(&mut b),
                "HEAD",
                format!("changes of {day}"),
                self.tree(),
                self.head,
            )
            .unwrap()
            .detach();
        self.head = Some(id);
        id
    }

    /// Stages everything and commits it on `day`.
    pub fn commit_all(&mut self, day: &str) -> ObjectId {
        self.add_all();
        self.commit(day)
    }

    /// The blob the index on disk has at `path`, as text.
    pub fn staged_text(&self, path: &str) -> Option<String> {
        let index = self.repo.open_index().unwrap();
        let entry = index.entry_by_path(path.into())?;
        let blob = self.repo.find_blob(entry.id).unwrap();
        Some(String::from_utf8(blob.data.clone()).unwrap())
    }

    /// The id of the blob HEAD has at `path`.
    pub fn head_blob(&self, path: &str) -> ObjectId {
        let tree = self.repo.head_commit().unwrap().tree().unwrap();
        tree.lookup_entry_by_path(path)
            .unwrap()
            .unwrap()
            .object_id()
    }

    /// Removes an object from the repository, as a partial or damaged clone lacks it.
    pub fn drop_object(&self, id: ObjectId) {
        let hex = id.to_string();
        let file = self
            .path()
            .join(".git/objects")
            .join(&hex[..2])
            .join(&hex[2..]);
        std::fs::remove_file(file).unwrap();
    }

    /// Makes the repository shallow at `boundary`, as a shallow clone is: `.git/shallow`
    /// names it, and its parent's commit is gone.
    pub fn make_shallow(&self, boundary: ObjectId, parent: ObjectId) {
        self.drop_object(parent);
        std::fs::write(self.path().join(".git/shallow"), format!("{boundary}\n")).unwrap();
    }
}

/// For a rule fixture with a `.head/` folder: a repository in a temporary folder whose HEAD
/// holds `.head/`'s files (committed on 2026-01-14) and whose work tree holds the fixture's
/// own (the notes as they are now). `None` for a fixture without one.
pub fn fixture_repo(dir: &Path) -> Option<Scratch> {
    let head = dir.join(".head");
    if !head.is_dir() {
        return None;
    }
    let mut repo = Scratch::new();
    for (path, bytes) in crate::props::snapshot(&head) {
        std::fs::write(repo.path().join(path), bytes).unwrap();
    }
    repo.commit_all("2026-01-14");
    for (path, _) in crate::props::snapshot(&head) {
        repo.remove(&path);
    }
    for (path, bytes) in crate::props::snapshot(dir) {
        if !path.starts_with(".head/") {
            let file = repo.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, bytes).unwrap();
        }
    }
    Some(repo)
}

/// The notes `updated-not-bumped` fires on in a `check --format json` of `dir` (`extra`
/// arguments added), sorted.
fn flagged(dir: &Path, extra: &[&str]) -> Vec<String> {
    let (out, code) = check(dir, "json", extra);
    assert!(code <= 1, "check failed: {out}");
    let found: Vec<Value> = serde_json::from_str(&out).unwrap();
    let mut paths: Vec<String> = found
        .iter()
        .filter(|d| d["rule"] == "updated-not-bumped")
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    paths
}

fn note(title: &str, body: &str, stamp: &str) -> String {
    format!("# {title}\n\n{body}\n\n*Updated {stamp}*\n")
}

#[test]
fn the_fixture_fires_on_every_stamp_form_and_nowhere_else() {
    let repo = fixture_repo(&fixture("rules/updated-not-bumped")).unwrap();
    let fired = flagged(repo.path(), &[]);
    assert_eq!(
        fired,
        [
            "created-updated.md",
            "crlf.md",
            "day-month.md",
            "fm-and-footer.md",
            "fm-datetime.md",
            "fm-double.md",
            "fm-plain.md",
            "fm-single-words.md",
            "footer-iso.md",
            "month.md",
            "slashes.md",
            "words-long.md",
            "words-ordinal.md",
        ]
    );
    // Quiet: bumped, whitespace only, the stamp line moved, a review (the stamp moved
    // without an edit), linter keys, no stamp, already today, unchanged, renamed, new.
    // Outside the repository, the same notes say nothing at all.
    assert!(flagged(&fixture("rules/updated-not-bumped"), &[]).is_empty());
}

#[test]
fn an_edit_without_a_bump_fires_and_fix_bumps_the_stamp() {
    let mut repo = Scratch::new();
    repo.write("Semis.md", &note("Semis", "Capex up.", "2026-01-14"));
    repo.commit_all("2026-01-14");
    repo.write(
        "Semis.md",
        &note("Semis", "Capex up. Guidance raised.", "2026-01-14"),
    );
    let (out, code) = check(repo.path(), "concise", &[]);
    assert_eq!(code, 0, "a warning: {out}");
    assert!(
        out.contains(
            "Semis.md:5:10: warning[updated-not-bumped] note edited since the last commit, but its `updated` stamp still says 2026-01-14"
        ),
        "{out}"
    );
    let fixed = vaultc(repo.path(), &["check", "--today", TODAY, "--fix"]);
    assert!(
        String::from_utf8_lossy(&fixed.stderr).contains("Fixed 1 issue in 1 file."),
        "{fixed:?}"
    );
    assert_eq!(
        repo.read("Semis.md"),
        note("Semis", "Capex up. Guidance raised.", "2026-11-24")
    );
    assert!(flagged(repo.path(), &[]).is_empty());
    // Committed as it is now: nothing to say either.
    repo.commit_all("2026-11-24");
    assert!(flagged(repo.path(), &[]).is_empty());
}

#[test]
fn staged_judges_the_index_and_fix_leaves_it_alone() {
    let mut repo = Scratch::new();
    repo.write("A.md", &note("A", "First.", "2026-01-14"));
    repo.write("B.md", &note("B", "First.", "2026-01-14"));
    repo.commit_all("2026-01-14");
    let staged_a = note("A", "First. Then staged.", "2026-01-14");
    repo.write("A.md", &staged_a);
    repo.add(&["A.md"]);
    repo.write("B.md", &note("B", "First. Not staged.", "2026-01-14"));
    assert_eq!(flagged(repo.path(), &["--staged"]), ["A.md"]);
    assert_eq!(flagged(repo.path(), &[]), ["A.md", "B.md"]);
    // The fix edits the file; the index keeps what was staged, for the user to see and add.
    let fixed = vaultc(
        repo.path(),
        &["check", "--today", TODAY, "--staged", "--fix"],
    );
    assert!(
        String::from_utf8_lossy(&fixed.stderr).contains("Fixed 1 issue in 1 file."),
        "{fixed:?}"
    );
    assert_eq!(
        repo.read("A.md"),
        note("A", "First. Then staged.", "2026-11-24")
    );
    assert_eq!(
        repo.read("B.md"),
        note("B", "First. Not staged.", "2026-01-14")
    );
    assert_eq!(repo.staged_text("A.md").as_deref(), Some(staged_a.as_str()));
    assert!(
        stdout(&fixed).contains("the file's stamp says 2026-11-24: stage it (`git add`)"),
        "{}",
        stdout(&fixed)
    );
    // A second run has nothing more to fix; staging the file quiets the rule.
    let again = vaultc(
        repo.path(),
        &["check", "--today", TODAY, "--staged", "--fix"],
    );
    assert!(!String::from_utf8_lossy(&again.stderr).contains("Fixed"));
    repo.add(&["A.md"]);
    assert!(flagged(repo.path(), &["--staged"]).is_empty());
    // What is staged counts, not the file: an unstaged edit after a staged bump is quiet.
    repo.write(
        "A.md",
        &note("A", "First. Then staged. And more.", "2026-11-24"),
    );
    assert!(flagged(repo.path(), &["--staged"]).is_empty());
}

#[test]
fn a_renamed_note_is_quiet_until_committed_then_dated_by_the_rename() {
    let mut repo = Scratch::new();
    repo.write("old.md", &note("Old", "Thesis.", "2026-01-10"));
    repo.commit_all("2026-01-10");
    repo.remove("old.md");
    repo.write("new.md", &note("Old", "Thesis, revised.", "2026-01-10"));
    assert!(flagged(repo.path(), &[]).is_empty(), "untracked");
    repo.add(&["old.md", "new.md"]);
    assert!(flagged(repo.path(), &["--staged"]).is_empty(), "renamed");
    assert!(flagged(repo.path(), &[]).is_empty());
    repo.commit("2026-02-01");
    let dates = note_dates(repo.path());
    assert_eq!(
        dates["new.md"],
        ("2026-01-10".into(), Some("2026-02-01".into()), true)
    );
    // Under its new name now: an edit without a bump fires.
    repo.write(
        "new.md",
        &note("Old", "Thesis, revised twice.", "2026-01-10"),
    );
    assert_eq!(flagged(repo.path(), &[]), ["new.md"]);
}

#[test]
fn outside_a_repository_git_says_nothing() {
    let dir = crate::copy_fixture("rules/updated-not-bumped");
    assert!(flagged(dir.path(), &[]).is_empty());
    assert!(flagged(dir.path(), &["--staged"]).is_empty());
    let stats = vaultc(dir.path(), &["stats", "--json"]);
    assert!(stats.status.success());
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert!(stats["history"].is_null());
    let export = vaultc(dir.path(), &["export", "--today", TODAY, "--json", "-"]);
    let export: Value = serde_json::from_slice(&export.stdout).unwrap();
    assert!(
        export["notes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["last_commit"].is_null())
    );
}

/// `stats --json`'s notes: path → (stamp, last commit day, edited after the stamp).
fn note_dates(dir: &Path) -> BTreeMap<String, (String, Option<String>, bool)> {
    let o = vaultc(dir, &["stats", "--json"]);
    assert!(o.status.success(), "{o:?}");
    let stats: Value = serde_json::from_slice(&o.stdout).unwrap();
    stats["history"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["path"].as_str().unwrap().to_owned(),
                (
                    n["updated"].as_str().unwrap_or("").to_owned(),
                    n["last_commit"].as_str().map(str::to_owned),
                    n["edited_after_stamp"].as_bool().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_shallow_clone_dates_what_it_holds_and_judges_as_usual() {
    let mut repo = Scratch::new();
    for name in ["a", "b", "c"] {
        repo.write(&format!("{name}.md"), &note(name, "First.", "2026-01-01"));
    }
    let first = repo.commit_all("2026-01-01");
    repo.write("a.md", &note("a", "Second.", "2026-02-01"));
    let boundary = repo.commit_all("2026-02-01");
    repo.write("b.md", &note("b", "Third.", "2026-03-01"));
    repo.commit_all("2026-03-01");
    repo.make_shallow(boundary, first);
    let dates = note_dates(repo.path());
    // The boundary's own changes cannot be told from what came before it: undated.
    assert_eq!(dates["a.md"].1, None);
    assert_eq!(dates["b.md"].1.as_deref(), Some("2026-03-01"));
    assert_eq!(dates["c.md"].1, None);
    let stats: Value =
        serde_json::from_slice(&vaultc(repo.path(), &["stats", "--json"]).stdout).unwrap();
    assert_eq!(stats["history"]["shallow"], true);
    repo.write("c.md", &note("c", "Edited.", "2026-01-01"));
    assert_eq!(flagged(repo.path(), &[]), ["c.md"]);
    let text = stdout(&vaultc(repo.path(), &["stats"]));
    assert!(text.contains(", a shallow clone)"), "{text}");
}

#[test]
fn a_note_whose_history_is_missing_is_quiet() {
    let mut repo = Scratch::new();
    repo.write("a.md", &note("a", "First.", "2026-01-01"));
    repo.write("b.md", &note("b", "First.", "2026-01-01"));
    repo.commit_all("2026-01-01");
    repo.drop_object(repo.head_blob("a.md"));
    repo.write("a.md", &note("a", "Edited.", "2026-01-01"));
    repo.write("b.md", &note("b", "Edited.", "2026-01-01"));
    assert_eq!(flagged(repo.path(), &[]), ["b.md"]);
    assert_eq!(flagged(repo.path(), &["--no-cache"]), ["b.md"]);
}

/// The check's output, and the same check without the cache.
fn both_ways(dir: &Path, extra: &[&str]) -> String {
    let (cached, _) = check(dir, "concise", extra);
    let mut fresh = extra.to_vec();
    fresh.push("--no-cache");
    let (uncached, _) = check(dir, "concise", &fresh);
    assert_eq!(cached, uncached, "the cached run differs ({extra:?})");
    cached
}

#[test]
fn the_cache_follows_commits_and_the_index() {
    let mut repo = Scratch::new();
    for i in 0..30 {
        repo.write(&format!("n{i:02}.md"), &note("N", "First.", "2026-01-14"));
    }
    repo.commit_all("2026-01-14");
    repo.write("n03.md", &note("N", "Edited.", "2026-01-14"));
    let fires = both_ways(repo.path(), &[]);
    assert!(
        fires.contains("n03.md:5:10: warning[updated-not-bumped]"),
        "{fires}"
    );
    assert_eq!(both_ways(repo.path(), &[]), fires, "replayed");
    // A commit moves HEAD without touching a file: the finding goes.
    repo.commit_all("2026-01-20");
    assert!(!both_ways(repo.path(), &[]).contains("updated-not-bumped"));
    // An edit, then staging it: --staged follows the index.
    repo.write("n07.md", &note("N", "Edited.", "2026-01-14"));
    assert!(!both_ways(repo.path(), &["--staged"]).contains("updated-not-bumped"));
    assert!(both_ways(repo.path(), &[]).contains("n07.md:5:10"));
    repo.add(&["n07.md"]);
    assert!(both_ways(repo.path(), &["--staged"]).contains("n07.md:5:10"));
    repo.commit("2026-01-21");
    assert!(!both_ways(repo.path(), &["--staged"]).contains("updated-not-bumped"));
    assert!(!both_ways(repo.path(), &[]).contains("updated-not-bumped"));
}

#[test]
fn two_thousand_commits_date_every_note_and_edits_are_judged() {
    let mut repo = Scratch::new();
    let notes = 20;
    let start: jiff::civil::Date = "2020-01-01".parse().unwrap();
    let mut last = BTreeMap::new();
    for i in 0..2000 {
        let day = start
            .checked_add(jiff::Span::new().days(i))
            .unwrap()
            .to_string();
        // Note k changes in commits k, k + 20, …; note 19 only in the first commit.
        let k = if i == 0 { notes - 1 } else { i % (notes - 1) };
        let name = format!("n{k:02}.md");
        repo.write(&name, &note("N", &format!("Change {i}."), "2020-01-01"));
        repo.add(&[name.as_str()]);
        repo.commit(&day);
        last.insert(name, day);
    }
    let dir = repo.path().to_owned();
    let dated = |dir: &PathBuf| -> BTreeMap<String, String> {
        let o = vaultc(dir, &["export", "--today", TODAY, "--json", "-"]);
        assert!(o.status.success(), "{o:?}");
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                let path = n["path"].as_str().unwrap().to_owned();
                (path, n["last_commit"]["date"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    assert_eq!(dated(&dir), last);
    // Kept in the store: a second run reads it; one more commit walks only that commit.
    assert_eq!(dated(&dir), last);
    repo.write("n19.md", &note("N", "At last.", "2020-01-01"));
    repo.add(&["n19.md"]);
    repo.commit("2026-01-01");
    last.insert("n19.md".into(), "2026-01-01".into());
    assert_eq!(dated(&dir), last);
    assert_eq!(note_dates(&dir), {
        let mut want = BTreeMap::new();
        for (path, day) in &last {
            want.insert(
                path.clone(),
                (
                    "2020-01-01".into(),
                    Some(day.clone()),
                    day.as_str() > "2020-01-01",
                ),
            );
        }
        want
    });
    // The rule on the long history: an edit without a bump fires, staged or not.
    assert!(flagged(&dir, &[]).is_empty());
    repo.write("n05.md", &note("N", "Edited at last.", "2020-01-01"));
    assert_eq!(flagged(&dir, &[]), ["n05.md"]);
    assert!(flagged(&dir, &["--staged"]).is_empty());
    repo.add(&["n05.md"]);
    assert_eq!(flagged(&dir, &["--staged"]), ["n05.md"]);
}

#[test]
fn stats_exports_and_the_site_show_the_last_commit_beside_the_stamp() {
    let mut repo = Scratch::new();
    repo.write("a.md", &note("A", "Kept.", "2026-01-14"));
    repo.write("b.md", &note("B", "First.", "2026-01-14"));
    repo.commit_all("2026-01-14");
    repo.write("b.md", &note("B", "Edited later.", "2026-01-14"));
    repo.commit_all("2026-03-02");
    repo.write("c.md", &note("C", "Untracked.", "2026-01-14"));
    let dates = note_dates(repo.path());
    assert_eq!(
        dates["a.md"],
        ("2026-01-14".into(), Some("2026-01-14".into()), false)
    );
    assert_eq!(
        dates["b.md"],
        ("2026-01-14".into(), Some("2026-03-02".into()), true)
    );
    assert_eq!(dates["c.md"], ("2026-01-14".into(), None, false));
    let text = stdout(&vaultc(repo.path(), &["stats"]));
    assert!(
        text.contains("  2 of 3 notes dated by a commit\n"),
        "{text}"
    );
    assert!(text.contains("  1 edited after their `updated` stamp (last commit, stamp):\n  2026-03-02  2026-01-14  b.md\n"), "{text}");
    // The JSON export, valid against its schema.
    let o = vaultc(repo.path(), &["export", "--today", TODAY, "--json", "-"]);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    crate::export::assert_valid(&doc);
    let b = &doc["notes"][1];
    assert_eq!(b["path"], "b.md");
    assert_eq!(b["last_commit"]["date"], "2026-03-02");
    assert_eq!(b["last_commit"]["after_stamp"], true);
    assert_eq!(b["last_commit"]["commit"].as_str().unwrap().len(), 40);
    assert!(doc["notes"][2]["last_commit"].is_null());
    // SQLite.
    let db = repo.path().join("model.db");
    let o = vaultc(
        repo.path(),
        &["export", "--today", TODAY, "--sqlite", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{o:?}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: Vec<(String, Option<String>)> = conn
        .prepare("SELECT path, last_commit FROM notes ORDER BY path")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            ("a.md".into(), Some("2026-01-14".into())),
            ("b.md".into(), Some("2026-03-02".into())),
            ("c.md".into(), None)
        ]
    );
    std::fs::remove_file(&db).unwrap();
    // The site: a badge on b's page only.
    let site = tempfile::tempdir().unwrap();
    let o = vaultc(
        repo.path(),
        &[
            "build",
            "--today",
            TODAY,
            "--out",
            site.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{o:?}");
    let page = |name: &str| std::fs::read_to_string(site.path().join(name)).unwrap();
    let badge = "<span class=\"badge edited\" title=\"Last changed in a commit of 2026-03-02\">edited after its stamp</span>";
    assert!(page("b.html").contains(badge), "{}", page("b.html"));
    assert!(!page("a.html").contains("badge edited"));
    assert!(!page("c.html").contains("badge edited"));
}
