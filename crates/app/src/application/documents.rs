//! The numbered documents an application's steps send the applicant (受理通知书, 补正告知书,
//! 不予受理决定书, 准予/不予行政许可决定书, 特别程序告知书, 延期告知书): composed by the domain,
//! numbered per department, kind and year, stored in the step's transaction, never rewritten.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::NaiveDate;
use fgf_domain::application::{
    compose, document_number, ApplicationId, DocumentBody, DocumentFacts, DocumentKind,
};
use fgf_store::application::{ApplicationRow, DocumentRow};
use fgf_store::Scope;
use serde::Serialize;

/// A visit to record.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct VisitInput {
    /// `intake`, `collect`, `inspection` or `other`.
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// One matter's trips against its promise.
#[derive(Debug, Clone, Serialize)]
pub struct TripsLine {
    pub matter_code: String,
    pub matter_name: String,
    /// The most trips its guide promises.
    pub promised: i64,
    pub applications: i64,
    pub visits: i64,
    /// The most any one application took.
    pub most: i64,
    /// Applications that took more trips than promised.
    pub over_promise: i64,
}

/// A document as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub id: i64,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub body: DocumentBody,
}

impl TryFrom<DocumentRow> for DocumentView {
    type Error = ServiceError;

    fn try_from(r: DocumentRow) -> ServiceResult<DocumentView> {
        Ok(DocumentView {
            id: r.id,
            kind: r.kind,
            number: r.number,
            issued_on: r.issued_on,
            body: serde_json::from_str(&r.body).map_err(ServiceError::internal)?,
        })
    }
}

