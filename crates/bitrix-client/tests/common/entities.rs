//! Hand-written record types for the emulator's default portal, in the shape
//! `bitrix-codegen` generates (see `crates/bitrix-schema/tests/reference_entity.rs`).

#![allow(dead_code)]

use bitrix_schema::entity::{CrmEntity, Extra, FieldName, Read, Reader, Writer, select};
use bitrix_schema::value::{EnumValue, FieldValue, Target, codec};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// `UF_CRM_DELIVERY` of the emulator's deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Courier,
    Pickup,
    Post,
    Unknown(u64),
}

impl EnumValue for Delivery {
    fn id(&self) -> u64 {
        match self {
            Delivery::Courier => 42,
            Delivery::Pickup => 44,
            Delivery::Post => 46,
            Delivery::Unknown(id) => *id,
        }
    }

    fn from_id(id: u64) -> Self {
        match id {
            42 => Delivery::Courier,
            44 => Delivery::Pickup,
            46 => Delivery::Post,
            other => Delivery::Unknown(other),
        }
    }

    fn label(&self) -> Option<&'static str> {
        match self {
            Delivery::Courier => Some("Курьер"),
            Delivery::Pickup => Some("Самовывоз"),
            Delivery::Post => Some("Почта России"),
            Delivery::Unknown(_) => None,
        }
    }
}

impl FieldValue for Delivery {
    type Codec = codec::Enumeration;
}

pub mod deal_fields {
    use bitrix_schema::entity::FieldName;

    pub const ID: FieldName = FieldName::new("ID", "id");
    pub const TITLE: FieldName = FieldName::new("TITLE", "title");
    pub const OPPORTUNITY: FieldName = FieldName::new("OPPORTUNITY", "opportunity");
    pub const COMMENTS: FieldName = FieldName::new("COMMENTS", "comments");
    pub const ORIGIN_ID: FieldName = FieldName::new("ORIGIN_ID", "originId");
    pub const BEGINDATE: FieldName = FieldName::new("BEGINDATE", "begindate");
    pub const DELIVERY: FieldName = FieldName::new("UF_CRM_DELIVERY", "ufCrmDelivery");
    pub const ALL: [FieldName; 7] = [
        ID,
        TITLE,
        OPPORTUNITY,
        COMMENTS,
        ORIGIN_ID,
        BEGINDATE,
        DELIVERY,
    ];
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deal {
    pub id: Option<u64>,
    pub title: Option<String>,
    pub opportunity: Option<Decimal>,
    pub comments: Option<String>,
    pub origin_id: Option<String>,
    pub begindate: Option<chrono::NaiveDate>,
    pub delivery: Option<Delivery>,
    pub extra: Extra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealField {
    Title,
    Comments,
    Delivery,
}

impl CrmEntity for Deal {
    const ENTITY_TYPE_ID: u32 = 2;
    const CLASSIC_PREFIX: Option<&'static str> = Some("crm.deal");
    type Field = DealField;

    fn select(target: Target) -> Vec<&'static str> {
        select(target, &deal_fields::ALL, &[])
    }

    fn to_fields(&self, target: Target) -> Map<String, Value> {
        let mut w = Writer::new(target, &self.extra);
        w.field(deal_fields::TITLE, &self.title);
        w.field(deal_fields::OPPORTUNITY, &self.opportunity);
        w.field(deal_fields::COMMENTS, &self.comments);
        w.field(deal_fields::ORIGIN_ID, &self.origin_id);
        w.field(deal_fields::BEGINDATE, &self.begindate);
        w.field(deal_fields::DELIVERY, &self.delivery);
        w.finish()
    }

    fn from_fields(map: &Map<String, Value>, target: Target) -> Read<Self> {
        let mut r = Reader::new(map, target);
        let mut value = Deal {
            id: r.field(deal_fields::ID),
            title: r.field(deal_fields::TITLE),
            opportunity: r.field(deal_fields::OPPORTUNITY),
            comments: r.field(deal_fields::COMMENTS),
            origin_id: r.field(deal_fields::ORIGIN_ID),
            begindate: r.field(deal_fields::BEGINDATE),
            delivery: r.field(deal_fields::DELIVERY),
            extra: Extra::default(),
        };
        let (extra, problems) = r.finish();
        value.extra = extra;
        Read { value, problems }
    }

    fn id(&self) -> Option<u64> {
        self.id
    }

    fn clear(&mut self, field: DealField) {
        let name: FieldName = match field {
            DealField::Title => {
                self.title = None;
                deal_fields::TITLE
            }
            DealField::Comments => {
                self.comments = None;
                deal_fields::COMMENTS
            }
            DealField::Delivery => {
                self.delivery = None;
                deal_fields::DELIVERY
            }
        };
        self.extra.clear(name);
    }

    fn extra(&self) -> &Extra {
        &self.extra
    }
}

/// Smart process 1268 ("Delivery Requests"): crm.item only.
pub mod request_fields {
    use bitrix_schema::entity::FieldName;

    pub const ID: FieldName = FieldName::item_only("id");
    pub const TITLE: FieldName = FieldName::item_only("title");
    pub const XML_ID: FieldName = FieldName::item_only("xmlId");
    pub const LIST: FieldName = FieldName::item_only("ufCrm44_1721812814433");
    pub const ALL: [FieldName; 4] = [ID, TITLE, XML_ID, LIST];
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    pub id: Option<u64>,
    pub title: Option<String>,
    pub xml_id: Option<String>,
    /// Enumeration with items 79..=82, read as raw IDs.
    pub list: Option<u64>,
    pub extra: Extra,
}

impl CrmEntity for Request {
    const ENTITY_TYPE_ID: u32 = 1268;
    const CLASSIC_PREFIX: Option<&'static str> = None;
    type Field = ();

    fn select(target: Target) -> Vec<&'static str> {
        select(target, &request_fields::ALL, &[])
    }

    fn to_fields(&self, target: Target) -> Map<String, Value> {
        let mut w = Writer::new(target, &self.extra);
        w.field(request_fields::TITLE, &self.title);
        w.field(request_fields::XML_ID, &self.xml_id);
        w.field_with::<codec::LinkId, _>(request_fields::LIST, &self.list);
        w.finish()
    }

    fn from_fields(map: &Map<String, Value>, target: Target) -> Read<Self> {
        let mut r = Reader::new(map, target);
        let mut value = Request {
            id: r.field(request_fields::ID),
            title: r.field(request_fields::TITLE),
            xml_id: r.field(request_fields::XML_ID),
            list: r.field_with::<codec::LinkId, _>(request_fields::LIST),
            extra: Extra::default(),
        };
        let (extra, problems) = r.finish();
        value.extra = extra;
        Read { value, problems }
    }

    fn id(&self) -> Option<u64> {
        self.id
    }

    fn clear(&mut self, _field: ()) {}

    fn extra(&self) -> &Extra {
        &self.extra
    }
}
