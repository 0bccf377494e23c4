//! Runtime value types: how each CRM field type is read from every wire shape the two method
//! families produce, and written in the shape each family documents.
//!
//! Two families of methods carry the same records in different shapes ([`Target`]): classic
//! `crm.deal.*` returns every scalar as a string and `null` for empty links, `crm.item.*`
//! returns typed JSON and `0` for empty links. A [`Codec`] knows one field type in both. Each
//! Rust type has a default codec through [`FieldValue`]; where one Rust type has several wire
//! meanings (a system `Y`/`N` flag and a boolean user field are both `bool`), generated code
//! names the codec explicitly.
//!
//! Empty values read as `None`, never as an error: `null`, `""`, `[]` and `{}` for every
//! type but raw JSON; `false` (PHP's "nothing") for dates, files, links and enumerations,
//! where it cannot be a value; and `0` where the codec is a link ([`codec::LinkId`],
//! [`codec::CrmLinkOf`], [`codec::Enumeration`], [`codec::User`]). `0` and `false` are real
//! values for plain numbers and booleans.
//!
//! Reading is tolerant (a number where a string was documented, or the other way round, is
//! accepted); writing is exact.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

mod address;
pub mod codec;
mod crm_ref;
mod date;
mod enums;
mod file;
mod money;
mod multifield;
mod multiple;
mod scalar;
mod url;

pub use address::Address;
pub use crm_ref::{CrmRef, CrmRefKind};
pub use enums::{EnumValue, StatusValue};
pub use file::File;
pub use money::Money;
pub use multifield::{Multifield, MultifieldType};
pub(crate) use multifield::{
    read_classic as read_classic_multifield, read_fm, write_classic as write_classic_multifield,
    write_fm,
};
pub use scalar::UserId;
pub use url::Url;

/// The method family a record travels through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `crm.lead.*`, `crm.deal.*`, `crm.contact.*`, `crm.company.*`, `crm.quote.*`: UPPER_CASE
    /// names, scalars as strings.
    Classic,
    /// `crm.item.*`: camelCase names, typed JSON.
    Item,
}

impl Target {
    /// The family of a REST method name, e.g. `crm.item.update` → `Item`, `crm.deal.get` →
    /// `Classic`. `None` for methods that do not carry CRM records in either family
    /// (`crm.deal.userfield.list`, `user.get`).
    pub fn for_method(method: &str) -> Option<Target> {
        let mut parts = method.split('.');
        let (Some(crm), Some(entity), Some(action), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if !crm.eq_ignore_ascii_case("crm") || action.is_empty() {
            return None;
        }
        if entity.eq_ignore_ascii_case("item") {
            return Some(Target::Item);
        }
        const CLASSIC: [&str; 5] = ["lead", "deal", "contact", "company", "quote"];
        CLASSIC
            .iter()
            .any(|c| entity.eq_ignore_ascii_case(c))
            .then_some(Target::Classic)
    }
}

/// Reads and writes one field type. Implemented by the marker types in [`codec`].
///
/// `read` returns `Ok(None)` for every empty shape; `write` produces exactly the shape the
/// target documents; `clear` is the value that empties the field in that target.
pub trait Codec<T> {
    fn read(value: &Value, target: Target) -> Result<Option<T>, ValueError>;
    fn write(value: &T, target: Target) -> Value;
    fn clear(target: Target) -> Value;

    /// The value that empties a multiple field of this type; see [`codec::Multiple`] for why
    /// the default is `[""]`.
    fn clear_multiple(_target: Target) -> Value {
        Value::Array(vec![Value::String(String::new())])
    }
}

/// The default codec of a Rust type. Generated enums implement it with one line
/// (`type Codec = ::bitrix_schema::value::codec::Enumeration;`).
pub trait FieldValue: Sized {
    type Codec: Codec<Self>;
}

/// A value that does not have the shape its field type allows.
///
/// The message says what was expected and describes what arrived without quoting secrets:
/// query strings of URLs are cut and long strings shortened, objects show only their keys.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValueError {
    expected: Cow<'static, str>,
    got: String,
    element: Option<usize>,
}

impl ValueError {
    /// `expected` completes "expected ...", e.g. `"a Y/N flag (\"Y\" or \"N\")"`.
    pub fn new(expected: impl Into<Cow<'static, str>>, got: &Value) -> Self {
        ValueError {
            expected: expected.into(),
            got: describe(got),
            element: None,
        }
    }

