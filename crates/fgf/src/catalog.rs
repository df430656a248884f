//! `fgf catalog import | export | search`: the operator's catalogue commands.

use anyhow::Context;
use fgf_app::catalog::{self, ImportMode, Sheet, MATERIALS_SHEET, MATTERS_SHEET};
use fgf_app::{App, Config, SystemClock};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub enum Cmd {
    Import(PathBuf),
    Export(PathBuf),
    Search { query: String, json: bool },
    Reindex,
    Bench { matters: usize, queries: usize },
}

fn is_xlsx(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// `catalog.csv` → `catalog.materials.csv`.
pub fn materials_path(p: &Path) -> PathBuf {
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("catalog");
    p.with_file_name(format!("{stem}.materials.csv"))
}

fn read_text(p: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
}

pub async fn run(config: Config, cmd: Cmd) -> anyhow::Result<ExitCode> {
    if let Cmd::Bench { matters, queries } = cmd {
        // A fresh store of its own, so the benchmark never touches the district's data.
        let dir = std::env::temp_dir().join(format!("fgf-search-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let app = App::open(
            Config {
                data_dir: dir.clone(),
                ..Config::default()
            },
            Arc::new(SystemClock),
        )
        .await?;
        app.base().seed_demo().await?;
        let result = app.catalog().bench_search(matters, queries).await?;
        println!("{result}");
        let _ = std::fs::remove_dir_all(&dir);
        return Ok(ExitCode::SUCCESS);
    }
    let app = App::open(config, Arc::new(SystemClock)).await?;
    match cmd {
        Cmd::Import(file) => {
            let (matters, materials) = if is_xlsx(&file) {
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                (
                    Sheet::from_xlsx(&bytes, MATTERS_SHEET).map_err(anyhow::Error::msg)?,
                    Sheet::from_xlsx(&bytes, MATERIALS_SHEET).map_err(anyhow::Error::msg)?,
                )
            } else {
                let m = Sheet::from_csv(&read_text(&file)?).map_err(anyhow::Error::msg)?;
                let mp = materials_path(&file);
                let t = if mp.exists() {
                    Sheet::from_csv(&read_text(&mp)?).map_err(anyhow::Error::msg)?
                } else {
                    Sheet {
                        headers: catalog::MATERIAL_HEADERS
                            .iter()
                            .map(|h| (*h).to_owned())
                            .collect(),
                        rows: Vec::new(),
                    }
                };
                (m, t)
            };
            match app
                .catalog()
                .import_catalog(
                    app.system_ctx("cli"),
                    &matters,
                    &materials,
                    ImportMode::Publish,
                )
                .await?
            {
                Ok(summary) => {
                    println!("{}", json!({ "ok": true, "summary": summary }));
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{} 第{}行 {}：{}", e.sheet, e.row, e.column, e.reason);
                    }
                    println!("{}", json!({ "ok": false, "errors": errors }));
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Export(file) => {
            let (matters, materials) = app.catalog().export_catalog().await?;
            if is_xlsx(&file) {
                let bytes =
                    catalog::to_xlsx(&[(MATTERS_SHEET, &matters), (MATERIALS_SHEET, &materials)])
                        .map_err(anyhow::Error::msg)?;
                std::fs::write(&file, bytes)
                    .with_context(|| format!("cannot write {}", file.display()))?;
            } else {
                std::fs::write(&file, matters.to_csv())
                    .with_context(|| format!("cannot write {}", file.display()))?;
                let mp = materials_path(&file);
                std::fs::write(&mp, materials.to_csv())
                    .with_context(|| format!("cannot write {}", mp.display()))?;
            }
            println!(
                "{}",
                json!({ "ok": true, "matters": matters.rows.len(), "materials": materials.rows.len() })
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Reindex => {
            let n = app.catalog().sync_search_index(true).await?;
            println!("{}", json!({ "ok": true, "indexed": n }));
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench { .. } => Ok(ExitCode::SUCCESS),
        Cmd::Search {
            query,
            json: as_json,
        } => {
            let hits = app
                .catalog()
                .search_matters(&query, &Default::default(), 0, 20)
                .await?
                .hits;
            if as_json {
                println!("{}", serde_json::to_string(&hits)?);
            } else {
                for h in &hits {
                    println!("{}\t{}\t{}", h.code, h.name, h.department);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
