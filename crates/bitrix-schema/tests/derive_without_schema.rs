//! Derives without a schema file: names from the naming rules, codecs from the Rust types
//! and `codec = "..."`, and the attributes that stand in for what a schema would say.

use bitrix_schema::entity::{CrmEntity, Extra, FieldName};
use bitrix_schema::value::{EnumValue, StatusValue, Target};
use bitrix_schema::{CrmEntity, CrmEnum};
use serde_json::{Value, json};

#[derive(CrmEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    #[bitrix(id = 42, label = "Courier")]
    Courier,
    #[bitrix(id = 44)]
    Pickup,
    #[bitrix(unknown)]
    Other(u64),
}

#[derive(CrmEnum, Debug, Clone, PartialEq, Eq)]
enum Source {
    #[bitrix(status = "CALL", label = "Call")]
    Call,
    #[bitrix(status = "EMAIL")]
    Email,
    #[bitrix(unknown)]
    Other(String),
}

/// The example of the derive's documentation.
#[derive(CrmEntity, Debug, Default, Clone, PartialEq)]
#[bitrix(entity = "deal")]
struct MyDeal {
    #[bitrix(field = "ID", read_only)]
    id: Option<i64>,
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(field = "UF_CRM_DELIVERY")]
    delivery: Option<Delivery>,
    #[bitrix(field = "SOURCE_ID")]
    source: Option<Source>,
    #[bitrix(field = "OPENED")]
    opened: Option<bool>,
    #[bitrix(field = "UF_CRM_1700000002", codec = "uf_bool")]
    paid: Option<bool>,
    #[bitrix(field = "COMPANY_ID", codec = "link_id")]
    company: Option<u64>,
    #[bitrix(field = "UF_CRM_X", item = "ufCrmX")]
    x: Option<String>,
    #[bitrix(field = "DATE_CREATE", read_only)]
    created: Option<bitrix_schema::chrono::DateTime<bitrix_schema::chrono::FixedOffset>>,
    #[bitrix(field = "CONTACT_IDS", codec = "link_id", classic_only)]
    contacts: Option<Vec<u64>>,
    #[bitrix(skip)]
    local_note: String,
    #[bitrix(extra)]
    extra: Extra,
}

#[test]
fn names_follow_the_naming_rules_unless_given() {
    assert_eq!(MyDeal::TITLE, FieldName::new("TITLE", "title"));
    // The portal's converter keeps user-field codes of mixed digits and letters verbatim.
    assert_eq!(
        MyDeal::UF_CRM_1700000002,
        FieldName::new("UF_CRM_1700000002", "ufCrm_1700000002")
    );
    assert_eq!(
        MyDeal::UF_CRM_DELIVERY,
        FieldName::new("UF_CRM_DELIVERY", "ufCrmDelivery")
    );
    // A documented system rename.
    assert_eq!(
        MyDeal::DATE_CREATE,
        FieldName::new("DATE_CREATE", "createdTime")
    );
    assert_eq!(MyDeal::UF_CRM_X, FieldName::new("UF_CRM_X", "ufCrmX"));
    assert_eq!(MyDeal::CONTACT_IDS, FieldName::classic_only("CONTACT_IDS"));
    assert_eq!(MyDeal::FIELDS.len(), 10);
    assert_eq!(MyDeal::ENTITY_TYPE_ID, 2);
    assert_eq!(MyDeal::CLASSIC_PREFIX, Some("crm.deal"));
    assert!(!MyDeal::select(Target::Item).contains(&"contactIds"));
    assert_eq!(MyDeal::select(Target::Classic).len(), 10);
}

#[test]
fn the_rust_type_and_the_named_codec_choose_the_wire_format() {
    let mut deal = MyDeal {
        id: Some(7),
        title: Some("T".into()),
        delivery: Some(Delivery::Pickup),
        source: Some(Source::Other("WEB".into())),
        opened: Some(false),
        paid: Some(false),
        contacts: Some(vec![3, 4]),
        created: Some("2024-08-30T14:29:00+02:00".parse().unwrap()),
        local_note: "not sent".into(),
        ..MyDeal::default()
    };
    deal.clear(MyDealField::Company);
    deal.clear(MyDealField::X);
    assert_eq!(
        Value::Object(deal.to_fields(Target::Classic)),
        json!({
            "TITLE": "T",
            "UF_CRM_DELIVERY": 44,
            "SOURCE_ID": "WEB",
            "OPENED": "N",
            // A boolean user field is JSON `false` in classic methods, `"N"` in crm.item.
            "UF_CRM_1700000002": false,
            // The link codec clears with 0, the plain text codec with "".
            "COMPANY_ID": 0,
            "UF_CRM_X": "",
            "CONTACT_IDS": [3, 4],
        })
    );
    assert_eq!(
        Value::Object(deal.to_fields(Target::Item)),
        json!({
            "title": "T",
            "ufCrmDelivery": 44,
            "sourceId": "WEB",
            "opened": "N",
            "ufCrm_1700000002": "N",
            "companyId": 0,
            "ufCrmX": "",
        })
    );
    // Read-only fields appear in a record, not in a write.
    let record = deal.to_record(Target::Item);
    assert_eq!(record["id"], json!(7));
    assert_eq!(record["createdTime"], json!("2024-08-30T14:29:00+02:00"));
    assert_eq!(deal.id(), Some(7));
}

