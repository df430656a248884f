//! What a new store starts with: the standard roles and code tables on every first start,
//! a first administrator for `fgf serve`, and the whole demo district for `fgf demo`.

use super::UseCases;
use crate::base::auth::hash_password;
use crate::base::users::AccountPii;
use crate::error::{ServiceError, ServiceResult};
use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::{AdminDuty, Permission};
use fgf_domain::base::record::{AccountKind, DepartmentKind};
use fgf_domain::base::DepartmentId;
use fgf_domain::DataScope;
use fgf_store::base::account::NewAccount;
use fgf_store::base::dict::DictItem;
use fgf_store::base::org::NewDepartment;
use fgf_store::WriteTx;
use serde_json::json;

/// The demo password every demo account shares (DESIGN.md).
pub const DEMO_PASSWORD: &str = "Fgf@demo2026";

pub struct RoleSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub scope: DataScope,
    pub duty: Option<AdminDuty>,
}

/// What a part grants the built-in roles: (role code, permissions).
pub type Grants = &'static [(&'static str, &'static [Permission])];

/// The permissions a built-in role starts with, from every part's grants.
pub fn role_permissions(code: &str) -> Vec<Permission> {
    crate::parts::PARTS
        .iter()
        .flat_map(|part| part.grants.iter())
        .filter(|(role, _)| *role == code)
        .flat_map(|(_, permissions)| permissions.iter().copied())
        .collect()
}

/// The standard roles. The three administrator roles carry their duty, which the account
/// service keeps apart (三员分立); each part grants them its permissions (`part::GRANTS`).
pub const ROLES: &[RoleSeed] = &[
    RoleSeed {
        code: "sysadmin",
        name: "系统管理员",
        scope: DataScope::All,
        duty: Some(AdminDuty::System),
    },
    RoleSeed {
        code: "secadmin",
        name: "安全管理员",
        scope: DataScope::All,
        duty: Some(AdminDuty::Security),
    },
    RoleSeed {
        code: "auditadmin",
        name: "审计管理员",
        scope: DataScope::All,
        duty: Some(AdminDuty::Audit),
    },
    RoleSeed {
        code: "clerk",
        name: "窗口人员",
        scope: DataScope::Dept,
        duty: None,
    },
    RoleSeed {
        code: "reviewer",
        name: "审批人员",
        scope: DataScope::Dept,
        duty: None,
    },
    RoleSeed {
        code: "keeper",
        name: "事项管理员",
        scope: DataScope::DeptAndBelow,
        duty: None,
    },
    RoleSeed {
        code: "inspector",
        name: "监管人员",
        scope: DataScope::Dept,
        duty: None,
    },
    // 一窗受理: the comprehensive window accepts applications for every department's matters,
    // so its one permission reaches all of them while the clerk's other work stays 本部门.
    RoleSeed {
        code: "intake",
        name: "综合受理",
        scope: DataScope::All,
        duty: None,
    },
    RoleSeed {
        code: "reform",
        name: "改革办",
        scope: DataScope::All,
        duty: None,
    },
    RoleSeed {
        code: "leader",
        name: "领导",
        scope: DataScope::All,
        duty: None,
    },
];

