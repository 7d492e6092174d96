//! Markdown-shaped text from arbitrary bytes: each byte picks a token from a vocabulary of
//! the syntax the parser cares about, so the fuzzer spends its time in links, tables and
//! frontmatter instead of in plain prose.

/// Syntax that crosses the parser's paths: links, pipes, escapes, code, comments, math,
/// headings, block ids, tags, lists, quotes, stamps, line endings and multibyte text.
pub const MARKDOWN: &[&str] = &[
    "[[",
    "]]",
    "![[",
    "|",
    "\\|",
    "\\",
    "#",
    "^",
    "^id",
    "%%",
    "$",
    "`",
    "```",
    "---",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "a",
    "Note",
    "NVIDIA",
    "é",
    "日本",
    "🦀",
    "\u{FEFF}",
    "\0",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<!--",
    "-->",
    "> ",
    "- ",
    "1. ",
    "* ",
    "**",
    "_",
    "~~",
    "#tag",
    "# H\n",
    "## ",
    "[^1]",
    ":",
    "<b>",
    "&amp;",
    "http://x",
    "x.md",
    "#^",
    "#H#I",
    "    ",
    "$$",
    "==",
    "*Updated ",
    "Created ",
    "2026-01-14",
    "Jan 2026",
    " · ",
    "中文",
];

/// Table syntax on top of [`MARKDOWN`].
pub const TABLE: &[&str] = &[
    "|",
    "|",
    "\\|",
    "[[",
    "]]",
    "![[",
    "[[a|b]]",
    "[[a\\|b]]",
    "![[c.png|200]]",
    "`",
    " ",
    "a",
    "é",
    "🦀",
    ":-",
    "-:",
    ":-:",
    "---",
    "|---|",
    "\\",
    "#",
    "^",
    "%%",
    "$",
    "**",
    "<br>",
    "\t",
    "[x](y.md)",
    "\r",
];

/// YAML syntax and Obsidian's property keys.
pub const YAML: &[&str] = &[
    "aliases: ",
    "tags: ",
    "tag: ",
    "updated: ",
    "modified: ",
    "vaultc: ",
    "{disable: [",
    "a: ",
    "&a ",
    "*a",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "- ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\"",
    "'",
    "\\u00e9",
    "\\\"",
    "é",
    "日本",
    "🦀",
    "#",
    "#tag",
    "[[x]]",
    "\"[[N|M]]\"",
    "2026-01-14",
    "2026-02-30",
    "1.5e3",
    "0x1F",
    "~",
    "null",
    "true",
    "!!str ",
    "!!binary ",
    "? ",
    "|\n",
    ">\n",
    ": ",
    "...",
    "---",
    "x",
    "%YAML 1.2\n",
    "<<: *a\n",
    "a/b",
    "0",
];

/// Concatenates the tokens the bytes pick.
pub fn tokens(bytes: &[u8], vocab: &[&str]) -> String {
    bytes
        .iter()
        .map(|&b| vocab[b as usize % vocab.len()])
        .collect()
}

/// A table: a header and delimiter row, then one row per `\n`-separated chunk of `bytes`.
pub fn table(bytes: &[u8]) -> String {
    let mut out = String::from("## Table\n\n| a | b | c |\n|---|:-:|--:|\n");
    for row in bytes.split(|&b| b == b'\n').take(64) {
        out.push_str("| ");
        out.push_str(&tokens(row, TABLE));
        out.push_str(" |\n");
    }
    out
}

/// Wikilink soup: the bytes as [`MARKDOWN`] tokens.
pub fn markdown(bytes: &[u8]) -> String {
    tokens(bytes, MARKDOWN)
}

/// A frontmatter block: `---`, the bytes as YAML tokens (or raw, when the first byte is odd),
/// then a closing fence when the second byte is not zero, and a small body.
pub fn frontmatter(bytes: &[u8]) -> Vec<u8> {
    let (mode, rest) = bytes.split_first().unwrap_or((&0, &[]));
    let (close, rest) = rest.split_first().unwrap_or((&1, &[]));
    let mut out = b"---\n".to_vec();
    if mode % 2 == 1 {
        out.extend_from_slice(rest);
    } else {
        out.extend_from_slice(tokens(rest, YAML).as_bytes());
    }
    if *close != 0 {
        out.extend_from_slice(b"\n---\n# Body [[Link]] #tag\n");
    }
    out
}
