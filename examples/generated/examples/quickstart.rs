//! A short tour of the product on a local portal: pull, check, generate, read both method
//! families into one type, verified writes, and drift detection.
//!
//! Run it from the repository root with `cargo run --example quickstart`. Everything talks
//! to an emulated portal on 127.0.0.1; nothing leaves the machine.

use std::error::Error;

use bitrix_client::{Auth, Client};
use bitrix_codegen::pull::{self, ClientSource, Selection};
use bitrix_codegen::report::{self, Format};
use bitrix_codegen::{Options, generate_code};
use bitrix_emulator::Emulator;
use bitrix_example_generated::bitrix::{Deal, Delivery};
use bitrix_schema::entity::CrmEntity;
use bitrix_schema::value::{EnumValue, Target};
use bitrix_schema::{diff, file};
use serde_json::json;

/// What `build.rs` generated into this program from the committed `bitrix.toml`.
const COMPILED_IN: &str = include_str!(concat!(env!("OUT_DIR"), "/bitrix.rs"));
const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bitrix.toml");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    println!("bitrix-typed quickstart: every request goes to 127.0.0.1\n");

    // 1. A portal: the emulator's built-in one, with generated records.
    let emu = Emulator::builder().seed(7).deals(20).start().await?;
    let client = Client::builder(Auth::webhook(&emu.webhook_url())?)
        // A silently dropped delivery option would cost us a shipment: verify it.
        .critical::<Deal>(&[Deal::UF_CRM_DELIVERY])
        .build()?;
    println!(
        "1. Portal emulator serving {}",
        bitrix_client::redact_url(&emu.webhook_url())
    );

    // 2. Pull its metadata, as `bitrix-codegen pull` does.
    let dir = std::env::temp_dir().join(format!("bitrix-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let pulled_path = dir.join("bitrix.toml");
    emu.reset_counters();
    let source = ClientSource::new(client.clone());
    let (pulled, _) = pull::pull(&source, &Selection::All, |_| {}).await?;
    file::write(&pulled_path, &pulled)?;
    let fields: usize = pulled.entities.iter().map(|e| e.fields.len()).sum();
    println!(
        "2. Pulled the field metadata: {} entities, {fields} fields, {} HTTP requests -> {}",
        pulled.entities.len(),
        emu.counters().http_requests,
        pulled_path.display()
    );
    let committed_text = std::fs::read_to_string(COMMITTED)?;
    let committed = file::parse(&committed_text, "bitrix.toml")?;
    let drift = diff::diff(&committed, &pulled);
    println!(
        "   Compared with the committed examples/generated/bitrix.toml: {} (its hand-set \
         rust_names are not drift)",
        drift.render_text().trim()
    );

    // 3. Generate code: refreshing the committed file from the portal keeps the user's edits,
    //    and the code generated from it is exactly what build.rs compiled into this program.
    let refreshed = file::update(&committed_text, "bitrix.toml", &pulled)?;
    let code = generate_code(
        &file::parse(&refreshed, "bitrix.toml")?,
        &Options::default(),
    )?;
    println!(
        "3. Generated {} lines of Rust from it; identical to the code compiled into this \
         program: {}",
        code.lines().count(),
        code == COMPILED_IN
    );
    let mut surprises = Vec::new();
    if !drift.is_empty() || code != COMPILED_IN {
        surprises.push("the pulled schema or its code differs from the committed one");
    }

    // 4. One deal through both method families, into one type.
    let classic = client.records::<Deal>().family(Target::Classic);
    let item = client.records::<Deal>().family(Target::Item);
    // The first generated deal that has a delivery option (the emulator fills most).
    let mut id = 1;
    for candidate in 1..=20 {
        if classic.get(candidate).await?.value.delivery.is_some() {
            id = candidate;
            break;
        }
    }
    let via_classic = classic.get(id).await?;
    let via_item = item.get(id).await?;
    let (mut a, mut b) = (via_classic.value.clone(), via_item.value.clone());
    a.extra = Default::default();
    b.extra = Default::default();
    println!(
        "4. Deal {id} read through crm.deal.get and crm.item.get: the same value: {}",
        a == b
    );
    if a != b {
        surprises.push("the two families read to different values");
    }
    println!(
        "   title {:?}, stage {:?}, delivery {:?}",
        a.title.as_deref().unwrap_or(""),
        a.stage_id,
        a.delivery
    );
    println!(
        "   written back: {} for crm.deal.update, {} for crm.item.update",
        json!(a.to_fields(Target::Classic).get("UF_CRM_DELIVERY")),
        json!(a.to_fields(Target::Item).get("ufCrmDelivery"))
    );

    // 5. An enumeration field set by ID, verified by reading it back.
    let update = Deal {
        delivery: Some(Delivery::Pickup),
        ..Deal::default()
    };
    let verified = classic.update(id, &update).await?;
    let stored = classic.get(id).await?.value.delivery;
    println!(
        "5. Set delivery to Delivery::Pickup (item ID {}) with crm.deal.update; checked on \
         read-back: {:?}; stored: {:?}",
        Delivery::Pickup.id(),
        verified.checked,
        stored
    );

    // 6. A value outside the list: the portal answers success and stores nothing.
    let bogus = Deal {
        delivery: Some(Delivery::Unknown(999)),
        ..Deal::default()
    };
    match item.update(id, &bogus).await {
        Ok(_) => {
            println!("6. UNEXPECTED: the silent drop went unnoticed");
            surprises.push("the silent drop went unnoticed");
        }
        Err(e) => println!(
            "6. Wrote item ID 999, which the list does not have; the portal answered success \
             and kept {:?}. The verified update caught it:\n   {e}",
            item.get(id).await?.value.delivery
        ),
    }

    // 7. A field added on the portal: the drift check the CI job runs.
    client
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "SIZE_CLASS", "USER_TYPE_ID": "enumeration",
                   "EDIT_FORM_LABEL": "Size", "LIST": [{"VALUE": "S"}, {"VALUE": "XL"}]}}),
        )
        .await?;
    let (live, _) = pull::pull(&source, &Selection::All, |_| {}).await?;
    let d = diff::diff(&committed, &live);
    let exit = if report::is_drift(&d, false) { 2 } else { 0 };
    println!("7. Added the list field \"Size\" on the portal; `bitrix-codegen check` reports:");
    let rendered = report::render(&d, Format::Text, "bitrix.toml", &committed_text);
    for line in rendered.lines().filter(|l| !l.is_empty()) {
        println!("     {line}");
    }
    println!("     to accept these changes, run: bitrix-codegen pull -o bitrix.toml");
    println!("     -> exit code {exit}");
    if exit != 2 {
        surprises.push("the added field was not reported as drift");
    }

    std::fs::remove_dir_all(&dir)?;
    emu.shutdown().await;
    if !surprises.is_empty() {
        return Err(format!("the tour went wrong: {}", surprises.join("; ")).into());
    }
    println!("\nDone. Next: README.md for build.rs, the derive, the CLI and the client.");
    Ok(())
}