/// GB/T 39046-2020 appendix A code tables (RULES.md §2.2).
/// (code, label, English label).
type DictSeed = (&'static str, &'static str, &'static str);

const DICTIONARIES: &[(&str, &str, &[DictSeed])] = &[
    (
        "matter_kind",
        "事项类型 (GB/T 39046 A.1；本区自定义类型用 11–19、21–99)",
        &[
            ("01", "行政许可", "administrative licensing"),
            ("02", "行政处罚", "administrative penalty"),
            ("03", "行政强制", "administrative coercion"),
            ("04", "行政征收", "administrative levy"),
            ("05", "行政给付", "administrative payment"),
            ("06", "行政检查", "administrative inspection"),
            ("07", "行政确认", "administrative confirmation"),
            ("08", "行政奖励", "administrative award"),
            ("09", "行政裁决", "administrative adjudication"),
            ("10", "其他行政权力", "other administrative power"),
            ("20", "公共服务", "public service"),
        ],
    ),
    (
        "exercise_level",
        "行使层级 (A.2)",
        &[
            ("1", "国家级", "national"),
            ("2", "省级", "provincial"),
            ("3", "市级", "municipal"),
            ("4", "县级", "county"),
            ("5", "镇（乡、街道）级", "township"),
            ("6", "村（社区）级", "village"),
            ("7", "分级管理", "tiered"),
        ],
    ),
    (
        "body_nature",
        "实施主体性质 (A.3)",
        &[
            ("1", "法定机关", "statutory body"),
            ("2", "授权组织", "authorised organisation"),
            ("3", "受委托组织", "entrusted organisation"),
            ("9", "其他", "other"),
        ],
    ),
    (
        "audience",
        "服务对象 (A.4)",
        &[
            ("1", "自然人", "natural person"),
            ("2", "企业法人", "enterprise"),
            ("3", "事业法人", "public institution"),
            ("4", "社会组织法人", "social organisation"),
            ("5", "行政机关", "government agency"),
            ("6", "其他组织", "other organisation"),
        ],
    ),
    (
        "handling_form",
        "办理形式 (A.5)",
        &[
            ("1", "窗口办理", "at the window"),
            ("2", "电脑端网上办理", "online (desktop)"),
            ("3", "移动端网上申请", "online (mobile)"),
            ("4", "快递申请", "by post"),
            ("9", "其他", "other"),
        ],
    ),
    (
        "case_type",
        "办件类型 (A.6)",
        &[
            ("1", "即办件", "on-the-spot"),
            ("2", "承诺件", "promised"),
            ("9", "其他", "other"),
        ],
    ),
    (
        "special_procedure",
        "特别程序种类代码 (A.7)",
        &[
            ("1", "延长审批", "extension"),
            ("2", "除延长审批之外的情况", "other special procedure"),
        ],
    ),
    (
        "satisfaction",
        "满意度 (A.8)",
        &[
            ("1", "非常满意", "very satisfied"),
            ("2", "满意", "satisfied"),
            ("3", "基本满意", "fairly satisfied"),
            ("4", "不满意", "dissatisfied"),
            ("5", "非常不满意", "very dissatisfied"),
        ],
    ),
];

/// A demo account: username, name, department code, role codes, extra posts (兼职).
struct DemoAccount {
    username: &'static str,
    name: &'static str,
    dept: &'static str,
    title: &'static str,
    roles: &'static [&'static str],
    extra_posts: &'static [(&'static str, &'static str, &'static [&'static str])],
    phone: &'static str,
}

const DEMO_STAFF: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        name: "系统管理员",
        dept: "D00",
        title: "信息中心",
        roles: &["sysadmin"],
        extra_posts: &[],
        phone: "13900000001",
    },
    DemoAccount {
        username: "security",
        name: "安全管理员",
        dept: "D00",
        title: "信息中心",
        roles: &["secadmin"],
        extra_posts: &[],
        phone: "13900000002",
    },
    DemoAccount {
        username: "auditor",
        name: "审计管理员",
        dept: "D00",
        title: "信息中心",
        roles: &["auditadmin"],
        extra_posts: &[],
        phone: "13900000003",
    },
    DemoAccount {
        username: "clerk",
        name: "王晓燕",
        dept: "D02-01",
        title: "综合窗口受理员",
        roles: &["clerk", "intake"],
        extra_posts: &[],
        phone: "13812340001",
    },
    DemoAccount {
        username: "reviewer",
        name: "李建国",
        dept: "D04",
        title: "审批科科员",
        roles: &["reviewer"],
        extra_posts: &[("D03", "联合审批专员", &["reviewer"])],
        phone: "13812340002",
    },
    // 行政许可法第三十四条: substantive verification needs two staff, so the approval bureau
    // (区行政审批局) has two verifiers, and its deputy director decides.
    DemoAccount {
        username: "checker",
        name: "周敏",
        dept: "D03",
        title: "审批科科员",
        roles: &["reviewer"],
        // 联合审批: also verifies the market bureau's registrations.
        extra_posts: &[("D04", "联合审批专员", &["reviewer"])],
        phone: "13812340010",
    },
    DemoAccount {
        username: "surveyor",
        name: "吴芳",
        dept: "D03",
        title: "现场核查员",
        roles: &["reviewer"],
        extra_posts: &[],
        phone: "13812340012",
    },
    DemoAccount {
        username: "chief",
        name: "刘卫东",
        dept: "D03",
        title: "区行政审批局副局长",
        roles: &["reviewer"],
        extra_posts: &[("D04", "联合审批决定人", &["reviewer"])],
        phone: "13812340011",
    },
    DemoAccount {
        username: "keeper",
        name: "陈静",
        dept: "D04",
        title: "事项管理员",
        roles: &["keeper"],
        // Also the catalogue keeper of 城关街道, which receives delegated powers.
        extra_posts: &[("S01", "承接事项管理员", &["keeper"])],
        phone: "13812340003",
    },
    DemoAccount {
        username: "inspector",
        name: "赵刚",
        dept: "D04",
        title: "执法检查员",
        roles: &["inspector"],
        extra_posts: &[],
        phone: "13812340004",
    },
    DemoAccount {
        username: "reform",
        name: "刘洋",
        dept: "D01",
        title: "改革办副主任",
        roles: &["reform"],
        extra_posts: &[],
        phone: "13812340005",
    },
    // The office's director: decides objections to the conclusions his deputy published
    // (政府督查工作条例第十七条 requires whoever made a conclusion to stand aside).
    DemoAccount {
        username: "director",
        name: "王建华",
        dept: "D01",
        title: "改革办主任",
        roles: &["reform"],
        extra_posts: &[],
        phone: "13812340009",
    },
    DemoAccount {
        username: "leader",
        name: "张明",
        dept: "D00",
        title: "常务副区长",
        roles: &["leader"],
        extra_posts: &[],
        phone: "13812340006",
    },
    DemoAccount {
        username: "teacher",
        name: "孙丽",
        dept: "D07",
        title: "教育局审批员",
        roles: &["reviewer"],
        extra_posts: &[],
        phone: "13812340007",
    },
    DemoAccount {
        username: "gridman",
        name: "周海",
        dept: "S01-C01",
        title: "社区网格员",
        roles: &["clerk"],
        extra_posts: &[],
        phone: "13812340008",
    },
];

