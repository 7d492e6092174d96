//! The frontmatter reader (private; reached through `parse_note`): `---\n`, then YAML built
//! from the bytes (Obsidian keys, anchors, aliases, tags, quotes, multibyte text) or the raw
//! bytes, then a closing fence or none.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultc_fuzz::{invariants, soup};

fuzz_target!(|data: &[u8]| {
    let input = soup::frontmatter(data);
    let note = vaultc::parse::parse_note("fuzz.md".to_owned(), input.clone());
    if let Some(p) = invariants::decode_problem(&input, &note) {
        panic!("decode: {p}");
    }
    let problems = invariants::problems(&note);
    assert!(problems.is_empty(), "{problems:#?}");
});
