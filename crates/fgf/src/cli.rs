//! Command-line parsing and the commands themselves. This is the only place that picks a
//! concrete store (SQLite in the data folder, or the PostgreSQL URL given).

use anyhow::Context;
use clap::{Parser, Subcommand};
use fgf_app::{App, Config, SystemClock};
use fgf_store::base::audit::Verify;
use fgf_store::Store;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "fgf",
    version,
    about = "Fangguanfu (放管服): the district reform and government-services platform"
)]
struct Cli {
    /// Data folder: SQLite database, uploads, generated key.
    #[arg(long, global = true, env = "FGF_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL (postgres://…); SQLite in the data folder when absent.
    #[arg(long, global = true, env = "FGF_DB")]
    db: Option<String>,
    /// Configuration file (TOML); defaults to DATA_DIR/fgf.toml when that exists.
    #[arg(long, global = true, env = "FGF_CONFIG")]
    config: Option<PathBuf>,
    /// Whether 调休 make-up working days count, for this call (overrides `makeup_days_count`).
    #[arg(long, global = true, value_name = "true|false")]
    makeup_days_count: Option<bool>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the district.
    Serve {
        #[arg(long)]
        addr: Option<String>,
    },
    /// Create the demo district if the store is empty, then serve it.
    Demo {
        #[arg(long)]
        addr: Option<String>,
    },
    /// Database maintenance.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Identifiers (USCC, resident ID).
    Id {
        #[command(subcommand)]
        command: IdCommand,
    },
    /// The working-day calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Case (办件) arithmetic, to check a date by hand.
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// Process definitions (BPMN 2.0).
    Process {
        #[command(subcommand)]
        command: ProcessCommand,
    },
    /// The catalogue of matters (事项): import, export, search.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Online applications (服): the lifecycle benchmark (docs/benchmarks.md).
    #[command(hide = true)]
    Application {
        #[command(subcommand)]
        command: ApplicationCommand,
    },
}