/// The demo district's tree: (code, parent code, name, kind).
const DEMO_DEPARTMENTS: &[(&str, Option<&str>, &str, DepartmentKind)] = &[
    ("D00", None, "示范区人民政府", DepartmentKind::District),
    ("D01", Some("D00"), "区委改革办", DepartmentKind::Bureau),
    ("D02", Some("D00"), "区政务服务中心", DepartmentKind::Bureau),
    (
        "D02-01",
        Some("D02"),
        "综合受理窗口",
        DepartmentKind::Section,
    ),
    ("D02-02", Some("D02"), "帮办代办科", DepartmentKind::Section),
    ("D03", Some("D00"), "区行政审批局", DepartmentKind::Bureau),
    ("D04", Some("D00"), "区市场监管局", DepartmentKind::Bureau),
    ("D04-01", Some("D04"), "登记注册科", DepartmentKind::Section),
    (
        "D04-02",
        Some("D04"),
        "食品安全监管科",
        DepartmentKind::Section,
    ),
    ("D05", Some("D00"), "区发改委", DepartmentKind::Bureau),
    ("D06", Some("D00"), "区财政局", DepartmentKind::Bureau),
    ("D07", Some("D00"), "区教育局", DepartmentKind::Bureau),
    ("D08", Some("D00"), "区卫健委", DepartmentKind::Bureau),
    ("D09", Some("D00"), "区民政局", DepartmentKind::Bureau),
    ("D10", Some("D00"), "区生态环境局", DepartmentKind::Bureau),
    ("D11", Some("D00"), "区应急管理局", DepartmentKind::Bureau),
    ("D12", Some("D00"), "区文旅局", DepartmentKind::Bureau),
    ("D13", Some("D00"), "区司法局", DepartmentKind::Bureau),
    ("D14", Some("D00"), "区国资办", DepartmentKind::Bureau),
    ("S01", Some("D00"), "城关街道", DepartmentKind::Street),
    (
        "S01-C01",
        Some("S01"),
        "东门社区",
        DepartmentKind::Community,
    ),
    (
        "S01-C02",
        Some("S01"),
        "西门社区",
        DepartmentKind::Community,
    ),
    (
        "S01-C03",
        Some("S01"),
        "南街社区",
        DepartmentKind::Community,
    ),
    ("S02", Some("D00"), "新华街道", DepartmentKind::Street),
    (
        "S02-C01",
        Some("S02"),
        "新华社区",
        DepartmentKind::Community,
    ),
    (
        "S02-C02",
        Some("S02"),
        "光明社区",
        DepartmentKind::Community,
    ),
    ("T01", Some("D00"), "青山镇", DepartmentKind::Town),
    ("T01-V01", Some("T01"), "青山村", DepartmentKind::Village),
    ("T01-V02", Some("T01"), "石桥村", DepartmentKind::Village),
    ("T02", Some("D00"), "河口镇", DepartmentKind::Town),
    ("T02-V01", Some("T02"), "河口村", DepartmentKind::Village),
    ("T02-V02", Some("T02"), "柳林村", DepartmentKind::Village),
];

