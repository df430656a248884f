//! Tidy checks that keep the architecture honest, run with the tests (rust-analyzer's idea):
//! module docs everywhere, the dependency rules of ARCHITECTURE.md, handlers that reach the
//! store only through use cases, no ignored tests, and a catalogue message for every error
//! code the code can raise.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn all_sources() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for c in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        let src = c.path().join("src");
        if src.exists() {
            rust_files(&src, &mut v);
        }
    }
    v
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let missing: Vec<String> = all_sources()
        .into_iter()
        .filter(|p| {
            !std::fs::read_to_string(p)
                .unwrap()
                .trim_start()
                .starts_with("//!")
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a //! doc: {missing:?}");
}

/// The folders directly under a crate's `src`.
fn folders(krate: &str) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(root().join("crates").join(krate).join("src"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// ARCHITECTURE.md "Parts": every part has its folder in each layer and registers itself, and
/// every folder is a part, so a part cannot be half added or a folder forgotten by a registry.
#[test]
fn every_part_has_its_folder_in_each_crate_and_registers_there() {
    let parts: std::collections::BTreeSet<String> = fgf_app::parts::PARTS
        .iter()
        .map(|p| p.name.to_owned())
        .collect();
    // Data folders hold a part's demo files, not code.
    let code_folders = |krate: &str| -> std::collections::BTreeSet<String> {
        folders(krate).into_iter().filter(|f| f != "data").collect()
    };
    assert_eq!(
        code_folders("app"),
        parts,
        "crates/app/src folders vs app::parts::PARTS"
    );
    assert_eq!(
        code_folders("web"),
        parts,
        "crates/web/src folders vs the parts"
    );
    assert_eq!(
        code_folders("store"),
        parts,
        "crates/store/src folders vs the parts"
    );
    // The process part's rules are the engine crate.
    let mut domain = code_folders("domain");
    domain.insert("process".to_owned());
    assert_eq!(
        domain, parts,
        "crates/domain/src folders (+ the engine) vs the parts"
    );
    let read = |rel: String| {
        std::fs::read_to_string(root().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let web_table = read("crates/web/src/routes.rs".to_owned());
    let backup = read("crates/store/src/backup.rs".to_owned());
    for part in &parts {
        assert!(
            read(format!("crates/web/src/{part}/routes.rs")).contains("pub(crate) fn table()"),
            "{part}: web routes.rs declares table()"
        );
        assert!(
            web_table.contains(&format!("table.extend({part}::routes::table());")),
            "{part}: its routes are in web::routes::table()"
        );
        assert!(
            read(format!("crates/store/src/{part}/mod.rs")).contains("pub const TABLES"),
            "{part}: the store part declares its backup TABLES"
        );
        assert!(
            backup.contains(&format!("crate::{part}::TABLES")),
            "{part}: its tables are in the backup"
        );
        let app_mod = read(format!("crates/app/src/{part}/mod.rs"));
        for needle in ["pub const PART", "pub const GRANTS", "pub struct UseCases"] {
            assert!(
                app_mod.contains(needle),
                "{part}: app mod.rs lacks {needle}"
            );
        }
    }
}

fn dependencies(krate: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_deps = l == "[dependencies]";
            continue;
        }
        if in_deps {
            if let Some((name, _)) = l.split_once('=') {
                deps.push(name.trim().trim_end_matches(".workspace").to_owned());
            }
        }
    }
    deps
}

#[test]
fn dependency_rules_of_architecture_md_hold() {
    let io = ["tokio", "sqlx", "axum", "reqwest", "tower", "hyper"];
    for d in dependencies("domain") {
        assert!(
            !io.contains(&d.as_str()),
            "domain must stay pure, but depends on {d}"
        );
    }
    for d in dependencies("store") {
        assert!(
            !["axum", "maud", "fgf-app", "fgf-web", "tower"].contains(&d.as_str()),
            "store depends on {d}"
        );
    }
    for d in dependencies("app") {
        assert!(
            !["axum", "maud", "fgf-web", "sqlx", "tower"].contains(&d.as_str()),
            "app must not know HTTP or SQL, but depends on {d}"
        );
    }
    for d in dependencies("web") {
        assert!(d != "sqlx", "web must not run SQL");
    }
}

#[test]
fn no_sql_in_handlers_and_no_http_in_the_domain() {
    for p in all_sources() {
        let text = std::fs::read_to_string(&p).unwrap();
        let path = p.display().to_string();
        if path.contains("/web/src/") {
            assert!(!text.contains("sqlx::"), "{path} runs SQL");
        }
        if path.contains("/domain/src/") || path.contains("/app/src/") {
            assert!(
                !text.contains("axum::") && !text.contains("StatusCode"),
                "{path} knows HTTP"
            );
        }
    }
}

/// The source without its comments (line, doc and block comments, nested ones too); string
/// and character literals are kept as they are, so a `//` inside a string is not a comment.
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                // A raw string: r"…", r#"…"#; its end is a quote and as many hashes.
                let start = i;
                i += 1;
                let mut hashes = 0;
                while b.get(i) == Some(&b'#') {
                    hashes += 1;
                    i += 1;
                }
                if b.get(i) == Some(&b'"') {
                    i += 1;
                    let closes = |at: usize| {
                        b[at] == b'"'
                            && b[at + 1..].iter().take_while(|c| **c == b'#').count() >= hashes
                    };
                    while i < b.len() && !closes(i) {
                        i += 1;
                    }
                    i = (i + 1 + hashes).min(b.len());
                }
                out.extend_from_slice(&b[start..i]);
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.extend_from_slice(&b[start..i]);
            }
            b'\'' => {
                // A character literal ('"', '\'') is kept whole; a lifetime is just a quote.
                let len = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..].iter().position(|c| *c == b'\'').map(|p| p + 3)
                } else {
                    let c = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + c) == Some(&b'\'')).then_some(c + 2)
                };
                let end = (i + len.unwrap_or(1)).min(b.len());
                out.extend_from_slice(&b[i..end]);
                i = end;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn comment_stripping_keeps_code_and_strings() {
    let src = "let a = x.store(); // y.store()\n/* z.store() /* nested */ */ let u = \"http://a\";\nlet q = '\"'; /// w.store()\nlet r = r#\"//\"#;";
    let out = strip_comments(src);
    assert_eq!(out.matches(".store()").count(), 1, "{out}");
    assert!(
        out.contains("\"http://a\"") && out.contains("'\"'") && out.contains("r#\"//\"#"),
        "{out}"
    );
}

