//! A hand-written, derived deal and lead against the types bitrix-codegen generates from the
//! same schema (`fixtures/bitrix.toml`): the same JSON out in both families, and the same
//! values in from the real example records.

use bitrix_schema::entity::{CrmEntity, Extra};
use bitrix_schema::value::{EnumValue, Multifield, StatusValue, Target, UserId};
use bitrix_schema::{CrmEntity, CrmEnum};
use serde_json::{Map, Value, json};

mod generated {
    // A test crate reports unused `pub` items as dead; a library would not.
    #![allow(dead_code)]
    include!("../../bitrix-codegen/tests/snapshots/fixtures.rs");
}

type DateTime = bitrix_schema::chrono::DateTime<bitrix_schema::chrono::FixedOffset>;
type NaiveDate = bitrix_schema::chrono::NaiveDate;
type Decimal = bitrix_schema::rust_decimal::Decimal;

/// The radio list, with the IDs checked against the schema and the labels taken from it.
#[derive(CrmEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[bitrix(
    schema = "../../fixtures/bitrix.toml",
    entity = "deal",
    field = "UF_CRM_1724077760"
)]
enum Radio {
    #[bitrix(id = 3157)]
    Childrens,
    #[bitrix(id = 3159)]
    Shanson,
    #[bitrix(id = 3161)]
    Love,
    #[bitrix(id = 3163)]
    MonteCarlo,
    // 3181 is left out on purpose: it reads into `Other` and is written back unchanged.
    #[bitrix(unknown)]
    Other(u64),
}

/// Stages of the deal's pipelines, checked against the schema.
#[derive(CrmEnum, Debug, Clone, PartialEq, Eq)]
#[bitrix(
    schema = "../../fixtures/bitrix.toml",
    entity = "deal",
    field = "STAGE_ID"
)]
enum Stage {
    #[bitrix(status = "NEW")]
    New,
    #[bitrix(status = "PREPARATION")]
    Preparation,
    #[bitrix(status = "WON")]
    Won,
    #[bitrix(unknown)]
    Other(String),
}

/// Deal types; the example portal's list is empty, so only the catch-all is checked.
#[derive(CrmEnum, Debug, Clone, PartialEq, Eq)]
#[bitrix(schema = "../../fixtures/bitrix.toml", status_list = "DEAL_TYPE")]
enum DealKind {
    #[bitrix(unknown)]
    Other(String),
}

