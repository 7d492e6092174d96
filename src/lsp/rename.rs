//! Renames as one workspace edit: a note (its file and every link that reaches it), a
//! heading (its text and every link to it), a tag (every use of it and of the tags nested
//! in it). Links keep what they show: only the target (or the subpath's last heading) is
//! rewritten, so display text, subpaths, `.md` endings and `\|` in tables stay as written.
//! A new name another note or heading already has is refused, with a message.

use std::collections::BTreeMap;

use lsp_types::{self as lsp, Url};

use super::navigate::{Thing, link_at, link_thing, references_of, tag_uses};
use super::server::{Answer, Here};
use super::text::{self, Encoding, Root};
use crate::index::{Target, fold, strip_md};
use crate::model::{LinkKind, Note, NoteId};
use crate::parse::{heading_key, is_tag_char, note_name, valid_tag_name};
use crate::pipeline::Analysis;
use crate::query::{EntityRef, references};

/// Text edits by note, turned into one workspace edit.
pub(super) struct Edits<'a> {
    a: &'a Analysis,
    root: &'a Root,
    enc: Encoding,
    by_note: BTreeMap<NoteId, Vec<(usize, usize, String)>>,
}

impl<'a> Edits<'a> {
    pub fn new(a: &'a Analysis, root: &'a Root, enc: Encoding) -> Self {
        Self {
            a,
            root,
            enc,
            by_note: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, id: NoteId, start: usize, end: usize, text: String) {
        self.by_note.entry(id).or_default().push((start, end, text));
    }

    pub fn is_empty(&self) -> bool {
        self.by_note.is_empty()
    }

    /// The workspace edit: the text edits (each note's sorted, repeats dropped), then
    /// `ops` (file renames and creations). `versions` gives open buffers' versions;
    /// without `document_changes` the client takes plain text edits only.
    pub fn finish(
        self,
        versions: &dyn Fn(&str) -> Option<i32>,
        ops: Vec<lsp::ResourceOp>,
        document_changes: bool,
    ) -> lsp::WorkspaceEdit {
        let mut docs = Vec::new();
        for (id, mut edits) in self.by_note {
            let note = &self.a.vault.notes[id];
            let Some(uri) = self.root.uri(&note.path) else {
                continue;
            };
            edits.sort();
            edits.dedup();
            let edits: Vec<lsp::TextEdit> = edits
                .into_iter()
                .map(|(start, end, new_text)| lsp::TextEdit {
                    range: text::note_range(note, self.enc, start, end),
                    new_text,
                })
                .collect();
            docs.push((uri, versions(&note.path), edits));
        }
        if !document_changes {
            let changes = docs.into_iter().map(|(uri, _, e)| (uri, e)).collect();
            return lsp::WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            };
        }
        let mut ops_out: Vec<lsp::DocumentChangeOperation> = docs
            .into_iter()
            .map(|(uri, version, edits)| {
                lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                })
            })
            .collect();
        ops_out.extend(ops.into_iter().map(lsp::DocumentChangeOperation::Op));
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(ops_out)),
            ..Default::default()
        }
    }
}

/// What a rename at the cursor renames, and the range of the name there.
fn what(here: &Here<'_>) -> Option<(Thing, std::ops::Range<usize>)> {
    let note = here.note();
    if let Some(i) = link_at(note, here.offset) {
        let link = &note.links[i];
        let thing = link_thing(here.a, here.id, i)?;
        let in_subpath = link
            .subpath_raw
            .and_then(|r| r.text_range())
            .filter(|r| r.start <= here.offset && here.offset <= r.end);
        return match (thing, in_subpath) {
            (Thing::Heading(t, h), Some(r)) => {
                Some((Thing::Heading(t, h), last_segment(&note.text, r)))
            }
            (Thing::Note(t) | Thing::Heading(t, _) | Thing::Block(t, _), _) => {
                Some((Thing::Note(t), link.target_range()))
            }
            _ => None,
        };
    }
    match super::navigate::thing_at(here)? {
        Thing::Heading(t, h) => {
            let span = note.headings[h].span;
            Some((Thing::Heading(t, h), heading_text(&note.text, span.range())))
        }
        Thing::Tag(name) => {
            let t = note.tags.iter().find(|t| {
                t.name == name
                    && t.span.start as usize <= here.offset
                    && here.offset <= t.span.end as usize
            })?;
            let end = t.span.end as usize;
            Some((Thing::Tag(name.clone()), end - t.name.len()..end))
        }
        _ => None,
    }
}

/// The range of the last heading of a subpath chain written at `r`.
fn last_segment(text: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let raw = &text[r.clone()];
    let from = raw.rfind('#').map_or(0, |i| i + 1);
    let seg = &raw[from..];
    let start = r.start + from + (seg.len() - seg.trim_start().len());
    start..r.start + from + seg.trim_end().len()
}