    /// The same error located at element `index` of a multiple value.
    pub fn in_element(mut self, index: usize) -> Self {
        self.element = Some(index);
        self
    }

    /// What the field type allows.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// A safe description of what arrived.
    pub fn got(&self) -> &str {
        &self.got
    }

    /// For multiple values: the index of the element that was wrong.
    pub fn element(&self) -> Option<usize> {
        self.element
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(index) = self.element {
            write!(f, "element {index}: ")?;
        }
        write!(f, "expected {}, got {}", self.expected, self.got)
    }
}

impl fmt::Debug for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValueError({self})")
    }
}

const MAX_DESCRIBED_CHARS: usize = 60;
const MAX_DESCRIBED_KEYS: usize = 8;

/// A short description of a JSON value that is safe to log: URL query strings (which carry
/// `auth=` tokens in file links) are cut, long strings are shortened, and arrays and objects
/// are summarised instead of printed.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {:?}", redact_str(s)),
        Value::Array(items) => match items.len() {
            1 => "an array of 1 element".into(),
            n => format!("an array of {n} elements"),
        },
        Value::Object(map) if map.is_empty() => "an empty object".into(),
        Value::Object(map) => {
            let mut keys: Vec<&str> = map
                .keys()
                .take(MAX_DESCRIBED_KEYS)
                .map(|k| k.as_str())
                .collect();
            if map.len() > MAX_DESCRIBED_KEYS {
                keys.push("...");
            }
            format!("an object with keys [{}]", keys.join(", "))
        }
    }
}

/// Cuts the query string off anything that looks like a URL or a path and shortens the rest.
pub(crate) fn redact_str(s: &str) -> String {
    let looks_like_link = s.contains("://") || s.starts_with('/');
    let mut out: String = match s.find('?') {
        Some(pos) if looks_like_link => format!("{}?…", &s[..pos]),
        _ => s.to_string(),
    };
    if out.chars().count() > MAX_DESCRIBED_CHARS {
        out = out.chars().take(MAX_DESCRIBED_CHARS).collect();
        out.push('…');
    }
    out
}

/// Whether a value is one of the shapes that mean "no value" for every field type.
pub(crate) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        // PHP serialises an empty map as `[]`, but an empty `{}` also occurs.
        Value::Object(map) => map.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn method_families() {
        assert_eq!(Target::for_method("crm.item.update"), Some(Target::Item));
        assert_eq!(Target::for_method("crm.item.list"), Some(Target::Item));
        assert_eq!(Target::for_method("crm.deal.get"), Some(Target::Classic));
        assert_eq!(Target::for_method("CRM.Lead.Add"), Some(Target::Classic));
        assert_eq!(
            Target::for_method("crm.company.update"),
            Some(Target::Classic)
        );
        assert_eq!(Target::for_method("crm.deal.userfield.list"), None);
        assert_eq!(Target::for_method("crm.status.list"), None);
        assert_eq!(Target::for_method("user.get"), None);
        assert_eq!(Target::for_method("crm.item."), None);
        assert_eq!(Target::for_method("crm.deal"), None);
    }

    #[test]
    fn describe_cuts_url_queries_and_long_strings() {
        let url = json!("https://portal.example/rest/download.php?auth=SECRET123&fileId=5");
        let text = describe(&url);
        assert!(!text.contains("SECRET123"), "{text}");
        assert!(
            text.contains("https://portal.example/rest/download.php?…"),
            "{text}"
        );

        let path = json!("/bitrix/components/show_file.php?auth=abc&fileId=1");
        assert!(!describe(&path).contains("auth=abc"));

        let long = json!("x".repeat(200));
        assert_eq!(describe(&long).chars().count(), "string \"\"".len() + 61);

        let obj = json!({"id": 1, "urlMachine": "https://a/?token=SECRET"});
        assert_eq!(describe(&obj), "an object with keys [id, urlMachine]");
        assert_eq!(describe(&json!([1, 2])), "an array of 2 elements");
    }

    #[test]
    fn value_error_message_names_expected_got_and_element() {
        let err = ValueError::new("a number", &json!("abc")).in_element(2);
        assert_eq!(
            err.to_string(),
            "element 2: expected a number, got string \"abc\""
        );
        assert_eq!(err.element(), Some(2));
        assert_eq!(err.expected(), "a number");
    }
}
