//! The use cases the web crate reaches instead of the store check the caller's permission
//! themselves: a caller without it gets `Forbidden` with `permission_denied`, whichever page
//! or endpoint asks. Each case runs on the demo district on SQLite and, when `FGF_TEST_PG` is
//! set, on PostgreSQL.

use fgf_app::base::auth::{LoginRequest, SessionKind};
use fgf_app::{Actor, App, Config, ErrorKind, ServiceResult, TestClock};
use fgf_domain::process::InstanceId;
use fgf_domain::reform::TaskId;
use fgf_store::base::session::LoginLogQuery;
use fgf_store::catalog::MatterFilter;
use fgf_store::testing::TestDb;
use fgf_store::Page;
use std::sync::Arc;

/// 2026-11-27 10:00 +08:00, a working day (as the web suites use).
const NOW_MS: i64 = 1_795_744_800_000;

/// The demo district on `db`.
async fn district(db: &TestDb) -> App {
    let config = Config {
        data_dir: std::env::temp_dir().join(format!(
            "fgf-app-test-{}-{}",
            std::process::id(),
            rand_suffix()
        )),
        ..Config::default()
    };
    let app = App::with_store(
        db.store.clone(),
        config,
        Arc::new(TestClock::new(NOW_MS)),
        fgf_domain::PiiKey::derive_from_secret(b"test key"),
    )
    .await
    .unwrap();
    assert!(app.base().seed_demo().await.unwrap());
    app
}

async fn finish(app: App, db: TestDb) {
    let _ = std::fs::remove_dir_all(&app.config().data_dir);
    drop(app);
    db.cleanup().await;
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A demo account signed in (one without a second factor: an applicant or a desk).
async fn signed_in(app: &App, username: &str) -> Actor {
    let ok = app
        .base()
        .login(LoginRequest {
            username,
            password: fgf_app::base::seed::DEMO_PASSWORD,
            totp: None,
            source_addr: "127.0.0.1",
            kind: SessionKind::Bearer,
        })
        .await
        .unwrap_or_else(|e| panic!("login {username}: {e:?}"));
    app.base()
        .authenticate(&ok.token, "127.0.0.1")
        .await
        .unwrap()
}

#[track_caller]
fn assert_denied<T: std::fmt::Debug>(res: ServiceResult<T>, backend: &str) {
    match res {
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Forbidden, "{backend}: {e:?}");
            assert_eq!(e.code, "permission_denied", "{backend}: {e:?}");
        }
        Ok(v) => panic!("{backend}: allowed without the permission: {v:?}"),
    }
}

/// The same use cases answer a desk that holds the permission (so a refusal above is the
/// permission's doing, not a broken call).
#[tokio::test]
async fn desks_holding_the_permission_are_served() {
    for db in TestDb::all().await.expect("open test stores") {
        let app = district(&db).await;
        let keeper = signed_in(&app, "keeper").await;
        let page = Page::new(None, None);
        let label = db.label;
        assert!(
            app.catalog()
                .staff_matters(&keeper, &MatterFilter::default(), page)
                .await
                .is_ok(),
            "{label}"
        );
        assert!(
            app.catalog().versions_in_review(&keeper).await.is_ok(),
            "{label}"
        );
        assert!(
            !app.process().definitions(&keeper).await.unwrap().is_empty(),
            "{label}"
        );
        assert!(
            app.process().inbox_todo(&keeper, page).await.is_ok(),
            "{label}"
        );
        assert!(
            app.process().inbox_done(&keeper, page).await.is_ok(),
            "{label}"
        );
        assert!(
            app.process().inbox_copies(&keeper, page).await.is_ok(),
            "{label}"
        );
        let plans = app.reform().all_plans(&keeper).await.unwrap();
        assert!(!plans.is_empty(), "{label}");
        assert!(
            app.reform()
                .assessments_of_plan(&keeper, plans[0].id)
                .await
                .is_ok(),
            "{label}"
        );
        assert!(
            app.reform()
                .bulletins_of_plan(&keeper, plans[0].id)
                .await
                .is_ok(),
            "{label}"
        );
        assert!(
            app.reform().unit_consultations(&keeper).await.is_ok(),
            "{label}"
        );
        assert!(
            app.reform().unit_acceptances(&keeper).await.is_ok(),
            "{label}"
        );
        finish(app, db).await;
    }
}

/// One test per use case: `who` (a demo account lacking the permission) calls it on every
/// backend and is refused.
macro_rules! refused {
    ($name:ident, $who:literal, |$app:ident, $actor:ident| $call:expr) => {
        #[tokio::test]
        async fn $name() {
            for db in TestDb::all().await.expect("open test stores") {
                let $app = district(&db).await;
                let $actor = signed_in(&$app, $who).await;
                assert_denied($call.await, db.label);
                finish($app, db).await;
            }
        }
    };
}

// The base: a desk clerk holds neither `login_log.read` nor `job.read`.
refused!(login_log_needs_login_log_read, "clerk", |app, actor| app
    .base()
    .login_log(
        &actor,
        &LoginLogQuery::default(),
        Page::new(None, None)
    ));
refused!(list_jobs_needs_job_read, "clerk", |app, actor| app
    .base()
    .list_jobs(&actor, 20));

// The catalogue: the staff list needs the workbench, the review queue `catalog.review`.
refused!(staff_matters_need_the_workbench, "citizen", |app, actor| {
    app.catalog()
        .staff_matters(&actor, &MatterFilter::default(), Page::new(None, None))
});
refused!(
    versions_in_review_need_catalog_review,
    "clerk",
    |app, actor| app.catalog().versions_in_review(&actor)
);

// The process runtime: staff read definitions, instances and inboxes.
refused!(definitions_need_the_workbench, "citizen", |app, actor| app
    .process()
    .definitions(&actor));
refused!(a_definition_needs_the_workbench, "citizen", |app, actor| {
    app.process().definition(&actor, 1)
});
refused!(
    instance_work_items_need_the_instance,
    "citizen",
    |app, actor| app
        .process()
        .instance_work_items(&actor, InstanceId::new(1))
);
refused!(
    instance_events_need_the_instance,
    "citizen",
    |app, actor| app.process().instance_events(&actor, InstanceId::new(1))
);
refused!(inbox_todo_needs_the_workbench, "citizen", |app, actor| app
    .process()
    .inbox_todo(&actor, Page::new(None, None)));
refused!(inbox_done_needs_the_workbench, "citizen", |app, actor| app
    .process()
    .inbox_done(&actor, Page::new(None, None)));
refused!(inbox_copies_need_the_workbench, "citizen", |app, actor| app
    .process()
    .inbox_copies(&actor, Page::new(None, None)));

// Reform: plans, tasks and a unit's own work are for the desks.
refused!(all_plans_need_the_workbench, "citizen", |app, actor| app
    .reform()
    .all_plans(&actor));
refused!(
    a_reform_task_needs_the_workbench,
    "citizen",
    |app, actor| app.reform().reform_task(&actor, TaskId::new(1))
);
refused!(
    unit_consultations_need_the_workbench,
    "citizen",
    |app, actor| app.reform().unit_consultations(&actor)
);
refused!(
    unit_acceptances_need_the_workbench,
    "citizen",
    |app, actor| app.reform().unit_acceptances(&actor)
);
refused!(
    plan_assessments_need_the_workbench,
    "citizen",
    |app, actor| app.reform().assessments_of_plan(&actor, 1)
);
refused!(
    plan_bulletins_need_the_workbench,
    "citizen",
    |app, actor| app.reform().bulletins_of_plan(&actor, 1)
);
