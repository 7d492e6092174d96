//! Each rule's fixture vault (`tests/fixtures/rules/<rule>/`), checked with every rule at
//! its default level (plus the folder's own book.toml), snapshotted as concise output.

use crate::{check, fixture};

#[test]
fn rule_fixtures() {
    let root = fixture("rules");
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures/rules exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for name in vaultc::rules::rule_names() {
        if name == "unreadable-file" || name == "invalid-utf8" {
            continue; // binary and permission cases are built at test time in badinput.rs
        }
        assert!(
            root.join(name).is_dir(),
            "rule `{name}` has no fixture folder"
        );
    }
    for dir in folders {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (out, _) = check(&dir, "concise", &[]);
        insta::assert_snapshot!(format!("rule_{name}"), out);
    }
}
