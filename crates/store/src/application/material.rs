//! The materials of an application: uploads and the e-licences attached for the applicant
//! (免提交), and the count of materials not re-submitted per matter (数据多跑路).

use crate::sql::Sql;
use crate::{get_i64, get_id, get_opt_str, get_str, Result, Store, WriteTx};
use fgf_domain::application::ApplicationId;

/// One material of an application.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MaterialRow {
    pub id: i64,
    pub name: String,
    /// `upload` or `licence`.
    pub source: String,
    pub file_hash: Option<String>,
    pub licence_number: Option<String>,
    pub round: i64,
    /// The stored file's type, read from its content (uploads).
    pub mime: Option<String>,
    pub original_name: Option<String>,
    /// A deferred material (容缺): the day the applicant committed to supply it by.
    pub due_on: Option<chrono::NaiveDate>,
    /// A commitment (告知承诺) once checked: true, or false for a false commitment.
    pub verified: Option<bool>,
    pub verified_note: String,
}

/// A material to record.
#[derive(Debug, Clone)]
pub struct NewMaterial<'a> {
    pub name: &'a str,
    /// `upload`, `licence`, `deferred` (容缺, the signed commitment as the file) or
    /// `commitment` (告知承诺).
    pub source: &'a str,
    pub file_hash: Option<&'a str>,
    pub licence_number: Option<&'a str>,
    pub round: i64,
    pub due_on: Option<chrono::NaiveDate>,
}

/// One entry of an applicant's record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApplicantRecordRow {
    pub id: i64,
    pub application_id: ApplicationId,
    /// `false_commitment`.
    pub kind: String,
    pub note: String,
    pub recorded_on: chrono::NaiveDate,
}

/// One visit in person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VisitRow {
    pub id: i64,
    /// `intake`, `collect`, `inspection` or `other`.
    pub kind: String,
    pub on: chrono::NaiveDate,
    pub note: String,
}

/// Per matter: its applications and the visits each made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripsRow {
    pub matter_id: fgf_domain::catalog::MatterId,
    pub matter_code: String,
    pub matter_name: String,
    /// Visits per application, one entry per application sent.
    pub visits: Vec<i64>,
}

/// Per matter, how many materials applicants did not have to bring.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReuseRow {
    pub matter_code: String,
    pub matter_name: String,
    pub applications: i64,
    pub materials_reused: i64,
}

impl Store {
    pub async fn application_materials(&self, id: ApplicationId) -> Result<Vec<MaterialRow>> {
        let mut sql = Sql::new(
            "select m.application_material_id, m.name, m.source, m.file_hash, m.licence_number, \
             m.round, m.due_on, m.verified, m.verified_note, f.mime, f.original_name \
             from application_material m \
             left join file_object f on f.content_hash = m.file_hash where m.application_id = ",
        );
        sql.bind(id).push(" order by m.application_material_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(MaterialRow {
                    id: get_i64(r, "application_material_id")?,
                    name: get_str(r, "name")?,
                    source: get_str(r, "source")?,
                    file_hash: get_opt_str(r, "file_hash")?,
                    licence_number: get_opt_str(r, "licence_number")?,
                    round: get_i64(r, "round")?,
                    mime: get_opt_str(r, "mime")?,
                    original_name: get_opt_str(r, "original_name")?,
                    due_on: crate::get_opt_date(r, "application_material", "due_on")?,
                    verified: crate::get_opt_i64(r, "verified")?.map(|v| v != 0),
                    verified_note: get_str(r, "verified_note")?,
                })
            })
            .collect()
    }

    /// The applications a stored file belongs to: as a material or an agent's authorisation.
    pub async fn applications_with_file(&self, hash: &str) -> Result<Vec<ApplicationId>> {
        let mut sql =
            Sql::new("select application_id from application_material where file_hash = ");
        sql.bind(hash)
            .push(" union select application_id from application where agent_authorisation = ")
            .bind(hash);
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(|r| get_id(r, "application_id")).collect()
    }

    /// Per matter, the applications made and the materials attached from e-licences.
    pub async fn reuse_by_matter(&self) -> Result<Vec<ReuseRow>> {
        let sql = Sql::new(
            "select m.code, m.name, count(distinct a.application_id) as applications, \
             count(am.application_material_id) as reused from application a \
             join matter m on m.matter_id = a.matter_id \
             left join application_material am on am.application_id = a.application_id \
             and am.source = 'licence' where a.status <> 'draft' \
             group by m.code, m.name order by reused desc, m.code",
        );
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ReuseRow {
                    matter_code: get_str(r, "code")?,
                    matter_name: get_str(r, "name")?,
                    applications: get_i64(r, "applications")?,
                    materials_reused: get_i64(r, "reused")?,
                })
            })
            .collect()
    }
}