/// A demo account as printed by `fgf demo`.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub department: String,
    pub totp_secret: Option<String>,
}

async fn seed_roles_and_dictionaries(tx: &mut WriteTx) -> ServiceResult<()> {
    for r in ROLES {
        let id = tx
            .insert_role(r.code, r.name, r.scope, r.duty, &role_permissions(r.code))
            .await?;
        tx.audit(
            "role.create",
            "role",
            &id.to_string(),
            &[FieldChange {
                field: "code".to_owned(),
                before: None,
                after: Some(json!(r.code)),
            }],
        )
        .await?;
    }
    for (code, name, items) in DICTIONARIES {
        let items: Vec<DictItem> = items
            .iter()
            .enumerate()
            .map(|(i, (c, l, en))| DictItem {
                code: (*c).to_owned(),
                label: (*l).to_owned(),
                label_en: (*en).to_owned(),
                sort: i64::try_from(i).unwrap_or(0),
                enabled: true,
            })
            .collect();
        tx.save_dictionary(code, name, &items).await?;
        tx.audit(
            "dictionary.save",
            "dictionary",
            code,
            &[FieldChange {
                field: "items".to_owned(),
                before: None,
                after: Some(json!(items.len())),
            }],
        )
        .await?;
    }
    Ok(())
}

async fn role_ids(tx: &mut WriteTx, codes: &[&str]) -> ServiceResult<Vec<i64>> {
    let roles = tx.list_roles().await?;
    codes
        .iter()
        .map(|c| {
            roles
                .iter()
                .find(|r| r.code == *c)
                .map(|r| r.id)
                .ok_or_else(|| ServiceError::internal(format!("seed role {c} missing")))
        })
        .collect()
}

