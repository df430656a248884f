//! Online applications (服, 一网通办): the case rows, their history and the intervals in which
//! their decision clock stood still. Reads of staff are scoped by the accepting department;
//! an applicant's scope (本人) reaches their own applications only.

use crate::sql::Sql;
use crate::{
    get_code, get_date, get_i64, get_id, get_opt_date, get_opt_i64, get_opt_id, get_opt_str,
    get_str, Page, Paged, Result, Scope, Store, StoreError, WriteTx,
};
use chrono::NaiveDate;
use fgf_domain::application::{
    ApplicationId, ApplicationStatus, ApproverLevel, BarCause, Handling,
};
use fgf_domain::base::{AccountId, DepartmentId};
use fgf_domain::catalog::MatterId;
use sqlx::any::AnyRow;

mod decision;
mod life_event;
mod material;
pub use decision::*;
pub use life_event::*;
pub use material::*;

/// This part's tables in the backup, in an order that satisfies every foreign key on insert:
/// (table, order by, identity column to resynchronise on PostgreSQL).
pub const TABLES: crate::backup::Tables = &[
    ("life_event", "code", None),
    (
        "life_event_case",
        "life_event_case_id",
        Some("life_event_case_id"),
    ),
    ("application", "application_id", Some("application_id")),
    (
        "application_event",
        "application_event_id",
        Some("application_event_id"),
    ),
    (
        "application_pause",
        "application_pause_id",
        Some("application_pause_id"),
    ),
    (
        "application_bar",
        "application_bar_id",
        Some("application_bar_id"),
    ),
    (
        "application_document",
        "application_document_id",
        Some("application_document_id"),
    ),
    ("licence", "licence_id", Some("licence_id")),
    (
        "licence_revision",
        "licence_revision_id",
        Some("licence_revision_id"),
    ),
    (
        "application_material",
        "application_material_id",
        Some("application_material_id"),
    ),
    (
        "application_visit",
        "application_visit_id",
        Some("application_visit_id"),
    ),
    (
        "applicant_record",
        "applicant_record_id",
        Some("applicant_record_id"),
    ),
];

/// A bar on an applicant for a matter (行政许可法第七十八条、第七十九条).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarRow {
    pub cause: BarCause,
    pub decided_on: NaiveDate,
    pub until: NaiveDate,
    pub reason: String,
}

/// An application as stored, with its matter's code and name for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    pub id: ApplicationId,
    pub number: String,
    pub matter_id: MatterId,
    pub matter_code: String,
    pub matter_name: String,
    pub matter_version: i64,
    pub applicant_account_id: AccountId,
    pub applicant_name: String,
    pub department_id: DepartmentId,
    pub channel: String,
    pub entered_by: Option<AccountId>,
    pub status: ApplicationStatus,
    /// The form as filled in, a JSON object.
    pub form: String,
    pub handling: Handling,
    pub limit_workdays: i64,
    pub received_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    /// The first correction notice's items, a JSON array.
    pub correction_items: Option<String>,
    pub overdue_reason: String,
    pub extension: Option<ExtensionRow>,
    /// The agent (代办人) who applied for the applicant, if one did.
    pub agent: Option<AgentRow>,
    /// The process instance running the review, once assigned.
    pub instance_id: Option<fgf_domain::process::InstanceId>,
    /// The decision's reasons (第三十八条).
    pub decision_reasons: String,
    /// How the result reached the applicant (第四十四条), once delivered.
    pub delivery: Option<DeliveryRow>,
    /// The applicant agreed to materials the government holds being attached (免提交).
    pub reuse_consent: bool,
    /// The life-event case (一件事) it was applied for through, if any.
    pub life_event_case_id: Option<i64>,
    /// The licence a change (变更) or renewal (延续) is about.
    pub licence_number: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// An agent (代办人) acting for the applicant, as recorded at the window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgentRow {
    pub name: String,
    /// The agent's resident ID, masked (RULES.md §7.4); the number itself is kept only as a
    /// keyed hash.
    pub id_masked: String,
    /// The content hash of the written authorisation (授权委托书).
    pub authorisation: String,
}

/// An agent to record with a new application.
#[derive(Debug, Clone)]
pub struct NewAgent<'a> {
    pub name: &'a str,
    pub id_masked: &'a str,
    pub id_hmac: Vec<u8>,
    pub authorisation: &'a str,
}

/// How the result reached the applicant (行政许可法第四十四条).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRow {
    /// `collect`, `post` or `online`.
    pub method: String,
    /// The EMS tracking number of a posted result.
    pub tracking: Option<String>,
    pub on: NaiveDate,
}

