//! Scenario 5: generating and compiling code for a 5,000-field schema.
//!
//! Generation runs in process (`bitrix_codegen::generate_code`, formatting included) and is
//! set against formatting the same fields as plain serde structs with prettyplease, the floor
//! of any generator. Compiling runs `cargo check --release --offline` on a throwaway crate in
//! a temporary directory with a target directory of its own: cold (the target directory
//! emptied, so dependencies are checked too) and warm (only the crate's own source touched).
//! The same is done for a crate holding the plain serde structs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bitrix_codegen::{Options, generate_code};
use bitrix_schema::file;

use crate::results::{CompileRun, GenerationResult};

/// Field types cycled through, with the Rust type the floor uses for each.
const KINDS: [(&str, &str, bool); 10] = [
    ("string", "String", false),
    ("integer", "i64", false),
    ("double", "f64", false),
    ("date", "String", false),
    ("datetime", "String", false),
    ("boolean", "bool", false),
    ("money", "String", false),
    ("enumeration", "u64", false),
    ("url", "String", false),
    ("string", "Vec<String>", true),
];

/// A schema of `entities` entities (a deal, then smart processes) of `per_entity` user
/// fields each, in the TOML format of docs/schema-format.md.
pub fn schema_text(entities: usize, per_entity: usize) -> String {
    let mut out = String::from("version = 1\n");
    let mut item_id = 10_000u64;
    for e in 0..entities {
        let (table, prefix, camel) = if e == 0 {
            ("deal".to_owned(), "UF_CRM_".to_owned(), "ufCrm_".to_owned())
        } else {
            let type_id = 100 + e;
            let table = format!("smart.{}", 2000 + 2 * e);
            let _ = write!(
                out,
                "\n[{table}]\ntype_id = {type_id}\ntitle = \"Process {e}\"\ncode = \"p{e}\"\n"
            );
            (
                table,
                format!("UF_CRM_{type_id}_"),
                format!("ufCrm{type_id}_"),
            )
        };
        if e == 0 {
            out.push_str("\n[deal]\n");
        }
        for f in 0..per_entity {
            let (ty, _, multiple) = KINDS[f % KINDS.len()];
            let code = 1_700_000_000 + f;
            let _ = write!(
                out,
                "\n[{table}.fields.{prefix}{code}]\nitem = \"{camel}{code}\"\ntype = \"{ty}\"\n\
                 label = \"Field {f} of entity {e}\"\n"
            );
            if multiple {
                out.push_str("multiple = true\n");
            }
            if ty == "enumeration" {
                out.push_str("items = [\n");
                for (k, label) in ["Low", "Medium", "High"].iter().enumerate() {
                    item_id += 1;
                    let _ = writeln!(
                        out,
                        "    {{ id = {item_id}, label = \"{label} {f}\", sort = {} }},",
                        (k + 1) * 10
                    );
                }
                out.push_str("]\n");
            }
        }
    }
    out
}

/// The same fields as plain `#[derive(Serialize, Deserialize)]` structs.
pub fn floor_source(entities: usize, per_entity: usize) -> String {
    let mut out = String::from("use serde::{Deserialize, Serialize};\n");
    for e in 0..entities {
        let _ = write!(
            out,
            "#[derive(Debug, Clone, Default, Serialize, Deserialize)] pub struct Entity{e} {{"
        );
        let prefix = if e == 0 {
            "UF_CRM_".to_owned()
        } else {
            format!("UF_CRM_{}_", 100 + e)
        };
        for f in 0..per_entity {
            let (_, rust, _) = KINDS[f % KINDS.len()];
            let _ = write!(
                out,
                "#[serde(rename = \"{prefix}{}\", default, skip_serializing_if = \
                 \"Option::is_none\")] pub field_{f}: Option<{rust}>,",
                1_700_000_000 + f
            );
        }
        out.push_str("}\n");
    }
    out
}

/// Runs `f` `runs` times (at least once) and returns the median time and the last output.
fn median_seconds<T, E>(runs: usize, mut f: impl FnMut() -> Result<T, E>) -> Result<(f64, T), E> {
    let started = Instant::now();
    let mut out = f()?;
    let mut times = vec![started.elapsed().as_secs_f64()];
    for _ in 1..runs {
        let started = Instant::now();
        out = f()?;
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], out))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A throwaway crate: its own `[workspace]` (so Cargo does not look for one above it) and the
/// workspace's lock file (so `--offline` finds every version already downloaded).
fn make_crate(dir: &Path, name: &str, deps: &str, code: &str, lock: &Path) -> Result<(), String> {
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\n{deps}\n\n[workspace]\n"
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(
        &dir.join("src/lib.rs"),
        "#![allow(dead_code)]\ninclude!(\"code.rs\");\n",
    )?;
    write(&dir.join("src/code.rs"), code)?;
    std::fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    Ok(())
}

