//! Criterion benchmark of the engine in memory: one instance of each shared benchmark process
//! (`../shared/data/bench/`) run to completion, every user task completed as it becomes
//! ready — the same work `fgf process bench --store memory` times in bulk.

use criterion::{criterion_group, criterion_main, Criterion};
use fgf_engine::exec::Registry;
use fgf_engine::simulate::{simulate, SimOptions};
use serde_json::json;

fn load(file: &str) -> Registry {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/bench")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (def, _) = fgf_engine::import(&text).expect("bench file imports");
    let mut reg = Registry::default();
    reg.add(&def);
    reg
}

fn engine(c: &mut Criterion) {
    for (file, process, vars) in [
        ("seq3.bpmn", "seq3", json!({})),
        ("gateways.bpmn", "gw", json!({"amount": 5000})),
        (
            "approval.bpmn",
            "approval",
            json!({"departments": ["a", "b", "c"], "objections": 0}),
        ),
    ] {
        let reg = load(file);
        let opts = SimOptions {
            vars: vars
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            ..SimOptions::default()
        };
        c.bench_function(&format!("instance_{process}"), |b| {
            b.iter(|| {
                let r = simulate(&reg, process, &opts);
                assert!(r.completed);
            });
        });
    }
}

criterion_group!(benches, engine);
criterion_main!(benches);
