//! File storage for uploads: bytes under `data_dir/files`, addressed by their SM3 content
//! hash (so duplicates are stored once and a file cannot be swapped under its name).

use crate::error::{ServiceError, ServiceResult};
use crate::{Actor, App};
use fgf_domain::audit::{sm3_hex, FieldChange};
use fgf_domain::permission::Permission;
use fgf_store::file::FileObject;
use serde_json::json;
use std::path::PathBuf;

fn valid_hash(h: &str) -> bool {
    h.len() == 64
        && h.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

impl App {
    fn file_path(&self, hash: &str) -> PathBuf {
        self.files_root().join(&hash[..2]).join(hash)
    }

    pub async fn upload_file(
        &self,
        actor: &Actor,
        name: &str,
        mime: &str,
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
            mime: mime.chars().take(100).collect(),
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
            || (refs.reform && actor.has(Permission::Workbench));
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