/// Every field of the generated `Deal`, in schema order, some through derived enums and some
/// through generated ones.
#[derive(CrmEntity, Debug, Default, Clone, PartialEq)]
#[bitrix(entity = "deal", schema = "../../fixtures/bitrix.toml")]
struct MyDeal {
    #[bitrix(field = "ADDITIONAL_INFO")]
    additional_info: Option<String>,
    #[bitrix(field = "ASSIGNED_BY_ID")]
    assigned_by_id: Option<UserId>,
    #[bitrix(field = "BEGINDATE")]
    begindate: Option<NaiveDate>,
    #[bitrix(field = "CATEGORY_ID")]
    category_id: Option<u64>,
    #[bitrix(field = "CLOSED")]
    closed: Option<bool>,
    #[bitrix(field = "CLOSEDATE")]
    closedate: Option<NaiveDate>,
    #[bitrix(field = "COMMENTS")]
    comments: Option<String>,
    #[bitrix(field = "COMPANY_ID")]
    company_id: Option<u64>,
    #[bitrix(field = "CONTACT_ID")]
    contact_id: Option<u64>,
    #[bitrix(field = "CONTACT_IDS")]
    contact_ids: Option<Vec<u64>>,
    #[bitrix(field = "CREATED_BY_ID")]
    created_by_id: Option<UserId>,
    #[bitrix(field = "CURRENCY_ID")]
    currency_id: Option<String>,
    #[bitrix(field = "DATE_CREATE")]
    date_create: Option<DateTime>,
    #[bitrix(field = "DATE_MODIFY")]
    date_modify: Option<DateTime>,
    #[bitrix(field = "ID")]
    id: Option<u64>,
    #[bitrix(field = "IS_MANUAL_OPPORTUNITY")]
    is_manual_opportunity: Option<bool>,
    #[bitrix(field = "IS_NEW")]
    is_new: Option<bool>,
    #[bitrix(field = "IS_RECURRING")]
    is_recurring: Option<bool>,
    #[bitrix(field = "IS_REPEATED_APPROACH")]
    is_repeated_approach: Option<bool>,
    #[bitrix(field = "IS_RETURN_CUSTOMER")]
    is_return_customer: Option<bool>,
    #[bitrix(field = "LAST_ACTIVITY_BY")]
    last_activity_by: Option<UserId>,
    #[bitrix(field = "LAST_ACTIVITY_TIME")]
    last_activity_time: Option<DateTime>,
    #[bitrix(field = "LEAD_ID")]
    lead_id: Option<u64>,
    #[bitrix(field = "LOCATION_ID")]
    location_id: Option<Value>,
    #[bitrix(field = "MODIFY_BY_ID")]
    modify_by_id: Option<UserId>,
    #[bitrix(field = "MOVED_BY_ID")]
    moved_by_id: Option<UserId>,
    #[bitrix(field = "MOVED_TIME")]
    moved_time: Option<DateTime>,
    #[bitrix(field = "OPENED")]
    opened: Option<bool>,
    #[bitrix(field = "OPPORTUNITY")]
    opportunity: Option<Decimal>,
    #[bitrix(field = "ORIGINATOR_ID")]
    originator_id: Option<String>,
    #[bitrix(field = "ORIGIN_ID")]
    origin_id: Option<String>,
    #[bitrix(field = "PROBABILITY")]
    probability: Option<i64>,
    #[bitrix(field = "QUOTE_ID")]
    quote_id: Option<u64>,
    #[bitrix(field = "SOURCE_DESCRIPTION")]
    source_description: Option<String>,
    #[bitrix(field = "SOURCE_ID")]
    source_id: Option<generated::Source>,
    #[bitrix(field = "STAGE_ID")]
    stage_id: Option<Stage>,
    #[bitrix(field = "STAGE_SEMANTIC_ID")]
    stage_semantic_id: Option<String>,
    #[bitrix(field = "TAX_VALUE")]
    tax_value: Option<Decimal>,
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(field = "TYPE_ID")]
    type_id: Option<DealKind>,
    #[bitrix(field = "UTM_CAMPAIGN")]
    utm_campaign: Option<String>,
    #[bitrix(field = "UTM_CONTENT")]
    utm_content: Option<String>,
    #[bitrix(field = "UTM_MEDIUM")]
    utm_medium: Option<String>,
    #[bitrix(field = "UTM_SOURCE")]
    utm_source: Option<String>,
    #[bitrix(field = "UTM_TERM")]
    utm_term: Option<String>,
    #[bitrix(field = "UF_CRM_1709565075")]
    meeting_room_booking: Option<Vec<Value>>,
    #[bitrix(field = "UF_CRM_1713790573")]
    directory: Option<Vec<generated::Industry>>,
    #[bitrix(field = "UF_CRM_1722578010")]
    estimate_files: Option<Vec<bitrix_schema::value::File>>,
    #[bitrix(field = "UF_CRM_1724077760")]
    radio: Option<Vec<Radio>>,
    #[bitrix(field = "UF_CRM_HELLO_WORLD")]
    hello_world_edit_modified: Option<Vec<String>>,
    /// Not a CRM field: never read, never written.
    #[bitrix(skip)]
    local_note: String,
    #[bitrix(extra)]
    extra: Extra,
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn object(v: &Value) -> &Map<String, Value> {
    v.as_object().expect("an object")
}

/// Reads a record into both types, which must meet the same problems.
fn read_both<D: CrmEntity, G: CrmEntity>(record: &Value, target: Target) -> (D, G) {
    let derived = D::from_fields(object(record), target);
    let generated = G::from_fields(object(record), target);
    assert_eq!(derived.problems, generated.problems);
    (derived.value, generated.value)
}

/// The two serialise to the same bytes, so to the same JSON in the same key order.
fn same_json(derived: Map<String, Value>, generated: Map<String, Value>) {
    let d = serde_json::to_string(&derived).unwrap();
    let g = serde_json::to_string(&generated).unwrap();
    assert_eq!(d, g);
}

