//! Completion: note names and aliases after `[[`, headings after `[[Note#`, block ids after
//! `[[Note#^`, tags after `#` and in frontmatter `tags:`, names for `aliases:`. Candidates
//! are ranked by how often the vault links to them (tags: how many notes carry them).

use std::collections::BTreeMap;

use lsp_types::{self as lsp, CompletionItem, CompletionItemKind};

use super::server::Here;
use super::text;
use crate::graph::Entity;
use crate::index::fold;
use crate::model::{Note, NoteId};
use crate::parse::is_tag_char;
use crate::pipeline::Analysis;

/// How many candidates one answer holds at most (the list is marked incomplete past it).
const MAX_ITEMS: usize = 100;

/// A candidate before it is made an item: what it shows, what it writes, its rank.
struct Candidate {
    label: String,
    detail: String,
    kind: CompletionItemKind,
    /// What is written in place of the partial word, before any closing `]]`.
    insert: Insert,
    /// How often it is linked (or used): higher first.
    weight: u32,
}

enum Insert {
    Text(String),
    /// A note: the link text that reaches it from here (its name, or its path where the
    /// name alone would reach another note), then `tail` (`|Alias`).
    Note(NoteId, String),
}

pub(super) fn completion(here: &Here<'_>) -> Option<lsp::CompletionResponse> {
    let note = here.note();
    let line = note.lines.line_of(here.offset);
    let line_start = note.lines.line_start(line).min(here.offset);
    let before = note.text.get(line_start..here.offset)?;
    let in_frontmatter = note
        .frontmatter
        .as_ref()
        .is_some_and(|f| (f.span.start as usize..=f.span.end as usize).contains(&here.offset));
    let (partial_at, candidates, close) = if let Some(open) = open_wikilink(before) {
        let (at, list) = in_wikilink(here, &before[open + 2..], line_start + open + 2);
        (at, list, !note.text[here.offset..].starts_with("]]"))
    } else if in_frontmatter {
        let key = frontmatter_key(&note.text, line_start)?;
        let start = word_start(before);
        let list = match key.as_str() {
            "tags" | "tag" => tags(here.a),
            "aliases" | "alias" => alias_names(here.a, note),
            _ => return None,
        };
        (line_start + start, list, false)
    } else {
        let start = word_start(before);
        if !before[..start].ends_with('#') {
            return None;
        }
        let hash = start - 1;
        if !before[..hash]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace)
        {
            return None;
        }
        (line_start + start, tags(here.a), false)
    };
    let partial = &note.text[partial_at..here.offset];
    Some(items(here, candidates, partial, partial_at, close))
}

/// Where an unclosed `[[` starts in the text before the cursor.
fn open_wikilink(before: &str) -> Option<usize> {
    let open = before.rfind("[[")?;
    let rest = &before[open + 2..];
    (!rest.contains("]]") && !rest.contains('|')).then_some(open)
}

/// The candidates inside `[[…`: `typed` is what follows `[[`, written from `at`. Returns
/// where the partial word starts and the candidates.
fn in_wikilink(here: &Here<'_>, typed: &str, at: usize) -> (usize, Vec<Candidate>) {
    let a = here.a;
    let Some(hash) = typed.find('#') else {
        return (at, link_targets(a));
    };
    let name = &typed[..hash];
    let target = if name.trim().is_empty() {
        Some(here.id)
    } else {
        a.index.resolve(&a.vault, here.id, name.trim()).note()
    };
    let Some(target) = target else {
        return (at, Vec::new());
    };
    let target = &a.vault.notes[target];
    let sub = &typed[hash + 1..];
    if sub.starts_with('^') {
        let list = target
            .blocks
            .iter()
            .map(|b| Candidate {
                label: b.id.clone(),
                detail: target
                    .lines
                    .line_text(&target.text, b.span.line as usize)
                    .trim()
                    .to_owned(),
                kind: CompletionItemKind::REFERENCE,
                insert: Insert::Text(b.id.clone()),
                weight: 0,
            })
            .collect();
        return (at + hash + 2, list);
    }
    let list = target
        .headings
        .iter()
        .map(|h| Candidate {
            label: h.text().to_owned(),
            detail: format!("h{} in {}", h.level, target.name),
            kind: CompletionItemKind::REFERENCE,
            insert: Insert::Text(h.text().to_owned()),
            weight: 0,
        })
        .collect();
    (at + hash + 1, list)
}

/// Notes, their aliases, and names linked to without a note.
fn link_targets(a: &Analysis) -> Vec<Candidate> {
    let mut out = Vec::with_capacity(a.vault.notes.len());
    for (id, note) in a.vault.notes.iter().enumerate() {
        let weight = a.graph.inbound_links(a.graph.note_entity(id));
        out.push(Candidate {
            label: note.name.clone(),
            detail: note.path.clone(),
            kind: CompletionItemKind::FILE,
            insert: Insert::Note(id, String::new()),
            weight,
        });
        for al in &note.aliases {
            out.push(Candidate {
                label: al.text.clone(),
                detail: format!("alias of {}", note.name),
                kind: CompletionItemKind::REFERENCE,
                insert: Insert::Note(id, format!("|{}", al.text)),
                weight,
            });
        }
    }
    out.extend(unresolved(a, CompletionItemKind::REFERENCE));
    out
}

