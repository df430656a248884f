//! The review instance, decision and delivery of an application, its numbered documents, and
//! the electronic licences (电子证照) a grant issues.

use crate::sql::Sql;
use crate::{
    get_code, get_date, get_i64, get_id, get_str, Page, Paged, Result, Scope, Store, StoreError,
    WriteTx,
};
use chrono::{Datelike, NaiveDate};
use fgf_domain::application::{ApplicationId, DocumentKind, LicenceContent, LicenceStatus};
use fgf_domain::base::{AccountId, DepartmentId};
use fgf_domain::catalog::MatterId;
use fgf_domain::process::InstanceId;
use sqlx::any::AnyRow;

/// A document sent to the applicant, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: i64,
    pub application_id: ApplicationId,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: NaiveDate,
    /// The composed body, JSON of `DocumentBody`.
    pub body: String,
}

fn document(r: &AnyRow) -> Result<DocumentRow> {
    Ok(DocumentRow {
        id: get_i64(r, "application_document_id")?,
        application_id: get_id(r, "application_id")?,
        kind: get_code(r, "application_document", "kind")?,
        number: get_str(r, "number")?,
        issued_on: get_date(r, "application_document", "issued_on")?,
        body: get_str(r, "body")?,
    })
}

const DOC_COLS: &str = "application_document_id, application_id, kind, number, issued_on, body";

/// A licence as stored: the signed content field by field, the signature and the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRow {
    pub id: i64,
    pub application_id: ApplicationId,
    pub matter_id: MatterId,
    pub holder_account_id: AccountId,
    pub department_id: DepartmentId,
    pub content: LicenceContent,
    pub signature: String,
    pub key_id: String,
    pub status: LicenceStatus,
    pub status_reason: String,
    /// 1 when issued; each change or renewal adds one (the replaced content is kept).
    pub revision: i64,
    pub created_at_ms: i64,
}

const LICENCE_COLS: &str = "licence_id, number, application_id, matter_id, holder_account_id, \
    department_id, title, holder_name, holder_id, scope, valid_from, valid_until, issuer, \
    issued_on, signature, key_id, status, status_reason, revision, created_at";

/// What a licence said before a change or renewal replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRevisionRow {
    pub revision: i64,
    pub content: LicenceContent,
    pub signature: String,
    pub application_id: ApplicationId,
    pub replaced_on: NaiveDate,
}

fn licence(r: &AnyRow) -> Result<LicenceRow> {
    Ok(LicenceRow {
        id: get_i64(r, "licence_id")?,
        application_id: get_id(r, "application_id")?,
        matter_id: get_id(r, "matter_id")?,
        holder_account_id: get_id(r, "holder_account_id")?,
        department_id: get_id(r, "department_id")?,
        content: LicenceContent {
            number: get_str(r, "number")?,
            title: get_str(r, "title")?,
            holder_name: get_str(r, "holder_name")?,
            holder_id: get_str(r, "holder_id")?,
            scope: get_str(r, "scope")?,
            valid_from: get_date(r, "licence", "valid_from")?,
            valid_until: get_date(r, "licence", "valid_until")?,
            issuer: get_str(r, "issuer")?,
            issued_on: get_date(r, "licence", "issued_on")?,
        },
        signature: get_str(r, "signature")?,
        key_id: get_str(r, "key_id")?,
        status: get_code(r, "licence", "status")?,
        status_reason: get_str(r, "status_reason")?,
        revision: get_i64(r, "revision")?,
        created_at_ms: get_i64(r, "created_at")?,
    })
}

/// A licence to issue: everything but the number, which comes from its id.
#[derive(Debug, Clone)]
pub struct NewLicence<'a> {
    pub application_id: ApplicationId,
    pub matter_id: MatterId,
    pub holder_account_id: AccountId,
    pub department_id: DepartmentId,
    pub title: &'a str,
    pub holder_name: &'a str,
    pub holder_id: &'a str,
    pub scope: &'a str,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub issuer: &'a str,
    pub issued_on: NaiveDate,
}

