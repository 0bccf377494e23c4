//! `date` and `datetime` fields.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde_json::Value;

use super::codec;
use super::{Codec, FieldValue, Target, ValueError, is_empty};

const DATE_SHAPES: &str = "a date (YYYY-MM-DD or an ISO 8601 datetime with offset)";
const DATETIME_SHAPES: &str = "an ISO 8601 datetime with offset (YYYY-MM-DDThh:mm:ss±hh:mm)";

/// Recovers the calendar date from a date field.
///
/// The server prints a date as 00:00 UTC of that date, shown in its own offset
/// (`CRestUtil::ConvertDate`): `2024-08-30T02:00:00+02:00` is the 30th, and on a server at
/// `-05:00` the 30th would print as `2024-08-29T19:00:00-05:00`. Taking the UTC date of the
/// instant gives the right day for every server offset (open question 10 notes the negative
/// case is derived from code, not observed).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // The portal sends full timestamps; a plain date is what a user writes. Trying the
    // timestamp first keeps the common read off chrono's slower format-string parser.
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc).date_naive());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl Codec<NaiveDate> for codec::Date {
    fn read(value: &Value, _: Target) -> Result<Option<NaiveDate>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::Bool(false) => Ok(None),
            Value::String(s) => parse_date(s)
                .map(Some)
                .ok_or_else(|| ValueError::new(DATE_SHAPES, value)),
            other => Err(ValueError::new(DATE_SHAPES, other)),
        }
    }

    fn write(value: &NaiveDate, _: Target) -> Value {
        // A plain date carries no time, so no server offset can move it to another day.
        Value::String(value.to_string())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for NaiveDate {
    type Codec = codec::Date;
}

impl Codec<DateTime<FixedOffset>> for codec::DateTime {
    fn read(value: &Value, _: Target) -> Result<Option<DateTime<FixedOffset>>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::Bool(false) => Ok(None),
            Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
                .map(Some)
                .map_err(|_| ValueError::new(DATETIME_SHAPES, value)),
            other => Err(ValueError::new(DATETIME_SHAPES, other)),
        }
    }

    fn write(value: &DateTime<FixedOffset>, _: Target) -> Value {
        Value::String(value.to_rfc3339_opts(SecondsFormat::Secs, false))
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for DateTime<FixedOffset> {
    type Codec = codec::DateTime;
}