pub const CHECK_ARGS: [&str; 4] = ["check", "--release", "--offline", "--quiet"];

fn cargo_check(dir: &Path, target: &Path, cap: Duration) -> Result<f64, String> {
    let started = Instant::now();
    let mut child = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(CHECK_ARGS)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let seconds = started.elapsed().as_secs_f64();
            if status.success() {
                return Ok(seconds);
            }
            let mut err = String::new();
            if let Some(mut s) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut s, &mut err);
            }
            let tail: Vec<&str> = err.lines().rev().take(6).collect();
            return Err(format!("cargo check failed: {}", tail.join(" | ")));
        }
        if started.elapsed() > cap {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("capped at {} s", cap.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn compile(label: &str, dir: &Path, target: &Path, cap: Duration) -> CompileRun {
    let _ = std::fs::remove_dir_all(target);
    let cold = cargo_check(dir, target, cap);
    let warm = cold.as_ref().ok().map(|_| {
        // A new modification time on the crate's own source: only it is checked again.
        let lib = dir.join("src/code.rs");
        let text = std::fs::read_to_string(&lib).unwrap_or_default();
        let _ = std::fs::write(&lib, format!("{text}\n"));
        cargo_check(dir, target, cap)
    });
    let failure = match (&cold, &warm) {
        (Err(e), _) | (_, Some(Err(e))) => Some(e.clone()),
        _ => None,
    };
    CompileRun {
        label: label.to_owned(),
        cold_seconds: cold.ok(),
        warm_seconds: warm.and_then(Result::ok),
        failure,
    }
}

pub struct CompileSetup {
    pub workspace: PathBuf,
    pub work_dir: PathBuf,
    pub cap: Duration,
}

pub fn run(
    entities: usize,
    per_entity: usize,
    compile_setup: Option<&CompileSetup>,
) -> Result<GenerationResult, String> {
    let text = schema_text(entities, per_entity);
    let schema = file::parse(&text, "bench-5000.toml").map_err(|e| e.to_string())?;
    let fields: usize = schema.entities.iter().map(|e| e.fields.len()).sum();
    let options = Options {
        source_name: "bench-5000.toml".into(),
        ..Options::default()
    };
    let (generate_seconds, code) =
        median_seconds(3, || generate_code(&schema, &options)).map_err(|e| e.to_string())?;
    let floor_raw = floor_source(entities, per_entity);
    let (floor_format_seconds, floor) = median_seconds(3, || {
        syn::parse_file(&floor_raw).map(|f| prettyplease::unparse(&f))
    })
    .map_err(|e| format!("the floor source does not parse: {e}"))?;

    let (generated, floor_compile) = match compile_setup {
        Some(setup) => {
            let lock = setup.workspace.join("Cargo.lock");
            let schema_crate = setup.workspace.join("crates/bitrix-schema");
            let gen_dir = setup.work_dir.join("generated");
            let floor_dir = setup.work_dir.join("floor");
            let deps = format!(
                "bitrix-schema = {{ path = {:?} }}",
                schema_crate.display().to_string()
            );
            make_crate(&gen_dir, "bench_generated_5000", &deps, &code, &lock)?;
            let serde = "serde = { version = \"1\", features = [\"derive\"] }";
            make_crate(&floor_dir, "bench_floor_5000", serde, &floor, &lock)?;
            let generated = compile(
                "generated",
                &gen_dir,
                &setup.work_dir.join("target-generated"),
                setup.cap,
            );
            let floor_run = compile(
                "plain serde structs",
                &floor_dir,
                &setup.work_dir.join("target-floor"),
                setup.cap,
            );
            (generated, floor_run)
        }
        None => {
            let skipped = |label: &str| CompileRun {
                label: label.to_owned(),
                cold_seconds: None,
                warm_seconds: None,
                failure: Some("not run".into()),
            };
            (skipped("generated"), skipped("plain serde structs"))
        }
    };
    Ok(GenerationResult {
        fields,
        entities: schema.entities.len(),
        generated_lines: code.lines().count(),
        generate_seconds,
        floor_lines: floor.lines().count(),
        floor_format_seconds,
        compile_command: format!("cargo {}", CHECK_ARGS.join(" ")),
        generated,
        floor: floor_compile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_has_the_fields_asked_for_and_generates() {
        let text = schema_text(3, 20);
        let schema = file::parse(&text, "t.toml").unwrap();
        assert_eq!(schema.entities.len(), 3);
        let fields: usize = schema.entities.iter().map(|e| e.fields.len()).sum();
        assert_eq!(fields, 60);
        let r = run(3, 20, None).unwrap();
        assert_eq!(r.fields, 60);
        assert!(r.generated_lines > 60 * 3, "{}", r.generated_lines);
        assert!(syn::parse_file(&floor_source(3, 20)).is_ok());
    }
}
