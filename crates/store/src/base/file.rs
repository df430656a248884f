//! Metadata of uploaded files. The bytes live under the data folder, addressed by their SM3
//! content hash, so the same file uploaded twice is stored once.

use crate::get_opt_id;
use crate::sql::Sql;
use crate::{get_i64, get_str, Result, Store, WriteTx};
use fgf_domain::base::AccountId;

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileObject {
    pub content_hash: String,
    pub size: i64,
    pub mime: String,
    pub original_name: String,
    pub uploaded_by: Option<AccountId>,
    pub created_at_ms: i64,
}

const FILE_COLS: &str = "content_hash, size, mime, original_name, uploaded_by, created_at";

fn file_object(r: &sqlx::any::AnyRow) -> Result<FileObject> {
    Ok(FileObject {
        content_hash: get_str(r, "content_hash")?,
        size: get_i64(r, "size")?,
        mime: get_str(r, "mime")?,
        original_name: get_str(r, "original_name")?,
        uploaded_by: get_opt_id(r, "uploaded_by")?,
        created_at_ms: get_i64(r, "created_at")?,
    })
}

impl Store {
    /// The files an account uploaded first (a later upload of the same bytes keeps the
    /// first record), newest first.
    pub async fn files_uploaded_by(
        &self,
        account_id: AccountId,
        page: crate::Page,
    ) -> Result<crate::Paged<FileObject>> {
        let mut count = Sql::new("select count(*) as n from file_object where uploaded_by = ");
        count.bind(account_id);
        let total = get_i64(&count.query().fetch_one(self.pool()).await?, "n")?;
        let mut sql = Sql::new(&format!(
            "select {FILE_COLS} from file_object where uploaded_by = "
        ));
        sql.bind(account_id)
            .push(" order by created_at desc, content_hash limit ")
            .bind(page.limit())
            .push(" offset ")
            .bind(page.offset());
        let rows = sql.query().fetch_all(self.pool()).await?;
        let items = rows.iter().map(file_object).collect::<Result<Vec<_>>>()?;
        Ok(crate::Paged { items, total })
    }

    pub async fn find_file(&self, content_hash: &str) -> Result<Option<FileObject>> {
        let mut sql = Sql::new(&format!(
            "select {FILE_COLS} from file_object where content_hash = "
        ));
        sql.bind(content_hash);
        sql.query()
            .fetch_optional(self.pool())
            .await?
            .map(|r| file_object(&r))
            .transpose()
    }
}

/// Which kinds of record refer to a stored file; who may read the file follows from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileRefs {
    /// A blank form or sample of a published (or once published) matter version: public.
    pub catalog: bool,
    /// Evidence of a progress report, a plan document or an accountability decision of the
    /// reform supervision (督): staff records.
    pub reform: bool,
}

impl Store {
    pub async fn file_refs(&self, content_hash: &str) -> Result<FileRefs> {
        // Hashes are 64 lowercase hex characters, so a match inside a matter's JSON document or
        // a space-separated evidence list is that file and nothing else.
        let find = match self.backend() {
            crate::Backend::Postgres => "strpos",
            crate::Backend::Sqlite => "instr",
        };
        let mut sql = Sql::new(&format!(
            "select (select count(*) from matter_version where status in ('published', 'superseded') and {find}(doc, "
        ));
        sql.bind(content_hash)
            .push(&format!(
                ") > 0) as catalog, (select count(*) from reform_report where {find}(evidence, "
            ))
            .bind(content_hash)
            .push(")  > 0) + (select count(*) from reform_plan_event where file_hash = ")
            .bind(content_hash)
            .push(") + (select count(*) from reform_merit where file_hash = ")
            .bind(content_hash)
            .push(") as reform");
        let r = sql.query().fetch_one(self.pool()).await?;
        Ok(FileRefs {
            catalog: get_i64(&r, "catalog")? > 0,
            reform: get_i64(&r, "reform")? > 0,
        })
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
