//! The schema built from the real metadata responses in `fixtures/`, and its TOML file.

use bitrix_schema::file::{self, FileError};
use bitrix_schema::ingest::{PortalMetadata, build_schema};
use bitrix_schema::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The smart process whose `crm.item.fields` example is in the docs (entityTypeId 1268, user
/// fields `UF_CRM_44_*`) is not in the `crm.type.list` example, so the type list is extended
/// with one entry shaped exactly like its neighbours, carrying that process's two IDs.
fn types_with_1268() -> Value {
    let mut types = fixture("crm.type.list.json");
    let list = types["result"]["types"].as_array_mut().unwrap();
    let mut spa = list[0].clone();
    spa["id"] = 44.into();
    spa["entityTypeId"] = 1268.into();
    spa["title"] = "Equipment Procurement".into();
    spa["code"] = "procurement".into();
    list.push(spa);
    types
}

fn spa_item_fields() -> Value {
    let mut fields = fixture("crm.item.fields.json");
    let uf = fixture("crm.item.fields.userfields-fragment.json");
    let target = fields["result"]["fields"].as_object_mut().unwrap();
    for (k, v) in uf.as_object().unwrap() {
        target.insert(k.clone(), v.clone());
    }
    fields
}

fn metadata() -> PortalMetadata {
    let mut meta = PortalMetadata::default();
    for kind in EntityKind::CLASSIC {
        let name = kind.classic_name().unwrap();
        meta.classic_fields
            .insert(kind, fixture(&format!("crm.{name}.fields.json")));
    }
    meta.item_fields.insert(1268, spa_item_fields());
    meta.userfields
        .insert(EntityKind::Deal, fixture("crm.deal.userfield.list.json"));
    meta.userfield_config
        .push(fixture("userfieldconfig.list.json"));
    meta.types.push(types_with_1268());
    meta.statuses.push(fixture("crm.status.list.json"));
    meta.status_entity_types = Some(fixture("crm.status.entity.types.json"));
    meta.categories.insert(2, fixture("crm.category.list.json"));
    meta
}

fn schema() -> Schema {
    build_schema(&metadata()).expect("fixtures build a schema")
}

#[test]
fn every_metadata_fixture_loads() {
    let schema = schema();
    let kinds: Vec<String> = schema.entities.iter().map(|e| e.kind.to_string()).collect();
    assert_eq!(
        kinds,
        [
            "lead",
            "deal",
            "contact",
            "company",
            "smart:1226",
            "smart:1236",
            "smart:1246",
            "smart:1256",
            "smart:1268"
        ]
    );
    let deal = schema.entity(EntityKind::Deal).unwrap();
    let stage = deal.field("STAGE_ID").unwrap();
    assert_eq!(stage.ty, FieldType::CrmStatus);
    // Without crm.item.fields for deals, the documented renames give the crm.item names.
    let created = deal.field("DATE_CREATE").unwrap();
    assert_eq!(created.item_name.as_deref(), Some("createdTime"));
    assert_eq!(created.item_upper_name.as_deref(), Some("CREATED_TIME"));
    assert_eq!(stage.item_name.as_deref(), Some("stageId"));
    let lead = schema.entity(EntityKind::Lead).unwrap();
    let status = lead.field("STATUS_ID").unwrap();
    assert_eq!(status.item_name.as_deref(), Some("stageId"));
    assert_eq!(
        lead.field("PHONE").unwrap().item_name.as_deref(),
        Some("fm")
    );
    let company = schema.entity(EntityKind::Company).unwrap();
    let company_type = company.field("COMPANY_TYPE").unwrap();
    assert_eq!(company_type.item_name.as_deref(), Some("typeId"));
    assert_eq!(stage.status_type.as_deref(), Some("DEAL_STAGE"));
    assert!(stage.is_stage());
    let contact_id = deal.field("CONTACT_ID").unwrap();
    assert!(contact_id.deprecated);
    let company = deal.field("COMPANY_ID").unwrap();
    assert_eq!(
        company.link.as_ref().unwrap().parent_entity_type_id,
        Some(4)
    );
}

#[test]
fn user_field_list_brings_enumeration_items_and_labels() {
    let schema = schema();
    let deal = schema.entity(EntityKind::Deal).unwrap();
    let radio = deal.field("UF_CRM_1724077760").unwrap();
    assert_eq!(radio.ty, FieldType::Enumeration);
    assert!(radio.multiple && radio.user_field && radio.in_classic);
    assert_eq!(radio.label.as_deref(), Some("Radio"));
    // The classic list alone names no crm.item name, so the documented rule gives it.
    assert_eq!(radio.item_name.as_deref(), Some("ufCrm_1724077760"));
    let items: Vec<(u64, &str, i64)> = radio
        .items
        .iter()
        .map(|i| (i.id, i.label.as_str(), i.sort))
        .collect();
    assert_eq!(
        items,
        [
            (3157, "Children's Radio", 10),
            (3159, "Shanson Radio", 20),
            (3161, "Love Radio", 30),
            (3163, "Monte Carlo Radio", 40),
            (3181, "DFM Yuriev-Polsky", 130),
        ]
    );
    assert_eq!(
        radio.items[0].xml_id.as_deref(),
        Some("79b4c576f96e65eb40f390e45c0dc802")
    );

    let directory = deal.field("UF_CRM_1713790573").unwrap();
    assert_eq!(directory.status_type.as_deref(), Some("INDUSTRY"));
    let hello = deal.field("UF_CRM_HELLO_WORLD").unwrap();
    assert_eq!(hello.item_name.as_deref(), Some("ufCrmHelloWorld"));
    assert_eq!(
        hello.label.as_deref(),
        Some("Hello, world! Edit (modified)")
    );
    assert_eq!(
        hello.list_label.as_deref(),
        Some("Hello, world! Column (modified)")
    );
    let booking = deal.field("UF_CRM_1709565075").unwrap();
    assert_eq!(booking.ty, FieldType::ResourceBooking);
}

#[test]
fn item_names_come_from_the_portal_when_it_reports_them() {
    // The docs abbreviate this crm.item.fields response to one deal user field, so it is
    // loaded on its own: with it, classic deal fields it does not list have no crm.item name.
    let mut meta = metadata();
    meta.item_fields
        .insert(2, fixture("crm.item.fields.deal-date-uf.json"));
    let schema = build_schema(&meta).unwrap();
    let deal = schema.entity(EntityKind::Deal).unwrap();
    assert_eq!(deal.field("TITLE").unwrap().item_name, None);
    // Reported by crm.item.fields (no classic descriptor in this example).
    let paid = deal.field_by_item_name("ufCrm_1746431727372").unwrap();
    assert_eq!(paid.name, "UF_CRM_1746431727372");
    assert_eq!(paid.label.as_deref(), Some("Payment Date"));
    assert!(!paid.in_classic);

    let spa = schema.entity_by_type_id(1268).unwrap();
    assert_eq!(
        spa.kind,
        EntityKind::Smart {
            entity_type_id: 1268,
            type_id: 44
        }
    );
    let created = spa.field("CREATED_TIME").unwrap();
    assert_eq!(created.item_name.as_deref(), Some("createdTime"));
    let list = spa.field("UF_CRM_44_1721812814433").unwrap();
    assert_eq!(list.item_name.as_deref(), Some("ufCrm44_1721812814433"));
    assert_eq!(
        list.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [79, 80, 81, 82]
    );
    assert_eq!(list.label.as_deref(), Some("Custom field (list)"));
    let stage = spa.field("STAGE_ID").unwrap();
    assert_eq!(stage.status_type.as_deref(), Some("DYNAMIC_1268_STAGE_52"));
    let parent = spa.field("PARENT_ID_1248").unwrap();
    assert_eq!(parent.item_name.as_deref(), Some("parentId1248"));
    assert_eq!(
        parent.link.as_ref().unwrap().parent_entity_type_id,
        Some(1248)
    );
}

#[test]
fn pipelines_carry_their_stage_lists() {
    let schema = schema();
    let deal = schema.entity(EntityKind::Deal).unwrap();
    let ids: Vec<(u32, &str, bool)> = deal
        .categories
        .iter()
        .map(|c| (c.id, c.stage_list.as_str(), c.is_default))
        .collect();
    assert_eq!(
        ids,
        [
            (0, "DEAL_STAGE", true),
            (9, "DEAL_STAGE_9", false),
            (10, "DEAL_STAGE_10", false),
            (11, "DEAL_STAGE_11", false),
        ]
    );
    let general = &deal.categories[0];
    assert_eq!(general.stages[0].id, "NEW");
    assert_eq!(general.stages[0].semantics, Some(Semantics::Process));
    assert!(general.stages.iter().any(|s| s.id == "WON"));
    // The status list example holds the default pipeline only.
    assert!(deal.categories[1].stages.is_empty());
}

#[test]
fn reference_lists_are_shared_between_entities() {
    let schema = schema();
    let lists: Vec<&str> = schema.status_lists.keys().map(String::as_str).collect();
    assert!(lists.contains(&"SOURCE"), "{lists:?}");
    assert!(lists.contains(&"STATUS"), "{lists:?}");
    assert!(lists.contains(&"DEAL_TYPE"), "{lists:?}");
    assert!(lists.contains(&"INDUSTRY"), "{lists:?}");
    assert!(!lists.iter().any(|l| l.contains("STAGE")), "{lists:?}");
    assert_eq!(
        schema.status_lists["SOURCE"].name.as_deref(),
        Some("Sources")
    );
}

#[test]
fn company_crm_link_field_keeps_its_targets() {
    let schema = schema();
    let company = schema.entity(EntityKind::Company).unwrap();
    let sub = company.field("UF_CRM_1687188367").unwrap();
    assert_eq!(sub.ty, FieldType::Crm);
    assert_eq!(sub.label.as_deref(), Some("Subsidiary"));
    assert_eq!(sub.link.as_ref().unwrap().targets, ["COMPANY"]);
    let phone = company.field("PHONE").unwrap();
    assert_eq!(phone.ty, FieldType::CrmMultifield);
    assert!(phone.multiple);
}

#[test]
fn schema_round_trips_through_toml_unchanged() {
    let schema = schema();
    let text = file::render(&schema);
    let parsed = file::parse(&text, "bitrix.toml").expect("rendered text parses");
    assert_eq!(parsed, schema);
    assert_eq!(file::render(&parsed), text, "render is a fixed point");
    // Pulling twice from an unchanged portal gives an identical file.
    assert_eq!(file::render(&build_schema(&metadata()).unwrap()), text);
}

#[test]
fn output_does_not_depend_on_response_order() {
    let mut meta = metadata();
    let deal = meta.classic_fields.get_mut(&EntityKind::Deal).unwrap();
    let fields = deal["result"].as_object_mut().unwrap();
    let mut reversed: Vec<(String, Value)> =
        fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    reversed.reverse();
    fields.clear();
    fields.extend(reversed);
    meta.statuses[0]["result"].as_array_mut().unwrap().reverse();
    let a = file::render(&build_schema(&meta).unwrap());
    let b = file::render(&schema());
    assert_eq!(a, b);
}

fn invalid(text: &str) -> (usize, usize, String) {
    match file::parse(text, "bitrix.toml") {
        Err(FileError::Invalid {
            line,
            column,
            message,
            path,
        }) => {
            assert_eq!(path, "bitrix.toml");
            (line, column, message)
        }
        other => panic!("expected an invalid-file error, got {other:?}"),
    }
}

#[test]
fn misspelt_key_is_refused_with_position_and_suggestion() {
    let text = "version = 1\n\n[deal.fields.TITLE]\ntype = \"string\"\nlable = \"Title\"\n";
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (5, 1));
    assert!(message.contains("unknown field `lable`"), "{message}");
    assert!(message.ends_with("did you mean `label`?"), "{message}");
}

