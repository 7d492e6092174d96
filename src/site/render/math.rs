//! `$…$` and `$$…$$` → MathML, at build time (math-core): browsers draw MathML themselves,
//! so a page with a formula needs no script.

use std::sync::LazyLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

static CONVERTER: LazyLock<Option<LatexToMathML>> =
    LazyLock::new(|| LatexToMathML::new(MathCoreConfig::default()).ok());

/// The MathML of a math range as written (`$x$` inline, `$$x$$` displayed); `None` when the
/// TeX cannot be converted.
pub fn to_mathml(src: &str) -> Option<String> {
    let (tex, display) = match src.strip_prefix("$$").and_then(|s| s.strip_suffix("$$")) {
        Some(tex) => (tex, MathDisplay::Block),
        None => (
            src.strip_prefix('$')?.strip_suffix('$')?,
            MathDisplay::Inline,
        ),
    };
    let converter = CONVERTER.as_ref()?;
    let out = converter
        .convert_with_local_state(tex.trim(), display)
        .ok()?;
    Some(out.mathml)
}

#[cfg(test)]
mod tests {
    use super::to_mathml;

    #[test]
    fn formulas_become_mathml_and_bad_tex_does_not() {
        let inline = to_mathml("$x_1 + x_2$").unwrap();
        assert!(
            inline.starts_with("<math>") && inline.contains("<msub>"),
            "{inline}"
        );
        let block = to_mathml("$$E = mc^2$$").unwrap();
        assert!(block.starts_with(r#"<math display="block">"#), "{block}");
        assert_eq!(to_mathml(r"$\frac{1}{$"), None);
        assert_eq!(
            to_mathml(r"$<script>alert(1)</script>$").map(|m| m.contains("<script")),
            Some(false)
        );
    }
}
