//! The store conformance suite: every behaviour runs on SQLite and, when `FGF_TEST_PG` is
//! set, on PostgreSQL, with the same assertions.

use fgf_domain::base::audit::FieldChange;
use fgf_domain::base::permission::Permission;
use fgf_domain::base::record::{AccountKind, DepartmentKind, LoginOutcome};
use fgf_domain::base::{AccountId, DepartmentId};
use fgf_domain::catalog::{HandoverState, Tier, VersionStatus};
use fgf_domain::process::InstanceId;
use fgf_domain::process::{DefinitionStatus, InstanceStatus};
use fgf_domain::reform::plan::{Disposition, PlanStatus};
use fgf_domain::reform::TaskId;
use fgf_domain::reform::{
    AssessmentStatus, InnovationStatus, MeritKind, NoticeKind, TaskStatus, UnitRole,
};
use fgf_domain::DataScope;
use fgf_store::base::account::{AccountQuery, NewAccount};
use fgf_store::base::audit::{AuditQuery, Verify};
use fgf_store::base::org::{DepartmentQuery, NewDepartment};
use fgf_store::testing::TestDb;
use fgf_store::{AuditCtx, Page, Scope, Store, StoreError};
use serde_json::json;

fn ctx(at: i64) -> AuditCtx {
    AuditCtx {
        actor_account_id: Some(AccountId::new(1)),
        actor_name: "tester".to_owned(),
        department_id: Some(DepartmentId::new(1)),
        source_addr: "10.0.0.1".to_owned(),
        at_ms: at,
    }
}

/// A transaction refused because someone else wrote first (not any failure: a syntax error
/// in a batch must not pass a concurrency test).
fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn is_conflict<T: std::fmt::Debug>(r: &Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict { .. }))
}

fn change(v: i64) -> Vec<FieldChange> {
    vec![FieldChange {
        field: "n".to_owned(),
        before: Some(json!(v - 1)),
        after: Some(json!(v)),
    }]
}

