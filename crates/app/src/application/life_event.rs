//! Life-event packages (一件事一次办): the catalogue's keepers bundle matters an applicant
//! usually needs together (opening a restaurant: the business registration and the food
//! business licence); the applicant fills one form and brings one set of materials, which
//! fan out, in one transaction, into one application per matter with its own clock; they
//! follow the result as one case.

use super::cases::{ApplicationView, MaterialInput, Prepared};
use super::UseCases;
use crate::error::{ServiceError, ServiceResult};
use crate::Actor;
use fgf_domain::application::{
    case_standing, combined_form, combined_materials, form_for, CaseStanding,
};
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::catalog::{FormField, Material, MatterDoc};
use fgf_store::application::LifeEventCaseRow;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A package as the keeper defines it.
#[derive(Debug, Clone, Deserialize)]
pub struct LifeEventInput {
    pub name: String,
    #[serde(default)]
    pub summary: String,
    /// The matters' codes, in the order the applicant sees them (the first matter's wording
    /// of a shared field is used).
    pub matters: Vec<String>,
}

/// One matter of a package, as the portal lists it.
#[derive(Debug, Clone, Serialize)]
pub struct LifeEventMatter {
    pub code: String,
    pub name: String,
    pub department: String,
    /// The promised limit in working days.
    pub limit_workdays: u32,
    /// Whether it has a guide in force, so it can be applied for now.
    pub in_force: bool,
}

/// A package with its combined form and materials.
#[derive(Debug, Clone, Serialize)]
pub struct LifeEventView {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub matters: Vec<LifeEventMatter>,
    pub form: Vec<FormField>,
    pub materials: Vec<Material>,
}

/// What an applicant sends to apply through a package.
#[derive(Debug, Clone, Deserialize)]
pub struct LifeEventApplicationInput {
    /// The package's code.
    #[serde(default)]
    pub event: String,
    #[serde(default = "empty_object")]
    pub form: Value,
    #[serde(default)]
    pub materials: Vec<MaterialInput>,
    #[serde(default)]
    pub consent_reuse: bool,
}

fn empty_object() -> Value {
    json!({})
}

/// An applicant's case of a package: its applications and how it stands.
#[derive(Debug, Clone, Serialize)]
pub struct LifeEventCaseView {
    pub id: i64,
    pub number: String,
    pub event_code: String,
    pub event_name: String,
    pub standing: CaseStanding,
    pub created_at_ms: i64,
    pub applications: Vec<ApplicationView>,
}