impl Store {
    /// What stands on an applicant's record, newest first.
    pub async fn applicant_records(
        &self,
        applicant: fgf_domain::base::AccountId,
    ) -> Result<Vec<ApplicantRecordRow>> {
        let mut sql = Sql::new(
            "select applicant_record_id, application_id, kind, note, recorded_on \
             from applicant_record where applicant_account_id = ",
        );
        sql.bind(applicant)
            .push(" order by applicant_record_id desc");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ApplicantRecordRow {
                    id: get_i64(r, "applicant_record_id")?,
                    application_id: get_id(r, "application_id")?,
                    kind: get_str(r, "kind")?,
                    note: get_str(r, "note")?,
                    recorded_on: crate::get_date(r, "applicant_record", "recorded_on")?,
                })
            })
            .collect()
    }

    pub async fn application_visits(&self, id: ApplicationId) -> Result<Vec<VisitRow>> {
        let mut sql = Sql::new(
            "select application_visit_id, kind, on_day, note from application_visit where application_id = ",
        );
        sql.bind(id).push(" order by on_day, application_visit_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(VisitRow {
                    id: get_i64(r, "application_visit_id")?,
                    kind: get_str(r, "kind")?,
                    on: crate::get_date(r, "application_visit", "on_day")?,
                    note: get_str(r, "note")?,
                })
            })
            .collect()
    }

    /// Per matter, the visits of each application sent (drafts aside).
    pub async fn trips_by_matter(&self) -> Result<Vec<TripsRow>> {
        let sql = Sql::new(
            "select m.matter_id, m.code, m.name, a.application_id, \
             (select count(*) from application_visit v where v.application_id = a.application_id) as n \
             from application a join matter m on m.matter_id = a.matter_id \
             where a.status <> 'draft' order by m.code, a.application_id",
        );
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut out: Vec<TripsRow> = Vec::new();
        for r in &rows {
            let code = get_str(r, "code")?;
            let n = get_i64(r, "n")?;
            match out.last_mut() {
                Some(t) if t.matter_code == code => t.visits.push(n),
                _ => out.push(TripsRow {
                    matter_id: get_id(r, "matter_id")?,
                    matter_code: code,
                    matter_name: get_str(r, "name")?,
                    visits: vec![n],
                }),
            }
        }
        Ok(out)
    }
}

