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

/// Keeps the list of open user tasks current from a command's events.
fn track_open(open: &mut Vec<(u32, String)>, events: Vec<fgf_engine::Event>) {
    for e in events {
        match e {
            fgf_engine::Event::TaskCreated { exec, node, .. } => open.push((exec, node)),
            fgf_engine::Event::TaskCompleted { exec, .. }
            | fgf_engine::Event::TaskCancelled { exec, .. } => open.retain(|(x, _)| *x != exec),
            _ => {}
        }
    }
}

/// One-row transactions timed in slices: how many, and the seconds they took.
#[derive(Default)]
struct Ceiling {
    transactions: u32,
    seconds: f64,
}

impl Ceiling {
    fn add(&mut self, n: u32, per_second: f64) {
        self.transactions += n;
        self.seconds += f64::from(n) / per_second.max(1e-9);
    }

    fn rate(&self) -> f64 {
        f64::from(self.transactions) / self.seconds.max(1e-9)
    }
}

/// The durable benchmark: every step of every instance committed to the store, next to the
/// store's own ceiling (one small row per transaction) measured the same way. With
/// `resume`, instances are keyed `bench-N` and a rerun carries on where a killed one stopped
/// (the crash-loop test drives it that way).
pub async fn bench_durable(
    file: &Path,
    args: &RunArgs,
    instances: u32,
    store_arg: &str,
    data_dir: &Path,
    resume: bool,
    sync: fgf_store::SqliteSync,
) -> anyhow::Result<ExitCode> {
    use fgf_app::{App, Config, SystemClock};
    use fgf_engine::exec::Command;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let opts = options(args)?;
    let (store, label) = if store_arg == "sqlite" {
        (
            fgf_store::Store::open_sqlite_dir_with(data_dir, sync).await?,
            format!("sqlite (synchronous = {})", sync.as_str()),
        )
    } else {
        (
            fgf_store::Store::open(store_arg).await?,
            fgf_store::redact_url(store_arg),
        )
    };
    store.migrate().await?;
    let config = Config {
        data_dir: data_dir.to_path_buf(),
        ..Config::default()
    };
    let app = App::with_store(
        store.clone(),
        config,
        std::sync::Arc::new(SystemClock),
        fgf_domain::PiiKey::derive_from_secret(b"bench"),
    )
    .await?;
    let (def, _) = fgf_engine::import(&text).map_err(|e| anyhow::anyhow!(e))?;
    let key = process_id(&def, args.process.as_ref())?;
    if !resume || store.latest_process_definition(&key).await?.is_none() {
        app.process()
            .deploy_process_with(app.system_ctx("bench"), &text, None, true, false, None)
            .await?;
    }
    let scope = fgf_app::process::system_scope();
    // The ceiling is measured in slices between slices of the run rather than once after
    // it, so both see the same machine: on a shared host the rate of one-row transactions
    // swings by half between runs a minute apart (docs/benchmarks.md). The log is
    // checkpointed on the run's clock before each slice, so a ceiling transaction never
    // pays for copying the commands' pages (nor the commands for the ceiling's). Two forms
    // of one-row transaction are measured: one autocommit insert (the store's ceiling) and
    // a begun transaction (begin, insert, commit), as earlier versions of this bench did.
    let slices = if resume { 1 } else { 10 };
    let per_slice = if resume { 10 } else { 200 };
    let slice_every = instances.div_ceil(slices).max(1);
    let mut single = Ceiling::default();
    let mut begun = Ceiling::default();
    let mut seconds = 0.0_f64;
    let mut started = std::time::Instant::now();
    let mut commits = 0_u64;
    let mut ids = Vec::with_capacity(instances as usize);
    for i in 0..instances {
        if i > 0 && i % slice_every == 0 {
            store.checkpoint().await?;
            seconds += started.elapsed().as_secs_f64();
            single.add(per_slice, store.bench_ceiling(per_slice).await?);
            begun.add(per_slice, store.bench_ceiling_begun(per_slice).await?);
            started = std::time::Instant::now();
        }
        let bkey = format!("bench-{i}");
        // Only a resumed run looks for what a killed one left.
        let left = if resume {
            store.find_instance_by_business_key(&scope, &bkey).await?
        } else {
            None
        };
        // The open tasks come from each command's own events, so the timed loop is the
        // commands and nothing else (a resumed instance reads them from the store once).
        let mut open: Vec<(u32, String)> = Vec::new();
        let id = match left {
            Some(row) => {
                open = store
                    .work_items_of(row.id)
                    .await?
                    .into_iter()
                    .filter(|w| w.status == fgf_domain::process::WorkItemStatus::Open)
                    .filter_map(|w| u32::try_from(w.exec_id).ok().map(|e| (e, w.node_id)))
                    .collect();
                row.id
            }
            None => {
                commits += 1;
                let (id, events) = app
                    .process()
                    .start_process_traced(
                        app.system_ctx("bench"),
                        None,
                        &key,
                        opts.vars.clone(),
                        serde_json::Map::new(),
                        &bkey,
                        None,
                        None,
                    )
                    .await?;
                track_open(&mut open, events);
                id
            }
        };
        while let Some((exec, node)) = open.first().cloned() {
            let vars = opts.task_vars.get(&node).cloned().unwrap_or_default();
            let events = app
                .process()
                .process_command(
                    app.system_ctx("bench"),
                    id,
                    None,
                    Command::CompleteTask {
                        exec,
                        vars,
                        by: None,
                    },
                    "",
                )
                .await?;
            track_open(&mut open, events);
            commits += 1;
        }
        ids.push((bkey, id));
    }
    store.checkpoint().await?;
    seconds += started.elapsed().as_secs_f64();
    // Every instance must have ended, checked after the clock stopped.
    for (bkey, id) in &ids {
        let row = store.get_process_instance(&scope, *id).await?;
        anyhow::ensure!(
            row.status == fgf_domain::process::InstanceStatus::Completed,
            "instance {bkey} ended {} ({})",
            row.status,
            row.state.chars().take(300).collect::<String>()
        );
    }
    single.add(per_slice, store.bench_ceiling(per_slice).await?);
    begun.add(per_slice, store.bench_ceiling_begun(per_slice).await?);
    let (ceiling, ceiling_begun) = (single.rate(), begun.rate());
    let commits_per_second = commits as f64 / seconds.max(1e-9);
    println!(
        "{}",
        json!({
            "instances": instances,
            "seconds": seconds,
            "per_second": f64::from(instances) / seconds.max(1e-9),
            "store": label,
            "commits": commits,
            "commits_per_second": commits_per_second,
            "ceiling_per_second": ceiling,
            "ratio_to_ceiling": commits_per_second / ceiling.max(1e-9),
            "ceiling_begun_per_second": ceiling_begun,
            "ratio_to_begun_ceiling": commits_per_second / ceiling_begun.max(1e-9),
        })
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
