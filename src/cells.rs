//! Typed table cells: the value a cell's text holds, when it holds exactly one.
//!
//! [`typed_value`] reads a whole cell and answers only when the text is unambiguous: after
//! surrounding whitespace and Markdown emphasis markers (`**…**`, `*…*`, `__…__`, `_…_`) are
//! stripped, the rest must be exactly one of these forms, or the answer is `None`:
//!
//! | Form                  | Examples                                   | Value                     |
//! |-----------------------|--------------------------------------------|---------------------------|
//! | ISO date              | `2026-01-14`                               | a real calendar date      |
//! | percent               | `+25%`, `-3.5%`, `−12%` (U+2212), `25 %`, `~98%` | a fraction: 0.25    |
//! | multiple              | `29x`, `29.5x`, `29×`, `~16x`              | 29                        |
//! | basis points          | `358 bp`, `25bps`, `~50bp`                 | kept in bp: 358           |
//! | currency              | `~$38M`, `~-$1M`, `$-1M`, `€40M`, `$1,234.50` | 38000000 USD, approx   |
//! | number                | `1,234`, `-12`, `+3.5`, `~40`, `38M`       | 1234, approx for `~`      |
//!
//! The grammar, in order: an optional approximation mark (`~` or `≈`), an optional sign
//! (`+`, `-`, `−`), an optional currency symbol (`$` USD, `€` EUR, `£` GBP, `¥` JPY), a sign
//! after the symbol if there was none before it, a decimal number (digits, optional `,`
//! thousands groups of exactly three digits, optional `.` fraction), then an optional unit:
//! `%`, `x`/`×`, `bp`/`bps`, or a magnitude `K` `M` `B` `T` (thousand to trillion;
//! lower-case `k` `m` `b` `t` only after a currency symbol, since `38m` alone may be metres).
//! Whitespace is allowed only between the number and its unit. The approximation mark goes
//! with every unit and is kept (`approx`).
//!
//! A multiple is written with a lower-case `x` or `×`: an upper-case `X` after digits names a
//! product far more often than a multiple (`7060X` an Arista switch, `1X` a robot maker), so
//! `7060X` and `10X` stay text. The README gives the counts behind this.
//!
//! Not typed, on purpose: ranges (`10-15%`, `+6-8%`), trailing words (`+25% YoY`), periods
//! (`Q3 2026`), placeholders (`n/a`, `—`), European decimals (`1,5`), and a currency combined
//! with a percent, multiple or basis points (`$29x`, `$5%`): no value type holds both.
//!
//! Values are computed from the decimal text (`1.2B` is read as `1.2e9`), so each is the
//! closest `f64` to the written number.

use jiff::civil::Date;
use serde::Serialize;

/// The value a table cell's text holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CellValue {
    /// `+25%` → 0.25; `~98%` → 0.98, approximate.
    Percent {
        value: f64,
        #[serde(skip_serializing_if = "is_false")]
        approx: bool,
    },
    /// `~$38M` → 38000000, `USD`, approximate.
    Currency {
        value: f64,
        currency: String,
        approx: bool,
    },
    /// `29x` → 29; `~16x` → 16, approximate.
    Multiple {
        value: f64,
        #[serde(skip_serializing_if = "is_false")]
        approx: bool,
    },
    /// `1,234` → 1234; `~40` → 40, approximate; `38M` → 38000000.
    Number { value: f64, approx: bool },
    /// `358 bp` → 358 (kept in basis points); `~50bp` → 50, approximate.
    BasisPoints {
        value: f64,
        #[serde(skip_serializing_if = "is_false")]
        approx: bool,
    },
    /// `2026-01-14`.
    Date { value: Date },
}

/// `approx` is written out for a percent, multiple or basis points only when it is true, so
/// exact values keep their short form (`{"type": "percent", "value": 0.25}`).
fn is_false(b: &bool) -> bool {
    !*b
}

/// The typed value of a cell's text, when the text is exactly one unambiguous value.
pub fn typed_value(text: &str) -> Option<CellValue> {
    let text = strip_emphasis(text);
    if let Some(date) = iso_date(text) {
        return Some(CellValue::Date { value: date });
    }
    quantity(text)
}

/// The text without surrounding whitespace and matching emphasis markers, any number deep.
fn strip_emphasis(text: &str) -> &str {
    let mut s = text.trim();
    'strip: loop {
        for marker in ["**", "__", "*", "_"] {
            if s.len() > 2 * marker.len() && s.starts_with(marker) && s.ends_with(marker) {
                s = s[marker.len()..s.len() - marker.len()].trim();
                continue 'strip;
            }
        }
        return s;
    }
}

/// `YYYY-MM-DD`, and only when it names a day that exists.
fn iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let year = s[0..4].parse().ok()?;
    let month = s[5..7].parse().ok()?;
    let day = s[8..10].parse().ok()?;
    Date::new(year, month, day).ok()
}

