//! The CLI contract of DESIGN.md, exercised on the built binary: outputs and exit codes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn fgf() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fgf"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = fgf().args(args).output().expect("run fgf");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmpdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "fgf-cli-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn id_check_prints_json_and_exits_by_validity() {
    for (code, valid, kind) in [
        ("91350100M000100Y43", true, "uscc"),
        ("91350100M000100Y44", false, "uscc"),
        ("9144030071526726XG", true, "uscc"),
        ("91310115MA1H8R7C6D", false, "uscc"),
        ("11010519491231002X", true, "resident_id"),
        ("440524188001010014", true, "resident_id"),
        ("110105194912310021", false, "resident_id"),
        ("110105194902300025", false, "resident_id"),
        ("511602200002290017", true, "resident_id"),
    ] {
        let (status, out, _) = run(&["id", "check", code]);
        let v: serde_json::Value =
            serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{code}: {e}: {out}"));
        assert_eq!(v["code"], code);
        assert_eq!(v["valid"], valid, "{code}: {out}");
        assert_eq!(v["kind"], kind, "{code}: {out}");
        assert_eq!(status, if valid { 0 } else { 1 }, "{code}");
        if !valid {
            assert!(
                v["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "{code}: a reason is given"
            );
        } else {
            assert!(v["reason"].is_null());
        }
    }
}

