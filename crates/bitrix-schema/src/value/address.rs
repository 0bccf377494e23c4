//! `address` user fields: `"text|lat;lng|locationId"`.

use std::fmt;

use serde_json::Value;

use super::codec;
use super::{Codec, FieldValue, Target, ValueError, is_empty};

/// An address user field value.
///
/// The wire form is `"Granatny Lane, 10, Berlin|55.761234;37.591234|571"`: the text, the
/// coordinates (`";"` when unknown) and the ID of the stored location address.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub text: String,
    /// Latitude and longitude.
    pub coordinates: Option<(f64, f64)>,
    /// The ID of the stored location address; writing it back updates that address.
    pub location_id: Option<u64>,
}

const ADDRESS_SHAPES: &str = "an address \"text|lat;lng|locationId\"";

impl Address {
    /// An address given as text only; the portal geocodes and stores it.
    pub fn from_text(text: impl Into<String>) -> Self {
        Address {
            text: text.into(),
            coordinates: None,
            location_id: None,
        }
    }

    /// Parses the wire form. The text may itself contain `|`, so the two other parts are
    /// taken from the right.
    pub fn parse(raw: &str) -> Result<Option<Address>, ValueError> {
        let bad = || ValueError::new(ADDRESS_SHAPES, &Value::String(raw.to_string()));
        let mut parts = raw.rsplitn(3, '|');
        let (text, coordinates, location) = match (parts.next(), parts.next(), parts.next()) {
            (Some(loc), Some(coords), Some(text)) => (text, coords, loc),
            (Some(coords), Some(text), None) => (text, coords, ""),
            (Some(text), None, None) => (text, "", ""),
            _ => return Err(bad()),
        };
        let coordinates = match coordinates.trim() {
            "" | ";" => None,
            pair => {
                let (lat, lng) = pair.split_once(';').ok_or_else(bad)?;
                let lat = lat.trim().parse::<f64>().map_err(|_| bad())?;
                let lng = lng.trim().parse::<f64>().map_err(|_| bad())?;
                Some((lat, lng))
            }
        };
        let location_id = match location.trim() {
            "" | "0" => None,
            id => Some(id.parse::<u64>().map_err(|_| bad())?),
        };
        if text.is_empty() && coordinates.is_none() && location_id.is_none() {
            return Ok(None);
        }
        Ok(Some(Address {
            text: text.to_string(),
            coordinates,
            location_id,
        }))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.coordinates.is_none() && self.location_id.is_none() {
            return f.write_str(&self.text);
        }
        f.write_str(&self.text)?;
        match self.coordinates {
            Some((lat, lng)) => write!(f, "|{lat};{lng}|")?,
            None => f.write_str("|;|")?,
        }
        if let Some(id) = self.location_id {
            write!(f, "{id}")?;
        }
        Ok(())
    }
}

impl Codec<Address> for codec::Address {
    fn read(value: &Value, _: Target) -> Result<Option<Address>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::String(s) => Address::parse(s),
            other => Err(ValueError::new(ADDRESS_SHAPES, other)),
        }
    }

    fn write(value: &Address, _: Target) -> Value {
        Value::String(value.to_string())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for Address {
    type Codec = codec::Address;
}
