//! The `bitrix-codegen` command, run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/bitrix.toml");

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bitrix-codegen"));
    cmd.env_remove("BITRIX_WEBHOOK_URL");
    cmd
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bitrix-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_edited(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> String {
    let text = std::fs::read_to_string(FIXTURE_SCHEMA).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, edit(text)).unwrap();
    path.display().to_string()
}

/// Set `BITRIX_UPDATE_SNAPSHOTS=1` to rewrite after an intended change.
#[test]
fn help_is_pinned() {
    let mut all = String::new();
    for sub in ["", "pull", "check", "diff", "generate", "name"] {
        let args: Vec<&str> = [sub, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let out = run(&args);
        assert!(out.status.success());
        all.push_str(&format!(
            "$ bitrix-codegen {}\n{}\n",
            args.join(" "),
            stdout(&out)
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/help.txt");
    if std::env::var_os("BITRIX_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &all).unwrap();
    }
    let pinned = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        pinned == all,
        "--help output changed; rerun with BITRIX_UPDATE_SNAPSHOTS=1:\n{all}"
    );
}

#[test]
fn diff_exit_codes_tell_drift_from_sameness_and_errors() {
    let dir = temp_dir("diff");
    let same = write_edited(&dir, "same.toml", |t| t);
    let out = run(&["diff", FIXTURE_SCHEMA, &same]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");

    // A new enumeration item is additive.
    let additive = write_edited(&dir, "additive.toml", |t| {
        t.replacen(
            "    { id = 3181, label = \"DFM Yuriev-Polsky\"",
            "    { id = 3190, label = \"Jazz\", sort = 140 },\n    \
             { id = 3181, label = \"DFM Yuriev-Polsky\"",
            1,
        )
    });
    let out = run(&["diff", FIXTURE_SCHEMA, &additive]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("+ deal.UF_CRM_1724077760.items.3190"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("to accept these changes, run: ")
    );
    let out = run(&["diff", FIXTURE_SCHEMA, &additive, "--allow", "additive"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // A removed field is breaking, also with --allow additive.
    let breaking = write_edited(&dir, "breaking.toml", |t| {
        t.replacen(
            "[deal.fields.UTM_TERM]\n",
            "[deal.fields.UTM_TERM_GONE]\n",
            1,
        )
    });
    let out = run(&["diff", FIXTURE_SCHEMA, &breaking, "--allow", "additive"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["diff", FIXTURE_SCHEMA, &breaking, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    assert!(json.to_string().contains("UTM_TERM"), "{json}");
    let out = run(&["diff", FIXTURE_SCHEMA, &breaking, "--format", "github"]);
    assert!(stdout(&out).starts_with("::"), "{}", stdout(&out));

    // An unreadable file is an error (1), never drift (2).
    let out = run(&[
        "diff",
        FIXTURE_SCHEMA,
        &dir.join("nope.toml").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope.toml"), "{}", stderr(&out));
    let bad = write_edited(&dir, "bad.toml", |t| {
        t.replacen("version = 1", "version = 1\nfoo = 2", 1)
    });
    let out = run(&["diff", FIXTURE_SCHEMA, &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.toml:"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generate_check_catches_a_stale_file() {
    let dir = temp_dir("generate");
    let out_file = dir.join("bitrix.rs").display().to_string();
    let out = run(&["generate", FIXTURE_SCHEMA, "-o", &out_file, "--check"]);
    assert_eq!(out.status.code(), Some(2), "a missing file is stale");
    let out = run(&["generate", FIXTURE_SCHEMA, "-o", &out_file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["generate", FIXTURE_SCHEMA, "-o", &out_file, "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The schema gains an item: the committed code is stale.
    let newer = write_edited(&dir, "newer.toml", |t| {
        t.replacen("label = \"Love Radio\"", "label = \"Love Radio FM\"", 1)
    });
    let out = run(&["generate", &newer, "-o", &out_file, "--check"]);
    assert_eq!(out.status.code(), Some(2));
    let last = stdout(&out).trim_end().lines().last().unwrap().to_string();
    assert_eq!(
        last,
        format!("to regenerate it, run: bitrix-codegen generate {newer} -o {out_file}")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn name_translates_both_ways() {
    let cases = [
        (vec!["name", "UF_CRM_1721244707107"], "ufCrm_1721244707107"),
        (vec!["name", "ufCrm_1721244707107"], "UF_CRM_1721244707107"),
        (
            vec!["name", "UF_CRM_44_1721812760630", "--entity", "smart:1268"],
            "ufCrm44_1721812760630",
        ),
        (vec!["name", "DATE_CREATE"], "createdTime"),
        (vec!["name", "stageId", "--entity", "lead"], "STATUS_ID"),
        (
            vec!["name", "COMPANY_TYPE", "--entity", "company"],
            "typeId",
        ),
        (
            vec!["name", "UF_CRM_HELLO_WORLD", "--schema", FIXTURE_SCHEMA],
            "ufCrmHelloWorld",
        ),
    ];
    for (args, expected) in cases {
        let out = run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), expected, "{args:?}");
    }
    let out = run(&["name", "X", "--entity", "deals"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`deals` is not an entity"));
}

#[test]
fn usage_errors_exit_1_never_the_drift_code() {
    for args in [
        vec!["chekc"],
        vec![],
        vec!["diff", FIXTURE_SCHEMA],
        vec!["diff", FIXTURE_SCHEMA, FIXTURE_SCHEMA, "--format", "githb"],
        vec!["generate", FIXTURE_SCHEMA, "--check"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(run(&["--version"]).status.code(), Some(0));
}

#[test]
fn name_refuses_what_is_not_a_field_name() {
    for bad in ["", "__", "hello world", "UF_", "UF_CRM_ПРИВЕТ", "ufCrm-1"] {
        let out = run(&["name", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}: {}", stdout(&out));
        assert!(
            stderr(&out).starts_with("error: "),
            "{bad:?}: {}",
            stderr(&out)
        );
    }
}