/// The one extension granted (行政许可法第四十二条).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRow {
    pub on: NaiveDate,
    pub workdays: i64,
    pub approver: ApproverLevel,
    /// The person who approved it, as recorded.
    pub approved_by: String,
    pub reason: String,
}

const COLS: &str = "a.application_id, a.number, a.matter_id, m.code as matter_code, \
    m.name as matter_name, a.matter_version, a.applicant_account_id, \
    ac.display_name as applicant_name, a.department_id, a.channel, a.entered_by, a.status, \
    a.form, a.handling, a.limit_workdays, a.received_on, a.accepted_on, a.decided_on, \
    a.correction_items, a.overdue_reason, a.extension_on, a.extension_workdays, \
    a.extension_approver, a.extension_approved_by, a.extension_reason, a.agent_name, \
    a.agent_id_masked, a.agent_authorisation, a.instance_id, a.decision_reasons, \
    a.delivery_method, a.delivery_tracking, a.delivered_on, a.reuse_consent, \
    a.life_event_case_id, a.licence_number, a.created_at, a.updated_at";

const FROM: &str = " from application a join matter m on m.matter_id = a.matter_id \
    join account ac on ac.account_id = a.applicant_account_id";

fn application(r: &AnyRow) -> Result<ApplicationRow> {
    Ok(ApplicationRow {
        id: get_id(r, "application_id")?,
        number: get_opt_str(r, "number")?.unwrap_or_default(),
        matter_id: get_id(r, "matter_id")?,
        matter_code: get_str(r, "matter_code")?,
        matter_name: get_str(r, "matter_name")?,
        matter_version: get_i64(r, "matter_version")?,
        applicant_account_id: get_id(r, "applicant_account_id")?,
        applicant_name: get_str(r, "applicant_name")?,
        department_id: get_id(r, "department_id")?,
        channel: get_str(r, "channel")?,
        entered_by: get_opt_id(r, "entered_by")?,
        status: get_code(r, "application", "status")?,
        form: get_str(r, "form")?,
        handling: get_code(r, "application", "handling")?,
        limit_workdays: get_i64(r, "limit_workdays")?,
        received_on: get_opt_date(r, "application", "received_on")?,
        accepted_on: get_opt_date(r, "application", "accepted_on")?,
        decided_on: get_opt_date(r, "application", "decided_on")?,
        correction_items: get_opt_str(r, "correction_items")?,
        overdue_reason: get_str(r, "overdue_reason")?,
        extension: match get_opt_date(r, "application", "extension_on")? {
            Some(on) => Some(ExtensionRow {
                on,
                workdays: get_opt_i64(r, "extension_workdays")?.unwrap_or(0),
                approver: get_code(r, "application", "extension_approver")?,
                approved_by: get_opt_str(r, "extension_approved_by")?.unwrap_or_default(),
                reason: get_opt_str(r, "extension_reason")?.unwrap_or_default(),
            }),
            None => None,
        },
        agent: match get_opt_str(r, "agent_name")? {
            Some(name) => Some(AgentRow {
                name,
                id_masked: get_opt_str(r, "agent_id_masked")?.unwrap_or_default(),
                authorisation: get_opt_str(r, "agent_authorisation")?.unwrap_or_default(),
            }),
            None => None,
        },
        instance_id: get_opt_id(r, "instance_id")?,
        decision_reasons: get_str(r, "decision_reasons")?,
        delivery: match get_opt_str(r, "delivery_method")? {
            Some(method) => Some(DeliveryRow {
                method,
                tracking: get_opt_str(r, "delivery_tracking")?,
                on: get_opt_date(r, "application", "delivered_on")?.ok_or_else(|| {
                    StoreError::Unreadable {
                        table: "application",
                        column: "delivered_on",
                        value: String::new(),
                    }
                })?,
            }),
            None => None,
        },
        reuse_consent: get_i64(r, "reuse_consent")? != 0,
        life_event_case_id: get_opt_i64(r, "life_event_case_id")?,
        licence_number: get_opt_str(r, "licence_number")?,
        created_at_ms: get_i64(r, "created_at")?,
        updated_at_ms: get_i64(r, "updated_at")?,
    })
}

/// One step of an application's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationEventRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor_account_id: Option<AccountId>,
    pub actor_name: Option<String>,
    pub action: String,
    pub status_from: ApplicationStatus,
    pub status_to: ApplicationStatus,
    pub note: String,
}