#[test]
fn duplicate_field_is_refused() {
    let text = "version = 1\n[deal.fields.TITLE]\ntype = \"string\"\n\
                [deal.fields.TITLE]\ntype = \"string\"\n";
    let (line, _, message) = invalid(text);
    assert_eq!(line, 4);
    assert!(message.starts_with("duplicate key `TITLE`"), "{message}");
}

#[test]
fn duplicate_item_id_is_refused_at_the_second_id() {
    let text = "version = 1\n[deal.fields.UF_CRM_1]\ntype = \"enumeration\"\nitems = [\n\
                { id = 1, label = \"A\" },\n    { id = 1, label = \"B\" },\n]\n";
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (6, 12));
    assert!(message.contains("item ID 1 appears twice"), "{message}");
}

#[test]
fn invalid_field_code_is_refused() {
    let text = "version = 1\n[deal.fields.\"UF_CRM_bad code\"]\ntype = \"string\"\n";
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (2, 14));
    assert!(message.starts_with("field `UF_CRM_bad code`"), "{message}");
}

#[test]
fn unknown_type_is_kept_and_unknown_version_refused() {
    let text = "version = 1\n[deal.fields.UF_CRM_1]\ntype = \"rest_219_test\"\n";
    let schema = file::parse(text, "bitrix.toml").unwrap();
    let ty = &schema.entity(EntityKind::Deal).unwrap().fields[0].ty;
    assert_eq!(ty, &FieldType::Other("rest_219_test".into()));

    let (line, column, message) = invalid("version = 7\n");
    assert_eq!((line, column), (1, 11));
    assert!(
        message.contains("unsupported schema format version 7"),
        "{message}"
    );
}

