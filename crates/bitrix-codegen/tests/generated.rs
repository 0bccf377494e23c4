//! The snapshots of generated code, compiled under `deny(warnings)` in modules that shadow
//! `Option`, `String`, `Result`, `Vec` and `Some`, and exercised on the real example records.

use bitrix_schema::entity::CrmEntity;
use bitrix_schema::value::{EnumValue, StatusValue, Target};
use serde_json::{Map, Value, json};

mod fixtures {
    // A test crate reports unused `pub` items as dead; a library would not.
    #![deny(warnings)]
    #![allow(dead_code)]

    pub struct Option;
    pub struct String;
    pub struct Vec;
    pub struct Some;
    pub type Result = ();

    include!("snapshots/fixtures.rs");
}

mod awkward {
    #![deny(warnings)]
    #![allow(dead_code)]

    pub struct Option;
    pub struct String;
    pub type Result<T> = (T, T);

    include!("snapshots/awkward.rs");
}

use fixtures::{Company, Contact, Deal, DealField, DealStage, DealStageGeneral, Lead, Radio};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn object(v: &Value) -> &Map<String, Value> {
    v.as_object().expect("an object")
}

fn read<T: CrmEntity>(record: &Value, target: Target) -> T {
    let read = T::from_fields(object(record), target);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    read.value
}

#[test]
fn classic_deal_get_reads_into_the_generated_struct() {
    let deal: Deal = read(&fixture("crm.deal.get.json")["result"], Target::Classic);
    assert_eq!(deal.id, Some(410));
    assert_eq!(deal.title.as_deref(), Some("New Deal #1"));
    assert_eq!(
        deal.stage_id,
        Some(DealStage::General(DealStageGeneral::DocumentPreparation))
    );
    assert_eq!(deal.opportunity, Some("1000000".parse().unwrap()));
    assert_eq!(deal.opened, Some(true));
    assert_eq!(deal.company_id, Some(9));
    assert_eq!(deal.lead_id, None);
    assert_eq!(deal.begindate.unwrap().to_string(), "2024-08-30");
    assert_eq!(
        deal.date_create.unwrap().to_rfc3339(),
        "2024-08-30T14:29:00+02:00"
    );
    // A user field the schema does not know is kept, not lost.
    assert_eq!(
        deal.extra.get("UF_CRM_1721244482250"),
        Some(&json!("Hello world!"))
    );
}

#[test]
fn classic_and_item_records_of_one_deal_read_to_equal_values() {
    let item: Deal = read(
        &fixture("crm.item.add.json")["result"]["item"],
        Target::Item,
    );
    assert_eq!(item.id, Some(342));
    // `C9:UC_KN8KFI` belongs to a pipeline whose stages the example status list lacks.
    assert_eq!(
        item.stage_id,
        Some(DealStage::Unknown("C9:UC_KN8KFI".into()))
    );
    assert_eq!(item.contact_ids, Some(vec![4, 5]));
    assert_eq!(item.category_id, Some(9));

    // Written to classic names and read back from them, the value is the same.
    let classic = Value::Object(item.to_record(Target::Classic));
    let back: Deal = read(&classic, Target::Classic);
    let mut expected = item.clone();
    expected.extra = Default::default();
    let mut got = back;
    got.extra = Default::default();
    assert_eq!(got, expected);
}

#[test]
fn one_deal_writes_both_families_names_and_formats() {
    let mut deal = Deal {
        title: Some("Radio campaign".into()),
        opened: Some(true),
        category_id: Some(0),
        stage_id: Some(DealStageGeneral::DealSuccessful.into()),
        radio: Some(vec![Radio::ShansonRadio, Radio::Unknown(9999)]),
        hello_world_edit_modified: Some(vec!["a".into()]),
        opportunity: Some("1999.90".parse().unwrap()),
        date_create: Some("2024-08-30T14:29:00+02:00".parse().unwrap()),
        created_by_id: Some(bitrix_schema::value::UserId(7)),
        ..Default::default()
    };
    deal.clear(DealField::Comments);

    let classic = Value::Object(deal.to_fields(Target::Classic));
    assert_eq!(
        classic,
        json!({
            "CATEGORY_ID": 0,
            "COMMENTS": "",
            "OPENED": "Y",
            "OPPORTUNITY": 1999.9,
            "STAGE_ID": "WON",
            "TITLE": "Radio campaign",
            "UF_CRM_1724077760": [3159, 9999],
            "UF_CRM_HELLO_WORLD": ["a"],
        })
    );
    let item = Value::Object(deal.to_fields(Target::Item));
    assert_eq!(
        item,
        json!({
            "categoryId": 0,
            "comments": "",
            "opened": "Y",
            "opportunity": 1999.9,
            "stageId": "WON",
            "title": "Radio campaign",
            "ufCrm_1724077760": [3159, 9999],
            "ufCrmHelloWorld": ["a"],
        })
    );
    // Read-only fields are not written by an update, but a full record shows the renames.
    let record = deal.to_record(Target::Item);
    assert_eq!(record["createdTime"], json!("2024-08-30T14:29:00+02:00"));
    assert_eq!(record["createdBy"], json!(7));
    let record = deal.to_record(Target::Classic);
    assert_eq!(record["DATE_CREATE"], json!("2024-08-30T14:29:00+02:00"));
    assert_eq!(record["CREATED_BY_ID"], json!(7));
}