/// One interval in which the decision clock stood still.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationPauseRow {
    pub id: i64,
    /// `supplement` or a special procedure code of 行政许可法第四十五条.
    pub cause: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub expected_workdays: i64,
}

/// A new application as submitted.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub matter_id: MatterId,
    pub matter_version: i64,
    pub applicant: AccountId,
    pub department_id: DepartmentId,
    pub channel: &'a str,
    pub entered_by: Option<AccountId>,
    pub status: ApplicationStatus,
    pub form: &'a str,
    pub handling: Handling,
    pub limit_workdays: i64,
    pub received_on: Option<NaiveDate>,
    pub agent: Option<NewAgent<'a>>,
    pub reuse_consent: bool,
    pub life_event_case_id: Option<i64>,
    pub licence_number: Option<&'a str>,
}

/// Filters of the application list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<ApplicationStatus>,
    /// Only those still being handled: sent and neither refused, delivered, closed nor
    /// withdrawn.
    pub open: bool,
}

impl Store {
    /// The applications `scope` reaches: staff by the accepting department, an applicant
    /// (本人) their own.
    pub async fn list_applications(
        &self,
        scope: &Scope,
        filter: &ApplicationFilter,
        page: Page,
    ) -> Result<Paged<ApplicationRow>> {
        let mut sql = Sql::new(&format!("{FROM} where 1 = 1"));
        scope.filter_record(&mut sql, "a.department_id", Some("a.applicant_account_id"));
        if let Some(s) = filter.status {
            sql.push(" and a.status = ").bind(s.as_str());
        }
        if filter.open {
            sql.push(" and a.status not in ('draft', 'not_accepted', 'delivered', 'closed', 'withdrawn')");
        }
        self.paged(
            &sql,
            &format!("select {COLS}"),
            "a.application_id desc",
            page,
            application,
        )
        .await
    }

    /// One application, if `scope` reaches it (else `NotFound`, as for one that does not exist).
    pub async fn get_application(
        &self,
        scope: &Scope,
        id: ApplicationId,
    ) -> Result<ApplicationRow> {
        let mut sql = Sql::new(&format!("select {COLS}{FROM} where a.application_id = "));
        sql.bind(id);
        scope.filter_record(&mut sql, "a.department_id", Some("a.applicant_account_id"));
        match sql.query().fetch_optional(self.pool()).await? {
            Some(r) => application(&r),
            None => Err(StoreError::not_found("application", id)),
        }
    }

    /// The applications whose review runs as one of `instances`, unscoped: the caller has
    /// already established it may reach those instances (its own work items).
    pub async fn applications_of_instances(
        &self,
        instances: &[fgf_domain::process::InstanceId],
    ) -> Result<Vec<ApplicationRow>> {
        if instances.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(&format!("select {COLS}{FROM} where a.instance_id in ("));
        for (i, id) in instances.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(*id);
        }
        sql.push(") order by a.application_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(application).collect()
    }

    /// Applications whose clock runs or stands still and whose people were not told today:
    /// the due-date sweep reads their clocks.
    pub async fn applications_to_warn(&self, today: NaiveDate) -> Result<Vec<ApplicationRow>> {
        let mut sql = Sql::new(&format!(
            "select {COLS}{FROM} where a.status in ('accepted', 'under_review', 'extended', 'suspended') \
             and (a.due_notified_on is null or a.due_notified_on <> "
        ));
        sql.bind(today).push(") order by a.application_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(application).collect()
    }

    /// The applications of a life-event case, in the order they were made.
    pub async fn applications_of_life_event_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<ApplicationRow>> {
        let mut sql = Sql::new(&format!(
            "select {COLS}{FROM} where a.life_event_case_id = "
        ));
        sql.bind(case_id).push(" order by a.application_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(application).collect()
    }

    /// Change and renewal applications being handled (received, not yet decided): one licence
    /// has one at a time, and the renewal sweep reads their licences.
    pub async fn open_licence_applications(&self) -> Result<Vec<ApplicationRow>> {
        let sql = Sql::new(&format!(
            "select {COLS}{FROM} where a.licence_number is not null and a.status in \
             ('submitted', 'awaiting_supplement', 'accepted', 'under_review', 'extended', \
             'suspended') order by a.application_id"
        ));
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(application).collect()
    }

    /// Applications received and still waiting for the clerk: the deemed-acceptance sweep.
    pub async fn applications_awaiting_intake(&self) -> Result<Vec<ApplicationRow>> {
        let mut sql = Sql::new(&format!("select {COLS}{FROM} where a.status = "));
        sql.bind(ApplicationStatus::Submitted.as_str())
            .push(" order by a.application_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(application).collect()
    }

    /// The bars on `applicant` for `matter`, longest last.
    pub async fn application_bars(
        &self,
        applicant: AccountId,
        matter: MatterId,
    ) -> Result<Vec<BarRow>> {
        let mut sql = Sql::new(
            "select cause, decided_on, until_on, reason from application_bar \
             where applicant_account_id = ",
        );
        sql.bind(applicant)
            .push(" and matter_id = ")
            .bind(matter)
            .push(" order by until_on, application_bar_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(BarRow {
                    cause: get_code(r, "application_bar", "cause")?,
                    decided_on: get_date(r, "application_bar", "decided_on")?,
                    until: get_date(r, "application_bar", "until_on")?,
                    reason: get_str(r, "reason")?,
                })
            })
            .collect()
    }