/// What follows the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    None,
    Percent,
    Multiple,
    BasisPoints,
    /// A power of ten: `K` 3, `M` 6, `B` 9, `T` 12.
    Magnitude(i32),
}

/// A number with its marks and unit: everything but the ISO date.
fn quantity(text: &str) -> Option<CellValue> {
    let mut s = Scanner { rest: text };
    let approx = s.eat('~') || s.eat('≈');
    let sign_before = s.sign();
    let currency = s.currency();
    let sign_after = if currency.is_some() { s.sign() } else { None };
    if sign_before.is_some() && sign_after.is_some() {
        return None;
    }
    let negative = sign_before.or(sign_after) == Some('-');
    let digits = s.decimal()?;
    let unit = s.unit(currency.is_some())?;
    if !s.rest.is_empty() {
        return None;
    }

    let exponent = match unit {
        Unit::Percent => -2,
        Unit::Magnitude(e) => e,
        Unit::None | Unit::Multiple | Unit::BasisPoints => 0,
    };
    let sign = if negative { "-" } else { "" };
    // Rust's float parsing is correctly rounded, so this is the closest f64 to the decimal.
    let value: f64 = format!("{sign}{digits}e{exponent}").parse().ok()?;

    match (unit, currency, approx) {
        (Unit::None | Unit::Magnitude(_), Some(code), _) => Some(CellValue::Currency {
            value,
            currency: code.to_owned(),
            approx,
        }),
        (Unit::None | Unit::Magnitude(_), None, _) => Some(CellValue::Number { value, approx }),
        (Unit::Percent, None, _) => Some(CellValue::Percent { value, approx }),
        (Unit::Multiple, None, _) => Some(CellValue::Multiple { value, approx }),
        (Unit::BasisPoints, None, _) => Some(CellValue::BasisPoints { value, approx }),
        // A currency on a percent, multiple or basis points: no value type holds both.
        (Unit::Percent | Unit::Multiple | Unit::BasisPoints, Some(_), _) => None,
    }
}

/// A cursor over the cell text; each method consumes what it recognises, or nothing.
struct Scanner<'a> {
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// `+`, `-` or `−` (U+2212 MINUS SIGN), as `'+'` or `'-'`.
    fn sign(&mut self) -> Option<char> {
        if self.eat('+') {
            Some('+')
        } else if self.eat('-') || self.eat('\u{2212}') {
            Some('-')
        } else {
            None
        }
    }

    /// A currency symbol, as its ISO 4217 code.
    fn currency(&mut self) -> Option<&'static str> {
        const SYMBOLS: [(char, &str); 4] = [('$', "USD"), ('€', "EUR"), ('£', "GBP"), ('¥', "JPY")];
        let (symbol, code) = SYMBOLS
            .into_iter()
            .find(|(c, _)| self.rest.starts_with(*c))?;
        self.eat(symbol);
        Some(code)
    }

    /// A run of ASCII digits (possibly empty).
    fn digits(&mut self) -> &'a str {
        let end = self
            .rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.rest.len());
        let (run, rest) = self.rest.split_at(end);
        self.rest = rest;
        run
    }

    /// `1234`, `1,234,567`, `3.5`, `1,234.50`: the digits with the commas taken out.
    /// `None` when the number is malformed (`1,23`, `1234,567`, `3.`, no digits).
    fn decimal(&mut self) -> Option<String> {
        let first = self.digits();
        if first.is_empty() {
            return None;
        }
        let mut out = first.to_owned();
        let grouped = self.rest.starts_with(',');
        if grouped && first.len() > 3 {
            return None;
        }
        while self.eat(',') {
            let group = self.digits();
            if group.len() != 3 {
                return None;
            }
            out.push_str(group);
        }
        if self.eat('.') {
            let fraction = self.digits();
            if fraction.is_empty() {
                return None;
            }
            out.push('.');
            out.push_str(fraction);
        }
        Some(out)
    }

    /// The unit after the number (whitespace allowed before it); `None` when something
    /// follows that is not a unit, which then stays in `rest`.
    fn unit(&mut self, has_currency: bool) -> Option<Unit> {
        let before = self.rest;
        self.rest = self.rest.trim_start();
        let unit = if self.eat('%') {
            Unit::Percent
        } else if self.eat('x') || self.eat('×') {
            Unit::Multiple
        } else if self.rest.eq_ignore_ascii_case("bp") || self.rest.eq_ignore_ascii_case("bps") {
            self.rest = "";
            Unit::BasisPoints
        } else if let Some(exp) = self.peek().and_then(|c| magnitude(c, has_currency)) {
            self.rest = &self.rest[1..];
            Unit::Magnitude(exp)
        } else {
            // Nothing recognised: give back the whitespace so the caller sees what is left.
            self.rest = before;
            return if before.is_empty() {
                Some(Unit::None)
            } else {
                None
            };
        };
        Some(unit)
    }
}

