//! The text rules of `fgf_domain::text` as use-case errors, shared by the web edge (every
//! string of every request) and the use cases (the tighter limits of titles and file names,
//! so the CLI import is held to them as well).

use crate::error::{ServiceError, ServiceResult};
use fgf_domain::text::{has_forbidden_char, has_forbidden_char_in_line, FILE_NAME_MAX, TITLE_MAX};
use serde_json::json;

/// `field` (a JSON path or a form field name) holds a control or bidi character.
pub fn invalid_chars(field: &str) -> ServiceError {
    ServiceError::invalid("text_invalid_chars")
        .arg(field)
        .details(json!({ "field": field }))
}

/// `field` is longer than `limit` characters.
pub fn too_long(field: &str, limit: usize) -> ServiceError {
    ServiceError::invalid("text_too_long")
        .arg(field)
        .arg(limit)
        .details(json!({ "field": field, "limit": limit }))
}

/// Free text: no control or bidi characters (line breaks and tabs allowed), at most `limit`
/// characters.
pub fn check_text(field: &str, s: &str, limit: usize) -> ServiceResult<()> {
    if has_forbidden_char(s) {
        return Err(invalid_chars(field));
    }
    // Bytes bound characters from above, so most strings skip the count.
    if s.len() > limit && s.chars().count() > limit {
        return Err(too_long(field, limit));
    }
    Ok(())
}

/// A title or a name: one line of at most [`TITLE_MAX`] characters.
pub fn check_title(field: &str, s: &str) -> ServiceResult<()> {
    if has_forbidden_char_in_line(s) {
        return Err(invalid_chars(field));
    }
    if s.chars().count() > TITLE_MAX {
        return Err(too_long(field, TITLE_MAX));
    }
    Ok(())
}

/// An uploaded file's name: one line of at most [`FILE_NAME_MAX`] characters, so a name
/// cannot pretend to another extension with a right-to-left override.
pub fn check_file_name(field: &str, s: &str) -> ServiceResult<()> {
    if has_forbidden_char_in_line(s) {
        return Err(invalid_chars(field));
    }
    if s.chars().count() > FILE_NAME_MAX {
        return Err(too_long(field, FILE_NAME_MAX));
    }
    Ok(())
}
