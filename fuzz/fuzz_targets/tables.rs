//! Table rows built from the bytes (pipes, escaped pipes, split wikilinks, code, embeds):
//! the row scanner and the split-link reader, through `parse_note`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultc_fuzz::{invariants, soup};

fuzz_target!(|data: &[u8]| {
    let input = soup::table(data);
    let note = vaultc::parse::parse_note("fuzz.md".to_owned(), input.into_bytes());
    let problems = invariants::problems(&note);
    assert!(problems.is_empty(), "{problems:#?}");
});
