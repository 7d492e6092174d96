//! `vaultc-floor VAULT`: the least work any vault checker has to do — find the notes, read
//! them, and run one pulldown-cmark pass over each — so `vaultc check` can be measured
//! against it. Prints the file and event counts so none of the work can be optimised away.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ignore::WalkBuilder;
use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(root), None) = (args.next(), args.next()) else {
        eprintln!("usage: vaultc-floor VAULT");
        return ExitCode::from(2);
    };
    let root = PathBuf::from(root);

    // The same walk rules as vaultc: skip hidden entries, honour .gitignore even outside a
    // git checkout (vaults usually are not repositories).
    let files: Vec<PathBuf> = WalkBuilder::new(&root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();

    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;

    let counts: Result<Vec<usize>, (PathBuf, std::io::Error)> =
        files.par_iter().map(|p| parse(p, opts)).collect();
    match counts {
        Ok(counts) => {
            let events: usize = counts.iter().sum();
            println!("files: {}  events: {}", files.len(), events);
            ExitCode::SUCCESS
        }
        Err((path, err)) => {
            eprintln!("vaultc-floor: {}: {err}", path.display());
            ExitCode::from(2)
        }
    }
}

/// Reads one note and returns how many events a full offset-tracking parse yields.
fn parse(path: &Path, opts: Options) -> Result<usize, (PathBuf, std::io::Error)> {
    let text = std::fs::read_to_string(path).map_err(|e| (path.to_path_buf(), e))?;
    // into_offset_iter() because vaultc needs spans for diagnostics; it costs a little more
    // than the plain iterator.
    Ok(Parser::new_ext(&text, opts).into_offset_iter().count())
}
