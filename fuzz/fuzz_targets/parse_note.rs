//! The whole note parser on arbitrary bytes: no panic, the decoded text is the input, and
//! every span of the note is valid (see `vaultc_fuzz::invariants`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultc_fuzz::invariants;

fuzz_target!(|data: &[u8]| {
    let note = vaultc::parse::parse_note("fuzz.md".to_owned(), data.to_vec());
    if let Some(p) = invariants::decode_problem(data, &note) {
        panic!("decode: {p}");
    }
    let problems = invariants::problems(&note);
    assert!(problems.is_empty(), "{problems:#?}");
});