#[test]
fn update_keeps_user_settings_and_comments() {
    let schema = schema();
    let original = file::render(&schema);
    // A user names a variant, skips a field and comments on the file.
    let edited = original
        .replacen(
            "[deal.fields.UF_CRM_1724077760]\n",
            "# Radio stations we advertise on.\n[deal.fields.UF_CRM_1724077760]\n\
             rust_name = \"stations\"\n",
            1,
        )
        .replacen(
            "[deal.fields.UTM_TERM]\n",
            "[deal.fields.UTM_TERM]\nskip = true # nobody uses it\n",
            1,
        )
        .replacen(
            "{ id = 3159, label = \"Shanson Radio\",",
            "{ id = 3159, label = \"Shanson Radio\", rust_name = \"Shanson\",",
            1,
        );
    assert_ne!(edited, original);
    let user = file::parse(&edited, "bitrix.toml").unwrap();

    // The portal relabels one item, adds one, and drops a field.
    let mut fresh = schema.clone();
    let deal = fresh
        .entities
        .iter_mut()
        .find(|e| e.kind == EntityKind::Deal)
        .unwrap();
    let radio = deal
        .fields
        .iter_mut()
        .find(|f| f.name == "UF_CRM_1724077760")
        .unwrap();
    radio.items[0].label = "Kids Radio".into();
    radio.items.push(EnumItem {
        id: 3190,
        label: "Jazz Radio".into(),
        sort: 200,
        ..Default::default()
    });
    deal.fields.retain(|f| f.name != "UTM_CONTENT");

    let updated = file::update(&edited, "bitrix.toml", &fresh).unwrap();
    assert!(
        updated.contains("# Radio stations we advertise on.\n"),
        "{updated}"
    );
    assert!(
        updated.contains("skip = true # nobody uses it\n"),
        "{updated}"
    );
    let result = file::parse(&updated, "bitrix.toml").unwrap();
    let deal = result.entity(EntityKind::Deal).unwrap();
    let radio = deal.field("UF_CRM_1724077760").unwrap();
    assert_eq!(radio.rust_name.as_deref(), Some("stations"));
    assert_eq!(radio.items[0].label, "Kids Radio");
    assert_eq!(radio.items[1].rust_name.as_deref(), Some("Shanson"));
    assert_eq!(radio.items.last().unwrap().id, 3190);
    assert!(deal.field("UTM_TERM").unwrap().skip);
    assert!(deal.field("UTM_CONTENT").is_none());
    // Apart from the user's settings, the result is exactly the fresh schema.
    let mut expected = fresh.clone();
    let d = expected
        .entities
        .iter_mut()
        .find(|e| e.kind == EntityKind::Deal)
        .unwrap();
    for f in &mut d.fields {
        let prev = user.entity(EntityKind::Deal).unwrap().field(&f.name);
        if let Some(p) = prev {
            f.rust_name.clone_from(&p.rust_name);
            f.skip = p.skip;
            for item in &mut f.items {
                if let Some(pi) = p.items.iter().find(|i| i.id == item.id) {
                    item.rust_name.clone_from(&pi.rust_name);
                }
            }
        }
    }
    expected.normalize();
    assert_eq!(result, expected);

    // Updating with the same metadata again changes nothing.
    assert_eq!(
        file::update(&updated, "bitrix.toml", &fresh).unwrap(),
        updated
    );
}

