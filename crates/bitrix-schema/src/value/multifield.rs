//! Multifields: phones, e-mails, websites, messengers, links.
//!
//! Classic methods carry one field per kind (`PHONE`, `EMAIL`, ...), each an array of
//! `{ID, VALUE_TYPE, VALUE, TYPE_ID}`. crm.item carries all kinds in one `fm` list of
//! `{id, typeId, valueType, value}`. Entity code reads and writes them through
//! [`crate::entity::Reader::multifield`] and [`crate::entity::Writer::multifield`], which handle
//! the merge into `fm`.

use std::fmt;

use serde_json::{Map, Value, json};

use super::{ValueError, is_empty};

/// The kind of a multifield entry; in classic methods also the field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MultifieldType {
    Phone,
    Email,
    Web,
    Im,
    Link,
}

impl MultifieldType {
    pub const ALL: [MultifieldType; 5] = [
        MultifieldType::Phone,
        MultifieldType::Email,
        MultifieldType::Web,
        MultifieldType::Im,
        MultifieldType::Link,
    ];

    /// `PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`: the `TYPE_ID`/`typeId` and the classic field name.
    pub fn as_str(self) -> &'static str {
        match self {
            MultifieldType::Phone => "PHONE",
            MultifieldType::Email => "EMAIL",
            MultifieldType::Web => "WEB",
            MultifieldType::Im => "IM",
            MultifieldType::Link => "LINK",
        }
    }

    pub fn parse(type_id: &str) -> Option<MultifieldType> {
        MultifieldType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(type_id))
    }
}

impl fmt::Display for MultifieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a multifield.
///
/// The entry's state decides what is written: no `id` adds it, an `id` changes the stored
/// entry, `delete` with an `id` removes it. Entries the write does not mention stay as they
/// are in both families, so an update only needs the entries it changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Multifield {
    /// The entry ID the portal assigned; `None` for a new entry.
    pub id: Option<u64>,
    /// `WORK`, `MOBILE`, `HOME`, ... (kept as sent: unknown subtypes are stored as-is).
    pub value_type: String,
    pub value: String,
    /// Remove the stored entry `id`.
    pub delete: bool,
}

impl Multifield {
    /// A new entry.
    pub fn new(value_type: impl Into<String>, value: impl Into<String>) -> Self {
        Multifield {
            id: None,
            value_type: value_type.into(),
            value: value.into(),
            delete: false,
        }
    }

    /// Removal of the stored entry `id`.
    pub fn delete(id: u64) -> Self {
        Multifield {
            id: Some(id),
            value_type: String::new(),
            value: String::new(),
            delete: true,
        }
    }

    /// Whether this entry only adds a value.
    pub fn is_new(&self) -> bool {
        self.id.is_none() && !self.delete
    }
}

const ROW_SHAPES: &str =
    "a multifield entry {ID, VALUE_TYPE, VALUE} / {id, typeId, valueType, value}";

fn text_at(row: &Map<String, Value>, keys: [&str; 2]) -> Option<String> {
    keys.iter().find_map(|k| match row.get(*k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn id_at(row: &Map<String, Value>) -> Result<Option<u64>, ()> {
    match row.get("ID").or_else(|| row.get("id")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(()),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| ()),
        Some(_) => Err(()),
    }
}

/// The rows of a list that PHP may have serialised as an object.
fn rows(value: &Value) -> Option<Vec<&Value>> {
    match value {
        Value::Array(items) => Some(items.iter().collect()),
        Value::Object(map) => Some(map.values().collect()),
        _ => None,
    }
}

/// One row in either family's key style, with its `typeId` when it has one.
fn read_row(value: &Value) -> Result<(Option<String>, Multifield), ValueError> {
    let Value::Object(row) = value else {
        return Err(ValueError::new(ROW_SHAPES, value));
    };
    let id = id_at(row).map_err(|()| ValueError::new(ROW_SHAPES, value))?;
    let value_text = text_at(row, ["VALUE", "value"]).unwrap_or_default();
    let entry = Multifield {
        id,
        value_type: text_at(row, ["VALUE_TYPE", "valueType"]).unwrap_or_default(),
        value: value_text,
        delete: false,
    };
    Ok((text_at(row, ["TYPE_ID", "typeId"]), entry))
}

/// A classic multifield (`PHONE: [...]`). `[]` and `null` read as `None`.
pub(crate) fn read_classic(value: &Value) -> Result<Option<Vec<Multifield>>, ValueError> {
    if is_empty(value) {
        return Ok(None);
    }
    let items =
        rows(value).ok_or_else(|| ValueError::new("an array of multifield entries", value))?;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let (_, entry) = read_row(item).map_err(|e| e.in_element(index))?;
        out.push(entry);
    }
    Ok((!out.is_empty()).then_some(out))
}

/// crm.item's `fm` list, every entry with its `typeId` as sent (unknown kinds included).
pub(crate) fn read_fm(value: &Value) -> Result<Vec<(String, Multifield)>, ValueError> {
    if is_empty(value) {
        return Ok(Vec::new());
    }
    let items = rows(value).ok_or_else(|| ValueError::new("an array of fm entries", value))?;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let (type_id, entry) = read_row(item).map_err(|e| e.in_element(index))?;
        let type_id = type_id
            .ok_or_else(|| ValueError::new("an fm entry with a typeId", item).in_element(index))?;
        out.push((type_id, entry));
    }
    Ok(out)
}

