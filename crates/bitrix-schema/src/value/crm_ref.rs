//! `crm` binding user fields: links to other CRM records as `"{PREFIX}_{ID}"`.

use std::fmt;

use serde_json::Value;

use super::codec::{CrmLink, CrmLinkOf};
use super::{Codec, FieldValue, Target, ValueError, is_empty};

/// What kind of record a [`CrmRef`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CrmRefKind {
    /// `L`, entityTypeId 1.
    Lead,
    /// `D`, entityTypeId 2.
    Deal,
    /// `C`, entityTypeId 3.
    Contact,
    /// `CO`, entityTypeId 4.
    Company,
    /// `I`, the old invoice, entityTypeId 5.
    Invoice,
    /// `Q`, entityTypeId 7.
    Quote,
    /// `O`, entityTypeId 14.
    Order,
    /// `SI`, the new invoice, entityTypeId 31.
    SmartInvoice,
    /// A smart process: `T` + lowercase hex of its entityTypeId (`T9c` for 156).
    Smart(u32),
}

impl CrmRefKind {
    /// The kind for an `entityTypeId`. IDs without a letter prefix are smart processes.
    pub fn from_entity_type_id(entity_type_id: u32) -> CrmRefKind {
        match entity_type_id {
            1 => CrmRefKind::Lead,
            2 => CrmRefKind::Deal,
            3 => CrmRefKind::Contact,
            4 => CrmRefKind::Company,
            5 => CrmRefKind::Invoice,
            7 => CrmRefKind::Quote,
            14 => CrmRefKind::Order,
            31 => CrmRefKind::SmartInvoice,
            other => CrmRefKind::Smart(other),
        }
    }

    /// The `entityTypeId` of this kind.
    pub fn entity_type_id(self) -> u32 {
        match self {
            CrmRefKind::Lead => 1,
            CrmRefKind::Deal => 2,
            CrmRefKind::Contact => 3,
            CrmRefKind::Company => 4,
            CrmRefKind::Invoice => 5,
            CrmRefKind::Quote => 7,
            CrmRefKind::Order => 14,
            CrmRefKind::SmartInvoice => 31,
            CrmRefKind::Smart(id) => id,
        }
    }

    /// The prefix in link values (`CO`, `T9c`).
    pub fn prefix(self) -> String {
        match self {
            CrmRefKind::Lead => "L".into(),
            CrmRefKind::Deal => "D".into(),
            CrmRefKind::Contact => "C".into(),
            CrmRefKind::Company => "CO".into(),
            CrmRefKind::Invoice => "I".into(),
            CrmRefKind::Quote => "Q".into(),
            CrmRefKind::Order => "O".into(),
            CrmRefKind::SmartInvoice => "SI".into(),
            CrmRefKind::Smart(id) => format!("T{id:x}"),
        }
    }

    /// The kind for a prefix. `T{hex}` always reads as [`CrmRefKind::Smart`], even `T1f`
    /// (entityTypeId 31), so that a value is written back as it came.
    pub fn from_prefix(prefix: &str) -> Option<CrmRefKind> {
        let kind = match prefix.to_ascii_uppercase().as_str() {
            "L" => CrmRefKind::Lead,
            "D" => CrmRefKind::Deal,
            "C" => CrmRefKind::Contact,
            "CO" => CrmRefKind::Company,
            "I" => CrmRefKind::Invoice,
            "Q" => CrmRefKind::Quote,
            "O" => CrmRefKind::Order,
            "SI" => CrmRefKind::SmartInvoice,
            _ => {
                let hex = prefix.strip_prefix(['T', 't'])?;
                if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                CrmRefKind::Smart(u32::from_str_radix(hex, 16).ok()?)
            }
        };
        Some(kind)
    }
}

/// A link to a CRM record, `D_12` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrmRef {
    pub kind: CrmRefKind,
    pub id: u64,
}

impl CrmRef {
    pub fn new(kind: CrmRefKind, id: u64) -> Self {
        CrmRef { kind, id }
    }

    /// Parses `"D_12"`, `"CO_3"`, `"T9c_5"`. `None` for anything else, bare IDs included.
    pub fn parse(text: &str) -> Option<CrmRef> {
        let (prefix, id) = text.trim().split_once('_')?;
        let kind = CrmRefKind::from_prefix(prefix)?;
        let id = id.parse::<u64>().ok().filter(|id| *id > 0)?;
        Some(CrmRef { kind, id })
    }
}

impl fmt::Display for CrmRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.kind.prefix(), self.id)
    }
}

const LINK_SHAPES: &str =
    "a CRM link \"PREFIX_ID\" (L_, D_, C_, CO_, Q_, SI_, T{hex}_; e.g. \"D_12\")";

impl Codec<CrmRef> for CrmLink {
    fn read(value: &Value, _: Target) -> Result<Option<CrmRef>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::String(s) => CrmRef::parse(s)
                .map(Some)
                .ok_or_else(|| ValueError::new(LINK_SHAPES, value)),
            other => Err(ValueError::new(
                "a CRM link \"PREFIX_ID\" (a bare ID needs the field's single target kind: use \
                 codec::CrmLinkOf)",
                other,
            )),
        }
    }

    fn write(value: &CrmRef, _: Target) -> Value {
        Value::String(value.to_string())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for CrmRef {
    type Codec = CrmLink;
}

impl<const ENTITY_TYPE_ID: u32> Codec<CrmRef> for CrmLinkOf<ENTITY_TYPE_ID> {
    fn read(value: &Value, _: Target) -> Result<Option<CrmRef>, ValueError> {
        let kind = CrmRefKind::from_entity_type_id(ENTITY_TYPE_ID);
        let bare = match value {
            v if is_empty(v) => return Ok(None),
            Value::Number(n) => n.as_u64(),
            Value::String(s) => match s.trim().parse::<u64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    return CrmRef::parse(s)
                        .map(Some)
                        .ok_or_else(|| ValueError::new(LINK_SHAPES, value));
                }
            },
            _ => None,
        };
        match bare {
            Some(0) => Ok(None),
            Some(id) => Ok(Some(CrmRef { kind, id })),
            None => Err(ValueError::new(
                "a record ID or a CRM link \"PREFIX_ID\"",
                value,
            )),
        }
    }

    fn write(value: &CrmRef, _: Target) -> Value {
        // A link of another kind keeps its prefix: sent bare, its ID would point at a record
        // of the field's kind with the same number.
        if value.kind.entity_type_id() == ENTITY_TYPE_ID {
            Value::String(value.id.to_string())
        } else {
            Value::String(value.to_string())
        }
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}
