//! `vaultc graph`, `vaultc stats`, `vaultc path`: every export format parses with a real
//! consumer (Graphviz, an XML parser), names with quotes, brackets, `&`, `<` and backslashes
//! survive escaping, and the numbers agree with each other.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::{fixture, stdout, vaultc};

/// The repository root: its book.toml points at the sample vault.
fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `vaultc ARGS` in `dir`, which must exit 0: its stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let o = vaultc(dir, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "vaultc {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

fn graph_json(dir: &Path) -> Value {
    serde_json::from_str(&ok(dir, &["graph", "--format", "json"])).expect("graph JSON parses")
}

fn nodes(g: &Value) -> &Vec<Value> {
    g["nodes"].as_array().unwrap()
}

fn edges(g: &Value) -> Vec<(usize, usize, u64)> {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_u64().unwrap() as usize,
                e["to"].as_u64().unwrap() as usize,
                e["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn names(g: &Value) -> Vec<String> {
    nodes(g)
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// json

#[test]
fn json_graph_is_deterministic_and_consistent() {
    for dir in [sample(), fixture("graph")] {
        let first = ok(&dir, &["graph", "--format", "json"]);
        assert_eq!(first, ok(&dir, &["graph", "--format", "json"]), "{dir:?}");
        let g: Value = serde_json::from_str(&first).unwrap();
        let nodes = nodes(&g);
        for (i, n) in nodes.iter().enumerate() {
            assert_eq!(n["id"].as_u64(), Some(i as u64));
            match n["kind"].as_str().unwrap() {
                "note" => assert!(n["path"].as_str().unwrap().ends_with(".md")),
                "unresolved" => assert!(n["path"].is_null()),
                other => panic!("unknown kind {other}"),
            }
        }
        let kinds: Vec<&str> = nodes.iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert!(
            kinds.is_sorted_by_key(|k| *k == "unresolved"),
            "notes come first"
        );
        let e = edges(&g);
        assert!(e.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        assert!(
            e.iter()
                .all(|&(a, b, c)| a < nodes.len() && b < nodes.len() && c > 0)
        );
        assert!(
            e.iter().all(|&(a, _, _)| kinds[a] == "note"),
            "only notes link"
        );
    }
}

#[test]
fn fixture_graph_keeps_awkward_names() {
    let g = graph_json(&fixture("graph"));
    let names = names(&g);
    for want in [
        "Tom & Jerry",
        "A <b> tag",
        "Notes [draft]",
        "O'Brien (CEO)",
        "He said \"hi\"",
        "back\\slash",
        "semi;colon {brace}",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let id = |name: &str| names.iter().position(|n| n == name).unwrap();
    let e = edges(&g);
    assert!(
        e.contains(&(id("Home"), id("He said \"hi\""), 2)),
        "two links, one edge with count 2: {e:?}"
    );
    assert!(
        e.contains(&(id("Tom & Jerry"), id("Notes [draft]"), 1)),
        "the percent-encoded Markdown link: {e:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// dot

/// Renders DOT text with Graphviz: the SVG.
fn render_dot(dot: &str) -> String {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot run Graphviz `dot` ({e}); install graphviz (`apt-get install -y graphviz`) \
             to run the DOT export tests"
        ),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success(),
        "dot rejected the output: {stderr}\n{dot}"
    );
    assert!(
        !stderr.contains("rror") && !stderr.contains("arning"),
        "dot complained: {stderr}\n{dot}"
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Undoes the XML escaping of SVG or GraphML text.
fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&#45;", "-")
        .replace("&amp;", "&")
}

#[test]
fn dot_renders_with_graphviz() {
    let dot = crate::runs("dot", &["-V"]);
    if !crate::require_tool(dot, "Graphviz `dot`", "apt-get install graphviz") {
        return;
    }
    for dir in [sample(), fixture("graph")] {
        let g = graph_json(&dir);
        let dot = ok(&dir, &["graph", "--format", "dot"]);
        assert!(dot.starts_with("digraph vault {\n"), "{dot}");
        assert!(dot.trim_end().ends_with('}'));
        let svg = render_dot(&dot);
        // Every node is drawn, with its name as the label.
        let texts: HashSet<String> = svg
            .lines()
            .filter_map(|l| {
                let start = l.find("<text")?;
                let rest = &l[start..];
                let open = rest.find('>')? + 1;
                let close = rest.find("</text>")?;
                Some(xml_unescape(&rest[open..close]))
            })
            .collect();
        for name in names(&g) {
            assert!(texts.contains(&name), "label {name:?} not drawn: {texts:?}");
        }
        assert_eq!(svg.matches("class=\"node\"").count(), nodes(&g).len());
        assert_eq!(svg.matches("class=\"edge\"").count(), edges(&g).len());
        let unresolved = nodes(&g)
            .iter()
            .filter(|n| n["kind"] == "unresolved")
            .count();
        assert_eq!(
            dot.lines().filter(|l| l.contains("style=dashed")).count(),
            unresolved
        );
    }
}

// ---------------------------------------------------------------------------------------------
// graphml

/// Text or an attribute value: every `&` starts a known entity, and no raw `<`.
fn check_entities(s: &str, context: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .unwrap_or_else(|| panic!("bare & in {context}: {s}"));
        let ent = &after[..end];
        let valid = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || ent
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        assert!(valid, "bad entity &{ent}; in {context}: {s}");
        rest = &after[end..];
    }
    assert!(!s.contains('<'), "raw < in {context}: {s}");
}

/// Attributes: each `key="value"` (or single-quoted) once, values checked as text.
fn check_attributes(mut attrs: &str) {
    let mut seen = HashSet::new();
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            break;
        }
        let (key, after) = attrs.split_once('=').expect("attribute without =");
        assert!(seen.insert(key.to_owned()), "duplicate attribute {key}");
        let quote = after.chars().next().expect("attribute value");
        assert!(quote == '"' || quote == '\'', "unquoted attribute {key}");
        let value_end = after[1..].find(quote).expect("unterminated attribute") + 1;
        check_entities(&after[1..value_end], "attribute");
        attrs = &after[value_end + 1..];
    }
}

/// A small XML well-formedness check: one root, balanced and properly nested tags, quoted
/// attributes, no raw `<` in text or attributes, and every `&` starting a known entity.
/// Returns the text of every `<data key="name">` element, unescaped, in order.
fn check_xml(xml: &str) -> Vec<String> {
    let body = xml
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
        .expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut names = Vec::new();
    let mut in_name = false;
    let mut rest = body;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..lt];
        if stack.is_empty() {
            assert!(text.trim().is_empty(), "text outside the root: {text:?}");
        }
        check_entities(text, "text");
        if in_name {
            names.push(xml_unescape(text));
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').expect("unterminated tag");
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            in_name = false;
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || ":_-.".contains(c)),
            "bad element name {name:?}"
        );
        check_attributes(attrs);
        if stack.is_empty() {
            roots += 1;
        }
        in_name = name == "data" && tag.contains(r#"key="name""#);
        if self_closing {
            in_name = false;
        } else {
            stack.push(name.to_owned());
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert_eq!(roots, 1, "one root element");
    names
}

#[test]
fn graphml_is_well_formed_xml() {
    for dir in [sample(), fixture("graph")] {
        let g = graph_json(&dir);
        let xml = ok(&dir, &["graph", "--format", "graphml"]);
        assert_eq!(check_xml(&xml), names(&g), "names survive escaping");
        assert_eq!(xml.matches("<node ").count(), nodes(&g).len());
        assert_eq!(xml.matches("<edge ").count(), edges(&g).len());
        for key in ["name", "kind", "path", "count"] {
            assert!(xml.contains(&format!("<key id=\"{key}\"")), "{key}");
        }
        // A real XML parser too (python3 is part of the test setup).
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &xml).unwrap();
        let o = Command::new("python3")
            .args([
                "-c",
                "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
            ])
            .arg(file.path())
            .output()
            .expect("python3 runs");
        assert!(
            o.status.success(),
            "python's XML parser rejects the GraphML: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// mermaid

/// Decodes the Mermaid entity codes the exporter writes.
fn mermaid_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').expect("entity code ends with ;");
        let code = &after[..end];
        let c = match code {
            "quot" => '"',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            d => char::from_u32(d.parse().expect("decimal entity code")).unwrap(),
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn mermaid_labels_are_escaped() {
    for dir in [sample(), fixture("graph")] {
        let g = graph_json(&dir);
        let mm = ok(&dir, &["graph", "--format", "mermaid"]);
        let mut lines = mm.lines();
        assert_eq!(lines.next(), Some("flowchart LR"));
        let mut labels = BTreeMap::new();
        let mut edge_count = 0;
        for line in lines {
            let line = line.trim();
            if let Some((id, rest)) = line.split_once("[\"") {
                let (label, tail) = rest.rsplit_once("\"]").expect("label closes");
                assert!(
                    !label.contains(['"', '[', ']', '|']),
                    "raw Mermaid syntax in label {label:?}"
                );
                assert!(tail.is_empty() || tail == ":::unresolved", "{line}");
                let n: usize = id.strip_prefix('n').unwrap().parse().unwrap();
                labels.insert(n, mermaid_unescape(label));
            } else if line.contains("-->") {
                edge_count += 1;
                let ids: Vec<usize> = line
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter_map(|w| w.strip_prefix('n')?.parse().ok())
                    .collect();
                assert_eq!(ids.len(), 2, "{line}");
                assert!(ids.iter().all(|i| labels.contains_key(i)), "{line}");
            } else {
                assert!(line.starts_with("classDef "), "unexpected line {line:?}");
            }
        }
        assert_eq!(labels.into_values().collect::<Vec<_>>(), names(&g));
        assert_eq!(edge_count, edges(&g).len());
    }
}

// ---------------------------------------------------------------------------------------------
// stats

/// Weakly connected components of a JSON graph, by union-find.
fn components(n: usize, edges: &[(usize, usize, u64)]) -> usize {
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    let mut parent: Vec<usize> = (0..n).collect();
    for &(a, b, _) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        parent[ra] = rb;
    }
    (0..n).filter(|&x| find(&mut parent, x) == x).count()
}

#[test]
fn stats_agree_with_the_graph() {
    for dir in [sample(), fixture("graph")] {
        let g = graph_json(&dir);
        let s: Value = serde_json::from_str(&ok(&dir, &["stats", "--json"])).unwrap();
        let nodes = nodes(&g);
        let e = edges(&g);
        let count = |kind: &str| nodes.iter().filter(|n| n["kind"] == kind).count() as u64;
        assert_eq!(s["entities"].as_u64(), Some(nodes.len() as u64));
        assert_eq!(s["notes"].as_u64(), Some(count("note")));
        assert_eq!(s["unresolved"].as_u64(), Some(count("unresolved")));
        assert_eq!(s["edges"].as_u64(), Some(e.len() as u64));
        let edge_links: u64 = e.iter().map(|x| x.2).sum();
        assert_eq!(
            s["links"].as_u64(),
            Some(edge_links + s["attachment_links"].as_u64().unwrap()),
            "every link reaches an entity or an attachment"
        );
        assert_eq!(
            s["components"].as_u64(),
            Some(components(nodes.len(), &e) as u64)
        );

        let inbound = |id: usize| -> u64 {
            e.iter()
                .filter(|&&(a, b, _)| b == id && a != id)
                .map(|x| x.2)
                .sum()
        };
        let orphans: Vec<&str> = nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| n["kind"] == "note" && inbound(*i) == 0)
            .map(|(_, n)| n["path"].as_str().unwrap())
            .collect();
        let listed: Vec<&str> = s["orphan_notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(listed, orphans);
        assert_eq!(s["orphans"].as_u64(), Some(orphans.len() as u64));

        // The leader board: the ten largest inbound counts, ties by name.
        let mut want: Vec<(u64, String)> = (0..nodes.len())
            .map(|i| (inbound(i), nodes[i]["name"].as_str().unwrap().to_owned()))
            .filter(|x| x.0 > 0)
            .collect();
        want.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
        want.truncate(10);
        let got: Vec<(u64, String)> = s["top_inbound"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["inbound_links"].as_u64().unwrap(),
                    x["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(got, want);

        let ranks: Vec<f64> = s["top_page_rank"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["page_rank"].as_f64().unwrap())
            .collect();
        assert_eq!(ranks.len(), nodes.len().min(10));
        assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
        assert!(ranks.iter().all(|r| *r > 0.0 && *r < 1.0));

        let text = ok(&dir, &["stats"]);
        for (label, field) in [("notes", "notes"), ("entities", "entities")] {
            let line = text
                .lines()
                .find(|l| l.starts_with(label))
                .unwrap_or_else(|| panic!("{label} in {text}"));
            assert_eq!(
                line.split_whitespace().nth(1),
                Some(s[field].to_string().as_str())
            );
        }
        assert!(text.contains("Highest PageRank"), "{text}");
    }
}

#[test]
fn stats_on_the_fixture() {
    let s: Value = serde_json::from_str(&ok(&fixture("graph"), &["stats", "--json"])).unwrap();
    assert_eq!(s["notes"], 6);
    assert_eq!(s["unresolved"], 3);
    assert_eq!(s["components"], 2, "Lonely one stands alone");
    assert_eq!(s["orphan_notes"], serde_json::json!(["Lonely one.md"]));
    assert_eq!(s["top_inbound"][0]["name"], "He said \"hi\"");
    assert_eq!(s["top_inbound"][0]["inbound_links"], 4);
    assert_eq!(s["top_inbound"][0]["linking_notes"], 3);
    assert_eq!(s["unresolved_entities"][0]["name"], "He said \"hi\"");
    // The text names its orphans, not only their count.
    let text = ok(&fixture("graph"), &["stats"]);
    assert!(
        text.contains("\nOrphans (no other note links to them)\n  Lonely one.md\n\n"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// path

#[test]
fn path_between_sample_notes() {
    let o = vaultc(&sample(), &["path", "Home", "Palantir"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 2, "{out}");
    // Paths are the notes' paths in the vault, as in `stats` and the exports.
    assert!(lines[0].starts_with("Home (Home.md)"), "{out}");
    assert!(
        lines.last().unwrap().starts_with("→ Palantir (unresolved)"),
        "{out}"
    );
    for hop in &lines[1..] {
        assert!(hop.starts_with("→ "), "{hop}");
        let via = hop.split("  via ").nth(1).expect("each hop names its link");
        let loc = via.split("  ").next().unwrap();
        let mut parts = loc.rsplitn(3, ':');
        let col: u32 = parts.next().unwrap().parse().unwrap();
        let line: u32 = parts.next().unwrap().parse().unwrap();
        let file = parts.next().unwrap();
        assert!(col >= 1 && line >= 1);
        let text = std::fs::read_to_string(sample().join("vault").join(file)).unwrap();
        let at = text.lines().nth(line as usize - 1).unwrap();
        assert!(
            at.chars()
                .skip(col as usize - 1)
                .collect::<String>()
                .starts_with("[["),
            "{loc} points at a link: {at}"
        );
    }

    // Case and aliases do not matter; the same answer twice.
    assert_eq!(
        out,
        stdout(&vaultc(&sample(), &["path", "home", "palantir"]))
    );
}

#[test]
fn path_failures() {
    let o = vaultc(&sample(), &["path", "Hme", "NVIDIA"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("did you mean"), "{err}");
    assert!(err.contains("`Home`"), "{err}");

    // Both exist, but unresolved names link nowhere: exit 1, like grep finding nothing.
    let o = vaultc(&sample(), &["path", "Palantir", "Home"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("no link path from Palantir (unresolved) to Home"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn path_through_awkward_names() {
    let dir = fixture("graph");
    let out = ok(&dir, &["path", "Tom & Jerry", "He said \"hi\""]);
    assert_eq!(
        out,
        "Tom & Jerry (Tom & Jerry.md)\n\
         → Notes [draft] (Notes [draft].md)  via Tom & Jerry.md:3:44  [here](Notes%20%5Bdraft%5D.md)\n\
         → He said \"hi\" (unresolved)  via Notes [draft].md:3:23  [[He said \"hi\"]]\n"
    );
    let out = ok(&dir, &["path", "Home", "Home"]);
    assert_eq!(out, "Home (Home.md)\n");
    assert_eq!(
        vaultc(&dir, &["path", "Lonely one", "Home"]).status.code(),
        Some(1)
    );
}

/// Mermaid's own parser (tests/browser/mermaid.test.mjs, installed by `npm ci` there, as
/// .ci/run does) accepts the output, names with spaces, quotes and brackets included.
#[test]
fn mermaid_output_is_accepted_by_mermaid_itself() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/browser/mermaid.test.mjs");
    if !crate::require_node_package("mermaid") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, dir) in [sample(), fixture("graph")].into_iter().enumerate() {
        let path = tmp.path().join(format!("graph-{i}.mmd"));
        std::fs::write(&path, ok(&dir, &["graph", "--format", "mermaid"])).unwrap();
        files.push(path);
    }
    let out = Command::new("node")
        .arg(&script)
        .args(&files)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