/// The power of ten a magnitude letter stands for.
fn magnitude(c: char, has_currency: bool) -> Option<i32> {
    let exp = match c.to_ascii_uppercase() {
        'K' => 3,
        'M' => 6,
        'B' => 9,
        'T' => 12,
        _ => return None,
    };
    (c.is_ascii_uppercase() || has_currency).then_some(exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(value: f64, approx: bool) -> Option<CellValue> {
        cur(value, "USD", approx)
    }

    fn cur(value: f64, currency: &str, approx: bool) -> Option<CellValue> {
        Some(CellValue::Currency {
            value,
            currency: currency.to_owned(),
            approx,
        })
    }

    fn num(value: f64, approx: bool) -> Option<CellValue> {
        Some(CellValue::Number { value, approx })
    }

    fn pct(value: f64) -> Option<CellValue> {
        Some(CellValue::Percent {
            value,
            approx: false,
        })
    }

    fn mult(value: f64) -> Option<CellValue> {
        Some(CellValue::Multiple {
            value,
            approx: false,
        })
    }

    fn bp(value: f64) -> Option<CellValue> {
        Some(CellValue::BasisPoints {
            value,
            approx: false,
        })
    }

    /// The same value, marked approximate.
    fn approx(v: Option<CellValue>) -> Option<CellValue> {
        let mut v = v?;
        match &mut v {
            CellValue::Percent { approx, .. }
            | CellValue::Multiple { approx, .. }
            | CellValue::BasisPoints { approx, .. }
            | CellValue::Currency { approx, .. }
            | CellValue::Number { approx, .. } => *approx = true,
            CellValue::Date { .. } => {}
        }
        Some(v)
    }

    fn date(y: i16, m: i8, d: i8) -> Option<CellValue> {
        Some(CellValue::Date {
            value: Date::new(y, m, d).expect("a valid test date"),
        })
    }

    /// The numeric payload, to compare with a tolerance.
    fn number_of(v: &CellValue) -> Option<f64> {
        match v {
            CellValue::Percent { value, .. }
            | CellValue::Currency { value, .. }
            | CellValue::Multiple { value, .. }
            | CellValue::Number { value, .. }
            | CellValue::BasisPoints { value, .. } => Some(*value),
            CellValue::Date { .. } => None,
        }
    }

    /// The value with its number zeroed, to compare variant and flags alone.
    fn without_number(v: &CellValue) -> CellValue {
        let mut v = v.clone();
        match &mut v {
            CellValue::Percent { value, .. }
            | CellValue::Currency { value, .. }
            | CellValue::Multiple { value, .. }
            | CellValue::Number { value, .. }
            | CellValue::BasisPoints { value, .. } => *value = 0.0,
            CellValue::Date { .. } => {}
        }
        v
    }

    /// Same variant and flags, numbers equal within a relative 1e-12.
    fn same(got: &Option<CellValue>, want: &Option<CellValue>) -> bool {
        match (got, want) {
            (None, None) => true,
            (Some(g), Some(w)) => {
                let close = match (number_of(g), number_of(w)) {
                    (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                    (a, b) => a == b,
                };
                close && without_number(g) == without_number(w)
            }
            _ => false,
        }
    }

    /// Checks every case, reporting all that fail at once.
    fn check(cases: &[(&str, Option<CellValue>)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(text, want)| {
                let got = typed_value(text);
                (!same(&got, want)).then(|| format!("{text:?}: got {got:?}, want {want:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn percents() {
        check(&[
            ("+25%", pct(0.25)),
            ("25%", pct(0.25)),
            ("-3.5%", pct(-0.035)),
            ("\u{2212}12%", pct(-0.12)),
            ("**+396%**", pct(3.96)),
            ("*-9%*", pct(-0.09)),
            ("  +0.5%  ", pct(0.005)),
            ("46 %", pct(0.46)),
            ("_+1.8%_", pct(0.018)),
            ("***+240%***", pct(2.4)),
            // Approximate: the mark is kept.
            ("~98%", approx(pct(0.98))),
            ("≈12%", approx(pct(0.12))),
            ("~-3%", approx(pct(-0.03))),
            ("**~40%**", approx(pct(0.4))),
        ]);
    }

    #[test]
    fn currencies() {
        check(&[
            ("~$38M", usd(38_000_000.0, true)),
            ("~-$1M", usd(-1_000_000.0, true)),
            ("-$1M", usd(-1_000_000.0, false)),
            ("$-1M", usd(-1_000_000.0, false)),
            ("\u{2212}$1M", usd(-1_000_000.0, false)),
            ("+$5M", usd(5_000_000.0, false)),
            ("$1.2B", usd(1_200_000_000.0, false)),
            ("$950K", usd(950_000.0, false)),
            ("$950k", usd(950_000.0, false)),
            ("$3T", usd(3e12, false)),
            ("$1.5T", usd(1.5e12, false)),
            ("€40M", cur(40_000_000.0, "EUR", false)),
            ("£12", cur(12.0, "GBP", false)),
            ("¥1,000", cur(1000.0, "JPY", false)),
            ("$1,234.50", usd(1234.5, false)),
            ("**~$38M**", usd(38_000_000.0, true)),
            ("≈$2M", usd(2_000_000.0, true)),
            ("$1.2 B", usd(1_200_000_000.0, false)),
        ]);
    }

    #[test]
    fn multiples_basis_points_numbers_and_dates() {
        check(&[
            ("29x", mult(29.0)),
            ("29.5x", mult(29.5)),
            ("29×", mult(29.0)),
            ("1.5×", mult(1.5)),
            ("~16x", approx(mult(16.0))),
            ("1,234", num(1234.0, false)),
            ("1,234,567.89", num(1_234_567.89, false)),
            ("-12", num(-12.0, false)),
            ("+3.5", num(3.5, false)),
            ("~40", num(40.0, true)),
            ("38M", num(38_000_000.0, false)),
            ("2.5K", num(2500.0, false)),
            ("0", num(0.0, false)),
            ("2025", num(2025.0, false)),
            ("358 bp", bp(358.0)),
            ("25bps", bp(25.0)),
            ("-50 BPS", bp(-50.0)),
            ("~50bp", approx(bp(50.0))),
            ("2026-01-14", date(2026, 1, 14)),
            ("**2024-02-29**", date(2024, 2, 29)),
        ]);
    }

    #[test]
    fn product_names_with_an_upper_case_x_stay_text() {
        // An Arista switch, a robot maker, an upper-case multiple: all text.
        check(&[("7060X", None), ("1X", None), ("10X", None), ("22X", None)]);
    }

    #[test]
    fn text_that_is_not_one_value() {
        check(&[
            ("", None),
            ("   ", None),
            ("n/a", None),
            ("—", None),
            ("Q3 2026", None),
            ("+25% YoY", None),
            ("10-15%", None),
            ("+6-8%", None),
            ("~10-15%", None),
            ("4x November (~$38M)", None),
            ("2025-02-29", None),
            ("2026-13-01", None),
            ("2026-1-14", None),
            ("2026-01-14T10:00", None),
            ("Jan 14, 2026", None),
            ("1,23", None),
            ("1,2345", None),
            ("1234,567", None),
            (",123", None),
            ("3.", None),
            (".5", None),
            ("--5", None),
            ("+-5", None),
            ("-$-1M", None),
            ("$", None),
            ("%", None),
            ("~%", None),
            ("~~25%", None),
            ("$29x", None),
            ("$5%", None),
            ("~$5%", None),
            ("38m", None),
            ("38MM", None),
            ("5 M x", None),
            ("$ 5", None),
            ("1.2.3", None),
            ("**5%", None),
            ("~~5%~~", None),
            ("12 bp extra", None),
            ("100%+", None),
            ("9 days", None),
        ]);
    }

    #[test]
    fn values_are_the_closest_f64() {
        let value = |s: &str| typed_value(s).as_ref().and_then(number_of);
        assert_eq!(value("~$38M"), Some(38_000_000.0));
        assert_eq!(value("~-$1M"), Some(-1_000_000.0));
        assert_eq!(value("$1.2B"), Some(1_200_000_000.0));
        assert_eq!(value("+25%"), Some(0.25));
        assert_eq!(value("-3.5%"), Some(-0.035));
        assert_eq!(value("$1,234.50"), Some(1234.5));
    }

    #[test]
    fn serializes_with_a_type_tag() {
        let json = |v: Option<CellValue>| serde_json::to_value(v).expect("serializable");
        assert_eq!(
            json(typed_value("~$38M")),
            serde_json::json!({"type": "currency", "value": 38_000_000.0, "currency": "USD", "approx": true})
        );
        assert_eq!(
            json(typed_value("358 bp")),
            serde_json::json!({"type": "basis_points", "value": 358.0})
        );
        // `approx` only when it is true, for the three types that gained it.
        assert_eq!(
            json(typed_value("25%")),
            serde_json::json!({"type": "percent", "value": 0.25})
        );
        assert_eq!(
            json(typed_value("~98%")),
            serde_json::json!({"type": "percent", "value": 0.98, "approx": true})
        );
        assert_eq!(
            json(typed_value("2026-01-14")),
            serde_json::json!({"type": "date", "value": "2026-01-14"})
        );
        assert_eq!(json(typed_value("n/a")), serde_json::Value::Null);
    }
}
