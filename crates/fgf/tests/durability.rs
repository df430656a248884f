//! Durability: killed at any instant and restarted, no instance is lost and none advances
//! twice; due timers fire exactly once even with two nodes on one database.

use fgf_app::{App, Config, SystemClock};
use fgf_domain::process::InstanceId;
use fgf_domain::process::{InstanceStatus, WorkItemStatus};
use fgf_store::testing::TestDb;
use fgf_store::Store;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

fn bench_file(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/bench")
        .join(name)
}

fn run_bench(dir: &Path, instances: u32) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_fgf"))
        .args(["process", "bench"])
        .arg(bench_file("seq3.bpmn"))
        .args([
            "--store",
            "sqlite",
            "--resume",
            "--instances",
            &instances.to_string(),
            "--data-dir",
        ])
        .arg(dir)
        .env("FGF_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killed_at_any_instant_no_instance_is_lost_or_advanced_twice() {
    let dir = std::env::temp_dir().join(format!("fgf-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("crash loop seed {seed}");
    let mut x = seed | 1;
    let instances = 40;
    for _ in 0..8 {
        let mut child = run_bench(&dir, instances);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::thread::sleep(std::time::Duration::from_millis(80 + x % 400));
        let _ = child.kill();
        let _ = child.wait();
    }
    let status = run_bench(&dir, instances).wait().unwrap();
    assert!(status.success(), "the final run completes every instance");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open_sqlite_dir(&dir).await.unwrap();
        let scope = fgf_app::process::system_scope();
        let all = store
            .list_process_instances(&scope, None, fgf_store::Page::new(Some(1), Some(200)))
            .await
            .unwrap();
        assert_eq!(
            all.total,
            i64::from(instances),
            "one instance per key: none lost, none duplicated"
        );
        for row in &all.items {
            assert_eq!(
                row.status,
                InstanceStatus::Completed,
                "{}",
                row.business_key
            );
            let events = store.process_events(row.id).await.unwrap();
            let done = events
                .iter()
                .filter(|e| e.event["event"] == "task_completed")
                .count();
            assert_eq!(
                done, 3,
                "{}: each of the three tasks completed exactly once",
                row.business_key
            );
            let items = store.work_items_of(row.id).await.unwrap();
            assert_eq!(
                items
                    .iter()
                    .filter(|w| w.status == WorkItemStatus::Done)
                    .count(),
                3
            );
            assert!(items.iter().all(|w| w.status != WorkItemStatus::Open));
        }
        assert!(matches!(
            store.verify_audit().await.unwrap(),
            fgf_store::base::audit::Verify::Intact { .. }
        ));
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

const TIMER_PROCESS: &str = r#"<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="wait" isExecutable="true">
<startEvent id="s"/><intermediateCatchEvent id="t"><timerEventDefinition><timeDuration>PT0S</timeDuration></timerEventDefinition></intermediateCatchEvent><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/></process></definitions>"#;

/// Two nodes of one district, each with its own store handle (its own memory of what it
/// wrote) on the same database.
async fn two_apps(a: &Store, b: &Store, dir: &Path) -> (App, App) {
    let key = fgf_domain::PiiKey::derive_from_secret(b"t");
    let cfg = Config {
        data_dir: dir.to_path_buf(),
        ..Config::default()
    };
    let node_a = App::with_store(a.clone(), cfg.clone(), Arc::new(SystemClock), key.clone())
        .await
        .unwrap();
    let node_b = App::with_store(b.clone(), cfg, Arc::new(SystemClock), key)
        .await
        .unwrap();
    (node_a, node_b)
}

/// Runs `scenario` with two store handles on the test database `db`, then cleans up.
async fn on_two_handles<F, Fut>(db: TestDb, tag: &str, scenario: F)
where
    F: FnOnce(Store, Store, std::path::PathBuf) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let second = db.reopen().await.unwrap();
    let dir = std::env::temp_dir().join(format!("fgf-{tag}-{}", std::process::id()));
    scenario(db.store.clone(), second.clone(), dir).await;
    second.close().await;
    db.cleanup().await;
}

async fn two_nodes_fire_each_timer_once(a: Store, b: Store, dir: &Path) {
    let (node_a, node_b) = two_apps(&a, &b, dir).await;
    node_a
        .process()
        .deploy_process_with(
            node_a.system_ctx("test"),
            TIMER_PROCESS,
            None,
            true,
            false,
            None,
        )
        .await
        .unwrap();
    let n = 30;
    for i in 0..n {
        node_a
            .process()
            .start_process(
                node_a.system_ctx("test"),
                None,
                "wait",
                Default::default(),
                &format!("w{i}"),
                None,
            )
            .await
            .unwrap();
    }
    let run = |app: App| async move {
        let mut fired = 0;
        for _ in 0..200 {
            let f = app.process().fire_due_timers().await.unwrap();
            fired += f;
            if f == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            let open = app
                .store()
                .list_process_instances(
                    &fgf_app::process::system_scope(),
                    Some("running"),
                    fgf_store::Page::default(),
                )
                .await
                .unwrap();
            if open.total == 0 {
                break;
            }
        }
        fired
    };
    let (fa, fb) = tokio::join!(
        tokio::spawn(run(node_a.clone())),
        tokio::spawn(run(node_b.clone()))
    );
    let (fa, fb) = (fa.unwrap(), fb.unwrap());
    assert_eq!(
        fa + fb,
        n,
        "every timer fired once in total (a fired {fa}, b fired {fb})"
    );
    let scope = fgf_app::process::system_scope();
    let all = a
        .list_process_instances(&scope, None, fgf_store::Page::new(Some(1), Some(100)))
        .await
        .unwrap();
    for row in &all.items {
        assert_eq!(row.status, InstanceStatus::Completed);
        let fired = a
            .process_events(row.id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.event["event"] == "timer_fired")
            .count();
        assert_eq!(fired, 1, "{}", row.business_key);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_timers_fire_exactly_once_with_two_nodes_on_postgresql() {
    let Some(db) = TestDb::postgres().await.unwrap() else {
        eprintln!(
            "FGF_TEST_PG not set: the two-node PostgreSQL timer test is skipped (CI sets it)"
        );
        return;
    };
    on_two_handles(db, "2node", |a, b, dir| async move {
        two_nodes_fire_each_timer_once(a, b, &dir).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_timers_fire_exactly_once_with_two_nodes_on_sqlite() {
    let db = TestDb::sqlite().await.unwrap();
    on_two_handles(db, "2node-s", |a, b, dir| async move {
        two_nodes_fire_each_timer_once(a, b, &dir).await
    })
    .await;
}

/// The same guarantee with two real `fgf serve` processes on one PostgreSQL database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_fgf_serve_processes_on_postgresql_fire_each_timer_once() {
    let Some(db) = TestDb::postgres().await.unwrap() else {
        eprintln!(
            "FGF_TEST_PG not set: the two-process PostgreSQL timer test is skipped (CI sets it)"
        );
        return;
    };
    let url = db.url().unwrap();
    let dir = std::env::temp_dir().join(format!("fgf-2proc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = fgf_domain::PiiKey::derive_from_secret(b"t");
    let app = App::with_store(
        db.store.clone(),
        Config {
            data_dir: dir.clone(),
            ..Config::default()
        },
        Arc::new(SystemClock),
        key,
    )
    .await
    .unwrap();
    // An initialised store, so neither server bootstraps (both start as plain nodes).
    app.base().bootstrap().await.unwrap();
    app.process()
        .deploy_process_with(
            app.system_ctx("test"),
            TIMER_PROCESS,
            None,
            true,
            false,
            None,
        )
        .await
        .unwrap();
    let n = 40;
    for i in 0..n {
        app.process()
            .start_process(
                app.system_ctx("test"),
                None,
                "wait",
                Default::default(),
                &format!("p{i}"),
                None,
            )
            .await
            .unwrap();
    }
    let spawn = |k: u32| {
        Command::new(env!("CARGO_BIN_EXE_fgf"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db", &url, "--data-dir"])
            .arg(dir.join(format!("node{k}")))
            .env("FGF_PII_KEY", "test-key")
            .env("FGF_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut a = spawn(1);
    let mut b = spawn(2);
    let scope = fgf_app::process::system_scope();
    let mut done = false;
    for _ in 0..300 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let running = db
            .store
            .list_process_instances(&scope, Some("running"), fgf_store::Page::default())
            .await
            .unwrap();
        if running.total == 0 {
            done = true;
            break;
        }
    }
    assert!(
        a.try_wait().unwrap().is_none() && b.try_wait().unwrap().is_none(),
        "both nodes were serving throughout"
    );
    let _ = a.kill();
    let _ = b.kill();
    let _ = a.wait();
    let _ = b.wait();
    assert!(done, "both nodes together fired every timer");
    let all = db
        .store
        .list_process_instances(&scope, None, fgf_store::Page::new(Some(1), Some(100)))
        .await
        .unwrap();
    assert_eq!(all.total, i64::from(n));
    for row in &all.items {
        let fired = db
            .store
            .process_events(row.id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.event["event"] == "timer_fired")
            .count();
        assert_eq!(fired, 1, "{} fired {fired} times", row.business_key);
    }
    let _ = std::fs::remove_dir_all(&dir);
    db.cleanup().await;
}

const SEQ3: &str = r#"<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="seq" isExecutable="true">
<startEvent id="s"/><userTask id="a"/><userTask id="b"/><userTask id="c"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
<sequenceFlow id="f3" sourceRef="b" targetRef="c"/><sequenceFlow id="f4" sourceRef="c" targetRef="e"/></process></definitions>"#;

async fn open_task(store: &Store, id: InstanceId) -> Option<u32> {
    store
        .work_items_of(id)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.status == WorkItemStatus::Open)
        .map(|w| u32::try_from(w.exec_id).unwrap())
}

async fn complete(app: &App, id: InstanceId, exec: u32) -> Result<(), String> {
    app.process()
        .process_command(
            app.system_ctx("test"),
            id,
            None,
            fgf_engine::exec::Command::CompleteTask {
                exec,
                vars: Default::default(),
                by: None,
            },
            "",
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Each node remembers the instances it wrote and applies the next command to that state.
/// When the other node moved the instance meanwhile, the remembered state is stale: the
/// command must still land exactly once, on the real state, and a race for one task has one
/// winner.
async fn two_nodes_take_turns_on_one_instance(a: Store, b: Store, dir: &Path) {
    let (node_a, node_b) = two_apps(&a, &b, dir).await;
    node_a
        .process()
        .deploy_process_with(node_a.system_ctx("test"), SEQ3, None, true, false, None)
        .await
        .unwrap();
    for round in 0..5 {
        let id = node_a
            .process()
            .start_process(
                node_a.system_ctx("test"),
                None,
                "seq",
                Default::default(),
                &format!("turns-{round}"),
                None,
            )
            .await
            .unwrap();
        // b, then a (whose memory of the instance is one step behind), then both at once.
        let t = open_task(&a, id).await.unwrap();
        complete(&node_b, id, t).await.unwrap();
        let t = open_task(&a, id).await.unwrap();
        complete(&node_a, id, t).await.unwrap();
        let t = open_task(&a, id).await.unwrap();
        let (ra, rb) = tokio::join!(complete(&node_a, id, t), complete(&node_b, id, t));
        assert!(
            ra.is_ok() != rb.is_ok(),
            "exactly one node completes the last task: {ra:?} {rb:?}"
        );
        let row = a
            .get_process_instance(&fgf_app::process::system_scope(), id)
            .await
            .unwrap();
        assert_eq!(row.status, InstanceStatus::Completed);
        assert_eq!(row.version, 4, "start and three steps, none twice");
        let items = a.work_items_of(id).await.unwrap();
        assert_eq!(
            items
                .iter()
                .filter(|w| w.status == WorkItemStatus::Done)
                .count(),
            3
        );
    }
    assert!(matches!(
        a.verify_audit().await.unwrap(),
        fgf_store::base::audit::Verify::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_remembered_instances_are_retried_on_sqlite() {
    let db = TestDb::sqlite().await.unwrap();
    on_two_handles(db, "turns-s", |a, b, dir| async move {
        two_nodes_take_turns_on_one_instance(a, b, &dir).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_remembered_instances_are_retried_on_postgresql() {
    let Some(db) = TestDb::postgres().await.unwrap() else {
        eprintln!("FGF_TEST_PG not set: the two-node PostgreSQL test is skipped (CI sets it)");
        return;
    };
    on_two_handles(db, "turns-p", |a, b, dir| async move {
        two_nodes_take_turns_on_one_instance(a, b, &dir).await
    })
    .await;
}

/// Each node remembers the definition it last started from and (on SQLite) the next
/// instance id, and starts from that memory without a read. Starts on the other node make
/// the id stale, a version published on the other node makes the definition stale: every
/// start must still land exactly once, on the latest version, with a unique id.
async fn two_nodes_start_in_turns(a: Store, b: Store, dir: &Path) {
    let (node_a, node_b) = two_apps(&a, &b, dir).await;
    let first = node_a
        .process()
        .deploy_process_with(node_a.system_ctx("test"), SEQ3, None, true, false, None)
        .await
        .unwrap();
    let start = |node: &App, n: usize| {
        let node = node.clone();
        async move {
            node.process()
                .start_process(
                    node.system_ctx("test"),
                    None,
                    "seq",
                    Default::default(),
                    &format!("start-{n}"),
                    None,
                )
                .await
                .unwrap()
        }
    };
    let scope = fgf_app::process::system_scope();
    let mut ids = Vec::new();
    // a twice (the second from memory), b once, a again (its remembered id is taken).
    for (n, node) in [&node_a, &node_a, &node_b, &node_a, &node_a]
        .into_iter()
        .enumerate()
    {
        ids.push(start(node, n).await);
    }
    // b publishes a second version; a still remembers the first.
    let second = node_b
        .process()
        .deploy_process_with(node_b.system_ctx("test"), SEQ3, None, true, false, None)
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    for n in 5..8 {
        ids.push(start(&node_a, n).await);
    }
    let (x, y) = tokio::join!(start(&node_a, 8), start(&node_b, 9));
    ids.extend([x, y]);
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ids.len(),
        "every start its own instance: {ids:?}"
    );
    for (n, id) in ids.iter().enumerate() {
        let row = a.get_process_instance(&scope, *id).await.unwrap();
        assert_eq!(row.business_key, format!("start-{n}"));
        assert_eq!(row.version, 1);
        let want = if n < 5 { first.id } else { second.id };
        assert_eq!(row.definition_id, want, "start {n} on the latest version");
        let items = a.work_items_of(*id).await.unwrap();
        assert_eq!(items.len(), 1, "one open task for start {n}");
    }
    assert!(matches!(
        a.verify_audit().await.unwrap(),
        fgf_store::base::audit::Verify::Intact { .. }
    ));
    // The optimistic starts went on: the instance can be worked from the node's memory.
    let t = open_task(&a, ids[1]).await.unwrap();
    complete(&node_a, ids[1], t).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_remembered_starts_are_retried_on_sqlite() {
    let db = TestDb::sqlite().await.unwrap();
    on_two_handles(db, "starts-s", |a, b, dir| async move {
        two_nodes_start_in_turns(a, b, &dir).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_remembered_starts_are_retried_on_postgresql() {
    let Some(db) = TestDb::postgres().await.unwrap() else {
        eprintln!("FGF_TEST_PG not set: the two-node PostgreSQL test is skipped (CI sets it)");
        return;
    };
    on_two_handles(db, "starts-p", |a, b, dir| async move {
        two_nodes_start_in_turns(a, b, &dir).await
    })
    .await;
}
