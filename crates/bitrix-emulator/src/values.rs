//! Wire formats: how each kind of field is read from a request and printed in the classic
//! (`crm.deal.*`, strings everywhere) and crm.item (typed JSON) answers.
//!
//! Dates follow the rule the real server's code implies (bitrix-api.md §4): a date is printed
//! as 00:00 UTC of that day, shown in the server's offset (`2024-08-30T03:00:00+03:00` on a
//! +03:00 server). Date-times are printed in the server's offset.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::{Number, Value, json};

use crate::model::{Field, Kind};

/// Prints `secs` (unix) as `YYYY-MM-DDThh:mm:ss±hh:mm` in `offset`.
pub(crate) fn format_datetime(secs: i64, offset: FixedOffset) -> String {
    let utc = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
    utc.with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Prints a date the way the server does: midnight UTC of that date, in the server offset.
pub(crate) fn format_date(date: &str, offset: FixedOffset) -> Option<String> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let secs = day.and_time(NaiveTime::MIN).and_utc().timestamp();
    Some(format_datetime(secs, offset))
}

/// Reads a date as the server accepts it: `YYYY-MM-DD`, an ISO date-time (its time dropped
/// after moving it to the server offset) or the portal short format `DD.MM.YYYY`.
pub(crate) fn parse_date(text: &str, offset: FixedOffset) -> Option<String> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%d.%m.%Y") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    let secs = parse_datetime(text, offset)?;
    let local = DateTime::<Utc>::from_timestamp(secs, 0)?.with_timezone(&offset);
    Some(local.format("%Y-%m-%d").to_string())
}

/// Reads a date-time: ISO with offset, or a local time of the server (`YYYY-MM-DDThh:mm:ss`,
/// `YYYY-MM-DD hh:mm:ss`, `DD.MM.YYYY hh:mm:ss`, a bare date meaning its midnight).
pub(crate) fn parse_datetime(text: &str, offset: FixedOffset) -> Option<i64> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp());
    }
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(dt.timestamp());
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| {
        ["%Y-%m-%d", "%d.%m.%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
            .map(|d| d.and_time(NaiveTime::MIN))
    })?;
    offset
        .from_local_datetime(&local)
        .single()
        .map(|dt| dt.timestamp())
}

/// Why a value was not accepted for a field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reject {
    /// Not a value of this type at all (`"abc"` for an integer).
    Invalid(String),
    /// An enumeration value that is not in the list (quirk: silently dropped).
    NotInList(String),
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "Y" } else { "N" }.to_owned()),
        _ => None,
    }
}

fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().map(|f| f as i64))
        }
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn float_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
}