impl UseCases<'_> {
    /// First start of `fgf serve`: the roles, the code tables, a root department and an
    /// administrator whose password must be changed at first login. Returns the one-time
    /// password to print, or `None` if the store was not empty.
    /// Brings a district made by an earlier version up to the built-in roles of this one: a
    /// missing built-in role is created, and a built-in role gains the permissions new parts
    /// grant it (the 综合受理 window's intake, the reviewer's review of applications). Nothing
    /// is taken away, so an administrator's own additions stay; every change is audited.
    /// Answers how many changes were made (0 on an up-to-date district).
    pub async fn upgrade_builtin_roles(self) -> ServiceResult<usize> {
        if self.store().is_empty().await? {
            return Ok(0);
        }
        let roles = self.store().list_roles().await?;
        let mut todo: Vec<(&RoleSeed, Option<i64>, Vec<Permission>)> = Vec::new();
        for r in ROLES {
            let want = role_permissions(r.code);
            match roles.iter().find(|x| x.code == r.code) {
                None => todo.push((r, None, want)),
                Some(have) => {
                    let missing: Vec<Permission> = want
                        .into_iter()
                        .filter(|p| !have.permissions.contains(p))
                        .collect();
                    if !missing.is_empty() {
                        todo.push((r, Some(have.id), missing));
                    }
                }
            }
        }
        if todo.is_empty() {
            return Ok(0);
        }
        let mut tx = self.store().write(self.system_ctx("upgrade")).await?;
        let mut changes = 0;
        for (r, id, perms) in &todo {
            let id = match id {
                Some(id) => {
                    for p in perms {
                        tx.add_role_permission(*id, *p).await?;
                    }
                    *id
                }
                None => {
                    tx.insert_role(r.code, r.name, r.scope, r.duty, perms)
                        .await?
                }
            };
            tx.audit(
                "role.upgrade",
                "role",
                &id.to_string(),
                &[FieldChange {
                    field: "permissions".to_owned(),
                    before: None,
                    after: Some(json!(perms.iter().map(|p| p.code()).collect::<Vec<_>>())),
                }],
            )
            .await?;
            changes += perms.len().max(1);
        }
        tx.commit().await?;
        Ok(changes)
    }

    pub async fn bootstrap(self) -> ServiceResult<Option<String>> {
        if !self.store().is_empty().await? {
            return Ok(None);
        }
        let password = format!(
            "Fgf#{}a",
            &hex::encode((0..6).map(|_| rand::random::<u8>()).collect::<Vec<_>>()).to_uppercase()
        );
        let hash = hash_password(&password).await?;
        let mut tx = self.store().write(self.system_ctx("bootstrap")).await?;
        seed_roles_and_dictionaries(&mut tx).await?;
        let root = tx
            .insert_department(&NewDepartment {
                parent_id: None,
                code: "D00".to_owned(),
                name: "本区人民政府".to_owned(),
                kind: DepartmentKind::District,
                sort: 0,
            })
            .await?;
        let id = tx
            .insert_account(&NewAccount {
                username: "admin".to_owned(),
                display_name: "系统管理员".to_owned(),
                kind: AccountKind::Staff,
                password_hash: hash,
                must_change_password: true,
                phone_enc: None,
                phone_hmac: None,
                resident_id_enc: None,
                resident_id_hmac: None,
                uscc: None,
            })
            .await?;
        let post = tx.insert_post(id, root.id, true, "系统管理员").await?;
        let ids = role_ids(&mut tx, &["sysadmin"]).await?;
        tx.set_post_roles(post, &ids).await?;
        tx.audit(
            "account.bootstrap",
            "account",
            &id.to_string(),
            &[FieldChange {
                field: "username".to_owned(),
                before: None,
                after: Some(json!("admin")),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(password))
    }

    /// `fgf demo`: creates the demo district when the store is empty. Returns false when the
    /// store already held data (it is then served as it is).
    pub async fn seed_demo(self) -> ServiceResult<bool> {
        if !self.store().is_empty().await? {
            return Ok(false);
        }
        let hash = hash_password(DEMO_PASSWORD).await?;
        let mut tx = self.store().write(self.system_ctx("demo")).await?;
        seed_roles_and_dictionaries(&mut tx).await?;
        let mut depts: Vec<(&str, DepartmentId)> = Vec::new();
        for (i, (code, parent, name, kind)) in DEMO_DEPARTMENTS.iter().enumerate() {
            let parent_id =
                parent.and_then(|p| depts.iter().find(|(c, _)| *c == p).map(|(_, id)| *id));
            let d = tx
                .insert_department(&NewDepartment {
                    parent_id,
                    code: (*code).to_owned(),
                    name: (*name).to_owned(),
                    kind: *kind,
                    sort: i64::try_from(i).unwrap_or(0),
                })
                .await?;
            tx.audit(
                "department.create",
                "department",
                &d.id.to_string(),
                &[FieldChange {
                    field: "name".to_owned(),
                    before: None,
                    after: Some(json!(name)),
                }],
            )
            .await?;
            depts.push((code, d.id));
        }
        let dept = |code: &str| {
            depts
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, id)| *id)
                .ok_or_else(|| ServiceError::internal(format!("demo department {code} missing")))
        };
        let mut reviewer_id = None;
        for a in DEMO_STAFF {
            let is_admin = a
                .roles
                .iter()
                .any(|r| ROLES.iter().any(|s| s.code == *r && s.duty.is_some()));
            let id = tx
                .insert_account(&NewAccount {
                    username: a.username.to_owned(),
                    display_name: a.name.to_owned(),
                    kind: AccountKind::Staff,
                    password_hash: hash.clone(),
                    must_change_password: false,
                    phone_enc: None,
                    phone_hmac: Some(self.pii().lookup_hash(a.phone)),
                    resident_id_enc: None,
                    resident_id_hmac: None,
                    uscc: None,
                })
                .await?;
            tx.set_account_pii(id, Some(self.seal(id, AccountPii::Phone, a.phone)), None)
                .await?;
            if a.username == "reviewer" {
                reviewer_id = Some(id);
            }
            if a.username == "leader" {
                // The deputy district head leads the district root: `leader:` rules climb
                // the tree to him when a unit names no leader of its own.
                tx.set_department_leader(dept("D00")?, Some(id)).await?;
            }
            let post = tx.insert_post(id, dept(a.dept)?, true, a.title).await?;
            let ids = role_ids(&mut tx, a.roles).await?;
            tx.set_post_roles(post, &ids).await?;
            for (code, title, roles) in a.extra_posts {
                let p = tx.insert_post(id, dept(code)?, false, title).await?;
                let ids = role_ids(&mut tx, roles).await?;
                tx.set_post_roles(p, &ids).await?;
            }
            if is_admin {
                let secret: Vec<u8> = (0..20).map(|_| rand::random::<u8>()).collect();
                tx.set_totp(
                    id,
                    Some(self.seal(id, AccountPii::TotpSecret, &hex::encode(&secret))),
                    true,
                )
                .await?;
            }
            tx.audit(
                "account.create",
                "account",
                &id.to_string(),
                &[FieldChange {
                    field: "username".to_owned(),
                    before: None,
                    after: Some(json!(a.username)),
                }],
            )
            .await?;
        }
        let citizen_id = "34052419800101001X";
        let citizen = tx
            .insert_account(&NewAccount {
                username: "citizen".to_owned(),
                display_name: "周小明".to_owned(),
                kind: AccountKind::Citizen,
                password_hash: hash.clone(),
                must_change_password: false,
                phone_enc: None,
                phone_hmac: Some(self.pii().lookup_hash("13712345678")),
                resident_id_enc: None,
                resident_id_hmac: Some(self.pii().lookup_hash(citizen_id)),
                uscc: None,
            })
            .await?;
        tx.set_account_pii(
            citizen,
            Some(self.seal(citizen, AccountPii::Phone, "13712345678")),
            Some(self.seal(citizen, AccountPii::ResidentId, citizen_id)),
        )
        .await?;
        tx.audit("account.register", "account", &citizen.to_string(), &[])
            .await?;
        let enterprise = tx
            .insert_account(&NewAccount {
                username: "enterprise".to_owned(),
                display_name: "示范区味之源餐饮有限公司".to_owned(),
                kind: AccountKind::Enterprise,
                password_hash: hash,
                must_change_password: false,
                phone_enc: None,
                phone_hmac: Some(self.pii().lookup_hash("13612345678")),
                resident_id_enc: None,
                resident_id_hmac: None,
                uscc: Some("91110108MA1H8R7C4F".to_owned()),
            })
            .await?;
        tx.set_account_pii(
            enterprise,
            Some(self.seal(enterprise, AccountPii::Phone, "13612345678")),
            None,
        )
        .await?;
        tx.audit("account.register", "account", &enterprise.to_string(), &[])
            .await?;
        if let Some(reviewer) = reviewer_id {
            crate::base::notify::notify(
                &mut tx,
                reviewer,
                "欢迎使用放管服改革综合平台",
                "您在区市场监管局和区行政审批局均有岗位，可在页面顶部切换当前办理部门。",
                "/workbench",
            )
            .await?;
        }
        tx.commit().await?;
        for part in crate::parts::PARTS {
            if let Some(load) = part.demo {
                load(self.0).await?;
            }
        }
        Ok(true)
    }

    /// The demo accounts to print, with the TOTP secrets of the administrator accounts.
    pub async fn demo_logins(self) -> ServiceResult<Vec<DemoLogin>> {
        let mut out = Vec::new();
        let names: Vec<&str> = DEMO_STAFF
            .iter()
            .map(|a| a.username)
            .chain(["citizen", "enterprise"])
            .collect();
        for username in names {
            let Some((account, creds)) = self.store().find_account_for_login(username).await?
            else {
                continue;
            };
            let posts = self.store().posts_of(account.id).await?;
            let role = posts
                .first()
                .and_then(|p| p.role_codes.first())
                .and_then(|c| ROLES.iter().find(|r| r.code == c.as_str()))
                .map_or_else(
                    || {
                        if account.kind == AccountKind::Citizen {
                            "申请人（个人）".to_owned()
                        } else {
                            "申请人（法人）".to_owned()
                        }
                    },
                    |r| r.name.to_owned(),
                );
            let department = posts
                .first()
                .map(|p| p.department_name.clone())
                .unwrap_or_default();
            let totp_secret = match (account.totp_enabled, creds.totp_secret_enc) {
                (true, Some(enc)) => {
                    let h = self.unseal(account.id, AccountPii::TotpSecret, &enc)?;
                    Some(crate::base::auth::totp_secret_base32(
                        &hex::decode(h).map_err(ServiceError::internal)?,
                    ))
                }
                _ => None,
            };
            out.push(DemoLogin {
                username: username.to_owned(),
                role,
                department,
                totp_secret,
            });
        }
        Ok(out)
    }
}
