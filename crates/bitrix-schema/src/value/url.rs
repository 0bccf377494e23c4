//! `url` user fields.

use std::fmt;

use serde_json::Value;

use super::codec;
use super::{Codec, FieldValue, Target, ValueError, is_empty, redact_str};

/// A URL as the portal stores it (not validated: the server does not validate it either).
///
/// `Debug` leaves out the query string, which may carry tokens; `Display` and
/// [`Url::as_str`] give the whole URL.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Url(pub String);

impl Url {
    pub fn new(url: impl Into<String>) -> Self {
        Url(url.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Url({:?})", redact_str(&self.0))
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Codec<Url> for codec::Url {
    fn read(value: &Value, _: Target) -> Result<Option<Url>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::String(s) => Ok(Some(Url(s.clone()))),
            other => Err(ValueError::new("a URL string", other)),
        }
    }

    fn write(value: &Url, _: Target) -> Value {
        Value::String(value.0.clone())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for Url {
    type Codec = codec::Url;
}