#[test]
fn select_lists_the_schema_fields_in_each_family() {
    let classic = Deal::select(Target::Classic);
    assert!(classic.contains(&"UF_CRM_1724077760"));
    assert!(classic.contains(&"DATE_CREATE"));
    let item = Deal::select(Target::Item);
    assert!(item.contains(&"ufCrm_1724077760"));
    assert!(item.contains(&"createdTime"));
    assert!(!item.contains(&"DATE_CREATE"));
    // Leads have multifields, which crm.item returns only with `*`.
    assert_eq!(Lead::select(Target::Item), ["*"]);
    assert!(Lead::select(Target::Classic).contains(&"PHONE"));
}

#[test]
fn lead_records_read_in_both_families() {
    let list = fixture("crm.lead.list.json");
    let lead: Lead = read(&list["result"][0], Target::Classic);
    assert_eq!(lead.id, Some(5));
    assert_eq!(
        lead.status_id,
        Some(fixtures::LeadStatus::Unknown("CONVERTED".into()))
    );
    assert_eq!(
        lead.source_id,
        Some(fixtures::Source::Unknown("CALL".into()))
    );
    assert_eq!(lead.birthdate, None);

    let item: Lead = read(
        &fixture("crm.item.get.json")["result"]["item"],
        Target::Item,
    );
    assert!(item.phone.as_ref().is_some_and(|p| !p.is_empty()));
    let fields = item.to_fields(Target::Classic);
    assert!(fields.contains_key("PHONE"));
    assert!(fields.contains_key("STATUS_ID"), "{fields:?}");
    let fields = item.to_fields(Target::Item);
    assert!(fields.contains_key("fm"));
    assert!(fields.contains_key("stageId"));

    for row in fixture("crm.item.list.json")["result"]["items"]
        .as_array()
        .unwrap()
    {
        let lead: Lead = read(row, Target::Item);
        assert!(lead.id.is_some());
    }
}

#[test]
fn contact_and_company_records_read() {
    let contact: Contact = read(&fixture("crm.contact.get.json")["result"], Target::Classic);
    let phones = contact.phone.as_ref().unwrap();
    assert!(!phones.is_empty());
    let company = Company::from_fields(&Map::new(), Target::Classic);
    assert!(company.problems.is_empty());
    for row in fixture("crm.deal.list.json")["result"].as_array().unwrap() {
        let deal: Deal = read(row, Target::Classic);
        assert!(deal.id.is_some());
    }
}

#[test]
fn unknown_enumeration_id_survives_a_read_and_a_write() {
    let record = json!({"ID": "1", "UF_CRM_1724077760": ["3157", "4242"]});
    let deal: Deal = read(&record, Target::Classic);
    assert_eq!(
        deal.radio,
        Some(vec![Radio::ChildrensRadio, Radio::Unknown(4242)])
    );
    let out = deal.to_fields(Target::Item);
    assert_eq!(out["ufCrm_1724077760"], json!([3157, 4242]));
    assert_eq!(Radio::from_id(4242).id(), 4242);
    assert_eq!(Radio::from_label("Love Radio"), Some(Radio::LoveRadio));
    assert_eq!(Radio::LoveRadio.label(), Some("Love Radio"));
}

#[test]
fn a_bad_value_is_reported_and_kept_while_the_rest_reads() {
    let record = json!({"ID": "7", "TITLE": "ok", "OPPORTUNITY": "lots"});
    let read = Deal::from_fields(object(&record), Target::Classic);
    assert_eq!(read.value.title.as_deref(), Some("ok"));
    assert_eq!(read.value.opportunity, None);
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].field, "OPPORTUNITY");
    assert_eq!(read.value.extra.get("OPPORTUNITY"), Some(&json!("lots")));
}

#[test]
fn awkward_labels_give_usable_names() {
    use awkward::{DealStage as Stage, DealStageOpt, Delivery, Dostavka, Source};

    // Transliterated, de-duplicated, and the catch-all name kept free.
    let all = Dostavka::ALL;
    assert_eq!(all.len(), 8);
    assert_eq!(Dostavka::Kurer.id(), 45);
    assert_eq!(Dostavka::Kurer2.id(), 46);
    assert_eq!(Dostavka::Kurer3.id(), 51);
    assert_eq!(Dostavka::Unknown2.label(), Some("Unknown"));
    assert_eq!(Dostavka::N1stChoice.id(), 48);
    assert_eq!(Dostavka::Item52.label(), Some("🚚"));
    // Two items share a label: lookup by label finds the first.
    assert_eq!(Dostavka::from_label("Курьер"), Some(Dostavka::Kurer));

    // The user's rust_name wins over the label.
    let deal = awkward::Deal {
        delivery: Some(Delivery::Courier),
        r#type: Some(true),
        extra2: Some("x".into()),
        ..Default::default()
    };
    let fields = deal.to_fields(Target::Item);
    assert_eq!(fields["ufCrm_5"], json!(7));
    assert_eq!(fields["ufCrm_4"], json!("Y"));
    assert_eq!(fields["ufCrm_6"], json!("x"));

    assert_eq!(Source::from_id("1C"), Source::N1S);
    assert_eq!(Source::Self_.id(), "SELF");
    assert_eq!(Stage::from_id("C3:WON"), Stage::Opt(DealStageOpt::Novaya2));
    assert_eq!(Stage::from_id("C4:NEW"), Stage::Unknown("C4:NEW".into()));
    let smart = awkward::ZakupkiOborudovaniya::select(Target::Item);
    assert_eq!(smart, ["id", "ufCrm9_1700000000"]);
    assert_eq!(
        awkward::ZakupkiOborudovaniya::select(Target::Classic),
        Vec::<&str>::new()
    );
}