fn assert_deals_match(derived: &MyDeal, generated: &generated::Deal) {
    for target in [Target::Classic, Target::Item] {
        same_json(derived.to_fields(target), generated.to_fields(target));
        same_json(derived.to_record(target), generated.to_record(target));
    }
    assert_eq!(derived.extra, generated.extra);
    assert_eq!(derived.id(), generated.id());
    assert_eq!(derived.title, generated.title);
    assert_eq!(derived.opportunity, generated.opportunity);
    assert_eq!(derived.company_id, generated.company_id);
    assert_eq!(derived.contact_ids, generated.contact_ids);
    assert_eq!(derived.date_create, generated.date_create);
    assert_eq!(derived.source_id, generated.source_id);
    assert_eq!(
        derived.stage_id.as_ref().map(StatusValue::id),
        generated.stage_id.as_ref().map(StatusValue::id)
    );
    assert_eq!(ids(&derived.radio), ids(&generated.radio));
}

fn ids<E: EnumValue>(values: &Option<Vec<E>>) -> Option<Vec<u64>> {
    values
        .as_ref()
        .map(|v| v.iter().map(EnumValue::id).collect())
}

#[test]
fn trait_constants_and_select_match_the_generated_deal() {
    assert_eq!(MyDeal::ENTITY_TYPE_ID, generated::Deal::ENTITY_TYPE_ID);
    assert_eq!(MyDeal::CLASSIC_PREFIX, Some("crm.deal"));
    assert_eq!(MyDeal::FIELDS, generated::Deal::FIELDS);
    assert_eq!(MyDeal::DATE_CREATE, generated::Deal::DATE_CREATE);
    assert_eq!(MyDeal::DATE_CREATE.wire(Target::Item), Some("createdTime"));
    for target in [Target::Classic, Target::Item] {
        assert_eq!(MyDeal::select(target), generated::Deal::select(target));
    }
}

#[test]
fn classic_deal_get_reads_to_equal_values() {
    let record = &fixture("crm.deal.get.json")["result"];
    let (derived, generated): (MyDeal, generated::Deal) = read_both(record, Target::Classic);
    assert_eq!(derived.id, Some(410));
    assert_eq!(derived.stage_id, Some(Stage::Preparation));
    assert_eq!(derived.type_id, Some(DealKind::Other("COMPLEX".into())));
    assert_eq!(
        derived.extra.get("UF_CRM_1721244482250"),
        Some(&json!("Hello world!"))
    );
    assert_deals_match(&derived, &generated);
}

#[test]
fn item_add_result_reads_to_equal_values() {
    let record = &fixture("crm.item.add.json")["result"]["item"];
    let (derived, generated): (MyDeal, generated::Deal) = read_both(record, Target::Item);
    assert_eq!(derived.id, Some(342));
    assert_eq!(derived.contact_ids, Some(vec![4, 5]));
    assert_eq!(derived.stage_id, Some(Stage::Other("C9:UC_KN8KFI".into())));
    assert_deals_match(&derived, &generated);
}

#[test]
fn set_and_cleared_fields_write_the_same_json() {
    let mut derived = MyDeal {
        title: Some("Radio campaign".into()),
        opened: Some(true),
        category_id: Some(0),
        stage_id: Some(Stage::Won),
        radio: Some(vec![Radio::Shanson, Radio::Other(3181), Radio::Other(9999)]),
        hello_world_edit_modified: Some(vec!["a".into()]),
        opportunity: Some("1999.90".parse().unwrap()),
        date_create: Some("2024-08-30T14:29:00+02:00".parse().unwrap()),
        created_by_id: Some(UserId(7)),
        local_note: "kept locally".into(),
        ..MyDeal::default()
    };
    derived.clear(MyDealField::Comments);
    derived.clear(MyDealField::CompanyId);
    derived.clear(MyDealField::Radio);

    let mut generated = generated::Deal {
        title: Some("Radio campaign".into()),
        opened: Some(true),
        category_id: Some(0),
        stage_id: Some(generated::DealStageGeneral::DealSuccessful.into()),
        radio: Some(vec![
            generated::Radio::ShansonRadio,
            generated::Radio::DfmYurievPolsky,
            generated::Radio::Unknown(9999),
        ]),
        hello_world_edit_modified: Some(vec!["a".into()]),
        opportunity: Some("1999.90".parse().unwrap()),
        date_create: Some("2024-08-30T14:29:00+02:00".parse().unwrap()),
        created_by_id: Some(UserId(7)),
        ..generated::Deal::default()
    };
    generated.clear(generated::DealField::Comments);
    generated.clear(generated::DealField::CompanyId);
    generated.clear(generated::DealField::Radio);

    assert_eq!(derived.radio, None, "clear empties the field");
    assert_eq!(
        Value::Object(derived.to_fields(Target::Classic)),
        json!({
            "CATEGORY_ID": 0,
            "COMMENTS": "",
            "COMPANY_ID": 0,
            "OPENED": "Y",
            "OPPORTUNITY": 1999.9,
            "STAGE_ID": "WON",
            "TITLE": "Radio campaign",
            "UF_CRM_1724077760": [""],
            "UF_CRM_HELLO_WORLD": ["a"],
        })
    );
    assert_deals_match(&derived, &generated);
}

