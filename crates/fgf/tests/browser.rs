//! Runs the Playwright suite in `tests/browser` against the built binary, in Debian's
//! Chromium. `.ci/install` installs what it needs (`apt-get install chromium`, `npm ci`);
//! a browser is never downloaded. Set `FGF_SKIP_BROWSER=1` to leave it out explicitly.

use std::path::Path;
use std::process::Command;

#[test]
fn browser_suite_passes_in_headless_chromium() {
    if std::env::var("FGF_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("FGF_SKIP_BROWSER=1: browser suite skipped on request");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(Path::new(&chromium).exists(), "Chromium not found at {chromium}: run `.ci/install` (apt-get install chromium) or set FGF_SKIP_BROWSER=1");
    assert!(dir.join("node_modules/playwright-core").exists(), "playwright-core missing: run `.ci/install` (npm ci --prefix tests/browser) or set FGF_SKIP_BROWSER=1");
    let out = Command::new("node")
        .args(["--test", "--test-concurrency=1", "."])
        .current_dir(&dir)
        .env("FGF_BIN", env!("CARGO_BIN_EXE_fgf"))
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node must be installed to run the browser suite");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}\n{stderr}");
    assert!(out.status.success(), "browser suite failed");
    assert!(
        stdout.contains("# fail 0"),
        "browser suite reported failures"
    );
}
