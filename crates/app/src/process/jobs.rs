//! The process part's background jobs.

use crate::jobs::{JobHandler, JobRegistry};
use crate::App;
use async_trait::async_trait;
use serde_json::Value;
use std::sync::Arc;

/// Registers the process part's job handlers.
pub(crate) fn register(r: &mut JobRegistry) {
    r.register("process.timer_start", Arc::new(TimerStartJob));
}

/// A process-level timer start event (定时发起): starts an instance of the definition it
/// was scheduled for, if that is still the published version, and schedules the next
/// firing of a cycle.
struct TimerStartJob;

#[async_trait]
impl JobHandler for TimerStartJob {
    async fn run(&self, app: &App, payload: &Value) -> Result<(), String> {
        let def_id = payload
            .get("definition_id")
            .and_then(Value::as_i64)
            .ok_or("payload lacks definition_id")?;
        let start = payload
            .get("start_event")
            .and_then(Value::as_str)
            .ok_or("payload lacks start_event")?
            .to_owned();
        let fired = payload.get("fired").and_then(Value::as_u64).unwrap_or(0);
        let def = app
            .store()
            .get_process_definition(def_id)
            .await
            .map_err(|e| e.to_string())?;
        let latest = app
            .store()
            .latest_process_definition(&def.key)
            .await
            .map_err(|e| e.to_string())?;
        if latest.map(|l| l.id) != Some(def_id) {
            // A newer version was published; it has its own schedule.
            return Ok(());
        }
        app.process()
            .start_process_at(
                app.system_ctx("timer-start"),
                None,
                &def.key,
                Default::default(),
                serde_json::Map::new(),
                "",
                def.department_id,
                Some(start.clone()),
            )
            .await
            .map_err(|e| e.to_string())?;
        let next = u32::try_from(fired + 1).unwrap_or(u32::MAX);
        crate::process::schedule_timer_start(
            app,
            def_id,
            &def.source,
            &start,
            next,
            payload
                .get("activated_ms")
                .and_then(Value::as_i64)
                .unwrap_or(0),
        )
        .await
        .map_err(|e| e.to_string())
    }
}
