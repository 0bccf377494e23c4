//! Hand-written entities in exactly the shape `bitrix-codegen` generates, read from the real
//! example responses and written back in both families.
//!
//! The `Deal`, `Lead` and `Contact` modules below are the pattern for generated code: absolute
//! paths, one `FieldName` constant per field with both wire names as the portal reports them,
//! a field enum for `clear`, and `CrmEntity` implemented with `Reader`/`Writer` one line per
//! field. User fields of types the fixtures do not show (enumeration, money, crm, file) have
//! made-up codes; their values use the shapes documented in `shared/bitrix-api.md` §4.

use bitrix_schema::entity::{CrmEntity, FieldProblem};
use bitrix_schema::value::{CrmRef, CrmRefKind, Money, Multifield, Target, UserId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use Target::{Classic, Item};

mod deal {
    // Generated code must compile under `deny(warnings)`; a test crate also reports unused
    // `pub` items as dead, which a library would not.
    #![deny(warnings)]
    #![allow(dead_code)]

    /// Deal pipeline stages of the default pipeline; stages of other pipelines (`C1:NEW`)
    /// land in `Unknown`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum DealStage {
        New,
        Preparation,
        Won,
        Unknown(::std::string::String),
    }

    impl ::bitrix_schema::value::StatusValue for DealStage {
        fn id(&self) -> &str {
            match self {
                DealStage::New => "NEW",
                DealStage::Preparation => "PREPARATION",
                DealStage::Won => "WON",
                DealStage::Unknown(id) => id,
            }
        }

        fn from_id(id: &str) -> Self {
            match id {
                "NEW" => DealStage::New,
                "PREPARATION" => DealStage::Preparation,
                "WON" => DealStage::Won,
                other => DealStage::Unknown(other.to_string()),
            }
        }

        fn label(&self) -> ::std::option::Option<&'static str> {
            match self {
                DealStage::New => Some("New"),
                DealStage::Preparation => Some("Preparing documents"),
                DealStage::Won => Some("Deal won"),
                DealStage::Unknown(_) => None,
            }
        }
    }

    impl ::bitrix_schema::value::FieldValue for DealStage {
        type Codec = ::bitrix_schema::value::codec::Status;
    }

    /// Enumeration user field `UF_CRM_1721244800001` ("Delivery").
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Delivery {
        Courier,
        Pickup,
        Unknown(u64),
    }

    impl ::bitrix_schema::value::EnumValue for Delivery {
        fn id(&self) -> u64 {
            match self {
                Delivery::Courier => 45,
                Delivery::Pickup => 47,
                Delivery::Unknown(id) => *id,
            }
        }

        fn from_id(id: u64) -> Self {
            match id {
                45 => Delivery::Courier,
                47 => Delivery::Pickup,
                other => Delivery::Unknown(other),
            }
        }

        fn label(&self) -> ::std::option::Option<&'static str> {
            match self {
                Delivery::Courier => Some("Courier"),
                Delivery::Pickup => Some("Pickup"),
                Delivery::Unknown(_) => None,
            }
        }
    }

    impl ::bitrix_schema::value::FieldValue for Delivery {
        type Codec = ::bitrix_schema::value::codec::Enumeration;
    }

    /// Multiple enumeration user field `UF_CRM_1721244800002`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Radio {
        Am,
        Fm,
        Unknown(u64),
    }

    impl ::bitrix_schema::value::EnumValue for Radio {
        fn id(&self) -> u64 {
            match self {
                Radio::Am => 51,
                Radio::Fm => 53,
                Radio::Unknown(id) => *id,
            }
        }

        fn from_id(id: u64) -> Self {
            match id {
                51 => Radio::Am,
                53 => Radio::Fm,
                other => Radio::Unknown(other),
            }
        }

        fn label(&self) -> ::std::option::Option<&'static str> {
            match self {
                Radio::Am => Some("AM"),
                Radio::Fm => Some("FM"),
                Radio::Unknown(_) => None,
            }
        }
    }

    impl ::bitrix_schema::value::FieldValue for Radio {
        type Codec = ::bitrix_schema::value::codec::Enumeration;
    }

    pub mod fields {
        use ::bitrix_schema::entity::FieldName;

        pub const ID: FieldName = FieldName::new("ID", "id");
        pub const TITLE: FieldName = FieldName::new("TITLE", "title");
        pub const OPENED: FieldName = FieldName::new("OPENED", "opened");
        pub const OPPORTUNITY: FieldName = FieldName::new("OPPORTUNITY", "opportunity");
        pub const DATE_CREATE: FieldName = FieldName::new("DATE_CREATE", "createdTime");
        pub const BEGINDATE: FieldName = FieldName::new("BEGINDATE", "begindate");
        pub const STAGE_ID: FieldName = FieldName::new("STAGE_ID", "stageId");
        pub const CREATED_BY_ID: FieldName = FieldName::new("CREATED_BY_ID", "createdBy");
        pub const COMPANY_ID: FieldName = FieldName::new("COMPANY_ID", "companyId");
        pub const UF_CRM_1721244482250: FieldName =
            FieldName::new("UF_CRM_1721244482250", "ufCrm_1721244482250");
        pub const UF_CRM_1721244707107: FieldName =
            FieldName::new("UF_CRM_1721244707107", "ufCrm_1721244707107");
        pub const UF_CRM_1721244800001: FieldName =
            FieldName::new("UF_CRM_1721244800001", "ufCrm_1721244800001");
        pub const UF_CRM_1721244800002: FieldName =
            FieldName::new("UF_CRM_1721244800002", "ufCrm_1721244800002");
        pub const UF_CRM_1721244800003: FieldName =
            FieldName::new("UF_CRM_1721244800003", "ufCrm_1721244800003");
        pub const UF_CRM_1721244800004: FieldName =
            FieldName::new("UF_CRM_1721244800004", "ufCrm_1721244800004");
        pub const UF_CRM_1721244800005: FieldName =
            FieldName::new("UF_CRM_1721244800005", "ufCrm_1721244800005");

        pub const ALL: [FieldName; 16] = [
            ID,
            TITLE,
            OPENED,
            OPPORTUNITY,
            DATE_CREATE,
            BEGINDATE,
            STAGE_ID,
            CREATED_BY_ID,
            COMPANY_ID,
            UF_CRM_1721244482250,
            UF_CRM_1721244707107,
            UF_CRM_1721244800001,
            UF_CRM_1721244800002,
            UF_CRM_1721244800003,
            UF_CRM_1721244800004,
            UF_CRM_1721244800005,
        ];
    }

    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Deal {
        pub id: ::std::option::Option<u64>,
        pub title: ::std::option::Option<::std::string::String>,
        /// System Y/N flag.
        pub opened: ::std::option::Option<bool>,
        pub opportunity: ::std::option::Option<::rust_decimal::Decimal>,
        pub date_create: ::std::option::Option<::chrono::DateTime<::chrono::FixedOffset>>,
        pub begindate: ::std::option::Option<::chrono::NaiveDate>,
        pub stage_id: ::std::option::Option<DealStage>,
        pub created_by: ::std::option::Option<::bitrix_schema::value::UserId>,
        pub company_id: ::std::option::Option<u64>,
        /// String user field "Greeting".
        pub greeting: ::std::option::Option<::std::string::String>,
        /// Double user field "Paid".
        pub paid: ::std::option::Option<f64>,
        pub delivery: ::std::option::Option<Delivery>,
        pub radio: ::std::option::Option<::std::vec::Vec<Radio>>,
        pub budget: ::std::option::Option<::bitrix_schema::value::Money>,
        pub subsidiary: ::std::option::Option<::bitrix_schema::value::CrmRef>,
        /// Deals have no multifields on real portals; the generator emits this only for
        /// leads, contacts and companies. Kept to show the shape.
        pub phone: ::std::option::Option<::std::vec::Vec<::bitrix_schema::value::Multifield>>,
        pub files: ::std::option::Option<::std::vec::Vec<::bitrix_schema::value::File>>,
        pub extra: ::bitrix_schema::entity::Extra,
    }

    /// The fields `Deal::clear` can clear (multifields are cleared entry by entry).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DealField {
        Title,
        Opened,
        Opportunity,
        Begindate,
        StageId,
        CompanyId,
        Greeting,
        Paid,
        Delivery,
        Radio,
        Budget,
        Subsidiary,
        Files,
    }

    impl ::bitrix_schema::entity::CrmEntity for Deal {
        const ENTITY_TYPE_ID: u32 = 2;
        const CLASSIC_PREFIX: ::std::option::Option<&'static str> = Some("crm.deal");
        type Field = DealField;

        fn select(target: ::bitrix_schema::value::Target) -> ::std::vec::Vec<&'static str> {
            ::bitrix_schema::entity::select(
                target,
                &fields::ALL,
                &[::bitrix_schema::value::MultifieldType::Phone],
            )
        }

        fn to_fields(
            &self,
            target: ::bitrix_schema::value::Target,
        ) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
            use ::bitrix_schema::value::codec;
            let mut w = ::bitrix_schema::entity::Writer::new(target, &self.extra);
            w.field(fields::TITLE, &self.title);
            w.field(fields::OPENED, &self.opened);
            w.field(fields::OPPORTUNITY, &self.opportunity);
            w.field(fields::DATE_CREATE, &self.date_create);
            w.field(fields::BEGINDATE, &self.begindate);
            w.field(fields::STAGE_ID, &self.stage_id);
            w.field(fields::CREATED_BY_ID, &self.created_by);
            w.field_with::<codec::LinkId, _>(fields::COMPANY_ID, &self.company_id);
            w.field(fields::UF_CRM_1721244482250, &self.greeting);
            w.field(fields::UF_CRM_1721244707107, &self.paid);
            w.field(fields::UF_CRM_1721244800001, &self.delivery);
            w.field(fields::UF_CRM_1721244800002, &self.radio);
            w.field(fields::UF_CRM_1721244800003, &self.budget);
            w.field(fields::UF_CRM_1721244800004, &self.subsidiary);
            w.field(fields::UF_CRM_1721244800005, &self.files);
            w.multifield(::bitrix_schema::value::MultifieldType::Phone, &self.phone);
            w.finish()
        }

        fn from_fields(
            map: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
            target: ::bitrix_schema::value::Target,
        ) -> ::bitrix_schema::entity::Read<Self> {
            use ::bitrix_schema::value::codec;
            let mut r = ::bitrix_schema::entity::Reader::new(map, target);
            let mut value = Deal {
                id: r.field(fields::ID),
                title: r.field(fields::TITLE),
                opened: r.field(fields::OPENED),
                opportunity: r.field(fields::OPPORTUNITY),
                date_create: r.field(fields::DATE_CREATE),
                begindate: r.field(fields::BEGINDATE),
                stage_id: r.field(fields::STAGE_ID),
                created_by: r.field(fields::CREATED_BY_ID),
                company_id: r.field_with::<codec::LinkId, _>(fields::COMPANY_ID),
                greeting: r.field(fields::UF_CRM_1721244482250),
                paid: r.field(fields::UF_CRM_1721244707107),
                delivery: r.field(fields::UF_CRM_1721244800001),
                radio: r.field(fields::UF_CRM_1721244800002),
                budget: r.field(fields::UF_CRM_1721244800003),
                subsidiary: r.field(fields::UF_CRM_1721244800004),
                phone: r.multifield(::bitrix_schema::value::MultifieldType::Phone),
                files: r.field(fields::UF_CRM_1721244800005),
                extra: ::bitrix_schema::entity::Extra::default(),
            };
            let (extra, problems) = r.finish();
            value.extra = extra;
            ::bitrix_schema::entity::Read { value, problems }
        }

        fn id(&self) -> ::std::option::Option<u64> {
            self.id
        }

        fn clear(&mut self, field: DealField) {
            let name = match field {
                DealField::Title => {
                    self.title = None;
                    fields::TITLE
                }
                DealField::Opened => {
                    self.opened = None;
                    fields::OPENED
                }
                DealField::Opportunity => {
                    self.opportunity = None;
                    fields::OPPORTUNITY
                }
                DealField::Begindate => {
                    self.begindate = None;
                    fields::BEGINDATE
                }
                DealField::StageId => {
                    self.stage_id = None;
                    fields::STAGE_ID
                }
                DealField::CompanyId => {
                    self.company_id = None;
                    fields::COMPANY_ID
                }
                DealField::Greeting => {
                    self.greeting = None;
                    fields::UF_CRM_1721244482250
                }
                DealField::Paid => {
                    self.paid = None;
                    fields::UF_CRM_1721244707107
                }
                DealField::Delivery => {
                    self.delivery = None;
                    fields::UF_CRM_1721244800001
                }
                DealField::Radio => {
                    self.radio = None;
                    fields::UF_CRM_1721244800002
                }
                DealField::Budget => {
                    self.budget = None;
                    fields::UF_CRM_1721244800003
                }
                DealField::Subsidiary => {
                    self.subsidiary = None;
                    fields::UF_CRM_1721244800004
                }
                DealField::Files => {
                    self.files = None;
                    fields::UF_CRM_1721244800005
                }
            };
            self.extra.clear(name);
        }

        fn extra(&self) -> &::bitrix_schema::entity::Extra {
            &self.extra
        }
    }
}

