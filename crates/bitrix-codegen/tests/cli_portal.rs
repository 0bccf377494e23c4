//! `pull` and `check` against the portal emulator on 127.0.0.1.

use std::path::PathBuf;
use std::process::{Command, Output};

use bitrix_emulator::{BlockingEmulator, Emulator, Portal};
use serde_json::json;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bitrix-codegen"));
    cmd.env_remove("BITRIX_WEBHOOK_URL");
    cmd
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bitrix-cli-portal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn emulator(portal: Portal) -> BlockingEmulator {
    Emulator::builder()
        .portal(portal)
        .seed(3)
        .deals(5)
        .start_blocking()
        .expect("emulator starts on 127.0.0.1")
}

fn pull_into(emu: &BlockingEmulator, path: &str) -> Output {
    run(&["pull", "--webhook", &emu.webhook_url(), "-o", path])
}

#[test]
fn pull_then_check_is_in_sync_in_few_requests() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("sync");
    let schema = dir.join("bitrix.toml").display().to_string();

    emu.reset_counters();
    let out = pull_into(&emu, &schema);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let requests = emu.counters().http_requests;
    assert!(requests <= 4, "pull took {requests} HTTP requests");
    let written = std::fs::read_to_string(&schema).unwrap();
    assert!(written.contains("[deal.fields.UF_CRM_DELIVERY]"));
    assert!(written.contains("[smart.1268]"));

    // The webhook may also come from the environment.
    let out = bin()
        .args(["check", &schema])
        .env("BITRIX_WEBHOOK_URL", emu.webhook_url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "no changes\n");

    // Pulling again from the unchanged portal leaves the file byte for byte.
    let out = pull_into(&emu, &schema);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), written);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pull_keeps_the_users_edits() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("edits");
    let schema = dir.join("bitrix.toml").display().to_string();
    assert!(pull_into(&emu, &schema).status.success());
    let edited = std::fs::read_to_string(&schema).unwrap().replacen(
        "[deal.fields.UF_CRM_DELIVERY]\n",
        "# How the goods travel.\n[deal.fields.UF_CRM_DELIVERY]\nrust_name = \"shipping\"\n",
        1,
    );
    std::fs::write(&schema, &edited).unwrap();
    assert!(pull_into(&emu, &schema).status.success());
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), edited);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn entity_options_narrow_check_and_pull_without_losing_the_rest() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("narrow");
    let schema = dir.join("bitrix.toml").display().to_string();
    assert!(pull_into(&emu, &schema).status.success());
    let edited = std::fs::read_to_string(&schema).unwrap().replacen(
        "[deal.fields.UF_CRM_DELIVERY]\n",
        "[deal.fields.UF_CRM_DELIVERY]\nrust_name = \"shipping\"\n",
        1,
    );
    std::fs::write(&schema, &edited).unwrap();

    // Checking leads alone compares leads alone.
    let out = run(&[
        "check",
        &schema,
        "--webhook",
        &emu.webhook_url(),
        "--entity",
        "lead",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // Pulling leads alone refreshes leads and keeps deals, smart processes and edits.
    let out = run(&[
        "pull",
        "--webhook",
        &emu.webhook_url(),
        "--entity",
        "lead",
        "-o",
        &schema,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), edited);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_field_added_on_the_portal_is_additive_drift() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("added");
    let schema = dir.join("bitrix.toml").display().to_string();
    assert!(pull_into(&emu, &schema).status.success());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client =
        bitrix_client::Client::builder(bitrix_client::Auth::webhook(&emu.webhook_url()).unwrap())
            .build()
            .unwrap();
    runtime
        .block_on(client.call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "SIZE_CLASS", "USER_TYPE_ID": "enumeration",
                   "EDIT_FORM_LABEL": "Size", "LIST": [{"VALUE": "S"}, {"VALUE": "XL"}]}}),
        ))
        .expect("the field is added");

    let out = run(&["check", &schema, "--webhook", &emu.webhook_url()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("+ deal.UF_CRM_SIZE_CLASS"), "{report}");
    assert!(report.contains("[additive]"), "{report}");
    assert_eq!(
        report.trim_end().lines().last().unwrap(),
        format!("to accept these changes, run: bitrix-codegen pull -o {schema}")
    );
    assert!(
        text(&out.stderr).contains("0 breaking, 1 additive"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&[
        "check",
        &schema,
        "--webhook",
        &emu.webhook_url(),
        "--allow",
        "additive",
    ]);
    assert_eq!(out.status.code(), Some(0));

    let out = run(&[
        "check",
        &schema,
        "--webhook",
        &emu.webhook_url(),
        "--format",
        "github",
    ]);
    let first = text(&out.stdout).lines().next().unwrap().to_string();
    let deal_line = std::fs::read_to_string(&schema)
        .unwrap()
        .lines()
        .position(|l| l == "[deal]")
        .unwrap()
        + 1;
    assert!(
        first.starts_with(&format!("::warning file={schema},line={deal_line},")),
        "{first}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stage_removed_on_the_portal_is_breaking_drift() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("removed");
    let schema = dir.join("bitrix.toml").display().to_string();
    assert!(pull_into(&emu, &schema).status.success());

    // The same portal, less one stage of the default deal pipeline.
    let statuses_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../bitrix-emulator/portal/crm.status.list.json"
    );
    let mut statuses: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(statuses_path).unwrap()).unwrap();
    let list = statuses["result"].as_array_mut().unwrap();
    let before = list.len();
    list.retain(|s| !(s["ENTITY_ID"] == "DEAL_STAGE" && s["STATUS_ID"] == "PREPARATION"));
    assert_eq!(list.len(), before - 1, "the default portal has the stage");
    let changed =
        emulator(Portal::default().with_file("crm.status.list.json", statuses.to_string()));

    let out = run(&[
        "check",
        &schema,
        "--webhook",
        &changed.webhook_url(),
        "--allow",
        "additive",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("- deal.categories.0.stages.PREPARATION"),
        "{report}"
    );
    assert!(report.contains("[breaking]"), "{report}");
    let out = run(&[
        "check",
        &schema,
        "--webhook",
        &changed.webhook_url(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.to_string().contains("stage_removed"), "{json}");
    drop(emu);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_wrong_secret_is_an_error_without_the_secret() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("secret");
    let schema = dir.join("bitrix.toml").display().to_string();
    assert!(pull_into(&emu, &schema).status.success());
    let good = emu.webhook_url();
    let secret = good
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let wrong_secret = "s3cr3t-that-must-not-leak";
    let bad = good.replace(&secret, wrong_secret);

    for args in [
        vec!["check", schema.as_str(), "--webhook", bad.as_str()],
        vec!["pull", "--webhook", bad.as_str(), "-o", schema.as_str()],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(all.contains("INVALID_CREDENTIALS"), "{all}");
        assert!(all.contains("check the webhook URL"), "{all}");
        assert!(!all.contains(wrong_secret), "the secret leaked: {all}");
        assert!(!all.contains(&secret), "the real secret leaked: {all}");
    }
    let out = run(&["check", &schema]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("BITRIX_WEBHOOK_URL"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_enumeration_item_removed_on_the_portal_is_breaking_drift() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("item");
    let schema = dir.join("bitrix.toml").display().to_string();
    assert!(pull_into(&emu, &schema).status.success());

    // The same portal whose "Delivery" list lost its option 46, in every view the portal
    // gives of the list: both field lists, the user-field list and userfieldconfig.
    let removed = 46;
    let mut portal = Portal::default();
    for name in [
        "crm.deal.fields.json",
        "crm.item.fields.2.json",
        "crm.deal.userfield.list.json",
        "userfieldconfig.list.json",
    ] {
        let path = format!(
            "{}/../bitrix-emulator/portal/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(drop_item(&mut doc, removed), "{name} lists item {removed}");
        portal = portal.with_file(name, doc.to_string());
    }
    let changed = emulator(portal);

    let out = run(&["check", &schema, "--webhook", &changed.webhook_url()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let expected = format!("- deal.UF_CRM_DELIVERY.items.{removed}");
    assert!(report.contains(&expected), "{report}");
    assert!(report.contains("[breaking]"), "{report}");
    let out = run(&[
        "check",
        &schema,
        "--webhook",
        &changed.webhook_url(),
        "--format",
        "github",
    ]);
    let first = text(&out.stdout).lines().next().unwrap().to_string();
    assert!(first.starts_with("::error file="), "{first}");
    drop(emu);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Removes enumeration item `id` wherever a list of items (`items`, `LIST`, `enum`) holds it.
fn drop_item(value: &mut serde_json::Value, id: u64) -> bool {
    let is_item = |v: &serde_json::Value| {
        let item_id = v.get("ID").or_else(|| v.get("id"));
        item_id.is_some_and(|x| x == &json!(id) || x == &json!(id.to_string()))
            && (v.get("VALUE").is_some() || v.get("value").is_some())
    };
    match value {
        serde_json::Value::Array(list) => {
            let before = list.len();
            list.retain(|v| !is_item(v));
            let mut found = list.len() != before;
            for v in list.iter_mut() {
                found |= drop_item(v, id);
            }
            found
        }
        serde_json::Value::Object(map) => {
            let mut found = false;
            for v in map.values_mut() {
                found |= drop_item(v, id);
            }
            found
        }
        _ => false,
    }
}

#[test]
fn a_pull_of_one_smart_process_writes_only_that_process() {
    let emu = emulator(Portal::default());
    let dir = temp_dir("one-smart");
    let schema = dir.join("bitrix.toml").display().to_string();
    let out = run(&[
        "pull",
        "--webhook",
        &emu.webhook_url(),
        "--entity",
        "smart:1268",
        "-o",
        &schema,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&schema).unwrap();
    let entities: Vec<&str> = written
        .lines()
        .filter(|l| l.starts_with('[') && !l.contains(".fields.") && !l.starts_with("[["))
        .filter(|l| !l.starts_with("[status_lists."))
        .collect();
    assert_eq!(entities, ["[smart.1268]"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