/// Every tag and every tag it is nested in, weighted by how many notes carry it.
fn tags(a: &Analysis) -> Vec<Candidate> {
    let mut counts: BTreeMap<String, (String, u32)> = BTreeMap::new();
    for note in &a.vault.notes {
        let mut seen: Vec<String> = Vec::new();
        for tag in &note.tags {
            let mut end = tag.name.len();
            loop {
                let shown = &tag.name[..end];
                let key = fold(shown).into_owned();
                if !seen.contains(&key) {
                    counts.entry(key.clone()).or_insert((shown.to_owned(), 0)).1 += 1;
                    seen.push(key);
                }
                match shown.rfind('/') {
                    Some(i) => end = i,
                    None => break,
                }
            }
        }
    }
    counts
        .into_values()
        .map(|(name, n)| Candidate {
            detail: format!("{n} {}", if n == 1 { "note" } else { "notes" }),
            kind: CompletionItemKind::KEYWORD,
            insert: Insert::Text(name.clone()),
            label: name,
            weight: n,
        })
        .collect()
}

/// For `aliases:`: the note's title when it is not its name, and the names notes link to
/// that no note has (an alias makes them references).
fn alias_names(a: &Analysis, note: &Note) -> Vec<Candidate> {
    let mut out = Vec::new();
    if note.title != note.name {
        out.push(Candidate {
            label: note.title.clone(),
            detail: "the note's title".into(),
            kind: CompletionItemKind::TEXT,
            insert: Insert::Text(note.title.clone()),
            weight: u32::MAX,
        });
    }
    out.extend(unresolved(a, CompletionItemKind::TEXT));
    out
}

/// The names notes link to that no note has, weighted by how often they are linked.
fn unresolved(a: &Analysis, kind: CompletionItemKind) -> impl Iterator<Item = Candidate> + '_ {
    a.graph.entities().filter_map(move |(eid, e)| {
        let Entity::Unresolved(name) = e else {
            return None;
        };
        let weight = a.graph.inbound_links(eid);
        Some(Candidate {
            label: name.clone(),
            detail: format!("no note yet: linked {weight} times"),
            kind,
            insert: Insert::Text(name.clone()),
            weight,
        })
    })
}

/// The key a frontmatter line belongs to: its own `key:`, or for a list item the nearest
/// key above it.
fn frontmatter_key(text: &str, line_start: usize) -> Option<String> {
    let mut start = line_start;
    loop {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let trimmed = line.trim_start();
        if !trimmed.starts_with('-')
            && !line.starts_with([' ', '\t'])
            && let Some((key, _)) = trimmed.split_once(':')
        {
            return Some(key.trim().trim_matches(['"', '\'']).to_owned());
        }
        if start == 0 || trimmed == "---" {
            return None;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
}

/// Where the tag-like word that ends `before` starts.
fn word_start(before: &str) -> usize {
    before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_tag_char(c))
        .last()
        .map_or(before.len(), |(i, _)| i)
}

/// The candidates that hold `partial` (case aside), heaviest first, as items replacing
/// `partial` (from `at`), with `]]` after note names when `close`.
fn items(
    here: &Here<'_>,
    mut list: Vec<Candidate>,
    partial: &str,
    at: usize,
    close: bool,
) -> lsp::CompletionResponse {
    let want = fold(partial.trim());
    list.retain(|c| fold(&c.label).contains(want.as_ref()));
    list.sort_by(|x, y| {
        let starts = |c: &Candidate| !fold(&c.label).starts_with(want.as_ref());
        (starts(x), std::cmp::Reverse(x.weight), &x.label).cmp(&(
            starts(y),
            std::cmp::Reverse(y.weight),
            &y.label,
        ))
    });
    let incomplete = list.len() > MAX_ITEMS;
    list.truncate(MAX_ITEMS);
    let note = here.note();
    let range = text::note_range(note, here.enc, at, here.offset);
    let in_table = note
        .lines
        .line_text(&note.text, note.lines.line_of(here.offset))
        .trim_start()
        .starts_with('|');
    let a = here.a;
    let items = list
        .into_iter()
        .enumerate()
        .map(|(rank, c)| {
            let mut new_text = match c.insert {
                Insert::Text(t) => t,
                Insert::Note(id, tail) => {
                    let linktext = a
                        .index
                        .linktext_to(&a.vault, here.id, id)
                        .unwrap_or_else(|| a.vault.notes[id].name.clone());
                    let tail = if in_table {
                        tail.replacen('|', "\\|", 1)
                    } else {
                        tail
                    };
                    format!("{linktext}{tail}")
                }
            };
            if close {
                new_text.push_str("]]");
            }
            CompletionItem {
                filter_text: Some(c.label.clone()),
                sort_text: Some(format!("{rank:05}")),
                label: c.label,
                detail: Some(c.detail),
                kind: Some(c.kind),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                    range,
                    new_text,
                })),
                ..Default::default()
            }
        })
        .collect();
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: incomplete,
        items,
    })
}
