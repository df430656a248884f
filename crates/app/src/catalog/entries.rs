//! The catalogue as the portal's lists read it: one light entry per matter in force (name,
//! department, kind, audiences, life events, online depth), parsed once and kept until the
//! catalogue changes. Browsing by department, kind, audience or life event then costs a
//! filter over memory, not the parsing of every guide on every request.

use super::UseCases;
use crate::error::ServiceResult;
use fgf_domain::base::DepartmentId;
use fgf_domain::catalog::{Audience, MatterDoc};
use std::sync::{Arc, Mutex};

/// One matter in force as the portal's lists show it.
#[derive(Debug, Clone)]
pub struct PortalEntry {
    pub code: String,
    pub name: String,
    pub department_id: DepartmentId,
    /// GB/T 39046 table A.1 (01 许可 … 06 检查 …).
    pub kind: String,
    pub audiences: Vec<Audience>,
    pub life_events: Vec<String>,
    pub fully_online: bool,
    pub trips: u32,
    pub apply_count: i64,
    /// The code of its 主项, for a 子项.
    pub parent_code: Option<String>,
}

/// The entries and the search index cursor they were read at.
#[derive(Default)]
pub struct EntryCache(Mutex<Option<(i64, Arc<Vec<PortalEntry>>)>>);

impl UseCases<'_> {
    /// Public: every matter in force as a portal entry, in code order. Read again only when
    /// the catalogue changed (the search index's cursor moved past a `catalog.*` message).
    pub async fn portal_entries(self) -> ServiceResult<Arc<Vec<PortalEntry>>> {
        self.sync_search_index(false).await?;
        let cursor = self.search_cursor()?;
        let cache = self.0.portal_entry_cache();
        if let Ok(guard) = cache.0.lock() {
            if let Some((at, entries)) = guard.as_ref() {
                if *at == cursor {
                    return Ok(entries.clone());
                }
            }
        }
        let in_force = self.store().matters_in_force().await?;
        let codes: std::collections::HashMap<fgf_domain::catalog::MatterId, String> = in_force
            .iter()
            .map(|(m, _)| (m.id, m.code.clone()))
            .collect();
        let mut entries = Vec::with_capacity(in_force.len());
        for (m, v) in &in_force {
            let Ok(d) = serde_json::from_str::<MatterDoc>(&v.doc) else {
                continue;
            };
            entries.push(PortalEntry {
                code: m.code.clone(),
                name: d.name,
                department_id: m.department_id,
                kind: d.kind.code().to_owned(),
                audiences: d.audiences,
                life_events: d.life_events,
                fully_online: d.fully_online,
                trips: d.trips,
                apply_count: m.apply_count,
                parent_code: m.parent_id.and_then(|p| codes.get(&p).cloned()),
            });
        }
        let entries = Arc::new(entries);
        if let Ok(mut guard) = cache.0.lock() {
            *guard = Some((cursor, entries.clone()));
        }
        Ok(entries)
    }
}