impl UseCases<'_> {
    /// The name of the department that decides `row`, as it is today (stored with each
    /// document, so a later rename leaves issued documents as they were).
    pub(crate) async fn issuer_of(self, row: &ApplicationRow) -> ServiceResult<String> {
        Ok(self
            .store()
            .get_department(
                &Scope::system("name the issuing department"),
                row.department_id,
            )
            .await?
            .name)
    }

    /// Composes, numbers and stores a document of `kind` for `row` in `tx`; answers its
    /// number.
    pub(crate) async fn issue_document(
        self,
        tx: &mut fgf_store::WriteTx,
        row: &ApplicationRow,
        kind: DocumentKind,
        facts: DocumentFacts,
        on: NaiveDate,
    ) -> ServiceResult<String> {
        let issuer = self.issuer_of(row).await?;
        let facts = DocumentFacts {
            applicant: row.applicant_name.clone(),
            matter: row.matter_name.clone(),
            application_number: row.number.clone(),
            received_on: facts.received_on.or(row.received_on),
            ..facts
        };
        let body = compose(kind, &facts, &issuer, on);
        let text = serde_json::to_string(&body).map_err(ServiceError::internal)?;
        let (_, number) = tx
            .insert_application_document(row.id, kind, row.department_id, on, &text, |seq| {
                document_number(&issuer, kind, on, seq)
            })
            .await?;
        Ok(number)
    }

    /// Whether the caller may read an application the stored file belongs to (a material,
    /// an agent's authorisation): whoever may read the application may read its files.
    pub async fn may_read_any_of(self, actor: &Actor, hash: &str) -> ServiceResult<bool> {
        let ids = self.store().applications_with_file(hash).await?;
        if ids.is_empty() {
            return Ok(false);
        }
        let Ok(scope) = self.reading_scope(actor) else {
            return Ok(false);
        };
        for id in ids {
            match self.store().get_application(&scope, id).await {
                Ok(_) => return Ok(true),
                Err(fgf_store::StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(false)
    }

    /// Records a visit in person the system did not see by itself (an on-site inspection, a
    /// trip to hand in paper): window intake and collection at the window are recorded as they
    /// happen.
    pub async fn record_visit(
        self,
        actor: &Actor,
        id: ApplicationId,
        input: &VisitInput,
    ) -> ServiceResult<Vec<fgf_store::application::VisitRow>> {
        let scope = actor
            .scope(fgf_domain::Permission::ApplicationIntake)
            .or_else(|_| actor.scope(fgf_domain::Permission::ApplicationReview))?;
        let row = self.store().get_application(&scope, id).await?;
        let kind = input.kind.trim();
        if !matches!(kind, "intake" | "collect" | "inspection" | "other") {
            return Err(ServiceError::field(
                "invalid_field",
                "kind",
                "须为 intake（现场提交）、collect（领取结果）、inspection（现场核查）或 other",
            ));
        }
        let on = crate::clock::local_date(self.now_ms());
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.insert_application_visit(id, kind, on, input.note.trim(), Some(actor.account.id))
            .await?;
        tx.audit(
            "application.visit",
            "application",
            &row.id.to_string(),
            &[fgf_domain::base::audit::FieldChange {
                field: "visit".to_owned(),
                before: None,
                after: Some(
                    serde_json::json!({ "kind": kind, "on": on, "note": input.note.trim() }),
                ),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(self.store().application_visits(id).await?)
    }

    /// The visits of an application the caller may read.
    pub async fn visits(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<Vec<fgf_store::application::VisitRow>> {
        let scope = self.reading_scope(actor)?;
        self.store().get_application(&scope, id).await?;
        Ok(self.store().application_visits(id).await?)
    }

    /// Per matter: the promised maximum trips (到办事现场次数 in its guide), the applications
    /// sent and the trips they took — most and how many went over the promise (最多跑一次).
    pub async fn trips_report(self, actor: &Actor) -> ServiceResult<Vec<TripsLine>> {
        actor
            .scope(fgf_domain::Permission::ApplicationIntake)
            .or_else(|_| actor.scope(fgf_domain::Permission::ApplicationReview))?;
        let mut out = Vec::new();
        for t in self.store().trips_by_matter().await? {
            let promised = match self.store().get_matter(t.matter_id).await {
                Ok(m) => match m.current_version {
                    Some(v) => {
                        let v = self.store().matter_version(t.matter_id, v).await?;
                        serde_json::from_str::<fgf_domain::catalog::MatterDoc>(&v.doc)
                            .map(|d| i64::from(d.trips))
                            .unwrap_or(0)
                    }
                    None => 0,
                },
                Err(_) => 0,
            };
            out.push(TripsLine {
                applications: t.visits.len() as i64,
                visits: t.visits.iter().sum(),
                most: t.visits.iter().copied().max().unwrap_or(0),
                over_promise: t.visits.iter().filter(|v| **v > promised).count() as i64,
                promised,
                matter_code: t.matter_code,
                matter_name: t.matter_name,
            });
        }
        Ok(out)
    }

    /// Per matter, the applications made and the materials applicants did not have to bring
    /// because the platform already held them (数据多跑路, 群众少跑腿).
    pub async fn reuse_report(
        self,
        actor: &Actor,
    ) -> ServiceResult<Vec<fgf_store::application::ReuseRow>> {
        actor
            .scope(fgf_domain::Permission::ApplicationIntake)
            .or_else(|_| actor.scope(fgf_domain::Permission::ApplicationReview))?;
        Ok(self.store().reuse_by_matter().await?)
    }

    /// The documents of an application the caller may read.
    pub async fn documents(
        self,
        actor: &Actor,
        id: ApplicationId,
    ) -> ServiceResult<Vec<DocumentView>> {
        let scope = self.reading_scope(actor)?;
        self.store().get_application(&scope, id).await?;
        self.store()
            .application_documents(id)
            .await?
            .into_iter()
            .map(DocumentView::try_from)
            .collect()
    }

    /// One document of an application the caller may read (else not found).
    pub async fn document(
        self,
        actor: &Actor,
        id: ApplicationId,
        document_id: i64,
    ) -> ServiceResult<DocumentView> {
        self.documents(actor, id)
            .await?
            .into_iter()
            .find(|d| d.id == document_id)
            .ok_or_else(|| {
                ServiceError::not_found("not_found")
                    .arg("document")
                    .arg(document_id)
            })
    }
}