/// The range of a heading's text within its span (`## Text ##` or a setext heading's line).
fn heading_text(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let raw = &text[span.clone()];
    let line = raw.lines().next().unwrap_or("");
    let (lead, body) = if line.starts_with('#') {
        let hashes = line.len() - line.trim_start_matches('#').len();
        let rest = &line[hashes..];
        (
            hashes + (rest.len() - rest.trim_start().len()),
            rest.trim_start(),
        )
    } else {
        (line.len() - line.trim_start().len(), line.trim_start())
    };
    let body = body.trim_end();
    let closing = body.trim_end_matches('#');
    let body =
        if closing.len() < body.len() && (closing.is_empty() || closing.ends_with([' ', '\t'])) {
            closing.trim_end()
        } else {
            body
        };
    span.start + lead..span.start + lead + body.len()
}

pub(super) fn prepare(here: &Here<'_>) -> Option<lsp::PrepareRenameResponse> {
    let (_, range) = what(here)?;
    let note = here.note();
    Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: text::note_range(note, here.enc, range.start, range.end),
        placeholder: note.text.get(range).unwrap_or("").to_owned(),
    })
}

/// The rename at the cursor to `new_name`; refused with a message when the name is taken
/// or cannot be written.
pub(super) fn rename(
    here: &Here<'_>,
    new_name: &str,
    versions: &dyn Fn(&str) -> Option<i32>,
    file_ops: bool,
) -> Answer<lsp::WorkspaceEdit> {
    let Some((thing, _)) = what(here) else {
        return Err("nothing to rename here: put the cursor on a link, a heading or a tag".into());
    };
    let (a, root, enc) = (here.a, here.root, here.enc);
    match thing {
        Thing::Note(t) => {
            if !file_ops {
                return Err("this editor cannot rename files through a language server: rename the file itself".into());
            }
            let new_path = new_note_path(a, t, new_name)?;
            let mut edits = Edits::new(a, root, enc);
            link_edits(a, t, &new_path, &mut edits);
            let old = root
                .uri(&a.vault.notes[t].path)
                .ok_or("the note has no file URI")?;
            let new = root.uri(&new_path).ok_or("the new name has no file URI")?;
            let op = lsp::ResourceOp::Rename(lsp::RenameFile {
                old_uri: old,
                new_uri: new,
                options: None,
                annotation_id: None,
            });
            Ok(edits.finish(versions, vec![op], true))
        }
        Thing::Heading(t, h) => heading_rename(a, root, enc, t, h, new_name)
            .map(|e| e.finish(versions, Vec::new(), file_ops)),
        Thing::Tag(name) => tag_rename(a, root, enc, &name, new_name)
            .map(|e| e.finish(versions, Vec::new(), file_ops)),
        _ => Err("only notes, headings and tags can be renamed".into()),
    }
}

/// Can `name` be written as a link target or heading?
fn check_name(name: &str, what: &str) -> Answer<()> {
    if name.trim().is_empty()
        || name.trim() != name
        || name.contains(['[', ']', '|', '#', '^', '\n', '\r', '\\'])
    {
        return Err(format!(
            "`{name}` cannot be a {what}: no brackets, `|`, `#`, `^` or spaces around it"
        ));
    }
    Ok(())
}

/// The vault path note `t` gets when renamed to `new_name` (a name, or a vault path when it
/// holds `/`); an error when another note or file already has it.
fn new_note_path(a: &Analysis, t: NoteId, new_name: &str) -> Answer<String> {
    let name = strip_md(new_name.trim_start_matches('/'));
    check_name(name, "note name")?;
    if name
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == ".." || p.starts_with('.'))
    {
        return Err(format!("`{new_name}` is not a path inside the vault"));
    }
    let note = &a.vault.notes[t];
    let path = if name.contains('/') || note.folder().is_empty() {
        format!("{name}.md")
    } else {
        format!("{}/{name}.md", note.folder())
    };
    let stem = note_name(&path);
    if let Some(&other) = a.index.notes_named(stem).iter().find(|&&id| id != t) {
        return Err(format!(
            "a note named `{stem}` already exists: `{}`; pick another name",
            a.vault.notes[other].path
        ));
    }
    if path != note.path && fold(&path) != fold(&note.path) && a.vault.root.join(&path).exists() {
        return Err(format!("`{path}` already exists"));
    }
    Ok(path)
}

/// The edits that point every link reaching note `t` (by name or path, not by alias) at
/// `new_path`, each written the way it was: a bare name stays a name, a path a path, `.md`
/// stays; Markdown links get their path percent-encoded.
pub(super) fn link_edits(a: &Analysis, t: NoteId, new_path: &str, edits: &mut Edits<'_>) {
    let new_full = strip_md(new_path);
    let new_name = note_name(new_path);
    for r in references(a, &EntityRef::Note(t), true) {
        let note = &a.vault.notes[r.note];
        let link = r.link(a);
        if a.resolved[r.note][r.link].target() != Target::Note(t) {
            continue; // an alias reference names the alias, which stays
        }
        let written = link.target(note);
        if written.is_empty() {
            continue;
        }
        let base = strip_md(written);
        let mut new = if base.contains('/') {
            new_full.to_owned()
        } else {
            new_name.to_owned()
        };
        if base.len() < written.len() {
            new.push_str(&written[base.len()..]);
        }
        if new == written {
            continue;
        }
        if link.kind == LinkKind::Markdown {
            markdown_edit(note, link, written, &new, r.note, edits);
        } else if let Some(e) = crate::rules::edits::retarget(note, link, &new, false) {
            edits.add(r.note, e.start as usize, e.end as usize, e.content);
        }
    }
}

