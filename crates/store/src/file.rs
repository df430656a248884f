//! Metadata of uploaded files. The bytes live under the data folder, addressed by their SM3
//! content hash, so the same file uploaded twice is stored once.

use crate::sql::Sql;
use crate::{get_i64, get_opt_i64, get_str, Result, Store, WriteTx};

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileObject {
    pub content_hash: String,
    pub size: i64,
    pub mime: String,
    pub original_name: String,
    pub uploaded_by: Option<i64>,
    pub created_at_ms: i64,
}

impl Store {
    pub async fn find_file(&self, content_hash: &str) -> Result<Option<FileObject>> {
        let mut sql = Sql::new(
            "select content_hash, size, mime, original_name, uploaded_by, created_at from file_object where content_hash = ",
        );
        sql.bind(content_hash);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                Ok(FileObject {
                    content_hash: get_str(&r, "content_hash")?,
                    size: get_i64(&r, "size")?,
                    mime: get_str(&r, "mime")?,
                    original_name: get_str(&r, "original_name")?,
                    uploaded_by: get_opt_i64(&r, "uploaded_by")?,
                    created_at_ms: get_i64(&r, "created_at")?,
                })
            })
            .transpose()
    }
}

impl WriteTx {
    /// Records a stored file; a second upload of the same bytes keeps the first record.
    pub async fn insert_file(&mut self, f: &FileObject) -> Result<()> {
        let mut sql = Sql::new(
            "insert into file_object (content_hash, size, mime, original_name, uploaded_by, created_at) values (",
        );
        sql.bind(f.content_hash.as_str())
            .push(",")
            .bind(f.size)
            .push(",")
            .bind(f.mime.as_str())
            .push(",")
            .bind(f.original_name.as_str())
            .push(",")
            .bind(f.uploaded_by)
            .push(",")
            .bind(f.created_at_ms)
            .push(") on conflict (content_hash) do nothing");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }
}