mod lead {
    // Generated code must compile under `deny(warnings)`; a test crate also reports unused
    // `pub` items as dead, which a library would not.
    #![deny(warnings)]
    #![allow(dead_code)]

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum LeadStatus {
        New,
        InProcess,
        Converted,
        Unknown(::std::string::String),
    }

    impl ::bitrix_schema::value::StatusValue for LeadStatus {
        fn id(&self) -> &str {
            match self {
                LeadStatus::New => "NEW",
                LeadStatus::InProcess => "IN_PROCESS",
                LeadStatus::Converted => "CONVERTED",
                LeadStatus::Unknown(id) => id,
            }
        }

        fn from_id(id: &str) -> Self {
            match id {
                "NEW" => LeadStatus::New,
                "IN_PROCESS" => LeadStatus::InProcess,
                "CONVERTED" => LeadStatus::Converted,
                other => LeadStatus::Unknown(other.to_string()),
            }
        }

        fn label(&self) -> ::std::option::Option<&'static str> {
            None
        }
    }

    impl ::bitrix_schema::value::FieldValue for LeadStatus {
        type Codec = ::bitrix_schema::value::codec::Status;
    }

    pub mod fields {
        use ::bitrix_schema::entity::FieldName;

        pub const ID: FieldName = FieldName::new("ID", "id");
        pub const TITLE: FieldName = FieldName::new("TITLE", "title");
        pub const STATUS_ID: FieldName = FieldName::new("STATUS_ID", "stageId");
        pub const OPPORTUNITY: FieldName = FieldName::new("OPPORTUNITY", "opportunity");
        pub const CREATED_BY_ID: FieldName = FieldName::new("CREATED_BY_ID", "createdBy");
        pub const DATE_CREATE: FieldName = FieldName::new("DATE_CREATE", "createdTime");
        pub const BIRTHDATE: FieldName = FieldName::new("BIRTHDATE", "birthdate");
        pub const COMPANY_ID: FieldName = FieldName::new("COMPANY_ID", "companyId");
        pub const HAS_PHONE: FieldName = FieldName::new("HAS_PHONE", "hasPhone");
        pub const UF_CRM_1708952993785: FieldName =
            FieldName::new("UF_CRM_1708952993785", "ufCrm_1708952993785");

        pub const ALL: [FieldName; 10] = [
            ID,
            TITLE,
            STATUS_ID,
            OPPORTUNITY,
            CREATED_BY_ID,
            DATE_CREATE,
            BIRTHDATE,
            COMPANY_ID,
            HAS_PHONE,
            UF_CRM_1708952993785,
        ];
    }

    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Lead {
        pub id: ::std::option::Option<u64>,
        pub title: ::std::option::Option<::std::string::String>,
        pub status_id: ::std::option::Option<LeadStatus>,
        pub opportunity: ::std::option::Option<::rust_decimal::Decimal>,
        pub created_by: ::std::option::Option<::bitrix_schema::value::UserId>,
        pub date_create: ::std::option::Option<::chrono::DateTime<::chrono::FixedOffset>>,
        pub birthdate: ::std::option::Option<::chrono::NaiveDate>,
        pub company_id: ::std::option::Option<u64>,
        pub has_phone: ::std::option::Option<bool>,
        /// Boolean user field "Subscribed".
        pub subscribed: ::std::option::Option<bool>,
        pub phone: ::std::option::Option<::std::vec::Vec<::bitrix_schema::value::Multifield>>,
        pub email: ::std::option::Option<::std::vec::Vec<::bitrix_schema::value::Multifield>>,
        pub extra: ::bitrix_schema::entity::Extra,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum LeadField {
        Title,
        Subscribed,
    }

    impl ::bitrix_schema::entity::CrmEntity for Lead {
        const ENTITY_TYPE_ID: u32 = 1;
        const CLASSIC_PREFIX: ::std::option::Option<&'static str> = Some("crm.lead");
        type Field = LeadField;

        fn select(target: ::bitrix_schema::value::Target) -> ::std::vec::Vec<&'static str> {
            ::bitrix_schema::entity::select(
                target,
                &fields::ALL,
                &[
                    ::bitrix_schema::value::MultifieldType::Phone,
                    ::bitrix_schema::value::MultifieldType::Email,
                ],
            )
        }

        fn to_fields(
            &self,
            target: ::bitrix_schema::value::Target,
        ) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
            use ::bitrix_schema::value::codec;
            let mut w = ::bitrix_schema::entity::Writer::new(target, &self.extra);
            w.field(fields::TITLE, &self.title);
            w.field(fields::STATUS_ID, &self.status_id);
            w.field(fields::OPPORTUNITY, &self.opportunity);
            w.field(fields::CREATED_BY_ID, &self.created_by);
            w.field(fields::DATE_CREATE, &self.date_create);
            w.field(fields::BIRTHDATE, &self.birthdate);
            w.field_with::<codec::LinkId, _>(fields::COMPANY_ID, &self.company_id);
            w.field(fields::HAS_PHONE, &self.has_phone);
            w.field_with::<codec::UfBool, _>(fields::UF_CRM_1708952993785, &self.subscribed);
            w.multifield(::bitrix_schema::value::MultifieldType::Phone, &self.phone);
            w.multifield(::bitrix_schema::value::MultifieldType::Email, &self.email);
            w.finish()
        }

        fn from_fields(
            map: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
            target: ::bitrix_schema::value::Target,
        ) -> ::bitrix_schema::entity::Read<Self> {
            use ::bitrix_schema::value::codec;
            let mut r = ::bitrix_schema::entity::Reader::new(map, target);
            let mut value = Lead {
                id: r.field(fields::ID),
                title: r.field(fields::TITLE),
                status_id: r.field(fields::STATUS_ID),
                opportunity: r.field(fields::OPPORTUNITY),
                created_by: r.field(fields::CREATED_BY_ID),
                date_create: r.field(fields::DATE_CREATE),
                birthdate: r.field(fields::BIRTHDATE),
                company_id: r.field_with::<codec::LinkId, _>(fields::COMPANY_ID),
                has_phone: r.field(fields::HAS_PHONE),
                subscribed: r.field_with::<codec::UfBool, _>(fields::UF_CRM_1708952993785),
                phone: r.multifield(::bitrix_schema::value::MultifieldType::Phone),
                email: r.multifield(::bitrix_schema::value::MultifieldType::Email),
                extra: ::bitrix_schema::entity::Extra::default(),
            };
            let (extra, problems) = r.finish();
            value.extra = extra;
            ::bitrix_schema::entity::Read { value, problems }
        }

        fn id(&self) -> ::std::option::Option<u64> {
            self.id
        }

        fn clear(&mut self, field: LeadField) {
            let name = match field {
                LeadField::Title => {
                    self.title = None;
                    fields::TITLE
                }
                LeadField::Subscribed => {
                    self.subscribed = None;
                    fields::UF_CRM_1708952993785
                }
            };
            self.extra.clear(name);
        }

        fn extra(&self) -> &::bitrix_schema::entity::Extra {
            &self.extra
        }
    }
}

