//! `fgf process check | simulate | bench`: the engine from the command line, exactly as the
//! CLI contract in DESIGN.md says.

use anyhow::Context;
use fgf_engine::exec::Registry;
use fgf_engine::simulate::{simulate, vars_from_json, SimOptions};
use fgf_engine::Definition;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// Which process of the file (default: the only executable one).
    #[arg(long)]
    pub process: Option<String>,
    /// Start variables (JSON object).
    #[arg(long)]
    pub vars: Option<String>,
    /// Variables set each time a task is completed: {"TaskId": {…}}.
    #[arg(long = "task-vars")]
    pub task_vars: Option<String>,
    /// Message names to deliver, in order: ["name", …].
    #[arg(long)]
    pub messages: Option<String>,
    /// User tasks completed only as a last resort (comma-separated ids).
    #[arg(long)]
    pub hold: Option<String>,
    /// More definitions, for call activities (repeatable).
    #[arg(long = "with")]
    pub with: Vec<PathBuf>,
}

fn load(path: &Path) -> anyhow::Result<(Definition, Vec<fgf_engine::ImportProblem>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    fgf_engine::import(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn registry(main: &Definition, with: &[PathBuf]) -> anyhow::Result<Registry> {
    let mut reg = Registry::default();
    for w in with {
        let (d, _) = load(w)?;
        reg.add(&d);
    }
    reg.add(main);
    Ok(reg)
}

fn json_arg(name: &str, v: Option<&String>) -> anyhow::Result<Value> {
    match v {
        Some(s) => serde_json::from_str(s).with_context(|| format!("--{name} is not valid JSON")),
        None => Ok(Value::Null),
    }
}

pub fn options(args: &RunArgs) -> anyhow::Result<SimOptions> {
    let vars = vars_from_json(&json_arg("vars", args.vars.as_ref())?)
        .map_err(|e| anyhow::anyhow!("--vars: {e}"))?;
    let mut task_vars = BTreeMap::new();
    if let Value::Object(m) = json_arg("task-vars", args.task_vars.as_ref())? {
        for (k, v) in m {
            task_vars.insert(
                k.clone(),
                vars_from_json(&v).map_err(|e| anyhow::anyhow!("--task-vars {k}: {e}"))?,
            );
        }
    }
    let messages = match json_arg("messages", args.messages.as_ref())? {
        Value::Array(a) => a
            .into_iter()
            .map(|m| {
                m.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow::anyhow!("--messages must be a list of names"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
        Value::Null => Vec::new(),
        _ => anyhow::bail!("--messages must be a JSON list of names"),
    };
    let hold = args
        .hold
        .as_deref()
        .map(|h| {
            h.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(SimOptions {
        vars,
        task_vars,
        messages,
        hold,
        start_ms: 0,
        max_steps: 0,
    })
}

fn process_id(def: &Definition, wanted: Option<&String>) -> anyhow::Result<String> {
    match wanted {
        Some(p) => def
            .process(p)
            .map(|p| p.id.clone())
            .ok_or_else(|| anyhow::anyhow!("no process {p:?} in the file")),
        None => def.main_process().map(|p| p.id.clone()).ok_or_else(|| {
            anyhow::anyhow!("the file has several executable processes; choose one with --process")
        }),
    }
}

pub fn check(file: &Path, with: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let (def, problems) = load(file)?;
    let reg = registry(&def, with)?;
    let found = fgf_engine::check(&def, &problems, Some(&reg));
    if found.is_empty() {
        println!(
            "{}: valid ({} process{})",
            file.display(),
            def.processes.len(),
            if def.processes.len() == 1 { "" } else { "es" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &found {
        println!("{}: {}", p.element, p.message);
    }
    Ok(ExitCode::from(1))
}

pub fn simulate_cmd(file: &Path, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let (def, _) = load(file)?;
    let reg = registry(&def, &args.with)?;
    let pid = process_id(&def, args.process.as_ref())?;
    let res = simulate(&reg, &pid, &options(args)?);
    println!("{}", serde_json::to_string(&res)?);
    Ok(ExitCode::SUCCESS)
}

pub fn bench_cmd(
    file: &Path,
    args: &RunArgs,
    instances: u32,
    store: &str,
) -> anyhow::Result<ExitCode> {
    let (def, _) = load(file)?;
    let reg = registry(&def, &args.with)?;
    let pid = process_id(&def, args.process.as_ref())?;
    let opts = options(args)?;
    if store != "memory" {
        anyhow::bail!("--store {store}: only `memory` is available in this build");
    }
    let started = std::time::Instant::now();
    let mut completed = 0_u32;
    for _ in 0..instances {
        if simulate(&reg, &pid, &opts).completed {
            completed += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if completed != instances {
        anyhow::bail!("only {completed} of {instances} instances completed");
    }
    println!(
        "{}",
        json!({ "instances": instances, "seconds": seconds, "per_second": f64::from(instances) / seconds.max(1e-9), "store": store })
    );
    Ok(ExitCode::SUCCESS)
}