pub(crate) fn yes_no_of(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::String(s) => match s.trim().to_ascii_uppercase().as_str() {
            "Y" | "1" | "TRUE" => Some(true),
            "N" | "0" | "FALSE" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn is_empty_input(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Converts one scalar of a request into its stored form. `Ok(None)` means "empty".
pub(crate) fn scalar_to_stored(
    field: &Field,
    value: &Value,
    offset: FixedOffset,
) -> Result<Option<Value>, Reject> {
    let bad = || Reject::Invalid(format!("{value} is not a valid {} value", field.type_name));
    if is_empty_input(value) && field.kind != Kind::YesNo && field.kind != Kind::UfBool {
        return Ok(None);
    }
    let stored = match field.kind {
        Kind::Int => match int_of(value) {
            Some(0) if field.is_link() => return Ok(None),
            Some(n) => json!(n),
            None => return Err(bad()),
        },
        Kind::Double => {
            let f = float_of(value).ok_or_else(bad)?;
            Value::Number(Number::from_f64(f).ok_or_else(bad)?)
        }
        Kind::YesNo => {
            let b = yes_no_of(value).ok_or_else(bad)?;
            json!(if b { "Y" } else { "N" })
        }
        Kind::UfBool => json!(yes_no_of(value).ok_or_else(bad)?),
        Kind::Date => json!(parse_date(&text_of(value).ok_or_else(bad)?, offset).ok_or_else(bad)?),
        Kind::DateTime => {
            json!(parse_datetime(&text_of(value).ok_or_else(bad)?, offset).ok_or_else(bad)?)
        }
        Kind::Enum => {
            let id = int_of(value).filter(|id| field.items.iter().any(|(i, _)| i == id));
            match id {
                Some(id) => json!(id),
                None => {
                    return Err(Reject::NotInList(format!(
                        "{value} is not an item id of the list {}",
                        field.upper
                    )));
                }
            }
        }
        Kind::Money => {
            let text = text_of(value).ok_or_else(bad)?;
            match text.split_once('|') {
                Some(("", _)) => return Ok(None),
                Some(_) => json!(text),
                None if text.parse::<f64>().is_ok() => json!(format!("{text}|RUB")),
                // A bare currency code clears the value (bitrix-api.md §4).
                None => return Ok(None),
            }
        }
        Kind::Str => json!(text_of(value).ok_or_else(bad)?),
        Kind::Raw | Kind::File | Kind::Multi => value.clone(),
    };
    Ok(Some(stored))
}

/// Prints a stored scalar for crm.item (typed JSON).
pub(crate) fn item_scalar(field: &Field, stored: &Value, offset: FixedOffset) -> Value {
    match (field.kind, stored) {
        (_, Value::Null) => Value::Null,
        (Kind::UfBool, Value::Bool(b)) => json!(if *b { "Y" } else { "N" }),
        (Kind::Date, Value::String(d)) => format_date(d, offset)
            .map(Value::String)
            .unwrap_or_default(),
        (Kind::DateTime, Value::Number(n)) => {
            json!(format_datetime(n.as_i64().unwrap_or_default(), offset))
        }
        _ => stored.clone(),
    }
}

/// Prints a stored scalar for the classic methods: strings for numbers, `""` for empty
/// dates, JSON booleans for user-field booleans (as the crm.lead.list example shows).
pub(crate) fn classic_scalar(field: &Field, stored: &Value, offset: FixedOffset) -> Value {
    match (field.kind, stored) {
        (Kind::Date | Kind::DateTime, Value::Null) => json!(""),
        (_, Value::Null) => Value::Null,
        (Kind::Int | Kind::Enum, Value::Number(n)) => json!(n.to_string()),
        (Kind::Double, Value::Number(n)) => {
            let f = n.as_f64().unwrap_or_default();
            if field.uf {
                json!(n.to_string())
            } else {
                json!(format!("{f:.2}"))
            }
        }
        (Kind::Date, Value::String(d)) => format_date(d, offset)
            .map(Value::String)
            .unwrap_or_default(),
        (Kind::DateTime, Value::Number(n)) => {
            json!(format_datetime(n.as_i64().unwrap_or_default(), offset))
        }
        _ => stored.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plus3() -> FixedOffset {
        FixedOffset::east_opt(3 * 3600).unwrap()
    }

    #[test]
    fn dates_print_as_utc_midnight_in_server_offset() {
        assert_eq!(
            format_date("2024-08-30", plus3()).unwrap(),
            "2024-08-30T03:00:00+03:00"
        );
        let minus5 = FixedOffset::west_opt(5 * 3600).unwrap();
        assert_eq!(
            format_date("2024-08-30", minus5).unwrap(),
            "2024-08-29T19:00:00-05:00"
        );
    }

    #[test]
    fn dates_parse_from_every_accepted_form() {
        for text in [
            "2024-08-30",
            "30.08.2024",
            "2024-08-30T03:00:00+03:00",
            "2024-08-30T10:00:00",
        ] {
            assert_eq!(
                parse_date(text, plus3()).as_deref(),
                Some("2024-08-30"),
                "{text}"
            );
        }
        assert_eq!(parse_date("yesterday", plus3()), None);
    }

    #[test]
    fn datetimes_round_trip_in_server_offset() {
        let secs = parse_datetime("2024-08-30T14:29:00+02:00", plus3()).unwrap();
        assert_eq!(format_datetime(secs, plus3()), "2024-08-30T15:29:00+03:00");
        let local = parse_datetime("2024-08-30 14:29:00", plus3()).unwrap();
        assert_eq!(format_datetime(local, plus3()), "2024-08-30T14:29:00+03:00");
    }

    #[test]
    fn yes_no_accepts_the_usual_spellings() {
        assert_eq!(yes_no_of(&json!("Y")), Some(true));
        assert_eq!(yes_no_of(&json!(0)), Some(false));
        assert_eq!(yes_no_of(&json!("true")), Some(true));
        assert_eq!(yes_no_of(&json!("maybe")), None);
    }
}