use deal::{Deal, DealField, DealStage, Delivery, Radio};
use lead::{Lead, LeadField, LeadStatus};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The record of a get/add response (classic `result`, crm.item `result.item`).
fn record(name: &str) -> Map<String, Value> {
    let body = fixture(name);
    let result = &body["result"];
    result
        .get("item")
        .unwrap_or(result)
        .as_object()
        .unwrap()
        .clone()
}

/// The records of a list response (classic `result`, crm.item `result.items`).
fn records(name: &str) -> Vec<Map<String, Value>> {
    let body = fixture(name);
    let result = &body["result"];
    let list = result.get("items").unwrap_or(result);
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

fn read_clean<E: CrmEntity>(map: &Map<String, Value>, target: Target) -> E {
    let read = E::from_fields(map, target);
    assert_eq!(read.problems, Vec::<FieldProblem>::new());
    read.value
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn deal_get_reads_classic_strings() {
    let deal: Deal = read_clean(&record("crm.deal.get.json"), Classic);
    assert_eq!(deal.id, Some(410));
    assert_eq!(deal.title.as_deref(), Some("New Deal #1"));
    assert_eq!(deal.opened, Some(true));
    assert_eq!(deal.opportunity, Some(dec("1000000.00")));
    assert_eq!(
        deal.date_create.unwrap().to_rfc3339(),
        "2024-08-30T14:29:00+02:00"
    );
    assert_eq!(deal.begindate, NaiveDate::from_ymd_opt(2024, 8, 30));
    assert_eq!(deal.stage_id, Some(DealStage::Preparation));
    assert_eq!(deal.created_by, Some(UserId(1)));
    assert_eq!(deal.company_id, Some(9));
    assert_eq!(deal.greeting.as_deref(), Some("Hello world!"));
    assert_eq!(deal.phone, None);
    // Fields the struct does not have are kept raw, as sent.
    assert_eq!(
        deal.extra.get("CLOSEDATE"),
        Some(&json!("2024-09-09T02:00:00+02:00"))
    );
    assert_eq!(deal.extra.get("LEAD_ID"), Some(&Value::Null));
    assert!(
        deal.extra.get("TITLE").is_none(),
        "read fields are not duplicated in extra"
    );
}

#[test]
fn deal_list_reads_other_pipelines_as_unknown_stages() {
    let deals: Vec<Deal> = records("crm.deal.list.json")
        .iter()
        .map(|r| read_clean(r, Classic))
        .collect();
    assert_eq!(deals.len(), 6);
    assert_eq!(deals[0].id, Some(37));
    assert_eq!(deals[0].opportunity, Some(dec("19999.99")));
    assert_eq!(deals[0].stage_id, Some(DealStage::Unknown("C1:NEW".into())));
    assert_eq!(
        deals[5].date_create.unwrap().to_rfc3339(),
        "2024-07-02T15:38:32+02:00"
    );
}

#[test]
fn deal_item_add_reads_typed_json() {
    let deal: Deal = read_clean(&record("crm.item.add.json"), Item);
    assert_eq!(deal.id, Some(342));
    assert_eq!(deal.opened, Some(false));
    assert_eq!(deal.opportunity, Some(dec("999.99")));
    assert_eq!(
        deal.date_create.unwrap().to_rfc3339(),
        "2024-07-18T14:00:14+02:00"
    );
    assert_eq!(deal.begindate, NaiveDate::from_ymd_opt(2024, 6, 18));
    assert_eq!(
        deal.stage_id,
        Some(DealStage::Unknown("C9:UC_KN8KFI".into()))
    );
    assert_eq!(deal.created_by, Some(UserId(1)));
    assert_eq!(deal.company_id, Some(5));
    assert_eq!(deal.paid, Some(1111.1));
    assert_eq!(deal.extra.get("contactIds"), Some(&json!([4, 5])));
}

#[test]
fn classic_deal_written_for_crm_item_uses_item_names_and_types() {
    let deal: Deal = read_clean(&record("crm.deal.get.json"), Classic);
    let fields = Value::Object(deal.to_fields(Item));
    assert_eq!(
        fields,
        json!({
            "title": "New Deal #1",
            "opened": "Y",
            "opportunity": 1000000.0,
            "createdTime": "2024-08-30T14:29:00+02:00",
            "begindate": "2024-08-30",
            "stageId": "PREPARATION",
            "createdBy": 1,
            "companyId": 9,
            "ufCrm_1721244482250": "Hello world!"
        })
    );
}

#[test]
fn item_deal_written_for_classic_uses_classic_names() {
    let deal: Deal = read_clean(&record("crm.item.add.json"), Item);
    let fields = Value::Object(deal.to_fields(Classic));
    assert_eq!(
        fields,
        json!({
            "TITLE": "New deal (specifically for rest method examples)",
            "OPENED": "N",
            "OPPORTUNITY": 999.99,
            "DATE_CREATE": "2024-07-18T14:00:14+02:00",
            "BEGINDATE": "2024-06-18",
            "STAGE_ID": "C9:UC_KN8KFI",
            "CREATED_BY_ID": 1,
            "COMPANY_ID": 5,
            "UF_CRM_1721244707107": 1111.1
        })
    );
}

/// A deal update carrying every user field type of the struct, in the documented shapes.
fn deal_with_user_fields() -> Map<String, Value> {
    json!({
        "ID": "410",
        "UF_CRM_1721244800001": "3157",
        "UF_CRM_1721244800002": ["51", "4242"],
        "UF_CRM_1721244800003": "300|USD",
        "UF_CRM_1721244800004": "CO_3",
        "UF_CRM_1721244800005": [{
            "id": 37377,
            "showUrl": "/bitrix/components/bitrix/crm.deal.show/show_file.php?ownerId=410",
            "downloadUrl": "/bitrix/components/bitrix/crm.deal.show/show_file.php?auth=TOKEN"
        }]
    })
    .as_object()
    .unwrap()
    .clone()
}

#[test]
fn unknown_enumeration_ids_round_trip_in_both_families() {
    let deal: Deal = read_clean(&deal_with_user_fields(), Classic);
    assert_eq!(deal.delivery, Some(Delivery::Unknown(3157)));
    assert_eq!(deal.radio, Some(vec![Radio::Am, Radio::Unknown(4242)]));
    assert_eq!(deal.budget, Some(Money::new(dec("300"), "USD")));
    assert_eq!(deal.subsidiary, Some(CrmRef::new(CrmRefKind::Company, 3)));
    assert_eq!(deal.files.as_ref().unwrap()[0].id(), Some(37377));

    let item = Value::Object(deal.to_fields(Item));
    assert_eq!(item["ufCrm_1721244800001"], json!(3157));
    assert_eq!(item["ufCrm_1721244800002"], json!([51, 4242]));
    assert_eq!(item["ufCrm_1721244800003"], json!("300|USD"));
    assert_eq!(item["ufCrm_1721244800004"], json!("CO_3"));
    assert_eq!(item["ufCrm_1721244800005"], json!([{"id": 37377}]));

    let back: Deal = read_clean(item.as_object().unwrap(), Item);
    assert_eq!(back.delivery, Some(Delivery::Unknown(3157)));
    assert_eq!(back.radio, deal.radio);
}

#[test]
fn entity_debug_does_not_print_file_tokens() {
    let deal: Deal = read_clean(&deal_with_user_fields(), Classic);
    let debug = format!("{deal:?}");
    assert!(!debug.contains("TOKEN"), "{debug}");
    assert!(debug.contains("37377"));
}

#[test]
fn a_bad_value_is_reported_and_kept_raw_while_the_rest_reads() {
    let mut map = record("crm.deal.get.json");
    map.insert("OPENED".into(), json!("maybe"));
    map.insert("UF_CRM_1721244800001".into(), json!("Courier"));
    let read = Deal::from_fields(&map, Classic);

    let fields: Vec<&str> = read.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["OPENED", "UF_CRM_1721244800001"]);
    let message = read.problems[0].to_string();
    assert!(
        message.starts_with("field `OPENED`: expected a boolean"),
        "{message}"
    );
    assert!(message.contains("got string \"maybe\""), "{message}");
    assert!(message.contains("kept in `extra`"), "{message}");

    let deal = read.value;
    assert_eq!(deal.opened, None);
    assert_eq!(deal.extra.get("OPENED"), Some(&json!("maybe")));
    assert_eq!(
        deal.extra.get("UF_CRM_1721244800001"),
        Some(&json!("Courier"))
    );
    assert_eq!(deal.title.as_deref(), Some("New Deal #1"));
    assert_eq!(deal.opportunity, Some(dec("1000000.00")));
    // Raw values are never written back.
    assert!(!deal.to_fields(Classic).contains_key("OPENED"));
}

#[test]
fn partial_update_writes_only_set_and_cleared_fields() {
    let mut deal = Deal {
        delivery: Some(Delivery::Courier),
        ..Deal::default()
    };
    deal.clear(DealField::Budget);
    deal.clear(DealField::Radio);
    deal.clear(DealField::CompanyId);
    assert_eq!(
        Value::Object(deal.to_fields(Item)),
        json!({
            "companyId": 0,
            "ufCrm_1721244800001": 45,
            "ufCrm_1721244800002": [""],
            "ufCrm_1721244800003": ""
        })
    );
    assert_eq!(
        Value::Object(deal.to_fields(Classic)),
        json!({
            "COMPANY_ID": 0,
            "UF_CRM_1721244800001": 45,
            "UF_CRM_1721244800002": [""],
            "UF_CRM_1721244800003": ""
        })
    );
}

#[test]
fn clear_resets_a_read_value_and_a_later_set_wins() {
    let mut deal: Deal = read_clean(&deal_with_user_fields(), Classic);
    deal.clear(DealField::Delivery);
    assert_eq!(deal.delivery, None);
    assert_eq!(deal.to_fields(Classic)["UF_CRM_1721244800001"], json!(""));
    deal.delivery = Some(Delivery::Pickup);
    assert_eq!(deal.to_fields(Classic)["UF_CRM_1721244800001"], json!(47));
}

#[test]
fn deal_select_lists() {
    let classic = Deal::select(Classic);
    assert!(classic.contains(&"DATE_CREATE") && classic.contains(&"UF_CRM_1721244800005"));
    assert_eq!(
        classic.last(),
        Some(&"PHONE"),
        "multifields must be named in classic select"
    );
    // fm comes back only with "*".
    assert_eq!(Deal::select(Item), ["*"]);
    assert_eq!(<Deal as CrmEntity>::CLASSIC_PREFIX, Some("crm.deal"));
    assert_eq!(<Deal as CrmEntity>::ENTITY_TYPE_ID, 2);
}

#[test]
fn lead_list_reads_status_empty_dates_and_boolean_user_fields() {
    let leads: Vec<Lead> = records("crm.lead.list.json")
        .iter()
        .map(|r| read_clean(r, Classic))
        .collect();
    assert_eq!(leads.len(), 2);
    assert_eq!(leads[0].status_id, Some(LeadStatus::Converted));
    assert_eq!(leads[0].birthdate, None, "\"BIRTHDATE\": \"\" is empty");
    assert_eq!(
        leads[0].company_id, None,
        "\"COMPANY_ID\": \"0\" is no link"
    );
    assert_eq!(leads[0].has_phone, Some(true));
    assert_eq!(leads[0].subscribed, Some(false));
    assert_eq!(leads[1].subscribed, Some(true));
    assert_eq!(leads[1].opportunity, Some(dec("15000.00")));
    assert_eq!(leads[0].extra.get("UF_CRM_1704817278"), Some(&Value::Null));
}

#[test]
fn classic_lead_written_for_crm_item_uses_stage_id() {
    let leads = records("crm.lead.list.json");
    let lead: Lead = read_clean(&leads[1], Classic);
    let fields = lead.to_fields(Item);
    assert_eq!(fields["stageId"], json!("CONVERTED"));
    assert_eq!(fields["createdBy"], json!(1));
    assert_eq!(fields["createdTime"], json!("2021-05-31T15:10:16+02:00"));
    assert_eq!(fields["hasPhone"], json!("Y"));
    assert_eq!(fields["ufCrm_1708952993785"], json!("Y"));
    assert!(!fields.contains_key("STATUS_ID") && !fields.contains_key("birthdate"));
    let classic = lead.to_fields(Classic);
    assert_eq!(classic["STATUS_ID"], json!("CONVERTED"));
    assert_eq!(classic["UF_CRM_1708952993785"], json!(true));
}

#[test]
fn item_lead_reads_fm_and_writes_classic_multifields() {
    let lead: Lead = read_clean(&record("crm.item.get.json"), Item);
    assert_eq!(lead.id, Some(250));
    assert_eq!(lead.status_id, Some(LeadStatus::InProcess));
    assert_eq!(lead.birthdate, NaiveDate::from_ymd_opt(2000, 1, 1));
    assert_eq!(lead.company_id, None, "\"companyId\": 0 is no link");
    assert_eq!(lead.opportunity, Some(dec("999.9")));
    assert_eq!(lead.phone.as_ref().unwrap()[0].id, Some(101));
    assert_eq!(lead.email.as_ref().unwrap()[0].value, "admin@example.com");

    let classic = Value::Object(lead.to_fields(Classic));
    assert_eq!(classic["STATUS_ID"], json!("IN_PROCESS"));
    assert_eq!(classic["CREATED_BY_ID"], json!(1));
    assert_eq!(classic["BIRTHDATE"], json!("2000-01-01"));
    assert_eq!(
        classic["PHONE"],
        json!([{"ID": 101, "VALUE_TYPE": "WORK", "VALUE": "+6111111111"}])
    );
    assert_eq!(
        classic["EMAIL"],
        json!([{"ID": 102, "VALUE_TYPE": "WORK", "VALUE": "admin@example.com"}])
    );
}

#[test]
fn lead_update_of_multifields_for_crm_item() {
    let mut lead: Lead = read_clean(&record("crm.item.get.json"), Item);
    // Change the stored phone, remove the stored e-mail, add a mobile number.
    let phones = lead.phone.as_mut().unwrap();
    phones[0].value = "+6122222222".into();
    phones.push(Multifield::new("MOBILE", "+6133333333"));
    lead.email = Some(vec![Multifield::delete(102)]);
    lead.clear(LeadField::Subscribed);

    let fields = Value::Object(lead.to_fields(Item));
    assert_eq!(
        fields["fm"],
        json!({
            "101": {"typeId": "PHONE", "valueType": "WORK", "value": "+6122222222"},
            "n0": {"typeId": "PHONE", "valueType": "MOBILE", "value": "+6133333333"},
            "102": {"typeId": "EMAIL", "value": ""}
        })
    );
    assert_eq!(fields["ufCrm_1708952993785"], json!(""));
    assert_eq!(
        Lead::select(Classic)[Lead::select(Classic).len() - 2..],
        ["PHONE", "EMAIL"]
    );
}

#[test]
fn contact_multifields_read_classic_and_write_item() {
    // A contact has the same multifield shape; read it through the lead pattern's helpers.
    let contact = record("crm.contact.get.json");
    let mut reader = bitrix_schema::entity::Reader::new(&contact, Classic);
    let phones = reader.multifield(bitrix_schema::value::MultifieldType::Phone);
    let emails = reader.multifield(bitrix_schema::value::MultifieldType::Email);
    let birthdate: Option<NaiveDate> = reader.field(bitrix_schema::entity::FieldName::new(
        "BIRTHDATE",
        "birthdate",
    ));
    let (_, problems) = reader.finish();
    assert!(problems.is_empty());
    assert_eq!(birthdate, NaiveDate::from_ymd_opt(2001, 11, 11));

    let extra = bitrix_schema::entity::Extra::default();
    let mut writer = bitrix_schema::entity::Writer::new(Item, &extra);
    writer.multifield(bitrix_schema::value::MultifieldType::Phone, &phones);
    writer.multifield(bitrix_schema::value::MultifieldType::Email, &emails);
    let fm = &writer.finish()["fm"];
    assert_eq!(fm.as_object().unwrap().len(), 4);
    assert_eq!(
        fm["158"],
        json!({"typeId": "EMAIL", "valueType": "MAILING", "value": "johnsmith@example.mailing"})
    );
}

#[test]
fn item_lead_list_reads_numbers_and_keeps_unknown_keys() {
    let leads: Vec<Lead> = records("crm.item.list.json")
        .iter()
        .map(|r| read_clean(r, Item))
        .collect();
    let ids: Vec<Option<u64>> = leads.iter().map(|l| l.id).collect();
    assert_eq!(ids, [Some(253), Some(255), Some(252), Some(254)]);
    assert_eq!(leads[0].opportunity, Some(dec("19000")));
    assert_eq!(leads[3].status_id, Some(LeadStatus::InProcess));
    // `name` and `lastName` are not fields of this struct: kept raw, `null` included.
    assert_eq!(leads[0].extra.get("lastName"), Some(&Value::Null));
    assert_eq!(leads[1].extra.get("name"), Some(&json!("Klaus")));
    assert_eq!(leads[0].phone, None, "no fm without select *");
}