#[test]
fn records_read_through_the_same_codecs() {
    let record = json!({
        "ID": "12",
        "TITLE": "Read",
        "UF_CRM_DELIVERY": "42",
        "SOURCE_ID": "CALL",
        "OPENED": "Y",
        "UF_CRM_1700000002": "1",
        "COMPANY_ID": "0",
        "CONTACT_IDS": ["3"],
        "UF_CRM_UNKNOWN": "kept",
    });
    let read = MyDeal::from_fields(record.as_object().unwrap(), Target::Classic);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let deal = read.value;
    assert_eq!(deal.id, Some(12));
    assert_eq!(deal.delivery, Some(Delivery::Courier));
    assert_eq!(deal.source, Some(Source::Call));
    assert_eq!(deal.paid, Some(true));
    // 0 is "no link" for the link codec.
    assert_eq!(deal.company, None);
    assert_eq!(deal.contacts, Some(vec![3]));
    assert_eq!(deal.local_note, "");
    assert_eq!(deal.extra.get("UF_CRM_UNKNOWN"), Some(&json!("kept")));

    // A value of the wrong shape is a problem, kept raw; the rest still reads.
    let record = json!({"TITLE": "Still read", "OPENED": "maybe"});
    let read = MyDeal::from_fields(record.as_object().unwrap(), Target::Classic);
    assert_eq!(read.value.title.as_deref(), Some("Still read"));
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].field, "OPENED");
    assert_eq!(read.value.extra.get("OPENED"), Some(&json!("maybe")));
}

#[test]
fn enum_labels_come_from_attributes_without_a_schema() {
    assert_eq!(Delivery::Courier.label(), Some("Courier"));
    assert_eq!(Delivery::Pickup.label(), None);
    assert_eq!(Delivery::from_id(99), Delivery::Other(99));
    assert_eq!(Delivery::Other(99).id(), 99);
    assert_eq!(Delivery::from_label("Courier"), Some(Delivery::Courier));
    assert_eq!(Delivery::ALL, &[Delivery::Courier, Delivery::Pickup]);
    assert_eq!(Source::Email.id(), "EMAIL");
    assert_eq!(Source::from_id("CALL").label(), Some("Call"));
    assert_eq!(Source::from_known_id("FAX"), None);
}

/// A smart process: only crm.item names, derived from the UPPER names.
#[derive(CrmEntity, Debug, Default, Clone, PartialEq)]
#[bitrix(entity = "smart:1268", field_enum = "ProcurementClear")]
struct Procurement {
    #[bitrix(field = "ID", read_only)]
    id: Option<u64>,
    #[bitrix(field = "UF_CRM_44_1721812760630")]
    budget: Option<f64>,
    #[bitrix(field = "CREATED_TIME", read_only)]
    created: Option<bitrix_schema::chrono::DateTime<bitrix_schema::chrono::FixedOffset>>,
    #[bitrix(extra)]
    extra: Extra,
}

#[test]
fn smart_processes_have_only_item_names() {
    assert_eq!(Procurement::ENTITY_TYPE_ID, 1268);
    assert_eq!(Procurement::CLASSIC_PREFIX, None);
    assert_eq!(
        Procurement::UF_CRM_44_1721812760630,
        FieldName::item_only("ufCrm44_1721812760630")
    );
    assert_eq!(
        Procurement::CREATED_TIME.wire(Target::Item),
        Some("createdTime")
    );
    assert_eq!(
        Procurement::select(Target::Item),
        ["id", "ufCrm44_1721812760630", "createdTime"]
    );
    assert!(Procurement::select(Target::Classic).is_empty());
    let mut p = Procurement {
        budget: Some(1.5),
        ..Procurement::default()
    };
    assert_eq!(
        Value::Object(p.to_fields(Target::Item)),
        json!({"ufCrm44_1721812760630": 1.5})
    );
    p.clear(ProcurementClear::Budget);
    assert_eq!(
        Value::Object(p.to_fields(Target::Item)),
        json!({"ufCrm44_1721812760630": ""})
    );
    assert!(p.to_fields(Target::Classic).is_empty());
}

mod reexport {
    pub use bitrix_schema as runtime;
}

/// The runtime reached through another path, as a crate re-exporting bitrix_schema would.
#[derive(CrmEntity, Debug, Default)]
#[bitrix(entity = "lead", crate = "crate::reexport::runtime")]
struct ThroughReexport {
    #[bitrix(field = "PHONE")]
    phone: Option<Vec<bitrix_schema::value::Multifield>>,
    #[bitrix(field = "NAME")]
    name: Option<String>,
    #[bitrix(extra)]
    extra: Extra,
}

#[test]
fn the_runtime_path_can_be_overridden() {
    assert_eq!(ThroughReexport::ENTITY_TYPE_ID, 1);
    // Multifields come back in crm.item only with `*`.
    assert_eq!(ThroughReexport::select(Target::Item), ["*"]);
    assert_eq!(ThroughReexport::select(Target::Classic), ["NAME", "PHONE"]);
    let phone = json!({"ID": "1", "VALUE_TYPE": "WORK", "VALUE": "+1", "TYPE_ID": "PHONE"});
    let record = json!({"NAME": "Ann", "PHONE": [phone]});
    let read = ThroughReexport::from_fields(record.as_object().unwrap(), Target::Classic);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let phones = read.value.phone.expect("phones read");
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0].value, "+1");
    assert_eq!(read.value.name.as_deref(), Some("Ann"));
}
