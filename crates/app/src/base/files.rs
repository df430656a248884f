//! File storage for uploads: bytes under `data_dir/files`, addressed by their SM3 content
//! hash (so duplicates are stored once and a file cannot be swapped under its name).
//!
//! The type a client claims for an upload is never believed: a file sent as `text/html` with a
//! script in it would run in the district's origin when opened. The type is read from the
//! content ([`sniff_mime`]) when the file is stored and again whenever it is served.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use fgf_domain::base::audit::{sm3_hex, FieldChange};
use fgf_domain::base::permission::Permission;
use fgf_store::base::file::FileObject;
use serde_json::json;
use std::path::PathBuf;

fn valid_hash(h: &str) -> bool {
    h.len() == 64
        && h.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// The type of a file judged from its first bytes, from a short list of what applicants and
/// staff upload (PDF, images, Office documents, plain text); anything else is
/// `application/octet-stream`. Never `text/html` or another type a browser would run.
pub fn sniff_mime(bytes: &[u8]) -> &'static str {
    let zip_member = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
    if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // Member names are stored uncompressed in a zip's headers.
        if zip_member(b"xl/workbook.xml") {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        } else if zip_member(b"word/document.xml") {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        } else {
            "application/zip"
        }
    } else if std::str::from_utf8(bytes).is_ok_and(|t| {
        t.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    }) {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

impl UseCases<'_> {
    fn file_path(self, hash: &str) -> PathBuf {
        self.files_root().join(&hash[..2]).join(hash)
    }

    /// Stores an upload under its content hash, with the type read from its content.
    pub async fn upload_file(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
    ) -> ServiceResult<FileObject> {
        actor.scope(Permission::FileUpload)?;
        // Refused rather than cleaned: a name that reads differently from what it is (a
        // right-to-left override) is an attempt to mislead whoever downloads it.
        crate::text::check_file_name("name", name)?;
        let limit = self.config().max_upload_mb;
        if bytes.is_empty() {
            return Err(ServiceError::invalid("file_empty"));
        }
        if bytes.len() as u64 > limit * 1024 * 1024 {
            return Err(ServiceError::invalid("file_too_large").arg(limit));
        }
        let hash = sm3_hex(bytes);
        let path = self.file_path(&hash);
        if !path.exists() {
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(ServiceError::internal)?;
            // Write then rename, so a crash never leaves a half file under the final name.
            let tmp = dir.join(format!(".{hash}.{}", rand::random::<u32>()));
            tokio::fs::write(&tmp, bytes)
                .await
                .map_err(ServiceError::internal)?;
            tokio::fs::rename(&tmp, &path)
                .await
                .map_err(ServiceError::internal)?;
        }
        let name: String = name.chars().filter(|c| *c != '/' && *c != '\\').collect();
        let f = FileObject {
            content_hash: hash.clone(),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            mime: sniff_mime(bytes).to_owned(),
            original_name: if name.is_empty() {
                "file".to_owned()
            } else {
                name
            },
            uploaded_by: Some(actor.account.id),
            created_at_ms: self.now_ms(),
        };
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.insert_file(&f).await?;
        tx.audit(
            "file.upload",
            "file",
            &hash,
            &[FieldChange {
                field: "name".to_owned(),
                before: None,
                after: Some(json!(f.original_name)),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(self.store().find_file(&hash).await?.unwrap_or(f))
    }

    /// A stored file, for whoever may read a record it belongs to: its uploader, anyone for
    /// the blank forms and samples of the public catalogue, staff at the workbench for the
    /// reform supervision's evidence and decisions. Anyone else is told it does not exist.
    /// The files the caller uploaded, newest first.
    pub async fn my_files(
        &self,
        actor: &Actor,
        page: fgf_store::Page,
    ) -> ServiceResult<fgf_store::Paged<FileObject>> {
        actor.scope(Permission::FileUpload)?;
        Ok(self
            .store()
            .files_uploaded_by(actor.account.id, page)
            .await?)
    }

    pub async fn read_file(
        &self,
        actor: &Actor,
        hash: &str,
    ) -> ServiceResult<(FileObject, Vec<u8>)> {
        let missing = || ServiceError::not_found("not_found").arg("file").arg(hash);
        if !valid_hash(hash) {
            return Err(missing());
        }
        let Some(meta) = self.store().find_file(hash).await? else {
            return Err(missing());
        };
        let refs = self.store().file_refs(hash).await?;
        let allowed = meta.uploaded_by == Some(actor.account.id)
            || refs.catalog
            || (refs.reform && actor.has(Permission::Workbench))
            || self.application().may_read_any_of(actor, hash).await?;
        if !allowed {
            return Err(missing());
        }
        self.read_stored_file(hash).await
    }

    /// A stored file by hash, checked against it; callers decide who may have it.
    pub(crate) async fn read_stored_file(
        &self,
        hash: &str,
    ) -> ServiceResult<(FileObject, Vec<u8>)> {
        if !valid_hash(hash) {
            return Err(ServiceError::not_found("not_found").arg("file").arg(hash));
        }
        let Some(meta) = self.store().find_file(hash).await? else {
            return Err(ServiceError::not_found("not_found").arg("file").arg(hash));
        };
        let bytes = tokio::fs::read(self.file_path(hash))
            .await
            .map_err(ServiceError::internal)?;
        if sm3_hex(&bytes) != hash {
            return Err(ServiceError::internal(format!(
                "stored file {hash} does not match its hash"
            )));
        }
        Ok((meta, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::sniff_mime;

    #[test]
    fn finding_7_types_come_from_the_content_never_html() {
        let cases: &[(&[u8], &str)] = &[
            (b"%PDF-1.7 ...", "application/pdf"),
            (b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
            (b"GIF89a\x01\0", "image/gif"),
            (b"RIFF\x10\0\0\0WEBPVP8 ", "image/webp"),
            (
                b"PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml...xl/workbook.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                b"PK\x03\x04\x14\0\0\0\x08\0word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (b"PK\x03\x04\x14\0\0\0\x08\0a.txt", "application/zip"),
            (
                "申请说明\r\n第二行\t".as_bytes(),
                "text/plain; charset=utf-8",
            ),
            (
                b"<html><script>alert(document.cookie)</script></html>",
                "text/plain; charset=utf-8",
            ),
            (
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
                "text/plain; charset=utf-8",
            ),
            (b"\0\x01\x02binary", "application/octet-stream"),
            (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                "application/octet-stream",
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                sniff_mime(bytes),
                *want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
