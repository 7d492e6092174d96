//! broken-heading: a link to a heading the target note lacks.

use super::{Context, Rule, RuleMeta};
use crate::config::edit_distance;
use crate::diagnostic::Diagnostic;
use crate::index::{Target, has_heading};
use crate::model::{HeadingChain, Note, NoteId, Subpath};

declare_rule! {
    /// ## What it does
    /// Flags `[[Note#Heading]]` and `[[#Heading]]` when the target note has no such heading.
    /// Headings match as Obsidian matches them: punctuation and case are ignored
    /// (`[[FAQ#How big is it]]` reaches `## How big is it?`), and `[[Note#A#B]]` names a
    /// heading `B` nested under `A`. A heading holding links or marks is reached by what it
    /// shows, as Obsidian's autocomplete writes it: `### May 8 rally ([[Apple]]-Intel deal)`
    /// by `[[Semis#May 8 rally (Apple-Intel deal)]]`, `## Capex ([[Microsoft|MSFT]])` by
    /// `#Capex (MSFT)`, and `**bold**`, `` `code` `` and `==mark==` by their text; the text
    /// as written (`#Capex Microsoft MSFT`) still matches too. Subpaths of images and other
    /// attachments are display hints (`![[chart.png#icon]]`), not headings, and are never
    /// checked.
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
            let help = help(target, chain);
            out.push(
                cx.diagnostic(&Self::META, id, link.span, message)
                    .with_help(help),
            );
        }
    }
}

/// What to say about a heading chain the target does not have: the heading is there but not
/// under the chain's ancestors, or a heading whose key is close, or some of its headings.
/// Never the very heading the link names.
fn help(target: &Note, chain: HeadingChain<'_>) -> String {
    let last = crate::parse::heading_key(chain.last());
    if let Some(h) = target.headings.iter().find(|h| h.matches_key(&last)) {
        let all: Vec<&str> = chain.iter().collect();
        let above = all[..all.len().saturating_sub(1)].join("#");
        return format!(
            "`{}` is there, but not under `{above}`: link `[[{}#{}]]`",
            h.text(),
            target.name,
            chain.last()
        );
    }
    let last_len = last.chars().count();
    let distance = |key: &str| {
        let len = key.chars().count();
        let within = (len / 3).max(1);
        // The distance is at least the difference in length: most headings are ruled out
        // without computing it.
        if len.abs_diff(last_len) > within {
            return None;
        }
        let d = edit_distance(&last, key);
        (d <= within).then_some(d)
    };
    let closest = target
        .headings
        .iter()
        .filter_map(|h| {
            let d = [Some(h.key()), h.shown_key()]
                .into_iter()
                .flatten()
                .filter_map(distance)
                .min()?;
            Some((d, h))
        })
        .min_by_key(|(d, _)| *d);
    match closest {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help_for(subpath: &str) -> String {
        let semis = crate::parse::parse_note(
            "Semis.md".into(),
            b"# Semis\n\n## Capex\n\n### May 8 rally ([[Apple]]-Intel deal)\n".to_vec(),
        );
        let Subpath::Heading(chain) = Subpath::parse(subpath) else {
            panic!("{subpath} is not a heading chain");
        };
        help(&semis, chain)
    }

    #[test]
    fn the_help_never_suggests_the_heading_the_link_names() {
        // The heading is there, shown as the link writes it; only the chain above is wrong.
        assert_eq!(
            help_for("Overview#May 8 rally (Apple-Intel deal)"),
            "`May 8 rally (Apple-Intel deal)` is there, but not under `Overview`: \
             link `[[Semis#May 8 rally (Apple-Intel deal)]]`"
        );
        assert_eq!(
            help_for("May 8 rally (Apple-AMD deal)"),
            "did you mean `May 8 rally (Apple-Intel deal)`?"
        );
    }
}
