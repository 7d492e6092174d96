//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by pre-commit itself in a scratch
//! git repository holding a copy of the sample vault (see [`crate::support::precommit`]).

use crate::support::precommit::{Scratch, pre_commit};

/// A clean commit passes; renaming `NVIDIA.md` breaks the links to it, and the hook blocks
/// the commit with broken-link findings in notes that were not staged.
fn clean_commit_passes_and_a_rename_is_blocked(hook: &str) {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let s = Scratch::new(&pre_commit, hook);
    let direct = crate::vaultc(&s.dir, &["check", "--today", crate::TODAY]);
    assert_eq!(direct.status.code(), Some(0), "the scratch vault is clean");

    let first = s.commit_all("notes");
    let said = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(
        first.status.success(),
        "{hook}: a clean commit passes:\n{}",
        said(&first)
    );
    assert!(
        said(&first).contains("Passed"),
        "{hook} ran:\n{}",
        said(&first)
    );
    assert_eq!(s.commits(), 1);

    let o = s.git(&[
        "mv",
        "vault/Actors/NVIDIA.md",
        "vault/Actors/Nvidia Corporation.md",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    let blocked = s.commit_all("rename NVIDIA");
    let out = said(&blocked);
    assert!(
        !blocked.status.success(),
        "{hook}: the rename is blocked:\n{out}"
    );
    assert!(out.contains("Failed"), "{out}");
    assert!(
        out.contains(
            "vault/Actors/Michael Burry.md:10:16: error[broken-link] link target `NVIDIA`"
        ),
        "{hook}: a note that was not staged reports the broken link:\n{out}"
    );
    assert_eq!(s.commits(), 1, "nothing was committed");
}

/// `vaultc-check-system`: the vaultc on PATH (here, the one these tests built).
#[test]
fn system_hook_passes_a_clean_commit_and_blocks_a_rename() {
    clean_commit_passes_and_a_rename_is_blocked("vaultc-check-system");
}

/// `vaultc-check`: pre-commit compiles vaultc from the hook repository (`language: rust`),
/// which takes minutes the first time; so it runs under `VAULTC_REQUIRE_ALL=1` (CI) or
/// `VAULTC_PRECOMMIT_RUST=1`, and otherwise says it is skipped.
#[test]
fn rust_hook_passes_a_clean_commit_and_blocks_a_rename() {
    let wanted =
        crate::require_all() || std::env::var_os("VAULTC_PRECOMMIT_RUST").is_some_and(|v| v == "1");
    if !wanted {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr().lock(),
            b"skipped precommit::rust_hook_passes_a_clean_commit_and_blocks_a_rename: it \
              compiles vaultc in release (minutes); set VAULTC_PRECOMMIT_RUST=1 to run it\n",
        );
        return;
    }
    clean_commit_passes_and_a_rename_is_blocked("vaultc-check");
}
