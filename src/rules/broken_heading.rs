//! broken-heading: a link to a heading the target note lacks.

use super::{Context, Rule, RuleMeta};
use crate::config::edit_distance;
use crate::diagnostic::Diagnostic;
use crate::index::{Target, has_heading};
use crate::model::{NoteId, Subpath};

declare_rule! {
    /// ## What it does
    /// Flags `[[Note#Heading]]` and `[[#Heading]]` when the target note has no such heading.
    /// Headings match as Obsidian matches them: punctuation and case are ignored
    /// (`[[FAQ#How big is it]]` reaches `## How big is it?`), and `[[Note#A#B]]` names a
    /// heading `B` nested under `A`. Subpaths of images and other attachments are display
    /// hints (`![[chart.png#icon]]`), not headings, and are never checked.
    ///
    /// ## Why is this bad?
    /// The link opens the note at its top instead of the section the writer meant; a
    /// published site scrolls nowhere. Renamed headings leave these behind.
    ///
    /// ## Example
    /// ```markdown
    /// See [[Tesla#Robotaxi economics]].   <!-- Tesla.md has no such heading -->
    /// ```
    ///
    /// Use instead: link to a heading that exists, e.g. `[[Tesla#Risks]]`.
    pub struct BrokenHeading { name: "broken-heading", level: Error, fixable: false }
}

impl Rule for BrokenHeading {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for (link, r) in note.links.iter().zip(&cx.resolved[id]) {
            let (Subpath::Heading(chain), Target::Note(t)) = (link.subpath(note), r.target())
            else {
                continue;
            };
            let target = cx.note(t);
            if has_heading(target, chain.iter()) {
                continue;
            }
            let wanted = chain.joined();
            let message = if t == id && link.target(note).is_empty() {
                format!("heading `{wanted}` not found in this note")
            } else {
                format!("heading `{wanted}` not found in `{}`", target.name)
            };
            let last = crate::parse::heading_key(chain.last());
            let last_len = last.chars().count();
            let closest = target
                .headings
                .iter()
                .filter_map(|h| {
                    let len = h.key().chars().count();
                    let within = (len / 3).max(1);
                    // The distance is at least the difference in length: most headings are
                    // ruled out without computing it.
                    if len.abs_diff(last_len) > within {
                        return None;
                    }
                    let d = edit_distance(&last, h.key());
                    (d <= within).then_some((d, h))
                })
                .min_by_key(|(d, _)| *d);
            let help = match closest {
                Some((_, h)) => format!("did you mean `{}`?", h.text()),
                None if target.headings.is_empty() => format!("`{}` has no headings", target.name),
                None => {
                    let names: Vec<String> = target
                        .headings
                        .iter()
                        .take(5)
                        .map(|h| format!("`{}`", h.text()))
                        .collect();
                    format!("its headings include {}", names.join(", "))
                }
            };
            out.push(
                cx.diagnostic(&Self::META, id, link.span, message)
                    .with_help(help),
            );
        }
    }
}