impl WriteTx {
    /// Records a visit in person.
    pub async fn insert_application_visit(
        &mut self,
        id: ApplicationId,
        kind: &str,
        on: chrono::NaiveDate,
        note: &str,
        by: Option<fgf_domain::base::AccountId>,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into application_visit (application_id, kind, on_day, note, recorded_by, created_at) values (",
        );
        sql.bind(id)
            .push(",")
            .bind(kind)
            .push(",")
            .bind(on)
            .push(",")
            .bind(note)
            .push(",")
            .bind(by)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn insert_application_material(
        &mut self,
        id: ApplicationId,
        m: &NewMaterial<'_>,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into application_material (application_id, name, source, file_hash, \
             licence_number, round, due_on, created_at) values (",
        );
        sql.bind(id)
            .push(",")
            .bind(m.name)
            .push(",")
            .bind(m.source)
            .push(",")
            .bind(m.file_hash)
            .push(",")
            .bind(m.licence_number)
            .push(",")
            .bind(m.round)
            .push(",")
            .bind(m.due_on)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Records the check of a commitment (告知承诺) of an application; a conflict when it was
    /// checked already.
    pub async fn verify_commitment(
        &mut self,
        id: ApplicationId,
        name: &str,
        truthful: bool,
        note: &str,
    ) -> Result<()> {
        let mut sql = Sql::new("update application_material set verified = ");
        sql.bind(i64::from(truthful))
            .push(", verified_note = ")
            .bind(note)
            .push(" where application_id = ")
            .bind(id)
            .push(" and name = ")
            .bind(name)
            .push(" and source = 'commitment' and verified is null");
        let done = sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(crate::StoreError::Conflict {
                constraint: "application_commitment".to_owned(),
            });
        }
        Ok(())
    }

    /// Puts an entry on an applicant's record.
    pub async fn insert_applicant_record(
        &mut self,
        applicant: fgf_domain::base::AccountId,
        id: ApplicationId,
        kind: &str,
        note: &str,
        on: chrono::NaiveDate,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into applicant_record (applicant_account_id, application_id, kind, note, \
             recorded_on, created_at) values (",
        );
        sql.bind(applicant)
            .push(",")
            .bind(id)
            .push(",")
            .bind(kind)
            .push(",")
            .bind(note)
            .push(",")
            .bind(on)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Drops the materials of a draft before it is saved again.
    pub async fn clear_draft_materials(&mut self, id: ApplicationId) -> Result<()> {
        let mut sql = Sql::new("delete from application_material where application_id = ");
        sql.bind(id)
            .push(" and exists (select 1 from application where application_id = ")
            .bind(id)
            .push(" and status = 'draft')");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Records that the due-date sweep told the people handling an application today; false
    /// when another node did first.
    pub async fn mark_due_notified(
        &mut self,
        id: ApplicationId,
        today: chrono::NaiveDate,
    ) -> Result<bool> {
        let mut sql = Sql::new("update application set due_notified_on = ");
        sql.bind(today)
            .push(" where application_id = ")
            .bind(id)
            .push(" and (due_notified_on is null or due_notified_on <> ")
            .bind(today)
            .push(")");
        Ok(sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected()
            == 1)
    }

    /// The applicant of an application, read in the step's transaction to notify them.
    pub async fn application_applicant(
        &mut self,
        id: ApplicationId,
    ) -> Result<Option<fgf_domain::base::AccountId>> {
        let mut sql =
            Sql::new("select applicant_account_id from application where application_id = ");
        sql.bind(id);
        match sql.query().fetch_optional(self.conn().await?).await? {
            Some(r) => Ok(Some(get_id(&r, "applicant_account_id")?)),
            None => Ok(None),
        }
    }

    /// Publishes why an overdue application is late (优化营商环境条例第三十六条).
    pub async fn set_overdue_reason(&mut self, id: ApplicationId, reason: &str) -> Result<()> {
        let mut sql = Sql::new("update application set overdue_reason = ");
        sql.bind(reason)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where application_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Saves a draft's form and consent; refused as a conflict unless it is still a draft.
    pub async fn update_application_draft(
        &mut self,
        id: ApplicationId,
        form: &str,
        consent: bool,
    ) -> Result<()> {
        let mut sql = Sql::new("update application set form = ");
        sql.bind(form)
            .push(", reuse_consent = ")
            .bind(consent)
            .push(", updated_at = ")
            .bind(self.now_ms())
            .push(" where status = 'draft' and application_id = ")
            .bind(id);
        let done = sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(crate::StoreError::Conflict {
                constraint: "application_status".to_owned(),
            });
        }
        Ok(())
    }
}