#[test]
fn derived_enums_match_the_generated_ones() {
    assert_eq!(Radio::from_id(3159), Radio::Shanson);
    assert_eq!(Radio::Shanson.label(), Some("Shanson Radio"));
    assert_eq!(
        Radio::Shanson.label(),
        generated::Radio::ShansonRadio.label()
    );
    assert_eq!(Radio::from_id(3181), Radio::Other(3181));
    assert_eq!(Radio::Other(3181).label(), None);
    assert_eq!(Radio::from_label("Love Radio"), Some(Radio::Love));
    assert_eq!(Radio::ALL.len(), 4);
    assert_eq!(Radio::from_known_id(3163), Some(Radio::MonteCarlo));

    assert_eq!(Stage::from_id("WON").label(), Some("Deal successful"));
    assert_eq!(
        Stage::Won.label(),
        generated::DealStageGeneral::DealSuccessful.label()
    );
    assert_eq!(Stage::from_id("C9:NEW"), Stage::Other("C9:NEW".into()));
    assert_eq!(Stage::Other("C9:NEW".into()).id(), "C9:NEW");
    assert_eq!(DealKind::from_id("SALE"), DealKind::Other("SALE".into()));
}

/// Every field of the generated `Lead`, multifields included.
#[derive(CrmEntity, Debug, Default, Clone, PartialEq)]
#[bitrix(entity = "lead", schema = "../../fixtures/bitrix.toml")]
struct MyLead {
    #[bitrix(field = "ADDRESS")]
    address: Option<String>,
    #[bitrix(field = "ADDRESS_2")]
    address_2: Option<String>,
    #[bitrix(field = "ADDRESS_CITY")]
    address_city: Option<String>,
    #[bitrix(field = "ADDRESS_COUNTRY")]
    address_country: Option<String>,
    #[bitrix(field = "ADDRESS_COUNTRY_CODE")]
    address_country_code: Option<String>,
    #[bitrix(field = "ADDRESS_LOC_ADDR_ID")]
    address_loc_addr_id: Option<i64>,
    #[bitrix(field = "ADDRESS_POSTAL_CODE")]
    address_postal_code: Option<String>,
    #[bitrix(field = "ADDRESS_PROVINCE")]
    address_province: Option<String>,
    #[bitrix(field = "ADDRESS_REGION")]
    address_region: Option<String>,
    #[bitrix(field = "ASSIGNED_BY_ID")]
    assigned_by_id: Option<UserId>,
    #[bitrix(field = "BIRTHDATE")]
    birthdate: Option<NaiveDate>,
    #[bitrix(field = "COMMENTS")]
    comments: Option<String>,
    #[bitrix(field = "COMPANY_ID")]
    company_id: Option<u64>,
    #[bitrix(field = "COMPANY_TITLE")]
    company_title: Option<String>,
    #[bitrix(field = "CONTACT_ID")]
    contact_id: Option<u64>,
    #[bitrix(field = "CONTACT_IDS")]
    contact_ids: Option<Vec<u64>>,
    #[bitrix(field = "CREATED_BY_ID")]
    created_by_id: Option<UserId>,
    #[bitrix(field = "CURRENCY_ID")]
    currency_id: Option<String>,
    #[bitrix(field = "DATE_CLOSED")]
    date_closed: Option<DateTime>,
    #[bitrix(field = "DATE_CREATE")]
    date_create: Option<DateTime>,
    #[bitrix(field = "DATE_MODIFY")]
    date_modify: Option<DateTime>,
    #[bitrix(field = "EMAIL")]
    email: Option<Vec<Multifield>>,
    #[bitrix(field = "HAS_EMAIL")]
    has_email: Option<bool>,
    #[bitrix(field = "HAS_IMOL")]
    has_imol: Option<bool>,
    #[bitrix(field = "HAS_PHONE")]
    has_phone: Option<bool>,
    #[bitrix(field = "HONORIFIC")]
    honorific: Option<generated::Honorific>,
    #[bitrix(field = "ID")]
    id: Option<u64>,
    #[bitrix(field = "IM")]
    im: Option<Vec<Multifield>>,
    #[bitrix(field = "IS_MANUAL_OPPORTUNITY")]
    is_manual_opportunity: Option<bool>,
    #[bitrix(field = "IS_RETURN_CUSTOMER")]
    is_return_customer: Option<bool>,
    #[bitrix(field = "LAST_ACTIVITY_BY")]
    last_activity_by: Option<UserId>,
    #[bitrix(field = "LAST_ACTIVITY_TIME")]
    last_activity_time: Option<DateTime>,
    #[bitrix(field = "LAST_NAME")]
    last_name: Option<String>,
    #[bitrix(field = "LINK")]
    link: Option<Vec<Multifield>>,
    #[bitrix(field = "MODIFY_BY_ID")]
    modify_by_id: Option<UserId>,
    #[bitrix(field = "MOVED_BY_ID")]
    moved_by_id: Option<UserId>,
    #[bitrix(field = "MOVED_TIME")]
    moved_time: Option<DateTime>,
    #[bitrix(field = "NAME")]
    name: Option<String>,
    #[bitrix(field = "OPENED")]
    opened: Option<bool>,
    #[bitrix(field = "OPPORTUNITY")]
    opportunity: Option<Decimal>,
    #[bitrix(field = "ORIGINATOR_ID")]
    originator_id: Option<String>,
    #[bitrix(field = "ORIGIN_ID")]
    origin_id: Option<String>,
    #[bitrix(field = "PHONE")]
    phone: Option<Vec<Multifield>>,
    #[bitrix(field = "POST")]
    post: Option<String>,
    #[bitrix(field = "SECOND_NAME")]
    second_name: Option<String>,
    #[bitrix(field = "SOURCE_DESCRIPTION")]
    source_description: Option<String>,
    #[bitrix(field = "SOURCE_ID")]
    source_id: Option<generated::Source>,
    #[bitrix(field = "STATUS_DESCRIPTION")]
    status_description: Option<String>,
    #[bitrix(field = "STATUS_ID")]
    status_id: Option<generated::LeadStatus>,
    #[bitrix(field = "STATUS_SEMANTIC_ID")]
    status_semantic_id: Option<String>,
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(field = "UTM_CAMPAIGN")]
    utm_campaign: Option<String>,
    #[bitrix(field = "UTM_CONTENT")]
    utm_content: Option<String>,
    #[bitrix(field = "UTM_MEDIUM")]
    utm_medium: Option<String>,
    #[bitrix(field = "UTM_SOURCE")]
    utm_source: Option<String>,
    #[bitrix(field = "UTM_TERM")]
    utm_term: Option<String>,
    #[bitrix(field = "WEB")]
    web: Option<Vec<Multifield>>,
    #[bitrix(extra)]
    extra: Extra,
}

