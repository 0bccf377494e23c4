//! Open enums (enumeration items, crm_status lists) and CRM links.

use bitrix_schema::value::codec::{CrmLink, CrmLinkOf, Enumeration, Multiple, Status};
use bitrix_schema::value::{Codec, CrmRef, CrmRefKind, EnumValue, StatusValue, Target};
use serde_json::json;

use Target::{Classic, Item};

#[derive(Debug, Clone, PartialEq)]
enum Color {
    Red,
    Green,
    Unknown(u64),
}

impl EnumValue for Color {
    fn id(&self) -> u64 {
        match self {
            Color::Red => 79,
            Color::Green => 81,
            Color::Unknown(id) => *id,
        }
    }

    fn from_id(id: u64) -> Self {
        match id {
            79 => Color::Red,
            81 => Color::Green,
            other => Color::Unknown(other),
        }
    }

    fn label(&self) -> Option<&'static str> {
        match self {
            Color::Red => Some("List item #1"),
            Color::Green => Some("List item #2"),
            Color::Unknown(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Source {
    Call,
    Web,
    Unknown(String),
}

impl StatusValue for Source {
    fn id(&self) -> &str {
        match self {
            Source::Call => "CALL",
            Source::Web => "WEB",
            Source::Unknown(id) => id,
        }
    }

    fn from_id(id: &str) -> Self {
        match id {
            "CALL" => Source::Call,
            "WEB" => Source::Web,
            other => Source::Unknown(other.to_string()),
        }
    }

    fn label(&self) -> Option<&'static str> {
        None
    }
}

#[test]
fn enumeration_reads_string_and_number_ids() {
    // Item IDs are strings in metadata ("79"); crm.item writes integers (81).
    let read = |v| <Enumeration as Codec<Color>>::read(&v, Classic).unwrap();
    assert_eq!(read(json!("79")), Some(Color::Red));
    assert_eq!(read(json!(81)), Some(Color::Green));
    assert_eq!(read(json!("")), None);
    assert_eq!(read(json!(null)), None);
    assert_eq!(read(json!(0)), None);
    assert_eq!(read(json!(false)), None);
}

#[test]
fn enumeration_keeps_unknown_ids_and_writes_them_back() {
    let value = <Enumeration as Codec<Color>>::read(&json!("3157"), Classic)
        .unwrap()
        .unwrap();
    assert_eq!(value, Color::Unknown(3157));
    assert_eq!(value.label(), None);
    assert_eq!(
        <Enumeration as Codec<Color>>::write(&value, Classic),
        json!(3157)
    );
    assert_eq!(
        <Enumeration as Codec<Color>>::write(&value, Item),
        json!(3157)
    );
}

#[test]
fn enumeration_writes_numbers_and_rejects_labels() {
    assert_eq!(
        <Enumeration as Codec<Color>>::write(&Color::Green, Item),
        json!(81)
    );
    assert_eq!(<Enumeration as Codec<Color>>::clear(Item), json!(""));
    // Writing the label instead of the ID silently does nothing on the portal; reading one
    // is an error here.
    let err = <Enumeration as Codec<Color>>::read(&json!("List item #1"), Item).unwrap_err();
    assert!(err.to_string().contains("\"List item #1\""), "{err}");
}

#[test]
fn multiple_enumeration_round_trips_and_clears_with_an_empty_element() {
    type Colors = Multiple<Enumeration>;
    let read = <Colors as Codec<Vec<Color>>>::read(&json!(["79", "4242"]), Classic).unwrap();
    assert_eq!(read, Some(vec![Color::Red, Color::Unknown(4242)]));
    let written = <Colors as Codec<Vec<Color>>>::write(&read.unwrap(), Item);
    assert_eq!(written, json!([79, 4242]));
    assert_eq!(<Colors as Codec<Vec<Color>>>::clear(Item), json!([""]));
    assert_eq!(<Colors as Codec<Vec<Color>>>::clear(Classic), json!([""]));
}

#[test]
fn status_ids_are_strings_and_unknown_ones_round_trip() {
    let read = |v| <Status as Codec<Source>>::read(&v, Item).unwrap();
    assert_eq!(read(json!("CALL")), Some(Source::Call));
    assert_eq!(read(json!("")), None);
    let odd = read(json!("UC_N1LWUS")).unwrap();
    assert_eq!(odd, Source::Unknown("UC_N1LWUS".into()));
    assert_eq!(
        <Status as Codec<Source>>::write(&odd, Classic),
        json!("UC_N1LWUS")
    );
    // Plain strings work for crm_status fields without a generated enum.
    let stage = <Status as Codec<String>>::read(&json!("C9:UC_KN8KFI"), Item).unwrap();
    assert_eq!(stage.as_deref(), Some("C9:UC_KN8KFI"));
    assert!(<Status as Codec<Source>>::read(&json!(["CALL"]), Item).is_err());
}

#[test]
fn crm_links_parse_every_documented_prefix() {
    // api-reference/crm/data-types.md crm-binding-format.
    let cases = [
        ("L_4", CrmRefKind::Lead, 4),
        ("D_1", CrmRefKind::Deal, 1),
        ("C_2", CrmRefKind::Contact, 2),
        ("CO_3", CrmRefKind::Company, 3),
        ("Q_9", CrmRefKind::Quote, 9),
        ("SI_7", CrmRefKind::SmartInvoice, 7),
        ("T80_5", CrmRefKind::Smart(128), 5),
        ("Tb1_6", CrmRefKind::Smart(177), 6),
        ("T9c_12", CrmRefKind::Smart(156), 12),
    ];
    for (text, kind, id) in cases {
        let link = <CrmLink as Codec<CrmRef>>::read(&json!(text), Classic)
            .unwrap()
            .unwrap();
        assert_eq!(link, CrmRef::new(kind, id), "{text}");
        assert_eq!(<CrmLink as Codec<CrmRef>>::write(&link, Item), json!(text));
    }
}

#[test]
fn smart_process_prefix_is_lowercase_hex() {
    assert_eq!(CrmRef::new(CrmRefKind::Smart(177), 6).to_string(), "Tb1_6");
    assert_eq!(CrmRefKind::from_entity_type_id(1256).prefix(), "T4e8");
    assert_eq!(
        CrmRefKind::from_entity_type_id(31),
        CrmRefKind::SmartInvoice
    );
}

#[test]
fn crm_links_reject_bare_ids_and_unknown_prefixes() {
    let err = <CrmLink as Codec<CrmRef>>::read(&json!("X_5"), Classic).unwrap_err();
    assert!(err.to_string().contains("\"X_5\""), "{err}");
    let err = <CrmLink as Codec<CrmRef>>::read(&json!(12), Item).unwrap_err();
    assert!(err.to_string().contains("CrmLinkOf"), "{err}");
    assert!(<CrmLink as Codec<CrmRef>>::read(&json!("D_"), Item).is_err());
    assert!(<CrmLink as Codec<CrmRef>>::read(&json!("T_5"), Item).is_err());
}

#[test]
fn single_kind_links_accept_bare_ids() {
    type DealLink = CrmLinkOf<2>;
    let deal_12 = CrmRef::new(CrmRefKind::Deal, 12);
    assert_eq!(
        <DealLink as Codec<CrmRef>>::read(&json!("12"), Classic).unwrap(),
        Some(deal_12)
    );
    assert_eq!(
        <DealLink as Codec<CrmRef>>::read(&json!(12), Item).unwrap(),
        Some(deal_12)
    );
    assert_eq!(
        <DealLink as Codec<CrmRef>>::read(&json!("D_12"), Item).unwrap(),
        Some(deal_12)
    );
    assert_eq!(
        <DealLink as Codec<CrmRef>>::read(&json!("0"), Item).unwrap(),
        None
    );
    assert_eq!(
        <DealLink as Codec<CrmRef>>::write(&deal_12, Classic),
        json!("12")
    );
    // A link of another kind is never sent bare: its number would point at a deal.
    let company = CrmRef::new(CrmRefKind::Company, 3);
    assert_eq!(
        <DealLink as Codec<CrmRef>>::write(&company, Item),
        json!("CO_3")
    );
    type SpaLink = CrmLinkOf<177>;
    let spa = <SpaLink as Codec<CrmRef>>::read(&json!("6"), Item)
        .unwrap()
        .unwrap();
    assert_eq!(spa.to_string(), "Tb1_6");
}

#[test]
fn multiple_crm_links() {
    type Links = Multiple<CrmLink>;
    let links = <Links as Codec<Vec<CrmRef>>>::read(&json!(["C_123", "CO_456"]), Classic)
        .unwrap()
        .unwrap();
    assert_eq!(links[1], CrmRef::new(CrmRefKind::Company, 456));
    assert_eq!(
        <Links as Codec<Vec<CrmRef>>>::write(&links, Item),
        json!(["C_123", "CO_456"])
    );
}
