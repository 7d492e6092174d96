//! Escaping for the few HTML snippets the renderer writes itself (attributes and text around
//! links, embeds and callouts), and the end tags a rendered body can do without. Templates
//! escape through minijinja's auto-escaping instead.

/// `s` with `& < > " '` escaped, safe in text and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// `html` without the end tags HTML lets a page leave out where the next tag closes the
/// element anyway: `</td>` and `</th>` before another cell or the row's end, `</tr>` before
/// another row or the table section's end, `</li>` before another item or the list's end.
/// Browsers build the same document (whitespace between rows or items lands inside the
/// element before, where it shows nothing); a table of notes' numbers loses a third of its
/// bytes. Text and attribute values never hold a literal `<`, so only real tags match.
pub fn omit_end_tags(html: &str) -> String {
    const RULES: &[(&str, &[&str])] = &[
        ("</td>", &["<td", "<th", "</tr>"]),
        ("</th>", &["<td", "<th", "</tr>"]),
        ("</tr>", &["<tr>", "</tbody>", "</thead>", "</table>"]),
        ("</li>", &["<li>", "<li ", "</ul>", "</ol>"]),
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = memchr::memmem::find(rest.as_bytes(), b"</") {
        let (before, tag) = rest.split_at(at);
        out.push_str(before);
        let dropped = RULES.iter().find_map(|(end, next)| {
            let after = tag.strip_prefix(end)?;
            let following = after.trim_start_matches('\n');
            next.iter()
                .any(|n| following.starts_with(n))
                .then_some(end.len())
        });
        let skip = dropped.unwrap_or_else(|| {
            out.push_str("</");
            2
        });
        rest = &tag[skip..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn end_tags_go_only_where_the_next_tag_closes_the_element() {
        let html = "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>\n<ul>\n<li>x</li>\n<li>y<ul><li>z</li></ul></li>\n</ul>\n<p>a</p><p>&lt;/td&gt;</p>";
        assert_eq!(
            super::omit_end_tags(html),
            "<table><thead><tr><th>a<th>b</thead><tbody>\n<tr><td>1<td>2\n</tbody></table>\n<ul>\n<li>x\n<li>y<ul><li>z</ul>\n</ul>\n<p>a</p><p>&lt;/td&gt;</p>"
        );
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<img src=x onerror="a('b')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
    }
}
