//! What free text may hold. A penetration test stored a 100 KB plan title, names with NUL and
//! right-to-left overrides (which make `exe.pdf` read as `fdp.exe` on screen), and file names
//! that kept them. Every text field therefore has a length limit, and none may hold C0/C1
//! control characters other than tab and line breaks, nor the Unicode bidirectional controls.
//! The web edge applies these to every string of every request; the use cases apply the
//! tighter limits a field has by nature (titles), so the CLI import is held to them too.

/// The cap on an ordinary field at the edge (names, codes, short notes), in characters.
pub const ORDINARY_MAX: usize = 500;

/// The cap on the fields that carry long text (a plan's text, comments, BPMN, guide texts
/// such as legal basis and conditions), in characters. The body size limit still applies.
pub const LONG_MAX: usize = 200_000;

/// Titles and names: a plan's or a task's title, a matter's name (GB/T 39046 表4: an..200).
pub const TITLE_MAX: usize = 200;

/// A file name, as most file systems allow.
pub const FILE_NAME_MAX: usize = 255;

/// Field names (JSON keys and form fields, at any depth) under which a string is long text.
/// Names, titles and codes are never among them.
pub const LONG_FIELDS: &[&str] = &[
    "text",
    "body",
    "summary",
    "comment",
    "comments",
    "note",
    "disposition_note",
    "reason",
    "done",
    "problems",
    "plan",
    "resolution",
    "response",
    "decision",
    "requirement",
    "finding",
    "findings",
    "conditions",
    "condition",
    "cond",
    "m_condition",
    "arm_cond_new",
    "legal_basis",
    "standard",
    "special_procedures",
    "trips_reason",
    "life_events",
    // A matter's application form definition, edited as JSON text.
    "form_json",
    // Decision reasons and verification opinions.
    "reasons",
    "opinion",
    "description",
    "content",
    "detail",
    // Process data and the designer's and the dictionary's whole-document fields.
    "record",
    "vars",
    "bpmn",
    "state",
    "items",
    "holidays",
    "workdays",
];

/// Whether a string may not hold `c`: C0/C1 controls other than tab, line feed and carriage
/// return, and the bidirectional controls (embeddings and overrides U+202A–U+202E, isolates
/// U+2066–U+2069, the marks U+200E, U+200F and U+061C).
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// Whether `s` holds a forbidden character.
pub fn has_forbidden_char(s: &str) -> bool {
    s.chars().any(is_forbidden_char)
}

/// A single-line field (a title, a name, a file name) holds no line break or tab either.
pub fn has_forbidden_char_in_line(s: &str) -> bool {
    s.chars()
        .any(|c| is_forbidden_char(c) || matches!(c, '\t' | '\n' | '\r'))
}

/// The edge's cap for a string found under `field` (a field name at any depth).
pub fn edge_limit<'a>(mut fields: impl Iterator<Item = &'a str>) -> usize {
    if fields.any(|f| LONG_FIELDS.contains(&f)) {
        LONG_MAX
    } else {
        ORDINARY_MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_refused_and_line_breaks_kept() {
        for bad in [
            "a\0b",
            "a\u{7}b",
            "a\u{1b}[31m",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{9f}",
            "exe\u{202e}fdp.exe",
            "a\u{202a}b",
            "a\u{2066}b",
            "a\u{2069}",
            "a\u{200e}",
            "a\u{200f}",
            "a\u{061c}",
        ] {
            assert!(has_forbidden_char(bad), "{bad:?}");
        }
        for good in [
            "第一条\n第二条\r\n",
            "a\tb",
            "放管服 reform",
            "עברית",
            "😀",
            "\u{200d}",
        ] {
            assert!(!has_forbidden_char(good), "{good:?}");
        }
        assert!(has_forbidden_char_in_line("标题\n第二行"));
        assert!(!has_forbidden_char_in_line("标题"));
    }

    #[test]
    fn long_text_fields_get_the_larger_cap_at_any_depth() {
        assert_eq!(edge_limit(["title"].into_iter()), ORDINARY_MAX);
        assert_eq!(edge_limit(["doc", "legal_basis"].into_iter()), LONG_MAX);
        assert_eq!(
            edge_limit(["record", "applicant_name"].into_iter()),
            LONG_MAX
        );
        assert_eq!(edge_limit(std::iter::empty()), ORDINARY_MAX);
    }
}