/// A classic multifield as written: new `{VALUE_TYPE, VALUE}`, changed `{ID, VALUE_TYPE,
/// VALUE}`, removed `{ID, DELETE: "Y"}` (crm-contact-update.md). A removal without an ID
/// has nothing to remove and is left out.
pub(crate) fn write_classic(entries: &[Multifield]) -> Value {
    let rows = entries
        .iter()
        .filter_map(|e| match (e.id, e.delete) {
            (Some(id), true) => Some(json!({ "ID": id, "DELETE": "Y" })),
            (None, true) => None,
            (Some(id), false) => {
                Some(json!({ "ID": id, "VALUE_TYPE": e.value_type, "VALUE": e.value }))
            }
            (None, false) => Some(json!({ "VALUE_TYPE": e.value_type, "VALUE": e.value })),
        })
        .collect();
    Value::Array(rows)
}

/// crm.item's `fm` as written, for all kinds at once.
///
/// When every entry is new, `fm` is the array that `crm.item.add` documents. As soon as one
/// entry refers to a stored one, `fm` is the object that `crm.item.update` documents: keys
/// `n0`, `n1`, ... add, an entry ID changes, an entry ID with an empty `value` removes; every
/// element carries `typeId`, without which the server silently does nothing
/// (how-to-change-email-or-phone.md).
///
/// Known weakness: an update that only adds entries is sent in the array form. The server
/// code reads array indexes (0, 1, ...) as entry IDs, so an index equal to the ID of an entry
/// the record already owns would change that entry instead of adding one; entry IDs are
/// portal-wide and so low only on a portal's first few records.
pub(crate) fn write_fm(entries: &[(MultifieldType, &Multifield)]) -> Value {
    let entries: Vec<&(MultifieldType, &Multifield)> = entries
        .iter()
        .filter(|(_, e)| !(e.delete && e.id.is_none()))
        .collect();
    let row = |ty: MultifieldType, e: &Multifield| {
        if e.delete {
            json!({ "typeId": ty.as_str(), "value": "" })
        } else {
            json!({ "typeId": ty.as_str(), "valueType": e.value_type, "value": e.value })
        }
    };
    if entries.iter().all(|(_, e)| e.is_new()) {
        return Value::Array(entries.iter().map(|(ty, e)| row(*ty, e)).collect());
    }
    let mut map = Map::new();
    let mut new_index = 0;
    for (ty, e) in entries {
        let key = match e.id {
            Some(id) => id.to_string(),
            None => {
                new_index += 1;
                format!("n{}", new_index - 1)
            }
        };
        map.insert(key, row(*ty, e));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_rows_accept_string_and_number_ids() {
        let rows = read_classic(&json!([
            {"ID": "156", "VALUE_TYPE": "WORK", "VALUE": "+1", "TYPE_ID": "PHONE"},
            {"ID": 157, "VALUE_TYPE": "HOME", "VALUE": "+2"}
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(rows[0].id, Some(156));
        assert_eq!(rows[1].id, Some(157));
        assert_eq!(rows[1].value_type, "HOME");
    }

    #[test]
    fn fm_entry_without_type_is_an_error_at_its_index() {
        let err = read_fm(&json!([
            {"id": 1, "typeId": "PHONE", "valueType": "WORK", "value": "+1"},
            {"id": 2, "valueType": "WORK", "value": "x"}
        ]))
        .unwrap_err();
        assert_eq!(err.element(), Some(1));
    }
}
