//! The working-day calendar as a service: queries for everyone, yearly data entered by
//! administrators from each new State Council notice.

use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use chrono::NaiveDate;
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::YearSchedule;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

pub fn parse_date(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid("date_invalid")
            .arg(s)
            .details(json!({ "value": s }))
    })
}

/// An administrator's entry of one year's notice.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct YearInput {
    pub document_no: String,
    /// Holiday date → festival name.
    pub holidays: BTreeMap<String, String>,
    pub workdays: Vec<String>,
}

impl UseCases<'_> {
    pub async fn save_calendar_year(
        &self,
        actor: &Actor,
        year: i32,
        input: &YearInput,
    ) -> ServiceResult<YearSchedule> {
        actor.scope(Permission::CalendarWrite)?;
        let mut holidays = BTreeMap::new();
        for (d, name) in &input.holidays {
            holidays.insert(parse_date(d)?, name.trim().to_owned());
        }
        let mut workdays = BTreeSet::new();
        for d in &input.workdays {
            workdays.insert(parse_date(d)?);
        }
        let schedule = YearSchedule::new(
            year,
            input.document_no.trim().to_owned(),
            holidays,
            workdays,
        )
        .map_err(|e| ServiceError::invalid("calendar_invalid").arg(e.message_zh()))?;
        let data = serde_json::to_string(&schedule).map_err(ServiceError::internal)?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let before = tx
            .upsert_calendar_year(i64::from(year), &schedule.document_no, &data)
            .await?;
        let before_doc = before
            .as_deref()
            .and_then(|b| serde_json::from_str::<YearSchedule>(b).ok())
            .map(|s| json!({ "document_no": s.document_no, "holidays": s.holidays.len(), "workdays": s.workdays.len() }));
        tx.audit(
            "calendar.year_save",
            "calendar_year",
            &year.to_string(),
            &[FieldChange {
                field: "schedule".to_owned(),
                before: before_doc,
                after: Some(json!({ "document_no": schedule.document_no, "holidays": schedule.holidays.len(), "workdays": schedule.workdays.len() })),
            }],
        )
        .await?;
        tx.commit().await?;
        self.reload_calendar().await?;
        Ok(schedule)
    }
}