async fn append(store: &Store, n: i64) {
    for i in 1..=n {
        let mut tx = store.write(ctx(1_000 + i)).await.unwrap();
        tx.audit("test.append", "thing", &i.to_string(), &change(i))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Removes the append-only guard, as a DBA with direct access could.
async fn drop_guards(db: &TestDb) {
    if db.label == "sqlite" {
        db.raw("drop trigger audit_entry_no_update; drop trigger audit_entry_no_delete;")
            .await
            .unwrap();
    } else {
        db.raw("drop trigger audit_entry_no_update on audit_entry; drop trigger audit_entry_no_delete on audit_entry;").await.unwrap();
    }
}

macro_rules! on_every_backend {
    ($name:ident, |$db:ident| $body:block) => {
        #[tokio::test]
        async fn $name() {
            for $db in TestDb::all().await.expect("open test stores") {
                eprintln!("backend: {}", $db.label);
                $body
                $db.cleanup().await;
            }
        }
    };
}

on_every_backend!(migrations_are_idempotent, |db| {
    assert_eq!(
        db.store.migrate().await.unwrap(),
        0,
        "second migrate applies nothing"
    );
});

/// DESIGN.md principle 4, an acknowledged change is never lost: SQLite returns from a commit
/// only once its log is on the disk (`synchronous = full`) unless the operator chose
/// `normal`; read back from the connection that commits.
#[tokio::test]
async fn design_principle_4_sqlite_commits_wait_for_the_disk_unless_normal_is_chosen() {
    let db = TestDb::sqlite().await.unwrap();
    assert_eq!(db.store.sqlite_synchronous().await.unwrap(), Some(2));
    let dir = std::env::temp_dir().join(format!("fgf_sync_{}", std::process::id()));
    for (sync, level) in [
        (fgf_store::SqliteSync::Normal, 1),
        (fgf_store::SqliteSync::Full, 2),
    ] {
        let store = Store::open_sqlite_dir_with(&dir, sync).await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(store.sqlite_synchronous().await.unwrap(), Some(level));
        assert_eq!(sync.level(), level);
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg) = TestDb::postgres().await.unwrap() {
        assert_eq!(pg.store.sqlite_synchronous().await.unwrap(), None);
        pg.cleanup().await;
    }
    db.cleanup().await;
}

#[test]
fn migration_trees_have_identical_names() {
    assert_eq!(
        Store::migration_names(fgf_store::Backend::Sqlite),
        Store::migration_names(fgf_store::Backend::Postgres)
    );
}

on_every_backend!(audit_chain_intact_after_appends, |db| {
    append(&db.store, 25).await;
    assert_eq!(
        db.store.verify_audit().await.unwrap(),
        Verify::Intact { entries: 25 }
    );
});

on_every_backend!(audit_entries_cannot_be_updated_through_the_guard, |db| {
    append(&db.store, 2).await;
    assert!(db
        .raw("update audit_entry set actor_name = 'x' where audit_entry_id = 1")
        .await
        .is_err());
    assert!(db
        .raw("delete from audit_entry where audit_entry_id = 1")
        .await
        .is_err());
    assert_eq!(
        db.store.verify_audit().await.unwrap(),
        Verify::Intact { entries: 2 }
    );
});

on_every_backend!(audit_verify_names_an_altered_entry, |db| {
    append(&db.store, 10).await;
    drop_guards(&db).await;
    db.raw("update audit_entry set changes = '[]' where audit_entry_id = 4")
        .await
        .unwrap();
    match db.store.verify_audit().await.unwrap() {
        Verify::Broken { seq, problem } => {
            assert_eq!(seq, 4);
            assert!(problem.contains("altered"), "{problem}");
        }
        other => panic!("expected broken, got {other:?}"),
    }
});

on_every_backend!(audit_verify_names_an_altered_actor, |db| {
    append(&db.store, 10).await;
    drop_guards(&db).await;
    db.raw("update audit_entry set actor_name = 'someone-else' where audit_entry_id = 7")
        .await
        .unwrap();
    assert!(matches!(
        db.store.verify_audit().await.unwrap(),
        Verify::Broken { seq: 7, .. }
    ));
});

on_every_backend!(audit_verify_names_a_removed_entry, |db| {
    append(&db.store, 10).await;
    drop_guards(&db).await;
    db.raw("delete from audit_entry where audit_entry_id = 6")
        .await
        .unwrap();
    match db.store.verify_audit().await.unwrap() {
        Verify::Broken { seq, problem } => {
            assert_eq!(seq, 6);
            assert!(problem.contains("missing"), "{problem}");
        }
        other => panic!("expected broken, got {other:?}"),
    }
});

on_every_backend!(audit_verify_names_swapped_entries, |db| {
    append(&db.store, 10).await;
    drop_guards(&db).await;
    // Swap the contents of entries 3 and 8 (keeping their sequence numbers).
    db.raw(
        "update audit_entry set audit_entry_id = -3 where audit_entry_id = 3; \
         update audit_entry set audit_entry_id = 3 where audit_entry_id = 8; \
         update audit_entry set audit_entry_id = 8 where audit_entry_id = -3;",
    )
    .await
    .unwrap();
    assert!(matches!(
        db.store.verify_audit().await.unwrap(),
        Verify::Broken { seq: 3, .. }
    ));
});

on_every_backend!(audit_verify_detects_a_removed_tail, |db| {
    append(&db.store, 5).await;
    drop_guards(&db).await;
    db.raw("delete from audit_entry where audit_entry_id = 5")
        .await
        .unwrap();
    assert!(matches!(
        db.store.verify_audit().await.unwrap(),
        Verify::Broken { seq: 5, .. }
    ));
});

on_every_backend!(write_without_audit_is_refused_and_rolled_back, |db| {
    let mut tx = db.store.write(ctx(1)).await.unwrap();
    tx.insert_department(&NewDepartment {
        parent_id: None,
        code: "X".to_owned(),
        name: "X".to_owned(),
        kind: DepartmentKind::District,
        sort: 0,
    })
    .await
    .unwrap();
    assert!(tx.commit().await.is_err());
    let all = db
        .store
        .department_tree(&Scope::system("test"))
        .await
        .unwrap();
    assert!(all.is_empty(), "nothing half-written");
});

on_every_backend!(concurrent_writers_never_fork_the_chain, |db| {
    let mut handles = Vec::new();
    for w in 0..8_i64 {
        let store = db.store.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..10_i64 {
                let mut tx = store.write(ctx(w * 100 + i)).await.unwrap();
                tx.audit("test.concurrent", "thing", &format!("{w}-{i}"), &[])
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(
        db.store.verify_audit().await.unwrap(),
        Verify::Intact { entries: 80 }
    );
});

/// A small tree: root(1) → a(2) → a1(3); root → b(4). Accounts: one per department, each
/// with a role granting UserRead/DeptRead at the given scope.
/// A top-level bureau named `name`, for tests that need one unit.
async fn bureau(tx: &mut fgf_store::WriteTx, code: &str, name: &str) -> DepartmentId {
    tx.insert_department(&NewDepartment {
        parent_id: None,
        code: code.to_owned(),
        name: name.to_owned(),
        kind: DepartmentKind::Bureau,
        sort: 0,
    })
    .await
    .unwrap()
    .id
}

async fn seed_tree(store: &Store) -> Vec<DepartmentId> {
    let mut tx = store.write(ctx(10)).await.unwrap();
    let mk = |parent: Option<DepartmentId>, code: &str| NewDepartment {
        parent_id: parent,
        code: code.to_owned(),
        name: code.to_owned(),
        kind: DepartmentKind::Bureau,
        sort: 0,
    };
    let root = tx.insert_department(&mk(None, "root")).await.unwrap();
    let a = tx.insert_department(&mk(Some(root.id), "a")).await.unwrap();
    let a1 = tx.insert_department(&mk(Some(a.id), "a1")).await.unwrap();
    let b = tx.insert_department(&mk(Some(root.id), "b")).await.unwrap();
    let mut roles = Vec::new();
    for (code, scope) in [
        ("own", DataScope::Own),
        ("dept", DataScope::Dept),
        ("below", DataScope::DeptAndBelow),
        ("all", DataScope::All),
    ] {
        roles.push(
            tx.insert_role(
                code,
                code,
                scope,
                None,
                &[Permission::UserRead, Permission::DeptRead],
            )
            .await
            .unwrap(),
        );
    }
    for (i, d) in [root.id, a.id, a1.id, b.id].iter().enumerate() {
        let id = tx
            .insert_account(&NewAccount {
                username: format!("u{i}"),
                display_name: format!("u{i}"),
                kind: AccountKind::Staff,
                password_hash: "x".to_owned(),
                must_change_password: false,
                phone_enc: None,
                phone_hmac: None,
                resident_id_enc: None,
                resident_id_hmac: None,
                uscc: None,
            })
            .await
            .unwrap();
        let post = tx.insert_post(id, *d, true, "").await.unwrap();
        tx.set_post_roles(post, &roles).await.unwrap();
    }
    tx.audit("test.seed", "tree", "1", &[]).await.unwrap();
    tx.commit().await.unwrap();
    vec![root.id, a.id, a1.id, b.id]
}

async fn scope_with(
    store: &Store,
    account: AccountId,
    dept: DepartmentId,
    role_code: &str,
) -> Scope {
    // Give the account's post only the one role, then load its grants.
    let roles = store.list_roles().await.unwrap();
    let role = roles.iter().find(|r| r.code == role_code).unwrap().id;
    let posts = store.posts_of(account).await.unwrap();
    let mut tx = store.write(ctx(20)).await.unwrap();
    tx.set_post_roles(posts[0].id, &[role]).await.unwrap();
    tx.audit("test.role", "post", "x", &[]).await.unwrap();
    tx.commit().await.unwrap();
    store
        .load_grants(account, dept)
        .await
        .unwrap()
        .unwrap()
        .scope(Permission::UserRead)
        .unwrap()
}

on_every_backend!(data_scope_limits_accounts_along_the_tree, |db| {
    let d = seed_tree(&db.store).await;
    let s = &db.store;
    // Account 2 works in department a (d[1]).
    let names = |v: Vec<fgf_store::base::account::Account>| {
        v.into_iter().map(|a| a.username).collect::<Vec<_>>()
    };
    let q = AccountQuery::default();
    let p = Page::default();
    let own = scope_with(s, AccountId::new(2), d[1], "own").await;
    assert_eq!(
        names(s.list_accounts(&own, &q, p).await.unwrap().items),
        vec!["u1"]
    );
    let dept = scope_with(s, AccountId::new(2), d[1], "dept").await;
    assert_eq!(
        names(s.list_accounts(&dept, &q, p).await.unwrap().items),
        vec!["u1"]
    );
    let below = scope_with(s, AccountId::new(2), d[1], "below").await;
    assert_eq!(
        names(s.list_accounts(&below, &q, p).await.unwrap().items),
        vec!["u1", "u2"]
    );
    let all = scope_with(s, AccountId::new(2), d[1], "all").await;
    assert_eq!(
        names(s.list_accounts(&all, &q, p).await.unwrap().items),
        vec!["u0", "u1", "u2", "u3"]
    );
    // A lookup outside the scope is "not found", not "forbidden": it does not exist for them.
    assert!(matches!(
        s.get_account(&below, AccountId::new(4)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(s.get_account(&below, AccountId::new(3)).await.is_ok());
    // Departments follow the same rule.
    let depts = s
        .list_departments(&below, &DepartmentQuery::default(), p)
        .await
        .unwrap();
    assert_eq!(
        depts
            .items
            .iter()
            .map(|x| x.code.as_str())
            .collect::<Vec<_>>(),
        vec!["a", "a1"]
    );
    assert!(matches!(
        s.get_department(&below, d[3]).await,
        Err(StoreError::NotFound { .. })
    ));
});

on_every_backend!(grants_need_a_post_in_the_department, |db| {
    let d = seed_tree(&db.store).await;
    assert!(
        db.store
            .load_grants(AccountId::new(2), d[3])
            .await
            .unwrap()
            .is_none(),
        "no post in b, no grants there"
    );
});

on_every_backend!(unique_violations_name_their_constraint, |db| {
    seed_tree(&db.store).await;
    let mut tx = db.store.write(ctx(30)).await.unwrap();
    let err = tx
        .insert_department(&NewDepartment {
            parent_id: None,
            code: "root".to_owned(),
            name: "dup".to_owned(),
            kind: DepartmentKind::District,
            sort: 0,
        })
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict { constraint } => assert_eq!(constraint, "department_code_key"),
        other => panic!("expected conflict, got {other:?}"),
    }
});

fn upd(parent: Option<DepartmentId>, code: &str) -> fgf_store::base::org::DepartmentUpdate {
    fgf_store::base::org::DepartmentUpdate {
        parent_id: parent,
        code: code.to_owned(),
        name: code.to_owned(),
        kind: DepartmentKind::Bureau,
        sort: 0,
        leader_account_id: None,
    }
}

on_every_backend!(moving_a_department_rewrites_the_subtree_paths, |db| {
    let d = seed_tree(&db.store).await;
    let sys = Scope::system("test");
    let mut tx = db.store.write(ctx(40)).await.unwrap();
    let a = tx.get_department(&sys, d[1]).await.unwrap();
    tx.update_department(&a, &upd(Some(d[3]), "a"))
        .await
        .unwrap();
    tx.audit("test.move", "department", "a", &[]).await.unwrap();
    tx.commit().await.unwrap();
    let a1 = db.store.get_department(&sys, d[2]).await.unwrap();
    assert_eq!(a1.path, format!("/{}/{}/{}/{}/", d[0], d[3], d[1], d[2]));
    let mut tx = db.store.write(ctx(41)).await.unwrap();
    let b = tx.get_department(&sys, d[3]).await.unwrap();
    assert!(
        tx.update_department(&b, &upd(Some(d[2]), "b"))
            .await
            .is_err(),
        "cannot move under own subtree"
    );
});

on_every_backend!(backup_and_restore_round_trip_loses_nothing, |db| {
    seed_tree(&db.store).await;
    append(&db.store, 5).await;
    let mut tx = db.store.write(ctx(50)).await.unwrap();
    tx.insert_notification(AccountId::new(1), "标题", "正文", "/x")
        .await
        .unwrap();
    tx.enqueue_job("audit.verify", &json!({}), 0).await.unwrap();
    tx.insert_account(&NewAccount {
        username: "pii".to_owned(),
        display_name: "p".to_owned(),
        kind: AccountKind::Citizen,
        password_hash: "h".to_owned(),
        must_change_password: false,
        phone_enc: Some(vec![1, 2, 3, 255]),
        phone_hmac: Some(vec![9; 32]),
        resident_id_enc: None,
        resident_id_hmac: None,
        uscc: None,
    })
    .await
    .unwrap();
    tx.audit("test.misc", "x", "1", &[]).await.unwrap();
    tx.commit().await.unwrap();
    let mut buf = Vec::new();
    let taken = db.store.backup(&mut buf, 99).await.unwrap();
    let target = if db.label == "sqlite" {
        TestDb::sqlite().await.unwrap()
    } else {
        TestDb::postgres().await.unwrap().unwrap()
    };
    let restored = target
        .store
        .restore(&mut std::io::Cursor::new(&buf))
        .await
        .unwrap();
    assert_eq!(taken, restored);
    assert_eq!(
        db.store.table_counts().await.unwrap(),
        target.store.table_counts().await.unwrap()
    );
    assert_eq!(
        target.store.verify_audit().await.unwrap(),
        db.store.verify_audit().await.unwrap()
    );
    let (acc, _) = target
        .store
        .find_account_for_login("pii")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(acc.phone_enc, Some(vec![1, 2, 3, 255]), "bytes survive");
    // New rows after a restore get fresh ids (sequences were resynchronised).
    let mut tx = target.store.write(ctx(60)).await.unwrap();
    tx.insert_department(&NewDepartment {
        parent_id: None,
        code: "after".to_owned(),
        name: "after".to_owned(),
        kind: DepartmentKind::District,
        sort: 0,
    })
    .await
    .unwrap();
    tx.audit("test.after", "department", "after", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(
        target.store.verify_audit().await.unwrap(),
        Verify::Intact { .. }
    ));
    // Restoring into a store that has data is refused, and so is a truncated file.
    assert!(target
        .store
        .restore(&mut std::io::Cursor::new(&buf))
        .await
        .is_err());
    let empty = if db.label == "sqlite" {
        TestDb::sqlite().await.unwrap()
    } else {
        TestDb::postgres().await.unwrap().unwrap()
    };
    let cut = &buf[..buf.len() / 2];
    let cut = &cut[..cut.iter().rposition(|b| *b == b'\n').unwrap() + 1];
    assert!(empty
        .store
        .restore(&mut std::io::Cursor::new(cut))
        .await
        .is_err());
    assert!(
        empty.store.is_empty().await.unwrap(),
        "a refused restore writes nothing"
    );
    target.cleanup().await;
    empty.cleanup().await;
});

on_every_backend!(jobs_are_leased_to_one_owner, |db| {
    let mut tx = db.store.write(ctx(70)).await.unwrap();
    for _ in 0..4 {
        tx.enqueue_job("audit.verify", &json!({}), 100)
            .await
            .unwrap();
    }
    tx.enqueue_job("audit.verify", &json!({}), 10_000)
        .await
        .unwrap();
    tx.audit("test.jobs", "job", "x", &[]).await.unwrap();
    tx.commit().await.unwrap();
    let a = db.store.lease_jobs("a", 200, 1_000, 3).await.unwrap();
    let b = db.store.lease_jobs("b", 200, 1_000, 3).await.unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(
        b.len(),
        1,
        "only one due job left; the future one is not due"
    );
    assert!(a.iter().all(|j| !b.iter().any(|k| k.id == j.id)));
    assert!(
        !db.store
            .finish_job(a[0].id, "b", 300, None, None)
            .await
            .unwrap(),
        "only the owner finishes"
    );
    assert!(db
        .store
        .finish_job(a[0].id, "a", 300, None, None)
        .await
        .unwrap());
    // An expired lease is taken over.
    let c = db.store.lease_jobs("c", 2_000, 3_000, 10).await.unwrap();
    assert_eq!(c.len(), 3, "a's two unfinished and b's one");
    assert!(
        !db.store
            .finish_job(a[1].id, "a", 2_100, None, None)
            .await
            .unwrap(),
        "the old owner lost it"
    );
});

on_every_backend!(dictionaries_are_versioned, |db| {
    use fgf_store::base::dict::DictItem;
    let item = |c: &str, l: &str| DictItem {
        code: c.to_owned(),
        label: l.to_owned(),
        label_en: String::new(),
        sort: 0,
        enabled: true,
    };
    for (i, items) in [
        vec![item("01", "甲")],
        vec![item("01", "甲"), item("02", "乙")],
    ]
    .iter()
    .enumerate()
    {
        let mut tx = db.store.write(ctx(80 + i as i64)).await.unwrap();
        tx.save_dictionary("t", "测试", items).await.unwrap();
        tx.audit("dictionary.save", "dictionary", "t", &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let d = db.store.get_dictionary("t").await.unwrap();
    assert_eq!(d.version, 2);
    assert_eq!(d.items.len(), 2);
    let h = db.store.dictionary_history("t").await.unwrap();
    assert_eq!(
        h.iter().map(|v| v.items.len()).collect::<Vec<_>>(),
        vec![2, 1]
    );
});

// A search typed in the other letter case finds the same rows on both stores (SQLite's
// `like` folds ASCII case, PostgreSQL's does not).
on_every_backend!(text_filters_ignore_letter_case_on_both_backends, |db| {
    use fgf_store::catalog::{MatterFilter, MatterSummary};
    let s = &db.store;
    let sys = Scope::system("test");
    let mut tx = s.write(ctx(1)).await.unwrap();
    let dept = bureau(&mut tx, "D80", "Alpha 数据局").await;
    let summary = MatterSummary {
        parent_id: None,
        department_id: dept,
        name: "ICP 许可",
        kind: "01",
        tier: Tier::Main,
        apply_count: None,
    };
    tx.insert_matter("XK-Case-1", &summary).await.unwrap();
    tx.audit("test.case", "matter", "XK-Case-1", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let page = Page::new(Some(1), Some(10));
    for text in ["xk-case", "XK-CASE-1", "icp", "Icp 许"] {
        let found = s
            .list_matters(
                &MatterFilter {
                    text: Some(text.to_owned()),
                    ..MatterFilter::default()
                },
                page,
            )
            .await
            .unwrap();
        assert_eq!(found.total, 1, "matter search {text:?}");
    }
    let found = s
        .list_departments(
            &sys,
            &DepartmentQuery {
                name: Some("ALPHA".to_owned()),
                ..DepartmentQuery::default()
            },
            page,
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1, "department search");
    let found = s
        .list_audit(
            &sys,
            &AuditQuery {
                actor: Some("TESTER".to_owned()),
                ..AuditQuery::default()
            },
            page,
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1, "audit actor search");
});

on_every_backend!(audit_search_filters_by_actor_object_and_time, |db| {
    append(&db.store, 6).await;
    let sys = Scope::system("test");
    let by_obj = db
        .store
        .list_audit(
            &sys,
            &AuditQuery {
                object_id: Some("3".to_owned()),
                ..AuditQuery::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(by_obj.total, 1);
    let by_time = db
        .store
        .list_audit(
            &sys,
            &AuditQuery {
                from_ms: Some(1_002),
                to_ms: Some(1_005),
                ..AuditQuery::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        by_time
            .items
            .iter()
            .map(|e| e.object_id.as_str())
            .collect::<Vec<_>>(),
        vec!["4", "3", "2"]
    );
    let by_actor = db
        .store
        .list_audit(
            &sys,
            &AuditQuery {
                actor: Some("test%".to_owned()),
                ..AuditQuery::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(by_actor.total, 0, "like wildcards in user text are literal");
    assert_eq!(by_obj.items[0].changes, change(3));
});

on_every_backend!(
    optimistic_writes_continue_the_chain_and_refuse_a_stale_head,
    |db| {
        // Nothing committed through this handle yet: the head is not known.
        assert!(db.store.write_optimistic(ctx(1)).await.unwrap().is_none());
        append(&db.store, 2).await;
        let mut tx = db.store.write_optimistic(ctx(2)).await.unwrap().unwrap();
        tx.audit("test.optimistic", "thing", "3", &change(3))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            db.store.verify_audit().await.unwrap(),
            Verify::Intact { entries: 3 }
        );
        // Another node appends; this handle's remembered head is now stale.
        let other = db.reopen().await.unwrap();
        append(&other, 1).await;
        let mut tx = db.store.write_optimistic(ctx(3)).await.unwrap().unwrap();
        tx.audit("test.optimistic", "thing", "5", &change(5))
            .await
            .unwrap();
        tx.outbox("test.topic", &json!({ "n": 5 })).await.unwrap();
        let r = tx.commit().await;
        assert!(
            is_conflict(&r),
            "a stale head must be refused as a conflict: {r:?}"
        );
        assert_eq!(
            db.store.verify_audit().await.unwrap(),
            Verify::Intact { entries: 4 }
        );
        // The failure forgot the head; the locked path goes on from the stored one.
        assert!(db.store.write_optimistic(ctx(4)).await.unwrap().is_none());
        append(&db.store, 1).await;
        assert_eq!(
            db.store.verify_audit().await.unwrap(),
            Verify::Intact { entries: 5 }
        );
        other.close().await;
    }
);

on_every_backend!(
    one_transaction_appends_several_entries_in_chain_order,
    |db| {
        append(&db.store, 1).await;
        for optimistic in [false, true] {
            let mut tx = if optimistic {
                db.store.write_optimistic(ctx(10)).await.unwrap().unwrap()
            } else {
                db.store.write(ctx(10)).await.unwrap()
            };
            for i in 0..3 {
                tx.audit("test.batch", "thing", &i.to_string(), &change(i))
                    .await
                    .unwrap();
                tx.outbox("test.topic", &json!({ "i": i })).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
        assert_eq!(
            db.store.verify_audit().await.unwrap(),
            Verify::Intact { entries: 7 }
        );
    }
);

on_every_backend!(a_stale_instance_version_fails_its_batch, |db| {
    let mut tx = db.store.write(ctx(1)).await.unwrap();
    let (def, _) = tx
        .insert_process_definition(
            "p",
            "P",
            "<definitions/>",
            None,
            DefinitionStatus::Published,
            None,
        )
        .await
        .unwrap();
    let id = tx
        .insert_process_instance(def, "k-1", InstanceStatus::Running, "{}", None, None)
        .await
        .unwrap();
    tx.audit("test.setup", "process_instance", &id.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let scope = Scope::system("conformance");
    // A version that moved on (here: never was) fails the batch and writes nothing.
    let mut tx = db.store.write_optimistic(ctx(2)).await.unwrap().unwrap();
    tx.update_process_instance(id, 7, InstanceStatus::Running, "{\"stale\":true}", false)
        .await
        .unwrap();
    tx.audit("test.update", "process_instance", &id.to_string(), &[])
        .await
        .unwrap();
    let r = tx.commit().await;
    assert!(is_conflict(&r), "{r:?}");
    let row = db.store.get_process_instance(&scope, id).await.unwrap();
    assert_eq!((row.version, row.state.as_str()), (1, "{}"));
    assert_eq!(
        db.store.verify_audit().await.unwrap(),
        Verify::Intact { entries: 1 }
    );
    // An instance that is not there: the update finds no row, and the history row the
    // runtime writes with every update refers to it, so the batch fails all the same.
    append(&db.store, 1).await;
    let mut tx = db.store.write_optimistic(ctx(2)).await.unwrap().unwrap();
    tx.update_process_instance(
        InstanceId::new(id.get() + 1000),
        1,
        InstanceStatus::Running,
        "{}",
        false,
    )
    .await
    .unwrap();
    tx.insert_process_events(
        InstanceId::new(id.get() + 1000),
        None,
        "",
        &["[]".to_owned()],
    )
    .await
    .unwrap();
    tx.audit("test.update", "process_instance", "missing", &[])
        .await
        .unwrap();
    let r = tx.commit().await;
    // The history row's reference to the instance is what fails (no row to conflict with).
    assert!(
        matches!(r, Err(StoreError::Reference(_))) || is_conflict(&r),
        "{r:?}"
    );
    assert_eq!(
        db.store.verify_audit().await.unwrap(),
        Verify::Intact { entries: 2 }
    );
    // The version it was read at goes through.
    append(&db.store, 1).await;
    let mut tx = db.store.write_optimistic(ctx(3)).await.unwrap().unwrap();
    tx.update_process_instance(id, 1, InstanceStatus::Completed, "{\"done\":true}", true)
        .await
        .unwrap();
    tx.audit("test.update", "process_instance", &id.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let row = db.store.get_process_instance(&scope, id).await.unwrap();
    assert_eq!((row.version, row.status), (2, InstanceStatus::Completed));
    assert!(row.ended_at_ms.is_some());
});

on_every_backend!(an_optimistic_start_checks_its_id_and_its_definition, |db| {
    let scope = Scope::system("conformance");
    let mut tx = db.store.write(ctx(1)).await.unwrap();
    let (def, _) = tx
        .insert_process_definition(
            "p",
            "P",
            "<definitions/>",
            None,
            DefinitionStatus::Published,
            None,
        )
        .await
        .unwrap();
    let first = tx
        .insert_process_instance(def, "k-0", InstanceStatus::Running, "{}", None, None)
        .await
        .unwrap();
    tx.audit("test.start", "process_instance", &first.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let start = |id: i64, def: i64, version: i64, bkey: &'static str| {
        let store = db.store.clone();
        async move {
            let mut tx = store.write_optimistic(ctx(2)).await.unwrap().unwrap();
            tx.expect_latest_definition("p", def, version);
            tx.insert_process_instance_with_id(
                InstanceId::new(id),
                def,
                bkey,
                InstanceStatus::Running,
                "{}",
                None,
                None,
            );
            tx.audit("test.start", "process_instance", &id.to_string(), &[])
                .await
                .unwrap();
            tx.commit().await
        }
    };
    // From memory: the id after the one just committed (SQLite), or a reserved one.
    let id = db.store.reserve_instance_id().await.unwrap().unwrap();
    assert!(id > first);
    start(id.get(), def, 1, "k-1").await.unwrap();
    // Another node starts an instance. On SQLite it takes the id this handle would use
    // next, and the batch fails; PostgreSQL's reserved ids are this handle's alone.
    let other = db.reopen().await.unwrap();
    let mut tx = other.write(ctx(3)).await.unwrap();
    let theirs = tx
        .insert_process_instance(def, "k-2", InstanceStatus::Running, "{}", None, None)
        .await
        .unwrap();
    tx.audit("test.start", "process_instance", &theirs.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    append(&db.store, 1).await;
    let next = db.store.reserve_instance_id().await.unwrap().unwrap();
    let stale = start(next.get(), def, 1, "k-3").await;
    if db.label == "sqlite" {
        assert_eq!(
            next, theirs,
            "the remembered id is the one the other node took"
        );
        assert!(is_conflict(&stale), "{stale:?}");
        assert!(db
            .store
            .find_instance_by_business_key(&scope, "k-3")
            .await
            .unwrap()
            .is_none());
        // Nothing remembered after a failure: the next start reads (the locked path).
        assert!(db.store.reserve_instance_id().await.unwrap().is_none());
    } else {
        stale.unwrap();
        assert_ne!(next, theirs);
    }
    // A version published elsewhere: a start from the remembered one fails, writing nothing.
    let mut tx = other.write(ctx(4)).await.unwrap();
    tx.insert_process_definition(
        "p",
        "P",
        "<definitions/>",
        None,
        DefinitionStatus::Published,
        None,
    )
    .await
    .unwrap();
    tx.audit("test.publish", "process_definition", "p", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    append(&db.store, 1).await;
    let mut tx = db.store.write(ctx(5)).await.unwrap();
    let id = tx
        .insert_process_instance(def, "k-4", InstanceStatus::Running, "{}", None, None)
        .await
        .unwrap();
    tx.audit("test.start", "process_instance", &id.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let next = db.store.reserve_instance_id().await.unwrap().unwrap();
    let r = start(next.get(), def, 1, "k-5").await;
    assert!(is_conflict(&r), "{r:?}");
    assert!(db
        .store
        .find_instance_by_business_key(&scope, "k-5")
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        db.store.verify_audit().await.unwrap(),
        Verify::Intact { .. }
    ));
    other.close().await;
});

// One batch is one statement on PostgreSQL, on one snapshot: a second write of a row updated
// earlier in the batch is lost or trips the write guard there, while SQLite applies both. The
// batch builder refuses such a batch (in debug builds, so in every test) on both backends,
// naming both statements, and the transaction writes nothing.
on_every_backend!(a_batch_that_writes_one_row_twice_is_refused, |db| {
    use fgf_store::catalog::MatterSummary;
    let s = &db.store;
    let mut tx = s.write(ctx(1)).await.unwrap();
    let dept = bureau(&mut tx, "D79", "批次局").await;
    let summary = |apply_count| MatterSummary {
        parent_id: None,
        department_id: dept,
        name: "批次许可",
        kind: "01",
        tier: Tier::Main,
        apply_count,
    };
    let id = tx.insert_matter("XK-B-1", &summary(None)).await.unwrap();
    let v1 = tx
        .insert_matter_version(
            id,
            VersionStatus::Published,
            "{}",
            "导入",
            Some(date("2026-01-01")),
        )
        .await
        .unwrap();
    tx.audit("test.setup", "matter", "XK-B-1", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let refused = |r: Result<(), StoreError>| match r {
        Err(StoreError::Internal(msg)) => {
            assert!(
                msg.contains("twice")
                    && msg.contains("current_version")
                    && msg.contains("apply_count"),
                "the refusal names both statements: {msg}"
            );
        }
        other => panic!("expected the batch to be refused, got {other:?}"),
    };
    // The catalogue import's old batch: the version in force, then the count, one row; on
    // the optimistic path (the head the setup left is known), whose commit is one request.
    let mut tx = s
        .write_optimistic(ctx(2))
        .await
        .unwrap()
        .expect("head known");
    tx.make_current(id, v1, &summary(None)).await.unwrap();
    tx.set_apply_count(id, 40).await.unwrap();
    tx.audit("test.twice", "matter", "XK-B-1", &[])
        .await
        .unwrap();
    refused(tx.commit().await);
    // On the locked path.
    let mut tx = s.write(ctx(2)).await.unwrap();
    tx.make_current(id, v1, &summary(None)).await.unwrap();
    tx.set_apply_count(id, 40).await.unwrap();
    tx.audit("test.twice", "matter", "XK-B-1", &[])
        .await
        .unwrap();
    refused(tx.commit().await);
    // Refused the same when a read flushes the batch mid-transaction.
    let mut tx = s.write(ctx(3)).await.unwrap();
    tx.set_apply_count(id, 41).await.unwrap();
    tx.set_apply_count(id, 42).await.unwrap();
    match tx.load_matter(id).await {
        Err(StoreError::Internal(msg)) => assert!(msg.contains("twice"), "{msg}"),
        other => panic!("expected the batch to be refused, got {other:?}"),
    }
    tx.rollback().await.unwrap();
    let m = s.get_matter(id).await.unwrap();
    assert_eq!(
        (m.current_version, m.apply_count),
        (None, 0),
        "a refused batch writes nothing"
    );
    // Both in one write of the row is what the import does now.
    let mut tx = s.write(ctx(5)).await.unwrap();
    tx.make_current(id, v1, &summary(Some(44))).await.unwrap();
    tx.audit("test.once", "matter", "XK-B-1", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let m = s.get_matter(id).await.unwrap();
    assert_eq!((m.current_version, m.apply_count), (Some(1), 44));
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        Verify::Intact { .. }
    ));
});

// Histories list by id (process events, reports, plan events, the outbox): rows one batch
// inserts get their ids in the order they were queued, on PostgreSQL as on SQLite.
on_every_backend!(rows_one_batch_inserts_get_ids_in_the_order_queued, |db| {
    let s = &db.store;
    let mut tx = s.write(ctx(1)).await.unwrap();
    for n in 1..=5 {
        tx.outbox("test.order", &json!({ "n": n })).await.unwrap();
    }
    tx.audit("test.order", "outbox", "5", &[]).await.unwrap();
    tx.commit().await.unwrap();
    let queued: Vec<i64> = s
        .pending_outbox(10)
        .await
        .unwrap()
        .iter()
        .map(|m| m.payload["n"].as_i64().unwrap())
        .collect();
    assert_eq!(queued, [1, 2, 3, 4, 5], "by id, the order queued");
});

on_every_backend!(the_catalogue_keeps_versions_guards_and_handovers, |db| {
    use fgf_store::catalog::{MatterFilter, MatterSummary};
    let s = &db.store;
    let mut tx = s.write(ctx(1)).await.unwrap();
    let dept = bureau(&mut tx, "D77", "测试局").await;
    let street = tx
        .insert_department(&NewDepartment {
            parent_id: None,
            code: "S77".to_owned(),
            name: "测试街道".to_owned(),
            kind: DepartmentKind::Street,
            sort: 0,
        })
        .await
        .unwrap()
        .id;
    let summary = |name: &'static str| MatterSummary {
        parent_id: None,
        department_id: dept,
        name,
        kind: "01",
        tier: Tier::Main,
        apply_count: None,
    };
    let id = tx
        .insert_matter("XK-T-1", &summary("测试许可_一"))
        .await
        .unwrap();
    let v1 = tx
        .insert_matter_version(
            id,
            VersionStatus::Published,
            "{\"v\":1}",
            "导入",
            Some(date("2026-01-01")),
        )
        .await
        .unwrap();
    tx.make_current(id, v1, &summary("测试许可_一"))
        .await
        .unwrap();
    let v2 = tx
        .insert_matter_version(id, VersionStatus::Draft, "{\"v\":2}", "改", None)
        .await
        .unwrap();
    assert_eq!((v1, v2), (1, 2));
    tx.audit("test.catalog", "matter", "XK-T-1", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // A duplicate code is a conflict on the code's constraint.
    let mut tx = s.write(ctx(2)).await.unwrap();
    match tx.insert_matter("XK-T-1", &summary("重复")).await {
        Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, "matter_code_key"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    tx.rollback().await.unwrap();
    // A status move from the wrong status fails the whole transaction.
    let draft = s.matter_version(id, 2).await.unwrap();
    let mut tx = s.write(ctx(3)).await.unwrap();
    tx.set_version_status(
        &draft,
        VersionStatus::InReview,
        VersionStatus::Published,
        Some(("ok", Some(date("2026-02-01")))),
    )
    .await
    .unwrap();
    tx.audit("test.catalog", "matter", "XK-T-1", &[])
        .await
        .unwrap();
    assert!(matches!(
        tx.commit().await,
        Err(StoreError::Conflict { ref constraint }) if constraint == "write_guard"
    ));
    assert_eq!(
        s.matter_version(id, 2).await.unwrap().status,
        VersionStatus::Draft
    );
    // Draft → review → published for a later date; it is due on that date and replaces v1.
    for (from, to, review) in [
        (VersionStatus::Draft, VersionStatus::InReview, None),
        (
            VersionStatus::InReview,
            VersionStatus::Published,
            Some(("同意", Some(date("2026-03-01")))),
        ),
    ] {
        let mut tx = s.write(ctx(4)).await.unwrap();
        tx.set_version_status(&draft, from, to, review)
            .await
            .unwrap();
        tx.audit("test.catalog", "matter", "XK-T-1", &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert!(s.versions_due(date("2026-02-28")).await.unwrap().is_empty());
    let due = s.versions_due(date("2026-03-01")).await.unwrap();
    assert_eq!(due.iter().map(|v| v.version).collect::<Vec<_>>(), [2]);
    let mut tx = s.write(ctx(5)).await.unwrap();
    tx.make_current(id, 2, &summary("测试许可_二"))
        .await
        .unwrap();
    tx.audit("test.catalog", "matter", "XK-T-1", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let statuses: Vec<VersionStatus> = s
        .matter_versions(id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.status)
        .collect();
    assert_eq!(
        statuses,
        [VersionStatus::Superseded, VersionStatus::Published]
    );
    let in_force = s.matters_in_force().await.unwrap();
    assert_eq!(in_force.len(), 1);
    assert_eq!(
        (in_force[0].0.name.as_str(), in_force[0].1.version),
        ("测试许可_二", 2)
    );
    // Name search treats `_` as a character, not a wildcard.
    let page = Page::new(Some(1), Some(10));
    let hit = |t: &str| MatterFilter {
        text: Some(t.to_owned()),
        ..MatterFilter::default()
    };
    assert_eq!(
        s.list_matters(&hit("许可_二"), page).await.unwrap().total,
        1
    );
    assert_eq!(s.list_matters(&hit("许可__"), page).await.unwrap().total, 0);
    // A handover moves once; a second switch fails its guard.
    let mut tx = s.write(ctx(6)).await.unwrap();
    let h = tx.insert_handover(id, dept, street, "{}").await.unwrap();
    tx.add_phrase("开测试店", id).await.unwrap();
    tx.outbox("catalog.changed", &json!({ "matter_id": id }))
        .await
        .unwrap();
    tx.audit("test.catalog", "matter", "XK-T-1", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for expect_ok in [true, false] {
        let mut tx = s.write(ctx(7)).await.unwrap();
        tx.update_handover(h, HandoverState::Switched, r#"{"ok":true}"#)
            .await
            .unwrap();
        tx.set_matter_department(id, street).await.unwrap();
        tx.audit("test.catalog", "matter", "XK-T-1", &[])
            .await
            .unwrap();
        assert_eq!(tx.commit().await.is_ok(), expect_ok);
    }
    assert_eq!(
        s.get_handover(h).await.unwrap().state,
        HandoverState::Switched
    );
    assert_eq!(s.get_matter(id).await.unwrap().department_id, street);
    assert_eq!(
        s.matter_phrases().await.unwrap(),
        [("开测试店".to_owned(), id)]
    );
    // The index's own cursor over the outbox.
    let after = s.outbox_after(0, "catalog.", 10).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].payload["matter_id"], id.get());
    assert!(s
        .outbox_after(after[0].id, "catalog.", 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verify::Intact { entries: 6 }
    );
});

on_every_backend!(
    reform_tasks_keep_dependencies_milestones_and_reports,
    |db| {
        use fgf_store::reform::NewTask;
        let s = &db.store;
        let mut tx = s.write(ctx(1)).await.unwrap();
        let dept = bureau(&mut tx, "R01", "改革办").await;
        let plan = tx
            .insert_plan("实施方案", PlanStatus::Draft, 25)
            .await
            .unwrap();
        let task = |code: &'static str, parent: Option<i64>| NewTask {
            plan_id: plan,
            parent_id: parent.map(TaskId::new),
            code,
            title: "任务",
            category: "放管服",
            requirement: "",
            result_form: "",
            start_date: date("2026-03-02"),
            deadline: date("2026-04-30"),
            lead_department_id: dept,
            owner: "张三",
            weight: 2,
            section: "一、深化放管服改革",
            partners: "D02；D03",
            clause: "1",
        };
        let a = tx.insert_task(&task("1", None)).await.unwrap();
        let b = tx.insert_task(&task("1.1", Some(a.get()))).await.unwrap();
        tx.insert_task_dep(b, a).await.unwrap();
        tx.insert_milestone(a, "初稿", date("2026-03-31"), None)
            .await
            .unwrap();
        tx.insert_report(b, date("2026-03-25"), 40, "推进中", "", &[])
            .await
            .unwrap();
        tx.set_task_progress(b, TaskStatus::NotStarted, 40, TaskStatus::InProgress)
            .await
            .unwrap();
        tx.audit("test.reform", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A duplicate code in one plan is a conflict.
        let mut tx = s.write(ctx(2)).await.unwrap();
        match tx.insert_task(&task("1", None)).await {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "reform_task_plan_id_code_key")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        tx.rollback().await.unwrap();
        // A status move from a status the task is not in fails the transaction.
        let mut tx = s.write(ctx(3)).await.unwrap();
        tx.set_task_progress(b, TaskStatus::NotStarted, 90, TaskStatus::InProgress)
            .await
            .unwrap();
        tx.audit("test.reform", "reform_task", &b.to_string(), &[])
            .await
            .unwrap();
        let r = tx.commit().await;
        assert!(is_conflict(&r), "{r:?}");
        let tasks = s.plan_tasks(plan).await.unwrap();
        assert_eq!(tasks.len(), 2);
        assert_eq!(
            (
                tasks[1].code.as_str(),
                tasks[1].progress,
                tasks[1].parent_id
            ),
            ("1.1", 40, Some(a))
        );
        assert_eq!(s.plan_deps(plan).await.unwrap(), [(b, a)]);
        assert_eq!(
            s.plan_milestones(plan).await.unwrap()[0].due,
            date("2026-03-31")
        );
        let reports = s.plan_reports(plan).await.unwrap();
        assert_eq!((reports[0].task_id, reports[0].percent), (b, 40));
        assert_eq!(s.get_plan(plan).await.unwrap().report_day, 25);
        assert_eq!(tasks[0].partners, "D02；D03");
        assert_eq!(tasks[0].clause, "1");
        assert_eq!(s.list_plans().await.unwrap()[0].id, plan);
        assert!(matches!(
            s.get_task(TaskId::new(9_999)).await,
            Err(StoreError::NotFound { .. })
        ));
        // Acceptance: answered once; a resolution binds the unit it names, once.
        let mut tx = s.write(ctx(8)).await.unwrap();
        tx.insert_acceptance(a, dept, UnitRole::Lead, "", date("2026-03-09"), None)
            .await
            .unwrap();
        tx.audit("test.reform", "reform_task", &a.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let acc = s.acceptances(Some(plan)).await.unwrap()[0].clone();
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(9)).await.unwrap();
            tx.answer_acceptance(acc.id, None, "不属于我单位职责")
                .await
                .unwrap();
            tx.audit("test.reform", "reform_task", &a.to_string(), &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok);
        }
        let disputed = s.get_acceptance(acc.id).await.unwrap();
        assert!(disputed.disputed_at_ms.is_some());
        assert_eq!(disputed.reason, "不属于我单位职责");
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(10)).await.unwrap();
            tx.resolve_acceptance(acc.id, dept, "由本单位承担", date("2026-03-12"))
                .await
                .unwrap();
            tx.audit("test.reform", "reform_task", &a.to_string(), &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok);
        }
        let settled = s.get_acceptance(acc.id).await.unwrap();
        assert_eq!(
            (settled.accepted_on, settled.resolution.as_str()),
            (Some(date("2026-03-12")), "由本单位承担")
        );
    }
);

on_every_backend!(
    plan_documents_keep_clauses_consultation_versions_and_unique_notices,
    |db| {
        use fgf_store::reform::{Clause, NewNotice};
        let s = &db.store;
        let mut tx = s.write(ctx(1)).await.unwrap();
        let dept = bureau(&mut tx, "R02", "市场监管局").await;
        let plan = tx
            .insert_plan("行动方案", PlanStatus::Draft, 25)
            .await
            .unwrap();
        let clause = |n: &str, body: &str| Clause {
            section: "一、提升效能".to_owned(),
            number: n.to_owned(),
            body: body.to_owned(),
        };
        tx.replace_clauses(plan, &[clause("2", "乙"), clause("1", "甲")])
            .await
            .unwrap();
        tx.set_plan_status(
            plan,
            PlanStatus::Draft,
            PlanStatus::Consultation,
            None,
            None,
        )
        .await
        .unwrap();
        tx.insert_consultee(plan, 1, dept, date("2026-03-06"), None)
            .await
            .unwrap();
        tx.insert_comment(plan, 1, dept, "1", "建议", None)
            .await
            .unwrap();
        tx.insert_plan_event(plan, 1, "consultation", "第1轮", None)
            .await
            .unwrap();
        tx.audit("test.plan", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // The text is replaced whole, numbers reused.
        let mut tx = s.write(ctx(1)).await.unwrap();
        tx.replace_clauses(plan, &[clause("2", "乙"), clause("1", "甲")])
            .await
            .unwrap();
        tx.audit("test.plan", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Clauses keep the order written, not the order of their numbers.
        let clauses = s.plan_clauses(plan).await.unwrap();
        assert_eq!(clauses[0].number, "2");
        assert_eq!(
            s.get_plan(plan).await.unwrap().status,
            PlanStatus::Consultation
        );
        // A reply is recorded once.
        let c = s.consultees(plan).await.unwrap()[0].clone();
        assert_eq!((c.round, c.replied_at_ms), (1, None));
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(2)).await.unwrap();
            tx.mark_consultee_replied(c.id, false).await.unwrap();
            tx.audit("test.plan", "reform_plan", &plan.to_string(), &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok);
        }
        assert_eq!(s.consultations_of(dept).await.unwrap().len(), 1);
        let comment = s.plan_comments(plan).await.unwrap()[0].clone();
        let mut tx = s.write(ctx(3)).await.unwrap();
        tx.dispose_comment(comment.id, plan, Disposition::Partly, "部分吸收")
            .await
            .unwrap();
        // A step from a status the plan is not in fails the transaction.
        tx.set_plan_status(plan, PlanStatus::Draft, PlanStatus::Approved, None, None)
            .await
            .unwrap();
        tx.audit("test.plan", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        let r = tx.commit().await;
        assert!(is_conflict(&r), "{r:?}");
        assert_eq!(s.plan_comments(plan).await.unwrap()[0].disposition, None);
        let mut tx = s.write(ctx(4)).await.unwrap();
        tx.dispose_comment(comment.id, plan, Disposition::Partly, "部分吸收")
            .await
            .unwrap();
        tx.set_plan_status(
            plan,
            PlanStatus::Consultation,
            PlanStatus::Approved,
            None,
            Some(5),
        )
        .await
        .unwrap();
        tx.insert_plan_version(plan, 1, "行动方案", &clauses)
            .await
            .unwrap();
        tx.audit("test.plan", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let p = s.get_plan(plan).await.unwrap();
        assert_eq!(
            (p.status, p.published_at_ms),
            (PlanStatus::Approved, Some(5))
        );
        let v = s.plan_versions(plan).await.unwrap();
        assert_eq!((v[0].version, v[0].clauses.clone()), (1, clauses));
        let m = s.plan_comments(plan).await.unwrap()[0].clone();
        assert_eq!(
            (m.disposition, m.disposition_reason.as_str()),
            (Some(Disposition::Partly), "部分吸收")
        );
        assert_eq!(s.plan_events(plan).await.unwrap()[0].kind, "consultation");
        // A notice is unique per kind, subject, unit and occasion; a response is given once.
        let notice = NewNotice {
            department_id: dept,
            kind: NoticeKind::Urge,
            subject: "task:1",
            occasion: "2026-03-13",
            task_id: None,
            plan_id: Some(plan),
            title: "催办",
            body: "请说明",
            sent_on: date("2026-03-16"),
            response_due: Some(date("2026-03-19")),
        };
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(6)).await.unwrap();
            tx.insert_notice(&notice).await.unwrap();
            tx.audit("test.notice", "reform_notice", "1", &[])
                .await
                .unwrap();
            match tx.commit().await {
                Ok(()) => assert!(expect_ok),
                Err(StoreError::Conflict { constraint }) => {
                    assert!(!expect_ok);
                    assert_eq!(
                        constraint,
                        "reform_notice_kind_subject_department_id_occasion_key"
                    );
                }
                Err(e) => panic!("{e}"),
            }
        }
        let n = s.reform_notices(Some(dept)).await.unwrap();
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].response_due, Some(date("2026-03-19")));
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(7)).await.unwrap();
            tx.respond_notice(n[0].id, "已整改").await.unwrap();
            tx.audit("test.notice", "reform_notice", "1", &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok);
        }
        assert_eq!(s.get_notice(n[0].id).await.unwrap().response, "已整改");
        assert_eq!(
            s.accounts_in_department(dept).await.unwrap(),
            Vec::<AccountId>::new()
        );
    }
);

on_every_backend!(
    inspections_assessments_merits_innovations_and_bulletins_round_trip,
    |db| {
        use fgf_store::reform::review::{NewMerit, NewResult};
        use fgf_store::reform::NewTask;
        let s = &db.store;
        let mut tx = s.write(ctx(1)).await.unwrap();
        let dept = bureau(&mut tx, "R03", "卫健委").await;
        let plan = tx
            .insert_plan("方案", PlanStatus::Approved, 25)
            .await
            .unwrap();
        let task = tx
            .insert_task(&NewTask {
                plan_id: plan,
                parent_id: None,
                code: "1",
                title: "分级诊疗",
                category: "社会事业",
                requirement: "",
                result_form: "",
                start_date: date("2026-03-02"),
                deadline: date("2026-04-30"),
                lead_department_id: dept,
                owner: "",
                weight: 1,
                section: "",
                partners: "",
                clause: "",
            })
            .await
            .unwrap();
        // A confirmation moves the status and records the day in one transaction.
        tx.set_task_progress(task, TaskStatus::NotStarted, 100, TaskStatus::Completed)
            .await
            .unwrap();
        tx.set_task_completed_on(task, Some(date("2026-04-28")))
            .await
            .unwrap();
        let insp = tx
            .insert_inspection(plan, "一季度督查", date("2026-03-18"))
            .await
            .unwrap();
        tx.insert_finding(insp, task, dept, "台账不全", date("2026-04-10"))
            .await
            .unwrap();
        let a = tx
            .insert_assessment(plan, "一季度考核", date("2026-03-01"), date("2026-04-30"))
            .await
            .unwrap();
        tx.set_quality_score(a, task, 70, "").await.unwrap();
        tx.insert_merit(&NewMerit {
            kind: MeritKind::Accountability,
            department_id: dept,
            person: "某科长",
            category: "慢作为",
            reason: "逾期",
            document_no: "示纪〔2026〕1号",
            file_hash: None,
            decided_on: date("2026-04-15"),
            task_id: Some(task),
        })
        .await
        .unwrap();
        let inno = tx
            .insert_innovation(dept, "家庭医生签约", "摘要", "正文")
            .await
            .unwrap();
        let bul = tx
            .insert_bulletin(
                plan,
                "通报",
                date("2026-03-01"),
                date("2026-03-31"),
                &json!({"total": 1}),
            )
            .await
            .unwrap();
        tx.audit("test.review", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            s.task_completions(plan).await.unwrap().get(&task).copied(),
            Some(date("2026-04-28"))
        );
        // A score given again replaces the first (in a later transaction: a batch writes
        // disjoint rows).
        let mut tx = s.write(ctx(2)).await.unwrap();
        tx.set_quality_score(a, task, 80, "复核后").await.unwrap();
        tx.audit("test.review", "reform_assessment", &a.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            s.get_task(task).await.unwrap().status,
            TaskStatus::Completed
        );
        assert_eq!(s.inspections(plan).await.unwrap()[0].id, insp);
        let f = s.findings(Some(plan), None).await.unwrap()[0].clone();
        assert_eq!((f.held_on, f.department_id), (date("2026-03-18"), dept));
        assert_eq!(s.findings(None, Some(dept)).await.unwrap().len(), 1);
        // A score set twice keeps the second.
        let q = s.quality_scores(a).await.unwrap();
        assert_eq!((q.len(), q[0].score, q[0].note.as_str()), (1, 80, "复核后"));
        // Rectified once; a verification needs a rectification and happens once.
        for (step, expect_ok) in [
            ("verify", false),
            ("rectify", true),
            ("rectify", false),
            ("verify", true),
            ("verify", false),
        ] {
            let mut tx = s.write(ctx(2)).await.unwrap();
            if step == "verify" {
                tx.verify_finding(f.id, true).await.unwrap();
            } else {
                tx.rectify_finding(f.id, "已整改").await.unwrap();
            }
            tx.audit("test.review", "reform_finding", &f.id.to_string(), &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok, "{step}");
        }
        assert!(s.get_finding(f.id).await.unwrap().verified_at_ms.is_some());
        // Results: stored, appealed once, republished with the appeal kept, decided once.
        let result = |total: i64| NewResult {
            department_id: dept,
            facts: json!({"tasks_due": 1}),
            breakdown: json!({"total": total}),
            total_centi: total * 100,
            rank: 1,
        };
        let mut tx = s.write(ctx(3)).await.unwrap();
        tx.put_results(a, &[], &[result(26)]).await.unwrap();
        tx.set_assessment_published(a).await.unwrap();
        tx.audit("test.review", "reform_assessment", &a.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(4)).await.unwrap();
            tx.appeal_result(a, dept, "申请复核").await.unwrap();
            tx.audit("test.review", "reform_assessment", &a.to_string(), &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok);
        }
        let mut tx = s.write(ctx(5)).await.unwrap();
        tx.put_results(a, &[dept], &[result(29)]).await.unwrap();
        tx.audit("test.review", "reform_assessment", &a.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = s.write(ctx(5)).await.unwrap();
        tx.decide_appeal(a, dept, "调整质量分").await.unwrap();
        tx.audit("test.review", "reform_assessment", &a.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let r = s.assessment_results(a).await.unwrap()[0].clone();
        assert_eq!(
            (
                r.total_centi,
                r.appeal.as_str(),
                r.appeal_decision.as_str(),
                r.rank
            ),
            (2900, "申请复核", "调整质量分", 1)
        );
        assert_eq!(r.facts["tasks_due"], 1);
        assert_eq!(
            s.get_assessment(a).await.unwrap().status,
            AssessmentStatus::Published
        );
        assert_eq!(s.merits(Some(dept)).await.unwrap()[0].category, "慢作为");
        // An innovation is reviewed once.
        for expect_ok in [true, false] {
            let mut tx = s.write(ctx(6)).await.unwrap();
            tx.review_innovation(inno, true, "推广").await.unwrap();
            tx.audit("test.review", "reform_innovation", &inno.to_string(), &[])
                .await
                .unwrap();
            assert_eq!(tx.commit().await.is_ok(), expect_ok);
        }
        assert_eq!(
            s.innovations(Some(InnovationStatus::Published))
                .await
                .unwrap()[0]
                .id,
            inno
        );
        assert!(s
            .innovations(Some(InnovationStatus::Submitted))
            .await
            .unwrap()
            .is_empty());
        assert_eq!(s.get_bulletin(bul).await.unwrap().body["total"], 1);
        assert_eq!(s.bulletins(Some(plan)).await.unwrap().len(), 1);
    }
);

on_every_backend!(a_backup_carries_every_table, |db| {
    let carried = fgf_store::backup::table_names();
    // The write guard only ever holds the row a failed check inserts, inside a rolled-back
    // transaction.
    let missing: Vec<String> = db
        .table_names()
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t != "write_guard" && !carried.contains(&t.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "tables a backup leaves out: {missing:?}"
    );
});

on_every_backend!(refusals_coalesce_per_minute_and_keep_to_the_cap, |db| {
    use fgf_store::refusal::{NewRefusal, RefusalQuery};
    let s = &db.store;
    let refusal = |at_ms: i64, account_id: Option<i64>, addr: &'static str| NewRefusal {
        at_ms,
        account_id: account_id.map(AccountId::new),
        username: if account_id.is_some() { "clerk" } else { "" },
        source_addr: addr,
        method: "GET",
        route: "/api/v1/users/{id}",
        object_id: "7",
        code: "not_found",
    };
    let minute = 60_000 * 1_000_000;
    for i in 0..5 {
        s.record_refusal(&refusal(minute + i, Some(3), "10.0.0.1"), 1000)
            .await
            .unwrap();
    }
    // The next minute, and an anonymous caller, are rows of their own.
    s.record_refusal(&refusal(minute + 60_000, Some(3), "10.0.0.1"), 1000)
        .await
        .unwrap();
    s.record_refusal(&refusal(minute + 1, None, "10.0.0.9"), 1000)
        .await
        .unwrap();
    let all = s
        .list_refusals(
            &Scope::system("test"),
            &RefusalQuery::default(),
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(all.total, 3);
    let counts: Vec<i64> = all.items.iter().map(|r| r.count).collect();
    assert_eq!(counts, vec![1, 1, 5]);
    assert_eq!(all.items[2].last_at_ms, minute + 4);
    let anon = s
        .list_refusals(
            &Scope::system("test"),
            &RefusalQuery {
                address: Some("10.0.0.9".to_owned()),
                ..RefusalQuery::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(anon.total, 1);
    assert_eq!(anon.items[0].account_id, None);
    // The cap: new rows push the oldest out.
    for i in 0..10 {
        s.record_refusal(&refusal(minute + 60_000 * (2 + i), Some(3), "10.0.0.1"), 4)
            .await
            .unwrap();
    }
    let kept = s
        .list_refusals(
            &Scope::system("test"),
            &RefusalQuery::default(),
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(kept.total, 4);
    assert_eq!(kept.items[3].first_at_ms, minute + 60_000 * 8);
});

on_every_backend!(
    finding_17_an_idempotency_record_keeps_its_request_hash_through_a_backup,
    |db| {
        use fgf_store::idem::IdemRecord;
        let rec = IdemRecord {
            request_path: "/api/v1/departments".to_owned(),
            request_hash: fgf_domain::sm3_hex(b"POST /api/v1/departments\n{}"),
            status: 201,
            body: "{\"id\":7}".to_owned(),
        };
        db.store
            .save_idempotent(AccountId::new(1), "k-1", &rec, 10)
            .await
            .unwrap();
        // A concurrent duplicate with another hash does not replace the first.
        let other = IdemRecord {
            request_hash: "other".to_owned(),
            ..rec.clone()
        };
        db.store
            .save_idempotent(AccountId::new(1), "k-1", &other, 11)
            .await
            .unwrap();
        let found = db
            .store
            .find_idempotent(AccountId::new(1), "k-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.request_hash, rec.request_hash);
        append(&db.store, 1).await;
        let mut buf = Vec::new();
        db.store.backup(&mut buf, 99).await.unwrap();
        let target = if db.label == "sqlite" {
            TestDb::sqlite().await.unwrap()
        } else {
            TestDb::postgres().await.unwrap().unwrap()
        };
        target
            .store
            .restore(&mut std::io::Cursor::new(&buf))
            .await
            .unwrap();
        let restored = target
            .store
            .find_idempotent(AccountId::new(1), "k-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(restored.request_hash, rec.request_hash);
        assert_eq!(restored.body, rec.body);
        target.cleanup().await;
    }
);

fn staff(username: &str) -> NewAccount {
    NewAccount {
        username: username.to_owned(),
        display_name: username.to_owned(),
        kind: AccountKind::Staff,
        password_hash: "h0".to_owned(),
        must_change_password: false,
        phone_enc: None,
        phone_hmac: None,
        resident_id_enc: None,
        resident_id_hmac: None,
        uscc: None,
    }
}

// Issue 11, finding 2: candidates are matched exactly (each backend's own substring function,
// no LIKE wildcards, no case folding), and a held role makes a participant of an open task.
on_every_backend!(finding_2_candidates_match_exactly_on_each_backend, |db| {
    let s = &db.store;
    let mut tx = s.write(ctx(1)).await.unwrap();
    let (def, _) = tx
        .insert_process_definition(
            "p",
            "P",
            "<definitions/>",
            None,
            DefinitionStatus::Published,
            None,
        )
        .await
        .unwrap();
    let id = tx
        .insert_process_instance(def, "k-1", InstanceStatus::Running, "{}", None, None)
        .await
        .unwrap();
    tx.apply_work_item_changes(
        id,
        &[],
        &[fgf_store::process::OpenTask {
            exec_id: 1,
            activation: 1,
            node_id: "t".to_owned(),
            name: "审查".to_owned(),
            assignee: None,
            candidate_users: vec!["reviewer".to_owned()],
            candidate_groups: vec!["keeper".to_owned()],
            owner: None,
            created_at_ms: 1,
        }],
        &[],
    )
    .await
    .unwrap();
    tx.audit("test.setup", "process_instance", &id.to_string(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let todo = |user: &'static str, groups: Vec<String>| async move {
        s.inbox_todo(user, &groups, Page::default())
            .await
            .unwrap()
            .total
    };
    assert_eq!(todo("reviewer", vec![]).await, 1);
    for near in ["r_viewer", "Reviewer", "review", "%"] {
        assert_eq!(todo(near, vec![]).await, 0, "{near}");
        assert!(
            !s.is_process_participant(id, near, &[]).await.unwrap(),
            "{near}"
        );
    }
    assert_eq!(todo("x", vec!["keeper".to_owned()]).await, 1);
    assert_eq!(todo("x", vec!["k_eper".to_owned()]).await, 0);
    assert!(s.is_process_participant(id, "reviewer", &[]).await.unwrap());
    assert!(s
        .is_process_participant(id, "x", &["keeper".to_owned()])
        .await
        .unwrap());
    assert!(!s
        .is_process_participant(id, "x", &["KEEPER".to_owned()])
        .await
        .unwrap());
});

on_every_backend!(
    finding_2_usernames_are_unique_without_regard_to_case,
    |db| {
        let mut tx = db.store.write(ctx(1)).await.unwrap();
        tx.insert_account(&staff("Clerk9")).await.unwrap();
        match tx.insert_account(&staff("clerk9")).await {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "account_username_lower_key");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
);

// Issue 11, findings 4, 5, 15: a TOTP step is claimed once; failures are counted per username
// and address and reset by a success from that address or an unlock; the lock row is found;
// a replaced password goes to the history.
on_every_backend!(
    finding_4_5_15_login_bookkeeping_behaves_alike_on_each_backend,
    |db| {
        let s = &db.store;
        let mut tx = s.write(ctx(1)).await.unwrap();
        let acc = tx.insert_account(&staff("lockme")).await.unwrap();
        tx.audit("test.setup", "account", &acc.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(s.claim_totp_step(acc, 100).await.unwrap());
        assert!(!s.claim_totp_step(acc, 100).await.unwrap(), "a replay");
        assert!(!s.claim_totp_step(acc, 99).await.unwrap(), "an older step");
        assert!(s.claim_totp_step(acc, 101).await.unwrap());

        let log = |at: i64, addr: &'static str, outcome: LoginOutcome, detail: &'static str| {
            s.insert_login_log(at, "lockme", Some(acc), addr, outcome, detail)
        };
        log(10, "10.0.0.1", LoginOutcome::BadPassword, "")
            .await
            .unwrap();
        log(10, "10.0.0.1", LoginOutcome::BadPassword, "")
            .await
            .unwrap();
        log(10, "10.0.0.2", LoginOutcome::BadTotp, "")
            .await
            .unwrap();
        s.insert_login_log(10, "ghost", None, "10.0.0.1", LoginOutcome::UnknownUser, "")
            .await
            .unwrap();
        assert_eq!(
            s.count_failures_for("lockme", Some("10.0.0.1"), 0)
                .await
                .unwrap(),
            2
        );
        assert_eq!(s.count_failures_for("lockme", None, 0).await.unwrap(), 3);
        assert_eq!(s.count_failures_from("10.0.0.1", 0).await.unwrap(), 3);
        assert_eq!(s.count_failures_from("10.0.0.1", 11).await.unwrap(), 0);
        // A success from 10.0.0.1 resets that address's count, not the other's.
        log(10, "10.0.0.1", LoginOutcome::Success, "")
            .await
            .unwrap();
        assert_eq!(
            s.count_failures_for("lockme", Some("10.0.0.1"), 0)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            s.count_failures_for("lockme", Some("10.0.0.2"), 0)
                .await
                .unwrap(),
            1
        );
        // A lock row for one address, cleared by an unlock.
        log(20, "10.0.0.2", LoginOutcome::Locked, "failures: 5")
            .await
            .unwrap();
        assert_eq!(
            s.pair_locked_at("lockme", Some("10.0.0.2"), 0)
                .await
                .unwrap(),
            Some(20)
        );
        assert_eq!(
            s.pair_locked_at("lockme", Some("10.0.0.1"), 0)
                .await
                .unwrap(),
            None
        );
        assert_eq!(s.pair_locked_at("lockme", None, 21).await.unwrap(), None);
        log(30, "10.9.9.9", LoginOutcome::Unlocked, "")
            .await
            .unwrap();
        assert_eq!(s.pair_locked_at("lockme", None, 0).await.unwrap(), None);

        let mut tx = s.write(ctx(2)).await.unwrap();
        tx.set_password(acc, "h1", false).await.unwrap();
        tx.set_password(acc, "h2", false).await.unwrap();
        tx.audit("test.password", "account", &acc.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            s.password_history(acc, 5).await.unwrap(),
            vec!["h1".to_owned(), "h0".to_owned()]
        );
        assert_eq!(
            s.password_history(acc, 1).await.unwrap(),
            vec!["h1".to_owned()]
        );
    }
);

// Issue 11, finding 9: which records refer to a file (each backend's substring function for
// a matter's document).
on_every_backend!(
    finding_9_a_file_is_found_in_the_records_that_refer_to_it,
    |db| {
        use fgf_store::catalog::MatterSummary;
        let s = &db.store;
        let hash = "ab".repeat(32);
        let other = "cd".repeat(32);
        assert_eq!(
            s.file_refs(&hash).await.unwrap(),
            fgf_store::base::file::FileRefs::default()
        );
        let mut tx = s.write(ctx(1)).await.unwrap();
        let dept = bureau(&mut tx, "D78", "文件局").await;
        let summary = MatterSummary {
            parent_id: None,
            department_id: dept,
            name: "带表格的事项",
            kind: "01",
            tier: Tier::Main,
            apply_count: None,
        };
        let id = tx.insert_matter("XK-F-1", &summary).await.unwrap();
        let doc = format!("{{\"materials\":[{{\"blank_form_file\":\"{hash}\"}}]}}");
        tx.insert_matter_version(id, VersionStatus::Draft, &doc, "", None)
            .await
            .unwrap();
        tx.audit("test.setup", "matter", "XK-F-1", &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            !s.file_refs(&hash).await.unwrap().catalog,
            "a draft is not public"
        );
        let mut tx = s.write(ctx(2)).await.unwrap();
        tx.insert_matter_version(
            id,
            VersionStatus::Published,
            &doc,
            "",
            Some(date("2026-01-01")),
        )
        .await
        .unwrap();
        tx.audit("test.publish", "matter", "XK-F-1", &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let refs = s.file_refs(&hash).await.unwrap();
        assert!(refs.catalog && !refs.reform);
        assert_eq!(
            s.file_refs(&other).await.unwrap(),
            fgf_store::base::file::FileRefs::default()
        );
    }
);

// A stored code or date the program does not know is reported, naming where it was found,
// rather than read as a default or skipped: a bad migration or a hand edit must be visible.
on_every_backend!(
    an_unknown_stored_code_or_date_is_an_error_naming_its_column,
    |db| {
        let s = &db.store;
        let mut tx = s.write(ctx(1)).await.unwrap();
        let dept = bureau(&mut tx, "U01", "发改委").await;
        let plan = tx.insert_plan("方案", PlanStatus::Draft, 25).await.unwrap();
        tx.insert_consultee(plan, 1, dept, date("2026-03-06"), None)
            .await
            .unwrap();
        tx.audit("test.codes", "reform_plan", &plan.to_string(), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(s.get_plan(plan).await.unwrap().status, PlanStatus::Draft);

        db.raw(&format!(
            "update reform_plan set status = 'paused' where reform_plan_id = {plan}"
        ))
        .await
        .unwrap();
        match s.get_plan(plan).await {
            Err(StoreError::Unreadable {
                table,
                column,
                value,
            }) => assert_eq!(
                (table, column, value.as_str()),
                ("reform_plan", "status", "paused")
            ),
            other => panic!("expected an unreadable status, got {other:?}"),
        }
        let err = s.list_plans().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"unreadable reform_plan.status value "paused""#
        );

        db.raw(&format!(
            "update department set kind = 'ministry' where department_id = {dept}"
        ))
        .await
        .unwrap();
        assert!(matches!(
            s.all_departments().await,
            Err(StoreError::Unreadable { table: "department", column: "kind", ref value }) if value == "ministry"
        ));

        // A date that is no date (there is no 30 February) is refused the same way.
        assert_eq!(s.consultees(plan).await.unwrap()[0].due, date("2026-03-06"));
        db.raw(&format!(
            "update reform_consultee set due = '2026-02-30' where plan_id = {plan}"
        ))
        .await
        .unwrap();
        assert!(matches!(
            s.consultees(plan).await,
            Err(StoreError::Unreadable { table: "reform_consultee", column: "due", ref value }) if value == "2026-02-30"
        ));
    }
);
