//! Flags, booleans, numbers, IDs, strings and raw JSON.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Number as JsonNumber, Value};

use super::codec::{Flag, LinkId, Number, Raw, Text, UfBool, UfBoolNumeric, User};
use super::{Codec, FieldValue, Target, ValueError, is_empty};

/// A Bitrix24 user ID (`ASSIGNED_BY_ID`, `createdBy`, `employee` user fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub u64);

impl FieldValue for UserId {
    type Codec = User;
}

const BOOL_SHAPES: &str = "a boolean (\"Y\"/\"N\", \"1\"/\"0\", true/false or 1/0)";

/// Every boolean shape either family (or a PHP serialiser) is known to produce.
fn read_bool(value: &Value) -> Result<Option<bool>, ValueError> {
    if is_empty(value) {
        return Ok(None);
    }
    let parsed = match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "Y" | "y" | "1" | "true" => Some(true),
            "N" | "n" | "0" | "false" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| ValueError::new(BOOL_SHAPES, value))
}

fn yes_no(b: bool) -> Value {
    Value::String(if b { "Y" } else { "N" }.into())
}

impl Codec<bool> for Flag {
    fn read(value: &Value, _: Target) -> Result<Option<bool>, ValueError> {
        read_bool(value)
    }

    fn write(value: &bool, _: Target) -> Value {
        yes_no(*value)
    }

    fn clear(_: Target) -> Value {
        yes_no(false)
    }
}

impl FieldValue for bool {
    type Codec = Flag;
}

impl Codec<bool> for UfBool {
    fn read(value: &Value, _: Target) -> Result<Option<bool>, ValueError> {
        read_bool(value)
    }

    fn write(value: &bool, target: Target) -> Value {
        match target {
            Target::Item => yes_no(*value),
            Target::Classic => Value::Bool(*value),
        }
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl Codec<bool> for UfBoolNumeric {
    fn read(value: &Value, _: Target) -> Result<Option<bool>, ValueError> {
        read_bool(value)
    }

    fn write(value: &bool, target: Target) -> Value {
        match target {
            Target::Item => yes_no(*value),
            Target::Classic => Value::from(u8::from(*value)),
        }
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

/// An integer from a JSON number or a numeric string; `Ok(None)` for empty shapes.
fn read_integer(value: &Value, expected: &'static str) -> Result<Option<i128>, ValueError> {
    if is_empty(value) {
        return Ok(None);
    }
    let parsed = match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            // A whole double such as `5.0` is still an integer.
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i128)
            }),
        Value::String(s) => s.trim().parse::<i128>().ok(),
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| ValueError::new(expected, value))
}

macro_rules! integer_codec {
    ($($ty:ty => $expected:literal,)*) => {$(
        impl Codec<$ty> for Number {
            fn read(value: &Value, _: Target) -> Result<Option<$ty>, ValueError> {
                match read_integer(value, $expected)? {
                    None => Ok(None),
                    Some(n) => <$ty>::try_from(n)
                        .map(Some)
                        .map_err(|_| ValueError::new($expected, value)),
                }
            }

            fn write(value: &$ty, _: Target) -> Value {
                Value::from(*value)
            }

            fn clear(_: Target) -> Value {
                Value::String(String::new())
            }
        }

        impl FieldValue for $ty {
            type Codec = Number;
        }
    )*};
}

integer_codec! {
    i64 => "an integer (a number or a numeric string)",
    u64 => "a non-negative integer (a number or a numeric string)",
    i32 => "a 32-bit integer (a number or a numeric string)",
    u32 => "a non-negative 32-bit integer (a number or a numeric string)",
}

const DECIMAL_SHAPES: &str = "a decimal number (a number or a numeric string)";

/// A decimal from a JSON number or a numeric string. JSON numbers go through their shortest
/// text form, so `999.99` stays exactly `999.99`.
pub(crate) fn read_decimal(value: &Value) -> Result<Option<Decimal>, ValueError> {
    if is_empty(value) {
        return Ok(None);
    }
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return Err(ValueError::new(DECIMAL_SHAPES, value)),
    };
    parse_decimal(&text)
        .map(Some)
        .ok_or_else(|| ValueError::new(DECIMAL_SHAPES, value))
}

pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    // `from_str_exact` refuses to round; `from_scientific` covers `1e-7`, which serde_json
    // prints for small doubles.
    Decimal::from_str_exact(text)
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// A decimal as a JSON number. Exact for every amount of up to 15 significant digits; beyond
/// that the nearest `f64` is sent.
pub(crate) fn decimal_to_json(value: &Decimal) -> Value {
    value
        .to_f64()
        .and_then(JsonNumber::from_f64)
        .map(Value::Number)
        // Unreachable for finite decimals; a string is still a number to PHP.
        .unwrap_or_else(|| Value::String(value.to_string()))
}

impl Codec<Decimal> for Number {
    fn read(value: &Value, _: Target) -> Result<Option<Decimal>, ValueError> {
        read_decimal(value)
    }

    fn write(value: &Decimal, _: Target) -> Value {
        decimal_to_json(value)
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for Decimal {
    type Codec = Number;
}

impl Codec<f64> for Number {
    fn read(value: &Value, _: Target) -> Result<Option<f64>, ValueError> {
        const EXPECTED: &str = "a number (a number or a numeric string)";
        if is_empty(value) {
            return Ok(None);
        }
        let parsed = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| ValueError::new(EXPECTED, value))
    }

    fn write(value: &f64, _: Target) -> Value {
        // JSON has no NaN or infinity; an empty string is the clear value, the least harmful
        // thing to send for a number that cannot be represented.
        JsonNumber::from_f64(*value)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(String::new()))
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for f64 {
    type Codec = Number;
}

const LINK_SHAPES: &str = "a record ID (a non-negative integer or a numeric string)";

fn read_link(value: &Value) -> Result<Option<u64>, ValueError> {
    match read_integer(value, LINK_SHAPES)? {
        None | Some(0) => Ok(None),
        Some(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| ValueError::new(LINK_SHAPES, value)),
    }
}

impl Codec<u64> for LinkId {
    fn read(value: &Value, _: Target) -> Result<Option<u64>, ValueError> {
        // PHP returns `false` for some empty links.
        if value == &Value::Bool(false) {
            return Ok(None);
        }
        read_link(value)
    }

    fn write(value: &u64, _: Target) -> Value {
        Value::from(*value)
    }

    fn clear(_: Target) -> Value {
        Value::from(0)
    }

    // Multiple links (`contactIds`, `CONTACT_IDS`, `observers`) are record bindings, not
    // list user fields: `[""]` would be a binding to the ID `""`, while `[]` is the list of
    // no bindings.
    fn clear_multiple(_: Target) -> Value {
        Value::Array(Vec::new())
    }
}

impl Codec<UserId> for User {
    fn read(value: &Value, _: Target) -> Result<Option<UserId>, ValueError> {
        if value == &Value::Bool(false) {
            return Ok(None);
        }
        read_link(value).map(|id| id.map(UserId))
    }

    fn write(value: &UserId, _: Target) -> Value {
        Value::from(value.0)
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }

    // `observers` and multiple `employee` fields: see `LinkId`.
    fn clear_multiple(_: Target) -> Value {
        Value::Array(Vec::new())
    }
}

impl Codec<String> for Text {
    fn read(value: &Value, _: Target) -> Result<Option<String>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            other => Err(ValueError::new("a string", other)),
        }
    }

    fn write(value: &String, _: Target) -> Value {
        Value::String(value.clone())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for String {
    type Codec = Text;
}

impl Codec<Value> for Raw {
    fn read(value: &Value, _: Target) -> Result<Option<Value>, ValueError> {
        Ok((!value.is_null()).then(|| value.clone()))
    }

    fn write(value: &Value, _: Target) -> Value {
        value.clone()
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for Value {
    type Codec = Raw;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimal_through_f64_keeps_typical_amounts() {
        for text in [
            "1000000.00",
            "999.99",
            "19999.99",
            "0.10",
            "123456789012.34",
        ] {
            let d = parse_decimal(text).unwrap();
            let back = parse_decimal(&decimal_to_json(&d).to_string()).unwrap();
            assert_eq!(back, d, "{text}");
        }
    }

    #[test]
    fn whole_doubles_are_integers_but_fractions_are_not() {
        assert_eq!(read_integer(&json!(5.0), "x").unwrap(), Some(5));
        assert!(read_integer(&json!(5.5), "x").is_err());
    }
}
