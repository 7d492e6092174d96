//! `sitemap.xml` and `feed.xml` (Atom): the published notes for search engines, and the
//! recently updated ones (by their `updated` date) for feed readers.
//!
//! URLs start with `[output.html] site-url`: absolute when it is (`https://example.org/notes/`),
//! else relative to the site root. Atom needs an absolute id per entry: the page's URL when
//! the site has one, else a `urn:vaultc:` name made from the page's path. Nothing depends on
//! the clock: dates are the notes' own (or `--today` for an empty feed).

use jiff::civil::Date;

use super::Site;
use super::html::escape;
use super::plan::HOME_PAGE;
use super::text::summary;
use super::title;
use super::urls::encode;

/// How many notes the feed lists.
const FEED_ENTRIES: usize = 50;
/// How much of a note an entry's summary shows.
const SUMMARY_CHARS: usize = 300;

/// The prefix of every URL: `site-url` with a trailing `/`.
fn base(site: &Site<'_>) -> String {
    let url = site.a.settings.site_url.trim();
    if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    }
}

fn is_absolute(base: &str) -> bool {
    base.starts_with("https://") || base.starts_with("http://")
}

/// A site path (already URL-safe segments) as a URL.
fn url(base: &str, path: &str) -> String {
    let encoded: Vec<String> = path.split('/').map(encode).collect();
    format!("{base}{}", encoded.join("/"))
}

/// Every published note's page (and the site's own index pages), with its `updated` date.
pub fn sitemap(site: &Site<'_>) -> Vec<u8> {
    let base = base(site);
    let mut pages: Vec<(&str, Option<Date>)> = site
        .plan
        .published()
        .map(|(id, page)| (page, updated(site, id)))
        .collect();
    for own in [HOME_PAGE, "notes.html", "tags.html"] {
        if !pages.iter().any(|(p, _)| *p == own) {
            pages.push((own, None));
        }
    }
    pages.sort();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (page, date) in pages {
        out.push_str(&format!("<url><loc>{}</loc>", escape(&url(&base, page))));
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

fn updated(site: &Site<'_>, id: usize) -> Option<Date> {
    site.a.vault.notes[id].updated_date()?.date
}

/// The [`FEED_ENTRIES`] most recently updated published notes, newest first.
pub fn atom(site: &Site<'_>) -> Vec<u8> {
    let base = base(site);
    let absolute = is_absolute(&base);
    let mut dated: Vec<(Date, usize, &str)> = site
        .plan
        .published()
        .filter_map(|(id, page)| Some((updated(site, id)?, id, page)))
        .collect();
    dated.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    dated.truncate(FEED_ENTRIES);
    let newest = dated.first().map_or(site.options.today, |d| d.0);
    let id_of = |page: &str| {
        if absolute {
            url(&base, page)
        } else {
            format!("urn:vaultc:{}", encode(page))
        }
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!(
        "<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<link href=\"{}\"/>\n<updated>{newest}T00:00:00Z</updated>\n<generator>vaultc</generator>\n",
        escape(&site.a.settings.title),
        escape(&id_of(HOME_PAGE)),
        escape(&url(&base, "feed.xml")),
        escape(&url(&base, HOME_PAGE)),
    ));
    for (date, id, page) in dated {
        let note = &site.a.vault.notes[id];
        out.push_str(&format!(
            "<entry>\n<title>{}</title>\n<link href=\"{}\"/>\n<id>{}</id>\n<updated>{date}T00:00:00Z</updated>\n<summary>{}</summary>\n</entry>\n",
            escape(title(note)),
            escape(&url(&base, page)),
            escape(&id_of(page)),
            escape(&summary(note, SUMMARY_CHARS)),
        ));
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}