#[test]
fn calendar_commands_follow_rules_1_6_vectors() {
    let dir = tmpdir("cal");
    let d = dir.to_str().unwrap();
    for (start, n, want) in [
        ("2025-09-26", "5", "2025-10-10"),
        ("2025-09-26", "20", "2025-10-30"),
        ("2026-02-12", "5", "2026-02-26"),
        ("2026-02-12", "20", "2026-03-18"),
        ("2024-12-31", "20", "2025-02-05"),
        ("2026-09-18", "10", "2026-10-09"),
        ("2026-04-30", "20", "2026-06-01"),
    ] {
        let (status, out, _) = run(&["calendar", "add-workdays", start, n, "--data-dir", d]);
        assert_eq!(status, 0);
        assert_eq!(out.trim(), want, "{start} + {n}");
    }
    assert_eq!(
        run(&["calendar", "is-workday", "2025-09-28", "--data-dir", d])
            .1
            .trim(),
        "true",
        "调休上班日"
    );
    assert_eq!(
        run(&["calendar", "is-workday", "2025-10-01", "--data-dir", d])
            .1
            .trim(),
        "false"
    );
    assert_eq!(
        run(&["calendar", "is-workday", "2026-11-28", "--data-dir", d])
            .1
            .trim(),
        "false",
        "a Saturday"
    );
    assert_eq!(
        run(&[
            "calendar",
            "workdays-between",
            "2025-09-26",
            "2025-10-10",
            "--data-dir",
            d
        ])
        .1
        .trim(),
        "5"
    );
    let (status, _, err) = run(&["calendar", "is-workday", "2025-13-01", "--data-dir", d]);
    assert_ne!(status, 0);
    assert!(err.contains("invalid date"), "{err}");
    let (_, out, err) = run(&["calendar", "is-workday", "2031-03-03", "--data-dir", d]);
    assert_eq!(out.trim(), "true");
    assert!(err.contains("2031"), "a year without data is named: {err}");
    assert!(
        !dir.join("fgf.db").exists(),
        "a calendar question does not create a store"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// `fgf case deadline ARGS… --data-dir DIR`: exit code, the parsed JSON line (Null when there
/// is none) and stderr.
fn case_deadline(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["case", "deadline"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data-dir", dir.to_str().unwrap()]);
    let (status, out, err) = run(&all);
    if status == 0 {
        assert_eq!(out.lines().count(), 1, "one JSON line: {out}");
    } else {
        assert!(out.is_empty(), "nothing on stdout on an error: {out}");
    }
    let json = serde_json::from_str(out.trim()).unwrap_or(serde_json::Value::Null);
    (status, json, err)
}

fn due(dir: &Path, args: &[&str]) -> (String, u64) {
    let (status, v, err) = case_deadline(dir, args);
    assert_eq!(status, 0, "{args:?}: {err}");
    assert_eq!(v.as_object().map(|o| o.len()), Some(2), "{v}");
    (
        v["due"].as_str().unwrap().to_owned(),
        v["paused_workdays"].as_u64().unwrap(),
    )
}

#[test]
fn minfadian_201_start_day_not_counted_case_deadline_follows_rules_1_6_vectors() {
    let dir = tmpdir("case-vectors");
    for (accepted, n, counts, not_counted) in [
        ("2025-09-26", "5", "2025-10-10", "2025-10-13"),
        ("2025-09-26", "20", "2025-10-30", "2025-11-03"),
        ("2026-02-12", "5", "2026-02-26", "2026-02-27"),
        ("2026-02-12", "20", "2026-03-18", "2026-03-20"),
        ("2024-12-31", "20", "2025-02-05", "2025-02-06"),
        ("2026-09-18", "10", "2026-10-09", "2026-10-12"),
        ("2026-04-30", "20", "2026-06-01", "2026-06-02"),
    ] {
        let args = ["--accepted", accepted, "--days", n];
        assert_eq!(due(&dir, &args), (counts.to_owned(), 0), "{accepted} + {n}");
        let mut off = args.to_vec();
        off.extend(["--makeup-days-count", "false"]);
        assert_eq!(
            due(&dir, &off),
            (not_counted.to_owned(), 0),
            "{accepted} + {n}, 调休 not counted"
        );
    }
    // The accepted day itself is never day 1, even when it is a working day: Monday + 1 is
    // Tuesday.
    assert_eq!(
        due(&dir, &["--accepted", "2026-11-30", "--days", "1"]),
        ("2026-12-01".to_owned(), 0)
    );
    assert!(
        !dir.join("fgf.db").exists(),
        "a hand check does not create a store"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn xingzheng_xukefa_di45tiao_pause_stops_only_workdays() {
    let dir = tmpdir("case-pause");
    let five = ["--accepted", "2025-09-26", "--days", "5"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = five.to_vec();
        a.extend_from_slice(extra);
        a
    };
    // Hand check: 9/28 (Sunday 调休, 1), 9/29 (2), pause 9/30–10/9 (9/30 and 10/9 are its
    // only working days; 10/1–10/8 is the 国庆节、中秋节 holiday), 10/10 (3), 10/11 (Saturday
    // 调休, 4), 10/13 (5).
    assert_eq!(
        due(&dir, &with(&["--pause", "2025-09-30..2025-10-09"])),
        ("2025-10-13".to_owned(), 2)
    );
    // 调休 not counted: 9/29 (1), pause, 10/10 (2), 10/13 (3), 10/14 (4), 10/15 (5).
    assert_eq!(
        due(
            &dir,
            &with(&[
                "--pause",
                "2025-09-30..2025-10-09",
                "--makeup-days-count",
                "false"
            ])
        ),
        ("2025-10-15".to_owned(), 2)
    );
    // A pause over the holiday alone holds no working day.
    assert_eq!(
        due(&dir, &with(&["--pause", "2025-10-01..2025-10-08"])),
        ("2025-10-10".to_owned(), 0)
    );
    // Two pauses, in any order; the day after the accepted day may be paused: 9/28 and 9/29
    // held, 9/30 (1), 10/9 and 10/10 held, 10/11 (2), 10/13 (3), 10/14 (4), 10/15 (5).
    assert_eq!(
        due(
            &dir,
            &with(&[
                "--pause",
                "2025-10-09..2025-10-10",
                "--pause",
                "2025-09-27..2025-09-29"
            ])
        ),
        ("2025-10-15".to_owned(), 4)
    );
    // A pause on the due day moves it to the next working day; one after it moves nothing.
    assert_eq!(
        due(&dir, &with(&["--pause", "2025-10-10..2025-10-10"])),
        ("2025-10-11".to_owned(), 1)
    );
    assert_eq!(
        due(&dir, &with(&["--pause", "2025-10-13..2025-10-17"])),
        ("2025-10-10".to_owned(), 0)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn xingzheng_xukefa_di42tiao_extend_adds_counted_working_days() {
    let dir = tmpdir("case-extend");
    let d = dir.to_str().unwrap();
    assert_eq!(
        due(
            &dir,
            &["--accepted", "2025-09-26", "--days", "5", "--extend", "10"]
        ),
        ("2025-10-23".to_owned(), 0)
    );
    // 20 working days extended by 10, paused over 国庆 (two working days): the 32nd working
    // day after the accepted day.
    let (status, out, _) = run(&[
        "calendar",
        "add-workdays",
        "2025-09-26",
        "32",
        "--data-dir",
        d,
    ]);
    assert_eq!(status, 0);
    assert_eq!(
        due(
            &dir,
            &[
                "--accepted",
                "2025-09-26",
                "--days",
                "20",
                "--extend",
                "10",
                "--pause",
                "2025-09-30..2025-10-09"
            ]
        ),
        (out.trim().to_owned(), 2)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn case_deadline_uses_the_districts_makeup_days_setting_unless_overridden() {
    let dir = tmpdir("case-config");
    std::fs::write(
        dir.join("fgf.toml"),
        "makeup_days_count = false
",
    )
    .unwrap();
    let args = ["--accepted", "2025-09-26", "--days", "5"];
    assert_eq!(
        due(&dir, &args),
        ("2025-10-13".to_owned(), 0),
        "district: 调休 not counted"
    );
    let mut over = args.to_vec();
    over.extend(["--makeup-days-count", "true"]);
    assert_eq!(
        due(&dir, &over),
        ("2025-10-10".to_owned(), 0),
        "this call: counted"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn case_deadline_refuses_what_it_cannot_count_with_exit_1_and_the_reason() {
    let dir = tmpdir("case-errors");
    for (args, reason) in [
        (
            vec![
                "--accepted",
                "2025-09-26",
                "--days",
                "5",
                "--pause",
                "2025-09-26..2025-09-30",
            ],
            "pause 2025-09-26..2025-09-30 starts on or before the accepted day 2025-09-26",
        ),
        (
            vec![
                "--accepted",
                "2025-09-26",
                "--days",
                "5",
                "--pause",
                "2025-09-01..2025-09-02",
            ],
            "pause 2025-09-01..2025-09-02 starts on or before the accepted day 2025-09-26",
        ),
        (
            vec![
                "--accepted",
                "2025-09-26",
                "--days",
                "5",
                "--pause",
                "2025-10-09..2025-09-30",
            ],
            "pause 2025-10-09..2025-09-30 runs backwards",
        ),
        (
            vec![
                "--accepted",
                "2025-09-26",
                "--days",
                "5",
                "--pause",
                "2025-09-30..2025-10-09",
                "--pause",
                "2025-10-09..2025-10-10",
            ],
            "pauses 2025-09-30..2025-10-09 and 2025-10-09..2025-10-10 overlap",
        ),
        (
            vec!["--accepted", "2023-06-01", "--days", "5"],
            "no holiday notice for 2023",
        ),
        (
            vec!["--accepted", "2026-12-01", "--days", "30"],
            "no holiday notice for 2027",
        ),
        (
            vec![
                "--accepted",
                "2026-11-02",
                "--days",
                "5",
                "--pause",
                "2027-01-04..2027-01-05",
            ],
            "no holiday notice for 2027",
        ),
        (
            vec!["--accepted", "2025-13-01", "--days", "5"],
            "invalid date \"2025-13-01\" for --accepted",
        ),
        (
            vec![
                "--accepted",
                "2025-09-26",
                "--days",
                "5",
                "--pause",
                "2025-10-01",
            ],
            "invalid date range \"2025-10-01\"",
        ),
    ] {
        let (status, _, err) = case_deadline(&dir, &args);
        assert_eq!(status, 1, "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(
            err.contains(reason),
            "{args:?}: expected {reason:?} in {err}"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

/// Starts `fgf demo` or `fgf serve` on a free port and waits for it to serve.
fn start(cmd: &str, dir: &Path) -> (std::process::Child, String, Vec<String>) {
    let mut child = fgf()
        .args([
            cmd,
            "--data-dir",
            dir.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .env("FGF_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout);
    let mut addr = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split('/').next().unwrap().to_owned();
        }
        lines.push(line.trim_end().to_owned());
        if !addr.is_empty() && (cmd == "serve" || line.trim().is_empty() && lines.len() > 3) {
            break;
        }
    }
    std::thread::spawn(move || for _ in reader.lines() {});
    (child, addr, lines)
}

#[test]
fn serve_creates_a_first_administrator_and_no_demo_accounts() {
    let dir = tmpdir("serve");
    let (mut child, addr, lines) = start("serve", &dir);
    assert!(!addr.is_empty(), "{lines:?}");
    let all = lines.join("\n");
    assert!(all.contains("one-time password"), "{all}");
    child.kill().ok();
    child.wait().ok();
    let (status, out, _) = run(&["audit", "verify", "--data-dir", dir.to_str().unwrap()]);
    assert_eq!(status, 0, "{out}");
    // Second start: nothing new is created or printed.
    let (mut child, _, lines) = start("serve", &dir);
    assert!(!lines.join("\n").contains("one-time password"));
    child.kill().ok();
    child.wait().ok();
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn demo_prints_every_role_and_admin_totp_secrets_then_backup_restore_round_trip_and_tamper_detection(
) {
    let dir = tmpdir("demo");
    let (mut child, addr, lines) = start("demo", &dir);
    let all = lines.join("\n");
    for u in [
        "admin",
        "security",
        "auditor",
        "clerk",
        "reviewer",
        "keeper",
        "inspector",
        "reform",
        "leader",
        "citizen",
        "enterprise",
    ] {
        assert!(
            lines.iter().any(|l| l.trim_start().starts_with(u)),
            "{u} missing from:\n{all}"
        );
    }
    assert!(all.contains("Fgf@demo2026"));
    assert_eq!(
        lines.iter().filter(|l| l.contains("TOTP secret")).count(),
        3,
        "{all}"
    );
    assert!(!addr.is_empty());

    // Online backup while the server runs.
    let backup = dir.join("backup.fgf");
    let (status, out, err) = run(&[
        "db",
        "backup",
        backup.to_str().unwrap(),
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("backup written"), "{out}");
    child.kill().ok();
    child.wait().ok();

    let (status, verified, _) = run(&["audit", "verify", "--data-dir", dir.to_str().unwrap()]);
    assert_eq!(status, 0);
    let n: u64 = verified
        .trim()
        .strip_prefix("audit chain intact: ")
        .and_then(|s| s.strip_suffix(" entries"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(n > 50, "{verified}");

    // Restore into an empty store: nothing lost, the chain verifies with the same count.
    let target = tmpdir("restore");
    std::fs::copy(dir.join("pii.key"), target.join("pii.key")).unwrap();
    let (status, out, err) = run(&[
        "db",
        "restore",
        backup.to_str().unwrap(),
        "--data-dir",
        target.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{out}{err}");
    let (status, out2, _) = run(&["audit", "verify", "--data-dir", target.to_str().unwrap()]);
    assert_eq!(status, 0);
    assert_eq!(out2, verified);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let a = fgf_store::Store::open_sqlite_dir(&dir).await.unwrap();
        let b = fgf_store::Store::open_sqlite_dir(&target).await.unwrap();
        assert_eq!(
            a.table_counts().await.unwrap(),
            b.table_counts().await.unwrap()
        );
        a.close().await;
        b.close().await;
    });
    // A second restore into the now non-empty store is refused.
    let (status, _, err) = run(&[
        "db",
        "restore",
        backup.to_str().unwrap(),
        "--data-dir",
        target.to_str().unwrap(),
    ]);
    assert_ne!(status, 0);
    assert!(err.contains("empty store"), "{err}");

    // Tampering directly in the database is named by `fgf audit verify`.
    let url = fgf_store::sqlite_url(&target.join("fgf.db"));
    let tamper = |sql: &'static str| {
        let url = url.clone();
        rt.block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        });
    };
    tamper("drop trigger audit_entry_no_update; drop trigger audit_entry_no_delete;");
    tamper("update audit_entry set object_id = 'forged' where audit_entry_id = 12");
    let (status, out, _) = run(&["audit", "verify", "--data-dir", target.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(out.contains("entry 12"), "{out}");
    // Deleting one is named too (on the original store).
    let url2 = fgf_store::sqlite_url(&dir.join("fgf.db"));
    rt.block_on(async move {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url2).await.unwrap();
        sqlx::raw_sql("drop trigger audit_entry_no_delete; delete from audit_entry where audit_entry_id = 30;").execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    });
    let (status, out, _) = run(&["audit", "verify", "--data-dir", dir.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(out.contains("entry 30"), "{out}");
    std::fs::remove_dir_all(dir).ok();
    std::fs::remove_dir_all(target).ok();
}

#[test]
fn a_bad_database_url_is_refused_not_turned_into_sqlite() {
    let dir = tmpdir("badurl");
    let (status, _, err) = run(&[
        "db",
        "migrate",
        "--db",
        "mysql://x@localhost/db",
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(status, 2);
    assert!(err.contains("postgres"), "{err}");
    assert!(!dir.join("fgf.db").exists());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn catalog_export_import_and_search_follow_the_cli_contract() {
    let dir = tmpdir("catalog");
    let (mut child, addr, lines) = start("demo", &dir);
    assert!(!addr.is_empty(), "{lines:?}");
    child.kill().ok();
    child.wait().ok();
    let d = dir.to_str().unwrap();
    // Export: CSV writes the matters file and its materials beside it; xlsx one workbook.
    let csv = dir.join("catalog.csv");
    let (status, out, err) = run(&["catalog", "export", csv.to_str().unwrap(), "--data-dir", d]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(dir.join("catalog.materials.csv").exists());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("事项编码,上级事项编码,事项层级,事项名称,事项类型"));
    let xlsx = dir.join("catalog.xlsx");
    let (status, _, _) = run(&["catalog", "export", xlsx.to_str().unwrap(), "--data-dir", d]);
    assert_eq!(status, 0);
    // Importing what was exported changes nothing.
    let (status, out, err) = run(&["catalog", "import", xlsx.to_str().unwrap(), "--data-dir", d]);
    assert_eq!(status, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["summary"]["matters"], v["summary"]["unchanged"]);
    // A bad file is refused whole: exit 1, each problem on stderr with its row and column.
    let bad = text.replacen(",D04,", ",D99,", 1);
    let bad_path = dir.join("bad.csv");
    std::fs::write(&bad_path, bad).unwrap();
    std::fs::copy(
        dir.join("catalog.materials.csv"),
        dir.join("bad.materials.csv"),
    )
    .unwrap();
    let (status, out, err) = run(&[
        "catalog",
        "import",
        bad_path.to_str().unwrap(),
        "--data-dir",
        d,
    ]);
    assert_eq!(status, 1, "{out}{err}");
    assert!(err.contains("实施部门编码"), "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"][0]["code"], "department_unknown");
    // Search prints the ranked matters; --json as an array.
    let (status, out, _) = run(&["catalog", "search", "开饭店", "--json", "--data-dir", d]);
    assert_eq!(status, 0);
    let hits: Vec<serde_json::Value> = serde_json::from_str(out.trim()).unwrap();
    assert!(
        hits.iter()
            .take(2)
            .any(|h| h["name"] == "食品经营许可（新办）"),
        "{out}"
    );
    let (status, out, _) = run(&["catalog", "search", "yyzz", "--data-dir", d]);
    assert_eq!(status, 0);
    assert!(out.lines().next().unwrap().contains("设立登记"), "{out}");
    let (status, out, _) = run(&["catalog", "reindex", "--data-dir", d]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("\"indexed\":"));
    std::fs::remove_dir_all(dir).ok();
}