#[derive(Subcommand)]
enum ApplicationCommand {
    /// Submit → accept → assign → verify twice → grant with a signed licence, over HTTP, on a
    /// fresh demo district; prints JSON next to the store's transaction ceiling.
    Bench {
        #[arg(long, default_value_t = 500)]
        lifecycles: usize,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// `sqlite`, or a PostgreSQL URL on which a database of its own is created.
        #[arg(long, default_value = "sqlite")]
        store: String,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Import FILE.xlsx (sheets 事项 and 材料) or FILE.csv (materials in FILE.materials.csv);
    /// published at once. A bad file is refused whole: exit 1 with every bad row.
    Import { file: PathBuf },
    /// Export the catalogue in force to FILE.xlsx, or FILE.csv plus FILE.materials.csv.
    Export { file: PathBuf },
    /// Search the catalogue; prints the ranked matters.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the search index from the store.
    Reindex,
    /// The search benchmark: import a catalogue grown from the demo one to N matters in a
    /// fresh store, then time searches; prints JSON percentiles (docs/benchmarks.md).
    #[command(hide = true)]
    Bench {
        #[arg(long, default_value_t = 20_000)]
        matters: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
    },
}

#[derive(Subcommand)]
enum ProcessCommand {
    /// Validate a definition: exit 0 valid; else exit 1, each problem naming its element id.
    Check {
        file: PathBuf,
        /// More definitions, for call activities.
        #[arg(long = "with")]
        with: Vec<PathBuf>,
    },
    /// Run an instance in memory by the deterministic rules; prints one JSON object.
    Simulate {
        file: PathBuf,
        #[command(flatten)]
        args: crate::process::RunArgs,
    },
    /// Run many instances and print {"instances", "seconds", "per_second", "store"}.
    Bench {
        file: PathBuf,
        #[command(flatten)]
        args: crate::process::RunArgs,
        #[arg(long, default_value_t = 1000)]
        instances: u32,
        #[arg(long, default_value = "memory")]
        store: String,
        /// Continue instances a killed run left (durable stores; used by the crash test).
        #[arg(long, hide = true)]
        resume: bool,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Apply pending migrations.
    Migrate,
    /// Write an online backup to FILE.
    Backup { file: PathBuf },
    /// Restore FILE into an empty store.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the SM3 chain: exit 0 intact, exit 1 naming the first bad entry.
    Verify,
}

#[derive(Subcommand)]
enum IdCommand {
    /// Check a USCC or resident ID: JSON {code, kind, valid, reason}; exit 0 valid, 1 invalid.
    Check { code: String },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Print true or false.
    IsWorkday { date: String },
    /// The date N working days after DATE (DATE itself not counted).
    AddWorkdays { date: String, n: u32 },
    /// Working days in (FROM, TO].
    WorkdaysBetween { from: String, to: String },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// The due date of a period of working days: prints {"due": "YYYY-MM-DD", "paused_workdays": K}.
    /// Day 1 is the first working day after the accepted day; the working days of each pause
    /// (inclusive) are not counted; --extend adds counted working days. Exit 1 with the reason
    /// on a pause not after the accepted day, a reversed or overlapping pause, or a date in a
    /// year without a holiday notice.
    Deadline {
        /// The day the case was accepted (受理), YYYY-MM-DD; not counted.
        #[arg(long)]
        accepted: String,
        /// Working days of the period (e.g. 20 for 行政许可法第四十二条).
        #[arg(long)]
        days: u32,
        /// A pause of the clock, FROM..TO (both days included); repeat for several.
        #[arg(long = "pause", value_name = "FROM..TO")]
        pauses: Vec<String>,
        /// Working days added by an extension (延长).
        #[arg(long, default_value_t = 0)]
        extend: u32,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FGF_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("./fgf-data"));
    let file = cli
        .config
        .clone()
        .or_else(|| Some(data_dir.join("fgf.toml")).filter(|p| p.exists()));
    let mut config = match file {
        Some(f) => Config::from_file(&f)?,
        None => Config::default(),
    };
    config.apply_env(|k| std::env::var(k).ok())?;
    // The command line wins over file and environment.
    config.data_dir = data_dir;
    if let Some(db) = &cli.db {
        config.db.clone_from(db);
    }
    if let Some(counts) = cli.makeup_days_count {
        config.makeup_days_count = counts;
    }
    config.validate()?;
    Ok(config)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Id {
            command: IdCommand::Check { code },
        } => {
            let res = fgf_domain::check_code(code);
            println!("{}", serde_json::to_string(&res)?);
            Ok(if res.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Calendar { command } => calendar(&cli, command).await,
        Command::Case {
            command:
                CaseCommand::Deadline {
                    accepted,
                    days,
                    pauses,
                    extend,
                },
        } => {
            let cal = district_calendar(&cli).await?;
            Ok(
                match case_deadline(&cal, accepted, *days, pauses, *extend) {
                    Ok(line) => {
                        println!("{line}");
                        ExitCode::SUCCESS
                    }
                    Err(reason) => {
                        eprintln!("error: {reason}");
                        ExitCode::from(1)
                    }
                },
            )
        }
        Command::Process { command } => match command {
            ProcessCommand::Check { file, with } => crate::process::check(file, with),
            ProcessCommand::Simulate { file, args } => crate::process::simulate_cmd(file, args),
            ProcessCommand::Bench {
                file,
                args,
                instances,
                store,
                resume,
            } => {
                if store == "memory" {
                    crate::process::bench_cmd(file, args, *instances, store)
                } else {
                    let data_dir = cli.data_dir.clone().unwrap_or_else(|| {
                        std::env::temp_dir().join(format!("fgf-bench-{}", std::process::id()))
                    });
                    let sync = load_config(&cli)?.sqlite_synchronous;
                    crate::process::bench_durable(
                        file, args, *instances, store, &data_dir, *resume, sync,
                    )
                    .await
                }
            }
        },
        Command::Db { command } => db(&cli, command).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let config = load_config(&cli)?;
            let store = open_store(&config).await?;
            store.migrate().await?;
            match store.verify_audit().await? {
                Verify::Intact { entries } => {
                    println!("audit chain intact: {entries} entries");
                    Ok(ExitCode::SUCCESS)
                }
                Verify::Broken { seq, problem } => {
                    println!("audit chain broken at entry {seq}: {problem}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Catalog { command } => {
            crate::catalog::run(load_config(&cli)?, command_of(command)).await
        }
        Command::Application {
            command:
                ApplicationCommand::Bench {
                    lifecycles,
                    concurrency,
                    store,
                },
        } => crate::application::bench(*lifecycles, *concurrency, store).await,
        Command::Serve { addr } => serve(&cli, addr.clone(), false).await,
        Command::Demo { addr } => serve(&cli, addr.clone(), true).await,
    }
}

fn command_of(c: &CatalogCommand) -> crate::catalog::Cmd {
    match c {
        CatalogCommand::Import { file } => crate::catalog::Cmd::Import(file.clone()),
        CatalogCommand::Export { file } => crate::catalog::Cmd::Export(file.clone()),
        CatalogCommand::Search { query, json } => crate::catalog::Cmd::Search {
            query: query.clone(),
            json: *json,
        },
        CatalogCommand::Reindex => crate::catalog::Cmd::Reindex,
        CatalogCommand::Bench { matters, queries } => crate::catalog::Cmd::Bench {
            matters: *matters,
            queries: *queries,
        },
    }
}

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = if config.db.is_empty() {
        Store::open_sqlite_dir_with(&config.data_dir, config.sqlite_synchronous).await?
    } else {
        Store::open(&config.db).await?
    };
    Ok(store)
}

/// The district's calendar: the shipped years plus any an administrator entered, when a store
/// exists, with the district's settings. A missing SQLite store is not created just to answer
/// a calendar question.
async fn district_calendar(cli: &Cli) -> anyhow::Result<Arc<fgf_domain::Calendar>> {
    let config = load_config(cli)?;
    let has_store = !config.db.is_empty() || config.data_dir.join("fgf.db").exists();
    Ok(if has_store {
        let app = App::open(config, Arc::new(SystemClock)).await?;
        app.calendar()
    } else {
        Arc::new(fgf_domain::Calendar::builtin_with(
            fgf_domain::CalendarConfig {
                makeup_days_count: config.makeup_days_count,
                business_day_end: config.business_day_end,
            },
        ))
    })
}

/// `fgf case deadline`: the JSON line, or the one-line reason it cannot be given. A date in a
/// year the calendar has no notice for is refused rather than counted Monday–Friday: an
/// auditor's check must not rest on a guess.
fn case_deadline(
    cal: &fgf_domain::Calendar,
    accepted: &str,
    days: u32,
    pauses: &[String],
    extend: u32,
) -> Result<String, String> {
    let accepted = chrono::NaiveDate::parse_from_str(accepted.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date {accepted:?} for --accepted (expected YYYY-MM-DD)"))?;
    let pauses = pauses
        .iter()
        .map(|p| p.parse::<fgf_domain::DateRange>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--pause: {e}"))?;
    let unknown = |date: chrono::NaiveDate| {
        let year = chrono::Datelike::year(&date);
        cal.year(year).is_none().then_some(year)
    };
    let given = std::iter::once(accepted).chain(pauses.iter().flat_map(|p| [p.from, p.to]));
    let mut years: Vec<i32> = given.filter_map(unknown).collect();
    let deadline = cal
        .deadline(accepted, days, &pauses, extend)
        .map_err(|e| e.to_string())?;
    years.extend(&deadline.assumed_years);
    years.sort_unstable();
    years.dedup();
    if !years.is_empty() {
        let known: Vec<String> = cal.years().map(|y| y.year.to_string()).collect();
        let years: Vec<String> = years.iter().map(i32::to_string).collect();
        return Err(format!(
            "no holiday notice for {} (the calendar has {}); a due date there would be a guess",
            years.join(", "),
            known.join(", ")
        ));
    }
    Ok(
        serde_json::json!({ "due": deadline.due, "paused_workdays": deadline.paused_workdays })
            .to_string(),
    )
}

/// `fgf calendar …`, on the district's calendar.
async fn calendar(cli: &Cli, command: &CalendarCommand) -> anyhow::Result<ExitCode> {
    let cal = district_calendar(cli).await?;
    let date = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .with_context(|| format!("invalid date {s:?} (expected YYYY-MM-DD)"))
    };
    let warn = |years: &[i32]| {
        if !years.is_empty() {
            eprintln!("warning: no holiday data for {years:?}; Monday–Friday assumed");
        }
    };
    match command {
        CalendarCommand::IsWorkday { date: d } => {
            let info = cal.is_workday(date(d)?);
            if !info.year_known {
                warn(&[chrono::Datelike::year(&info.date)]);
            }
            println!("{}", info.workday);
        }
        CalendarCommand::AddWorkdays { date: d, n } => {
            let dl = cal.add_workdays(date(d)?, *n);
            warn(&dl.assumed_years);
            println!("{}", dl.date);
        }
        CalendarCommand::WorkdaysBetween { from, to } => {
            let c = cal.workdays_between(date(from)?, date(to)?);
            warn(&c.assumed_years);
            println!("{}", c.days);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn db(cli: &Cli, command: &DbCommand) -> anyhow::Result<ExitCode> {
    let config = load_config(cli)?;
    let store = open_store(&config).await?;
    match command {
        DbCommand::Migrate => {
            let n = store.migrate().await?;
            println!(
                "migrations applied: {n} ({} known)",
                Store::migration_names(store.backend()).len()
            );
        }
        DbCommand::Backup { file } => {
            store.migrate().await?;
            let tmp = tmp_path(file);
            let summary = {
                let f = std::fs::File::create(&tmp)
                    .with_context(|| format!("cannot create {}", tmp.display()))?;
                let mut w = std::io::BufWriter::new(f);
                let s = store.backup(&mut w, now_ms()).await?;
                let f = w
                    .into_inner()
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
                f.sync_all()?;
                s
            };
            std::fs::rename(&tmp, file)
                .with_context(|| format!("cannot write {}", file.display()))?;
            println!(
                "backup written to {}: {} tables, {} rows",
                file.display(),
                summary.tables,
                summary.rows
            );
        }
        DbCommand::Restore { file } => {
            store.migrate().await?;
            let f = std::fs::File::open(file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let mut r = std::io::BufReader::new(f);
            let summary = store.restore(&mut r).await?;
            println!(
                "restored {}: {} tables, {} rows",
                file.display(),
                summary.tables,
                summary.rows
            );
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn tmp_path(file: &Path) -> PathBuf {
    let mut name = file
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

async fn serve(cli: &Cli, addr: Option<String>, demo: bool) -> anyhow::Result<ExitCode> {
    let mut config = load_config(cli)?;
    if let Some(a) = addr {
        config.addr = a;
    }
    tracing::info!(config = %config.summary(), "starting");
    let app = if demo {
        App::open_demo(config.clone()).await?
    } else {
        App::open(config.clone(), Arc::new(SystemClock)).await?
    };
    let upgraded = app.base().upgrade_builtin_roles().await?;
    if upgraded > 0 {
        tracing::info!(
            changes = upgraded,
            "built-in roles brought up to this version"
        );
    }
    if demo {
        let created = app.base().seed_demo().await?;
        if created {
            let n = app.application().seed_demo_applications().await?;
            tracing::info!(applications = n, "demo applications loaded");
        }
        if !created {
            println!("the store already holds data; serving it as it is (demo accounts exist only if `fgf demo` created this store)");
        }
    } else if let Some(password) = app.base().bootstrap().await? {
        println!("first start: created administrator `admin` with one-time password {password}");
        println!("it must be changed at first sign-in, and a one-time code (TOTP) enrolled");
    }
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let local = listener.local_addr()?;
    println!(
        "Fangguanfu serving the district at http://{local}/  (store: {})",
        app.store().backend().name()
    );
    if demo {
        let logins = app.base().demo_logins().await?;
        if !logins.is_empty() {
            println!();
            println!(
                "demo accounts (password {}):",
                fgf_app::base::seed::DEMO_PASSWORD
            );
            for l in &logins {
                match &l.totp_secret {
                    Some(s) => println!(
                        "  {:<11} {:<10} {:<16} TOTP secret {s}",
                        l.username, l.role, l.department
                    ),
                    None => println!("  {:<11} {:<10} {}", l.username, l.role, l.department),
                }
            }
            println!();
        }
    }
    let workers = tokio::spawn(background(app.clone()));
    let router = fgf_web::router(app.clone());
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    workers.abort();
    app.store().close().await;
    Ok(ExitCode::SUCCESS)
}

/// The background loop: outbox delivery and due jobs. Errors are logged and retried on the
/// next round; nothing here may take the server down.
async fn background(app: App) {
    if let Err(e) = app
        .enqueue_job(
            "audit.verify",
            &serde_json::json!({}),
            app.now_ms() + 60_000,
        )
        .await
    {
        tracing::warn!(%e, "cannot schedule the audit chain check");
    }
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    let mut n: u64 = 0;
    loop {
        tick.tick().await;
        n += 1;
        // Each part's periodic work (`fgf_app::parts`): leased or unique in the store, so
        // with several nodes each due item is handled once.
        for part in fgf_app::parts::PARTS {
            for work in part.periodic {
                if n.is_multiple_of(work.every_secs) {
                    if let Err(e) = (work.run)(&app).await {
                        tracing::warn!(%e, part = part.name, "{} failed", work.what);
                    }
                }
            }
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