/// Rewrites a Markdown link's path: where the text holds it as decoded, or percent-encoded.
fn markdown_edit(
    note: &Note,
    link: &crate::model::Link,
    written: &str,
    new: &str,
    id: NoteId,
    edits: &mut Edits<'_>,
) {
    let span = link.span.range();
    let Some(raw) = note.text.get(span.clone()) else {
        return;
    };
    let Some(paren) = raw.find("](") else {
        return;
    };
    for (old, with) in [
        (encode(written), encode(new)),
        (written.to_owned(), encode(new)),
    ] {
        if let Some(i) = raw[paren..].find(&old) {
            let start = span.start + paren + i;
            edits.add(id, start, start + old.len(), with);
            return;
        }
    }
}

/// A path as a Markdown link writes it: spaces and the characters that end a destination
/// percent-encoded.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out
}

fn heading_rename<'a>(
    a: &'a Analysis,
    root: &'a Root,
    enc: Encoding,
    t: NoteId,
    h: usize,
    new_text: &str,
) -> Answer<Edits<'a>> {
    check_name(new_text, "heading")?;
    let note = &a.vault.notes[t];
    let key = heading_key(new_text);
    if note
        .headings
        .iter()
        .enumerate()
        .any(|(i, x)| i != h && x.matches_key(&key))
    {
        return Err(format!(
            "`{}` already has a heading `{new_text}`",
            note.name
        ));
    }
    let mut edits = Edits::new(a, root, enc);
    let range = heading_text(&note.text, note.headings[h].span.range());
    edits.add(t, range.start, range.end, new_text.to_owned());
    for (id, span) in references_of(a, &Thing::Heading(t, h), false) {
        let from = &a.vault.notes[id];
        let Some(link) = from.links.iter().find(|l| l.span == span) else {
            continue;
        };
        let Some(r) = link.subpath_raw.and_then(|r| r.text_range()) else {
            continue;
        };
        let seg = last_segment(&from.text, r);
        let written = if link.kind == LinkKind::Markdown {
            encode(new_text)
        } else {
            new_text.to_owned()
        };
        edits.add(id, seg.start, seg.end, written);
    }
    Ok(edits)
}

fn tag_rename<'a>(
    a: &'a Analysis,
    root: &'a Root,
    enc: Encoding,
    old: &str,
    new_name: &str,
) -> Answer<Edits<'a>> {
    let new_name = new_name.strip_prefix('#').unwrap_or(new_name);
    if !new_name.chars().all(is_tag_char) || valid_tag_name(new_name) != Some(new_name) {
        return Err(format!(
            "`{new_name}` cannot be a tag: letters, digits, `_`, `-` and `/`, not only digits"
        ));
    }
    let depth = old.split('/').count();
    let mut edits = Edits::new(a, root, enc);
    for (id, span) in tag_uses(a, old) {
        let note = &a.vault.notes[id];
        let Some(tag) = note.tags.iter().find(|t| t.span == span) else {
            continue;
        };
        let end = span.end as usize;
        let Some(start) = end.checked_sub(tag.name.len()) else {
            continue;
        };
        if note.text.get(start..end) != Some(tag.name.as_str()) {
            continue;
        }
        let prefix: usize = tag
            .name
            .split('/')
            .take(depth)
            .map(|p| p.len() + 1)
            .sum::<usize>()
            - 1;
        edits.add(
            id,
            start,
            start + prefix.min(tag.name.len()),
            new_name.to_owned(),
        );
    }
    Ok(edits)
}

/// `workspace/willRenameFiles`: the link edits for notes (or folders of notes) about to be
/// renamed by the editor.
pub(super) fn will_rename(
    a: &Analysis,
    root: &Root,
    enc: Encoding,
    files: &[lsp::FileRename],
    versions: &dyn Fn(&str) -> Option<i32>,
    document_changes: bool,
) -> Option<lsp::WorkspaceEdit> {
    let mut edits = Edits::new(a, root, enc);
    for f in files {
        let (Some(old), Some(new)) = (
            Url::parse(&f.old_uri).ok().and_then(|u| root.path_of(&u)),
            Url::parse(&f.new_uri).ok().and_then(|u| root.path_of(&u)),
        ) else {
            continue;
        };
        for (id, note) in a.vault.notes.iter().enumerate() {
            let new_path = if note.path == old {
                new.clone()
            } else if let Some(rest) = note.path.strip_prefix(&format!("{old}/")) {
                format!("{new}/{rest}")
            } else {
                continue;
            };
            if text::is_note_path(&new_path) {
                link_edits(a, id, &new_path, &mut edits);
            }
        }
    }
    (!edits.is_empty()).then(|| edits.finish(versions, Vec::new(), document_changes))
}