fn assert_leads_match(derived: &MyLead, generated: &generated::Lead) {
    for target in [Target::Classic, Target::Item] {
        same_json(derived.to_fields(target), generated.to_fields(target));
        same_json(derived.to_record(target), generated.to_record(target));
    }
    assert_eq!(derived.extra, generated.extra);
    assert_eq!(derived.phone, generated.phone);
    assert_eq!(derived.email, generated.email);
    assert_eq!(derived.status_id, generated.status_id);
    assert_eq!(derived.id(), generated.id());
}

#[test]
fn lead_multifields_read_and_write_like_the_generated_lead() {
    for target in [Target::Classic, Target::Item] {
        assert_eq!(MyLead::select(target), generated::Lead::select(target));
    }
    let item = &fixture("crm.item.get.json")["result"]["item"];
    let (derived, generated): (MyLead, generated::Lead) = read_both(item, Target::Item);
    assert!(derived.phone.as_ref().is_some_and(|p| !p.is_empty()));
    assert!(derived.to_fields(Target::Item).contains_key("fm"));
    assert_leads_match(&derived, &generated);

    for row in fixture("crm.lead.list.json")["result"].as_array().unwrap() {
        let (derived, generated): (MyLead, generated::Lead) = read_both(row, Target::Classic);
        assert!(derived.id.is_some());
        assert_leads_match(&derived, &generated);
    }
    for row in fixture("crm.item.list.json")["result"]["items"]
        .as_array()
        .unwrap()
    {
        let (derived, generated): (MyLead, generated::Lead) = read_both(row, Target::Item);
        assert_leads_match(&derived, &generated);
    }
}