impl Store {
    /// The earlier contents of a licence, oldest first.
    pub async fn licence_revisions(&self, licence_id: i64) -> Result<Vec<LicenceRevisionRow>> {
        let mut sql = Sql::new(
            "select revision, content, signature, application_id, replaced_on \
             from licence_revision where licence_id = ",
        );
        sql.bind(licence_id).push(" order by revision");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                let raw = get_str(r, "content")?;
                Ok(LicenceRevisionRow {
                    revision: get_i64(r, "revision")?,
                    content: serde_json::from_str(&raw).map_err(|_| StoreError::Unreadable {
                        table: "licence_revision",
                        column: "content",
                        value: raw.clone(),
                    })?,
                    signature: get_str(r, "signature")?,
                    application_id: get_id(r, "application_id")?,
                    replaced_on: get_date(r, "licence_revision", "replaced_on")?,
                })
            })
            .collect()
    }

    /// Valid licences expiring on or before `until` whose holders were not yet told.
    pub async fn licences_expiring(&self, until: NaiveDate) -> Result<Vec<LicenceRow>> {
        let mut sql = Sql::new(&format!(
            "select {LICENCE_COLS} from licence where status = 'valid' and number is not null \
             and expiry_notified_on is null and valid_until <= "
        ));
        sql.bind(until).push(" order by licence_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(licence).collect()
    }

    /// The documents of an application, in the order they were issued.
    pub async fn application_documents(&self, id: ApplicationId) -> Result<Vec<DocumentRow>> {
        let mut sql = Sql::new(&format!(
            "select {DOC_COLS} from application_document where application_id = "
        ));
        sql.bind(id).push(" order by application_document_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(document).collect()
    }

    /// The licence numbered `number`, whoever holds it: the public verify page's read.
    pub async fn licence_by_number(&self, number: &str) -> Result<Option<LicenceRow>> {
        let mut sql = Sql::new(&format!(
            "select {LICENCE_COLS} from licence where number = "
        ));
        sql.bind(number);
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => Ok(Some(licence(&r)?)),
            None => Ok(None),
        }
    }

    /// The licences `scope` reaches (staff by issuing department, a holder their own), newest
    /// first.
    pub async fn list_licences(&self, scope: &Scope, page: Page) -> Result<Paged<LicenceRow>> {
        let mut sql = Sql::new(" from licence l where l.number is not null");
        scope.filter_record(&mut sql, "l.department_id", Some("l.holder_account_id"));
        let cols = LICENCE_COLS
            .split(", ")
            .map(|c| format!("l.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.paged(
            &sql,
            &format!("select {cols}"),
            "l.licence_id desc",
            page,
            licence,
        )
        .await
    }

    /// The licences a holder holds, newest first (免提交 looks among them).
    pub async fn licences_held_by(&self, holder: AccountId) -> Result<Vec<LicenceRow>> {
        let mut sql = Sql::new(&format!(
            "select {LICENCE_COLS} from licence where number is not null and holder_account_id = "
        ));
        sql.bind(holder).push(" order by licence_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(licence).collect()
    }

    /// The licences issued on an application.
    pub async fn licences_of_application(&self, id: ApplicationId) -> Result<Vec<LicenceRow>> {
        let mut sql = Sql::new(&format!(
            "select {LICENCE_COLS} from licence where application_id = "
        ));
        sql.bind(id).push(" order by licence_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(licence).collect()
    }
}

impl WriteTx {
    /// Issues a document numbered in its department, kind and year: `number_of(seq)` writes
    /// the number from the sequence. The write lock every transaction takes makes the count
    /// safe; the unique number is the backstop.
    pub async fn insert_application_document(
        &mut self,
        id: ApplicationId,
        kind: DocumentKind,
        department: DepartmentId,
        on: NaiveDate,
        body: &str,
        number_of: impl Fn(i64) -> String,
    ) -> Result<(i64, String)> {
        let mut count =
            Sql::new("select count(*) as n from application_document where department_id = ");
        count
            .bind(department)
            .push(" and kind = ")
            .bind(kind.as_str())
            .push(" and issued_on >= ")
            .bind(format!("{}-01-01", on.year()))
            .push(" and issued_on <= ")
            .bind(format!("{}-12-31", on.year()));
        let seq = get_i64(&count.query().fetch_one(self.conn().await?).await?, "n")? + 1;
        let number = number_of(seq);
        let mut sql = Sql::new(
            "insert into application_document (application_id, kind, number, department_id, \
             issued_on, body, created_at) values (",
        );
        sql.bind(id)
            .push(",")
            .bind(kind.as_str())
            .push(",")
            .bind(number.as_str())
            .push(",")
            .bind(department)
            .push(",")
            .bind(on)
            .push(",")
            .bind(body)
            .push(",")
            .bind(self.now_ms())
            .push(") returning application_document_id");
        let doc_id = get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "application_document_id",
        )?;
        Ok((doc_id, number))
    }

    /// Links the application to the process instance that runs its review.
    pub async fn set_application_instance(
        &mut self,
        id: ApplicationId,
        instance: InstanceId,
    ) -> Result<()> {
        let mut sql = Sql::new("update application set instance_id = ");
        sql.bind(instance)
            .push(" where instance_id is null and application_id = ")
            .bind(id);
        let done = sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict {
                constraint: "application_instance".to_owned(),
            });
        }
        Ok(())
    }

    /// Records the reasons of the decision.
    pub async fn set_application_reasons(
        &mut self,
        id: ApplicationId,
        reasons: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update application set decision_reasons = ");
        sql.bind(reasons).push(" where application_id = ").bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Records how the licence or decision reached the applicant.
    pub async fn set_application_delivery(
        &mut self,
        id: ApplicationId,
        method: &str,
        tracking: Option<&str>,
        on: NaiveDate,
    ) -> Result<()> {
        let mut sql = Sql::new("update application set delivery_method = ");
        sql.bind(method)
            .push(", delivery_tracking = ")
            .bind(tracking)
            .push(", delivered_on = ")
            .bind(on)
            .push(" where application_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Inserts a licence and answers its id and number (`DZ`, the year, the id); the caller
    /// signs the content with that number and stores the signature with
    /// [`WriteTx::seal_licence`] in the same transaction.
    pub async fn insert_licence(&mut self, new: &NewLicence<'_>) -> Result<(i64, String)> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into licence (application_id, matter_id, holder_account_id, department_id, \
             title, holder_name, holder_id, scope, valid_from, valid_until, issuer, issued_on, \
             signature, key_id, status, created_at, updated_at) values (",
        );
        sql.bind(new.application_id)
            .push(",")
            .bind(new.matter_id)
            .push(",")
            .bind(new.holder_account_id)
            .push(",")
            .bind(new.department_id)
            .push(",")
            .bind(new.title)
            .push(",")
            .bind(new.holder_name)
            .push(",")
            .bind(new.holder_id)
            .push(",")
            .bind(new.scope)
            .push(",")
            .bind(new.valid_from)
            .push(",")
            .bind(new.valid_until)
            .push(",")
            .bind(new.issuer)
            .push(",")
            .bind(new.issued_on)
            .push(", '', '', ")
            .bind(LicenceStatus::Valid.as_str())
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning licence_id");
        let id = get_i64(
            &sql.query().fetch_one(self.conn().await?).await?,
            "licence_id",
        )?;
        Ok((id, format!("DZ{}{:08}", new.issued_on.year(), id)))
    }

    /// Stores the number and signature of a licence just inserted.
    pub async fn seal_licence(
        &mut self,
        id: i64,
        number: &str,
        signature: &str,
        key_id: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update licence set number = ");
        sql.bind(number)
            .push(", signature = ")
            .bind(signature)
            .push(", key_id = ")
            .bind(key_id)
            .push(" where licence_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Replaces a licence's content after a change or renewal, keeping what it said before
    /// as a revision; the caller signs the new content and stores the signature with
    /// [`WriteTx::seal_licence`] in the same transaction.
    pub async fn revise_licence(
        &mut self,
        old: &LicenceRow,
        new: &LicenceContent,
        application_id: ApplicationId,
        day: NaiveDate,
    ) -> Result<()> {
        let now = self.now_ms();
        let content = serde_json::to_string(&old.content).unwrap_or_default();
        let mut ins = Sql::new(
            "insert into licence_revision (licence_id, revision, content, signature, \
             application_id, replaced_on, created_at) values (",
        );
        ins.bind(old.id)
            .push(",")
            .bind(old.revision)
            .push(",")
            .bind(content.as_str())
            .push(",")
            .bind(old.signature.as_str())
            .push(",")
            .bind(application_id)
            .push(",")
            .bind(day)
            .push(",")
            .bind(now)
            .push(")");
        ins.query().execute(self.conn().await?).await?;
        let mut sql = Sql::new("update licence set title = ");
        sql.bind(new.title.as_str())
            .push(", holder_name = ")
            .bind(new.holder_name.as_str())
            .push(", holder_id = ")
            .bind(new.holder_id.as_str())
            .push(", scope = ")
            .bind(new.scope.as_str())
            .push(", valid_from = ")
            .bind(new.valid_from)
            .push(", valid_until = ")
            .bind(new.valid_until)
            .push(", issuer = ")
            .bind(new.issuer.as_str())
            .push(", issued_on = ")
            .bind(new.issued_on)
            .push(", revision = revision + 1, expiry_notified_on = null, updated_at = ")
            .bind(now)
            .push(" where licence_id = ")
            .bind(old.id)
            .push(" and revision = ")
            .bind(old.revision);
        let done = sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict {
                constraint: "licence_revision".to_owned(),
            });
        }
        Ok(())
    }

    /// Records that the holder was told on `day` that the licence is about to expire.
    pub async fn mark_licence_expiry_notified(&mut self, id: i64, day: NaiveDate) -> Result<()> {
        let mut sql = Sql::new("update licence set expiry_notified_on = ");
        sql.bind(day).push(" where licence_id = ").bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Moves a licence from `from` to `to` with the reason; a conflict when it moved first.
    pub async fn set_licence_status(
        &mut self,
        id: i64,
        from: LicenceStatus,
        to: LicenceStatus,
        reason: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update licence set status = ");
        sql.bind(to.as_str())
            .push(", status_reason = ")
            .bind(reason)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where licence_id = ")
            .bind(id)
            .push(" and status = ")
            .bind(from.as_str());
        let done = sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict {
                constraint: "licence_status".to_owned(),
            });
        }
        Ok(())
    }
}