#[test]
fn write_rewrites_only_on_change() {
    let dir = std::env::temp_dir().join(format!("bitrix-schema-write-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bitrix.toml");
    let _ = std::fs::remove_file(&path);
    let schema = schema();
    assert!(file::write(&path, &schema).unwrap());
    assert!(!file::write(&path, &schema).unwrap());
    assert_eq!(file::read(&path).unwrap(), schema);
    let missing = file::read(&dir.join("missing.toml")).unwrap_err();
    assert!(missing.to_string().contains("missing.toml"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn documented_example_is_canonical() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/schema-format.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find("```toml\n").expect("the doc has a toml example") + "```toml\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let schema = file::parse(example, "docs/schema-format.md").unwrap();
    assert_eq!(file::render(&schema), example);
    let deal = schema.entity(EntityKind::Deal).unwrap();
    let radio = deal.field("UF_CRM_1724077760").unwrap();
    assert_eq!(radio.rust_name.as_deref(), Some("stations"));
    assert_eq!(deal.categories[1].stages[0].id, "C9:NEW");
}

/// `fixtures/bitrix.toml` is the schema built from the metadata fixtures; other crates'
/// tests (code generation, derives) start from it. Set `BITRIX_UPDATE_SNAPSHOTS=1` to rewrite
/// it after an intended change.
#[test]
fn fixture_schema_file_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/bitrix.toml");
    let text = file::render(&schema());
    if std::env::var_os("BITRIX_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == text,
        "fixtures/bitrix.toml is stale; rerun with BITRIX_UPDATE_SNAPSHOTS=1 and review the diff"
    );
}

#[test]
fn rust_names_must_be_usable_as_they_are() {
    let base = "version = 1\n[deal.fields.UF_CRM_1]\ntype = \"enumeration\"\n";
    let cases = [
        ("rust_name = \"my name\"\n", "not a Rust field name"),
        ("rust_name = \"1abc\"\n", "not a Rust field name"),
        ("rust_name = \"fn\"\n", "not a Rust field name"),
        ("rust_name = \"Title\"\n", "not a Rust field name"),
        ("rust_name = \"extra\"\n", "`extra` is taken"),
        (
            "items = [{ id = 1, label = \"A\", rust_name = \"Unknown\" }]\n",
            "`Unknown` is taken",
        ),
        (
            "items = [{ id = 1, label = \"A\", rust_name = \"self\" }]\n",
            "not a Rust type name",
        ),
        (
            "items = [{ id = 1, label = \"A\", rust_name = \"B\" }, \
             { id = 2, label = \"C\", rust_name = \"B\" }]\n",
            "two items are named `B`",
        ),
    ];
    for (extra, expected) in cases {
        let text = format!("{base}{extra}");
        let (line, _, message) = invalid(&text);
        assert_eq!(line, 4, "{extra}");
        assert!(message.contains(expected), "{extra}: {message}");
    }
    let (_, _, message) = invalid("version = 1\n[deal]\nrust_name = \"my deal\"\n");
    assert!(
        message.starts_with("entity rust_name `my deal`"),
        "{message}"
    );
    let ok = format!(
        "{base}rust_name = \"stations\"\n\
         items = [{{ id = 1, label = \"A\", rust_name = \"Am\" }}]\n"
    );
    assert!(file::parse(&ok, "bitrix.toml").is_ok());
}
