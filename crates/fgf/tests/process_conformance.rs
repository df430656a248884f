//! Conformance: every case in `../shared/data/bpmn/cases.json` (BPMN files from Camunda's and
//! SpiffWorkflow's own test suites, read in place) through `fgf process simulate`, checked
//! against the expectations taken from the peers' assertions.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/bpmn")
}

fn simulate(case: &Value) -> Value {
    let dir = data_dir();
    let args = &case["args"];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fgf"));
    cmd.arg("process")
        .arg("simulate")
        .arg(dir.join(case["file"].as_str().unwrap()));
    if let Some(v) = args.get("vars") {
        cmd.arg("--vars").arg(v.to_string());
    }
    if let Some(v) = args.get("task_vars") {
        cmd.arg("--task-vars").arg(v.to_string());
    }
    if let Some(v) = args.get("messages") {
        cmd.arg("--messages").arg(v.to_string());
    }
    if let Some(v) = args.get("hold") {
        let ids: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        cmd.arg("--hold").arg(ids.join(","));
    }
    if let Some(v) = args.get("process") {
        cmd.arg("--process").arg(v.as_str().unwrap());
    }
    for w in args
        .get("with")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        cmd.arg("--with").arg(dir.join(w.as_str().unwrap()));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        case["name"],
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}", case["name"]))
}

#[test]
fn every_shared_bpmn_case_passes_through_fgf_process_simulate() {
    let path = data_dir().join("cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} (the shared data must sit beside the repo): {e}",
            path.display()
        )
    });
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 19);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let got = simulate(case);
        let exp = &case["expect"];
        let trace: Vec<&str> = got["trace"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut fail = |m: String| failures.push(format!("{name}: {m}\n  got {got}"));
        if let Some(c) = exp.get("completed") {
            if &got["completed"] != c {
                fail(format!("completed should be {c}"));
            }
        }
        if let Some(e) = exp.get("error_at") {
            if got["error"]["element"] != *e {
                fail(format!("error should be at {e}"));
            }
        }
        for (id, n) in exp
            .get("counts")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let count = trace.iter().filter(|t| *t == id).count() as u64;
            if Some(count) != n.as_u64() {
                fail(format!("{id} completed {count} times, expected {n}"));
            }
        }
        for id in exp
            .get("absent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if trace.contains(&id.as_str().unwrap()) {
                fail(format!("{id} must not complete"));
            }
        }
        for pair in exp
            .get("before")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (a, b) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            match (
                trace.iter().position(|t| *t == a),
                trace.iter().rposition(|t| *t == b),
            ) {
                (Some(x), Some(y)) if x < y => {}
                _ => fail(format!("{a} must complete before {b}")),
            }
        }
        for id in exp
            .get("waiting")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !got["waiting"].as_array().unwrap().contains(id) {
                fail(format!("{id} should be waiting"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