fn code_ok(code: &str) -> bool {
    (2..=32).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl UseCases<'_> {
    /// Every package, with its matters (public: the portal lists them).
    pub async fn life_events(self) -> ServiceResult<Vec<LifeEventView>> {
        let mut out = Vec::new();
        for e in self.store().life_events().await? {
            out.push(self.life_event_of(e).await?);
        }
        Ok(out)
    }

    /// One package with its combined form and materials (public).
    pub async fn life_event(self, code: &str) -> ServiceResult<LifeEventView> {
        let e = self.store().life_event(code).await?.ok_or_else(|| {
            ServiceError::not_found("not_found")
                .arg("life_event")
                .arg(code)
        })?;
        self.life_event_of(e).await
    }

    async fn life_event_of(
        self,
        e: fgf_store::application::LifeEventRow,
    ) -> ServiceResult<LifeEventView> {
        let mut matters = Vec::new();
        let mut docs: Vec<MatterDoc> = Vec::new();
        for code in &e.matters {
            match self.doc_in_force(code).await? {
                Some((doc, department)) => {
                    matters.push(LifeEventMatter {
                        code: code.clone(),
                        name: doc.name.clone(),
                        department,
                        limit_workdays: doc.promised_days.unwrap_or(doc.statutory_days),
                        in_force: true,
                    });
                    docs.push(doc);
                }
                None => matters.push(LifeEventMatter {
                    code: code.clone(),
                    name: self
                        .store()
                        .find_matter(code)
                        .await?
                        .map(|m| m.name)
                        .unwrap_or_else(|| code.clone()),
                    department: String::new(),
                    limit_workdays: 0,
                    in_force: false,
                }),
            }
        }
        Ok(LifeEventView {
            code: e.code,
            name: e.name,
            summary: e.summary,
            matters,
            form: combined_form(docs.iter().map(|d| d.form.as_slice())),
            materials: combined_materials(docs.iter().map(|d| d.materials.as_slice())),
        })
    }

    /// The guide in force of a matter and its department's name; None when it has none.
    async fn doc_in_force(self, code: &str) -> ServiceResult<Option<(MatterDoc, String)>> {
        let Some(m) = self.store().find_matter(code).await? else {
            return Ok(None);
        };
        let Some(version) = m.current_version else {
            return Ok(None);
        };
        let v = self.store().matter_version(m.id, version).await?;
        let doc: MatterDoc = serde_json::from_str(&v.doc).map_err(ServiceError::internal)?;
        let dept = self
            .store()
            .get_department(
                &fgf_store::Scope::system("a public guide names its department"),
                m.department_id,
            )
            .await?;
        Ok(Some((doc, dept.name)))
    }

    /// A keeper defines or changes a package: two or more matters in force, each of a
    /// department the keeper's catalogue review reaches.
    pub async fn put_life_event(
        self,
        actor: &Actor,
        code: &str,
        input: &LifeEventInput,
    ) -> ServiceResult<LifeEventView> {
        let scope = actor.scope(Permission::CatalogReview)?;
        let code = code.trim();
        if !code_ok(code) {
            return Err(ServiceError::field(
                "life_event_code_invalid",
                "code",
                "一件事编码须为2至32位字母、数字或连字符",
            ));
        }
        let name = input.name.trim();
        if name.is_empty() {
            return Err(ServiceError::field(
                "life_event_name_missing",
                "name",
                "请填写一件事的名称",
            ));
        }
        crate::text::check_text("name", name, 100)?;
        crate::text::check_text("summary", input.summary.trim(), 2000)?;
        let mut matters: Vec<String> = Vec::new();
        for (i, c) in input.matters.iter().enumerate() {
            let c = c.trim();
            let m = self
                .store()
                .find_matter(c)
                .await?
                .filter(|m| m.current_version.is_some());
            let Some(m) = m else {
                return Err(ServiceError::field(
                    "life_event_unknown_matter",
                    &format!("matters[{i}]"),
                    &format!("“{c}”不是现行事项的编码"),
                ));
            };
            // Out of the keeper's reach reads as unknown, as elsewhere.
            self.store()
                .get_department(&scope, m.department_id)
                .await
                .map_err(|_| {
                    ServiceError::field(
                        "life_event_unknown_matter",
                        &format!("matters[{i}]"),
                        &format!("“{c}”不在您可维护的范围内"),
                    )
                })?;
            if !matters.iter().any(|x| x == c) {
                matters.push(c.to_owned());
            }
        }
        if matters.len() < 2 {
            return Err(ServiceError::field(
                "life_event_unknown_matter",
                "matters",
                "一件事须由两个以上现行事项组成",
            ));
        }
        let before = self.store().life_event(code).await?;
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        tx.put_life_event(code, name, input.summary.trim(), &matters)
            .await?;
        tx.audit(
            if before.is_some() {
                "life_event.update"
            } else {
                "life_event.create"
            },
            "life_event",
            code,
            &[FieldChange {
                field: "life_event".to_owned(),
                before: before.map(|b| json!({ "name": b.name, "matters": b.matters })),
                after: Some(json!({ "name": name, "matters": matters })),
            }],
        )
        .await?;
        tx.commit().await?;
        self.life_event(code).await
    }

    /// An applicant applies once for a package: the combined form is checked as a whole
    /// (every problem at once), then each matter's application is prepared from its share of
    /// the form and materials, and all are written in one transaction with the case. Any
    /// refusal (a bar, a material) leaves nothing written.
    pub async fn apply_life_event(
        self,
        actor: &Actor,
        code: &str,
        input: &LifeEventApplicationInput,
    ) -> ServiceResult<LifeEventCaseView> {
        actor.applicant_scope()?;
        let event = self.store().life_event(code).await?.ok_or_else(|| {
            ServiceError::not_found("not_found")
                .arg("life_event")
                .arg(code)
        })?;
        let Some(filled) = input.form.as_object() else {
            return Err(ServiceError::field(
                "application_form_invalid",
                "form",
                "申请表须为字段与取值组成的对象",
            ));
        };
        let mut docs = Vec::new();
        for c in &event.matters {
            let (doc, _) = self
                .doc_in_force(c)
                .await?
                .ok_or_else(|| ServiceError::invalid("life_event_not_applicable").arg(c))?;
            docs.push((c.clone(), doc));
        }
        let form = combined_form(docs.iter().map(|(_, d)| d.form.as_slice()));
        fgf_domain::catalog::check_form(&form, filled).map_err(|problems| {
            ServiceError::invalid("application_form_problems")
                .arg(problems.len())
                .details(json!({ "problems": problems }))
        })?;
        // Each material goes to every matter that lists it.
        for (i, m) in input.materials.iter().enumerate() {
            if !docs
                .iter()
                .any(|(_, d)| d.materials.iter().any(|g| g.name == m.name.trim()))
            {
                return Err(ServiceError::field(
                    "application_material_unknown",
                    &format!("materials[{i}]"),
                    &format!("本件事没有“{}”这项材料", m.name.trim()),
                ));
            }
        }
        let mut prepared: Vec<Prepared> = Vec::new();
        for (c, doc) in &docs {
            let part = Value::Object(form_for(filled, &doc.form));
            let materials: Vec<MaterialInput> = input
                .materials
                .iter()
                .filter(|m| doc.materials.iter().any(|g| g.name == m.name.trim()))
                .cloned()
                .collect();
            prepared.push(
                self.prepare(
                    actor,
                    actor.account.id,
                    &super::cases::Filing {
                        code: c,
                        form: &part,
                        materials: &materials,
                        consent_reuse: input.consent_reuse,
                        draft: false,
                        licence: None,
                        commitments: &[],
                    },
                )
                .await?,
            );
        }
        let today = self.today();
        let mut tx = self.store().write(actor.audit_ctx(self.now_ms())).await?;
        let (case_id, number) = tx
            .insert_life_event_case(&event.code, &event.name, actor.account.id, today)
            .await?;
        let mut ids = Vec::new();
        for p in &prepared {
            ids.push(
                self.insert_prepared(
                    &mut tx,
                    actor,
                    actor.account.id,
                    p,
                    "online",
                    None,
                    Some((case_id, &number)),
                )
                .await?,
            );
        }
        tx.audit(
            "life_event.apply",
            "life_event_case",
            &case_id.to_string(),
            &[FieldChange {
                field: "life_event_case".to_owned(),
                before: None,
                after: Some(json!({ "number": number, "event": event.code, "applications": ids })),
            }],
        )
        .await?;
        tx.commit().await?;
        self.life_event_case(actor, case_id).await
    }

    /// The caller's own cases, newest first.
    pub async fn life_event_cases(self, actor: &Actor) -> ServiceResult<Vec<LifeEventCaseView>> {
        actor.applicant_scope()?;
        let mut out = Vec::new();
        for c in self.store().life_event_cases_of(actor.account.id).await? {
            out.push(self.case_view(actor, c).await?);
        }
        Ok(out)
    }

    /// One case: its applicant sees it whole; staff see it when they may read one of its
    /// applications, and only those (a package crosses departments).
    pub async fn life_event_case(self, actor: &Actor, id: i64) -> ServiceResult<LifeEventCaseView> {
        let c = self.store().life_event_case(id).await?.ok_or_else(|| {
            ServiceError::not_found("not_found")
                .arg("life_event_case")
                .arg(id)
        })?;
        let view = self.case_view(actor, c).await?;
        if view.applications.is_empty() {
            return Err(ServiceError::not_found("not_found")
                .arg("life_event_case")
                .arg(id));
        }
        Ok(view)
    }

    async fn case_view(
        self,
        actor: &Actor,
        c: LifeEventCaseRow,
    ) -> ServiceResult<LifeEventCaseView> {
        let scope = self.reading_scope(actor)?;
        let mut applications = Vec::new();
        for row in self.store().applications_of_life_event_case(c.id).await? {
            // The scope decides, row by row, as the list does.
            if self.store().get_application(&scope, row.id).await.is_ok() {
                applications.push(self.view(actor, row).await?);
            }
        }
        let statuses: Vec<_> = applications.iter().map(|a| a.status).collect();
        Ok(LifeEventCaseView {
            id: c.id,
            number: c.number,
            event_code: c.event_code,
            event_name: c.event_name,
            standing: case_standing(&statuses),
            created_at_ms: c.created_at_ms,
            applications,
        })
    }
}
