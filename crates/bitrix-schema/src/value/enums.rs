//! Open enums: enumeration user fields (numeric item IDs) and `crm_status` lists (string IDs).

use serde_json::Value;

use super::codec::{Enumeration, Status};
use super::{Codec, Target, ValueError, is_empty};

/// An enumeration user field's value, implemented by generated enums.
///
/// Generated enums are open: a catch-all variant (`Unknown(u64)`) keeps IDs the schema does
/// not know, so `from_id(id).id() == id` for every `id` and unknown values are written back
/// unchanged.
///
/// ```
/// use bitrix_schema::value::EnumValue;
///
/// #[derive(Debug, PartialEq)]
/// enum Delivery { Courier, Pickup, Unknown(u64) }
///
/// impl EnumValue for Delivery {
///     fn id(&self) -> u64 {
///         match self {
///             Delivery::Courier => 45,
///             Delivery::Pickup => 47,
///             Delivery::Unknown(id) => *id,
///         }
///     }
///     fn from_id(id: u64) -> Self {
///         match id {
///             45 => Delivery::Courier,
///             47 => Delivery::Pickup,
///             other => Delivery::Unknown(other),
///         }
///     }
///     fn label(&self) -> Option<&'static str> {
///         match self {
///             Delivery::Courier => Some("Courier"),
///             Delivery::Pickup => Some("Pickup"),
///             Delivery::Unknown(_) => None,
///         }
///     }
/// }
///
/// assert_eq!(Delivery::from_id(99).id(), 99);
/// ```
pub trait EnumValue: Sized {
    /// The item ID, the only thing the portal accepts on write.
    fn id(&self) -> u64;
    /// The value for an item ID; never fails, unknown IDs go to the catch-all.
    fn from_id(id: u64) -> Self;
    /// The label users see, when the schema knows this item.
    fn label(&self) -> Option<&'static str>;
}

/// A `crm_status` value (stage, source, deal type...), implemented by generated enums with an
/// `Unknown(String)` catch-all. `String` implements it for fields without a generated enum.
pub trait StatusValue: Sized {
    /// The `STATUS_ID`, e.g. `C9:UC_KN8KFI`.
    fn id(&self) -> &str;
    /// The value for a status ID; never fails, unknown IDs go to the catch-all.
    fn from_id(id: &str) -> Self;
    /// The status name, when the schema knows this status.
    fn label(&self) -> Option<&'static str>;
}

impl StatusValue for String {
    fn id(&self) -> &str {
        self
    }

    fn from_id(id: &str) -> Self {
        id.to_string()
    }

    fn label(&self) -> Option<&'static str> {
        None
    }
}

const ENUM_SHAPES: &str = "an enumeration item ID (a positive integer or a numeric string)";

impl<E: EnumValue> Codec<E> for Enumeration {
    fn read(value: &Value, _: Target) -> Result<Option<E>, ValueError> {
        let id = match value {
            v if is_empty(v) => return Ok(None),
            Value::Bool(false) => return Ok(None),
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        match id {
            Some(0) => Ok(None),
            Some(id) => Ok(Some(E::from_id(id))),
            None => Err(ValueError::new(ENUM_SHAPES, value)),
        }
    }

    fn write(value: &E, _: Target) -> Value {
        Value::from(value.id())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl<S: StatusValue> Codec<S> for Status {
    fn read(value: &Value, _: Target) -> Result<Option<S>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::String(s) => Ok(Some(S::from_id(s))),
            // Some lists use numeric IDs (`SOURCE` "1"); tolerate them as numbers.
            Value::Number(n) => Ok(Some(S::from_id(&n.to_string()))),
            other => Err(ValueError::new("a status ID string", other)),
        }
    }

    fn write(value: &S, _: Target) -> Value {
        Value::String(value.id().to_string())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}