    pub async fn application_events(&self, id: ApplicationId) -> Result<Vec<ApplicationEventRow>> {
        let mut sql = Sql::new(
            "select e.application_event_id, e.at, e.actor_account_id, ac.display_name, e.action, \
             e.status_from, e.status_to, e.note from application_event e \
             left join account ac on ac.account_id = e.actor_account_id where e.application_id = ",
        );
        sql.bind(id).push(" order by e.application_event_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ApplicationEventRow {
                    id: get_i64(r, "application_event_id")?,
                    at_ms: get_i64(r, "at")?,
                    actor_account_id: get_opt_id(r, "actor_account_id")?,
                    actor_name: get_opt_str(r, "display_name")?,
                    action: get_str(r, "action")?,
                    status_from: get_code(r, "application_event", "status_from")?,
                    status_to: get_code(r, "application_event", "status_to")?,
                    note: get_str(r, "note")?,
                })
            })
            .collect()
    }

    pub async fn application_pauses(&self, id: ApplicationId) -> Result<Vec<ApplicationPauseRow>> {
        let mut sql = Sql::new(
            "select application_pause_id, cause, from_on, to_on, expected_workdays \
             from application_pause where application_id = ",
        );
        sql.bind(id).push(" order by from_on, application_pause_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(ApplicationPauseRow {
                    id: get_i64(r, "application_pause_id")?,
                    cause: get_str(r, "cause")?,
                    from_on: get_date(r, "application_pause", "from_on")?,
                    to_on: get_opt_date(r, "application_pause", "to_on")?,
                    expected_workdays: get_i64(r, "expected_workdays")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// Inserts an application and gives it its number (办件编号): `SQ`, the day, the id.
    pub async fn insert_application(
        &mut self,
        new: &NewApplication<'_>,
        day: NaiveDate,
    ) -> Result<(ApplicationId, String)> {
        let now = self.now_ms();
        let mut sql = Sql::new(
            "insert into application (matter_id, matter_version, applicant_account_id, \
             department_id, channel, entered_by, status, form, handling, limit_workdays, \
             received_on, agent_name, agent_id_masked, agent_id_hmac, agent_authorisation, \
             reuse_consent, life_event_case_id, licence_number, created_at, updated_at) values (",
        );
        sql.bind(new.matter_id)
            .push(",")
            .bind(new.matter_version)
            .push(",")
            .bind(new.applicant)
            .push(",")
            .bind(new.department_id)
            .push(",")
            .bind(new.channel)
            .push(",")
            .bind(new.entered_by)
            .push(",")
            .bind(new.status.as_str())
            .push(",")
            .bind(new.form)
            .push(",")
            .bind(new.handling.as_str())
            .push(",")
            .bind(new.limit_workdays)
            .push(",")
            .bind(new.received_on)
            .push(",")
            .bind(new.agent.as_ref().map(|a| a.name))
            .push(",")
            .bind(new.agent.as_ref().map(|a| a.id_masked))
            .push(",")
            .bind(new.agent.as_ref().map(|a| a.id_hmac.clone()))
            .push(",")
            .bind(new.agent.as_ref().map(|a| a.authorisation))
            .push(",")
            .bind(new.reuse_consent)
            .push(",")
            .bind(new.life_event_case_id)
            .push(",")
            .bind(new.licence_number)
            .push(",")
            .bind(now)
            .push(",")
            .bind(now)
            .push(") returning application_id");
        let id: ApplicationId = get_id(
            &sql.query().fetch_one(self.conn().await?).await?,
            "application_id",
        )?;
        let number = format!("SQ{}-{:06}", day.format("%Y%m%d"), id.get());
        let mut upd = Sql::new("update application set number = ");
        upd.bind(number.as_str())
            .push(" where application_id = ")
            .bind(id);
        upd.query().execute(self.conn().await?).await?;
        Ok((id, number))
    }

    /// Moves an application from `from` to `to`, with what the move sets. Refused as a conflict
    /// when someone moved it first.
    pub async fn move_application(
        &mut self,
        id: ApplicationId,
        from: ApplicationStatus,
        change: &ApplicationChange<'_>,
    ) -> Result<()> {
        let mut sql = Sql::new("update application set status = ");
        sql.bind(change.to.as_str())
            .push(", updated_at = ")
            .bind(self.now_ms());
        if let Some(d) = change.received_on {
            sql.push(", received_on = ").bind(d);
        }
        if let Some(d) = change.accepted_on {
            sql.push(", accepted_on = ").bind(d);
        }
        if let Some(d) = change.decided_on {
            sql.push(", decided_on = ").bind(d);
        }
        if let Some(items) = change.correction_items {
            sql.push(", correction_items = ").bind(items);
        }
        sql.push(" where application_id = ")
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
                constraint: "application_status".to_owned(),
            });
        }
        Ok(())
    }

    /// Stops the clock from `from` (a special procedure of 第四十五条, or a supplement asked in
    /// review).
    pub async fn insert_application_pause(
        &mut self,
        id: ApplicationId,
        cause: &str,
        from: NaiveDate,
        expected_workdays: i64,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into application_pause (application_id, cause, from_on, expected_workdays, \
             created_at) values (",
        );
        sql.bind(id)
            .push(",")
            .bind(cause)
            .push(",")
            .bind(from)
            .push(",")
            .bind(expected_workdays)
            .push(",")
            .bind(self.now_ms())
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Ends the open pause on `to`, the last day that did not count.
    pub async fn close_application_pause(
        &mut self,
        id: ApplicationId,
        to: NaiveDate,
    ) -> Result<()> {
        let mut sql = Sql::new("update application_pause set to_on = ");
        sql.bind(to)
            .push(" where to_on is null and application_id = ")
            .bind(id);
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    /// Records the one extension; refused as a conflict when there already is one.
    pub async fn set_application_extension(
        &mut self,
        id: ApplicationId,
        ext: &ExtensionRow,
    ) -> Result<()> {
        let mut sql = Sql::new("update application set extension_on = ");
        sql.bind(ext.on)
            .push(", extension_workdays = ")
            .bind(ext.workdays)
            .push(", extension_approver = ")
            .bind(ext.approver.as_str())
            .push(", extension_approved_by = ")
            .bind(ext.approved_by.as_str())
            .push(", extension_reason = ")
            .bind(ext.reason.as_str())
            .push(" where extension_on is null and application_id = ")
            .bind(id);
        let done = sql
            .query()
            .execute(self.conn().await?)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict {
                constraint: "application_extension".to_owned(),
            });
        }
        Ok(())
    }

    /// Records a bar set by the decision on application `id`.
    pub async fn insert_application_bar(
        &mut self,
        id: ApplicationId,
        applicant: AccountId,
        matter: MatterId,
        bar: &BarRow,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into application_bar (applicant_account_id, matter_id, application_id, cause, \
             decided_on, until_on, reason, created_at) values (",
        );
        sql.bind(applicant)
            .push(",")
            .bind(matter)
            .push(",")
            .bind(id)
            .push(",")
            .bind(bar.cause.as_str())
            .push(",")
            .bind(bar.decided_on)
            .push(",")
            .bind(bar.until)
            .push(",")
            .bind(bar.reason.as_str())
            .push(",")
            .bind(self.now_ms())
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }

    pub async fn insert_application_event(
        &mut self,
        id: ApplicationId,
        actor: Option<AccountId>,
        action: &str,
        from: ApplicationStatus,
        to: ApplicationStatus,
        note: &str,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "insert into application_event (application_id, at, actor_account_id, action, \
             status_from, status_to, note) values (",
        );
        sql.bind(id)
            .push(",")
            .bind(self.now_ms())
            .push(",")
            .bind(actor)
            .push(",")
            .bind(action)
            .push(",")
            .bind(from.as_str())
            .push(",")
            .bind(to.as_str())
            .push(",")
            .bind(note)
            .push(")");
        sql.query().execute(self.conn().await?).await?;
        Ok(())
    }
}

/// What a status move sets besides the status.
#[derive(Debug, Clone)]
pub struct ApplicationChange<'a> {
    pub to: ApplicationStatus,
    pub received_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub correction_items: Option<&'a str>,
}