/// Handlers parse, authorise, call a use case and render: the web crate never reaches the
/// store itself (ARCHITECTURE.md, `crates/web`), so a permission check cannot be left to the
/// handler. Store types that are plain data (rows, `Page`) may still be named.
#[test]
fn web_reaches_the_store_only_through_use_cases() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/web/src"), &mut files);
    let mut offenders: Vec<String> = files
        .into_iter()
        .filter(|p| strip_comments(&std::fs::read_to_string(p).unwrap()).contains(".store()"))
        .map(|p| p.display().to_string())
        .collect();
    offenders.sort();
    assert!(
        offenders.is_empty(),
        "these web files call `.store()`; call a use case of the part instead (app.base(), app.catalog(), …): {offenders:?}"
    );
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let mut files = all_sources();
    for c in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        let t = c.path().join("tests");
        if t.exists() {
            rust_files(&t, &mut files);
        }
    }
    let (ignore, should_panic) = (concat!("#[", "ignore"), concat!("#[", "should_panic"));
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            !text.contains(ignore) && !text.contains(should_panic),
            "{} ignores a test",
            p.display()
        );
    }
}

#[test]
fn every_error_code_has_a_catalogue_message() {
    let keys: std::collections::BTreeSet<&str> = fgf_app::i18n::keys().collect();
    let mut missing = Vec::new();
    // Store errors name entities, not codes; the codes are raised in app and web.
    for p in all_sources()
        .into_iter()
        .filter(|p| !p.display().to_string().contains("/store/"))
    {
        let text = std::fs::read_to_string(&p).unwrap();
        for pat in [
            "::invalid(\"",
            "::forbidden(\"",
            "::conflict(\"",
            "::not_found(\"",
            "::field(\"",
            "ErrorKind::Unauthenticated, \"",
            "ErrorKind::Locked, \"",
            "ErrorKind::TooManyRequests, \"",
            "ErrorKind::MethodNotAllowed, \"",
            "ErrorKind::Forbidden, \"",
            "ErrorKind::Unavailable, \"",
            "ErrorKind::Invalid, \"",
        ] {
            for (i, _) in text.match_indices(pat) {
                let rest = &text[i + pat.len()..];
                let code = &rest[..rest.find('"').unwrap()];
                if !keys.contains(code) {
                    missing.push(format!("{code} ({})", p.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "error codes without a message: {missing:?}"
    );
}
