//! Idempotency keys of creating requests: a retry with the same key gets the first answer
//! back. Keys belong to the account that sent them, so one caller never sees another's
//! answer; the web layer decides what a replay and a mismatch look like.

use super::UseCases;
use crate::error::ServiceResult;
use crate::Actor;
use fgf_store::idem::IdemRecord;

impl UseCases<'_> {
    /// The first answer the caller got for `key`, if any.
    pub async fn find_idempotent(
        self,
        actor: &Actor,
        key: &str,
    ) -> ServiceResult<Option<IdemRecord>> {
        Ok(self.store().find_idempotent(actor.account.id, key).await?)
    }

    /// Keeps the caller's first answer for `key` (a concurrent duplicate loses quietly).
    pub async fn save_idempotent(
        self,
        actor: &Actor,
        key: &str,
        record: &IdemRecord,
    ) -> ServiceResult<()> {
        Ok(self
            .store()
            .save_idempotent(actor.account.id, key, record, self.now_ms())
            .await?)
    }
}
