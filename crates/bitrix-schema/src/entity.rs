//! The trait generated CRM record structs implement, and the helpers that keep generated code
//! short.
//!
//! A generated struct has one `Option` per field and an [`Extra`]. A field is left out of a
//! write when it is `None`, written when it is `Some`, and written as its family's clear value
//! when it is `None` and marked cleared in `Extra` (the generated `clear` method does both:
//! sets `None` and marks). Reading never fails as a whole: a value of the wrong shape is
//! reported as a [`FieldProblem`], kept raw in `Extra`, and the other fields still read.
//!
//! ```
//! use bitrix_schema::entity::{FieldName, Reader, Writer};
//! use bitrix_schema::value::Target;
//! use serde_json::json;
//!
//! const TITLE: FieldName = FieldName::new("TITLE", "title");
//! const OPENED: FieldName = FieldName::new("OPENED", "opened");
//!
//! let record = json!({"TITLE": "Deal", "OPENED": "maybe", "SOMETHING_NEW": 1});
//! let mut reader = Reader::new(record.as_object().unwrap(), Target::Classic);
//! let title: Option<String> = reader.field(TITLE);
//! let opened: Option<bool> = reader.field(OPENED);
//! let (extra, problems) = reader.finish();
//! assert_eq!(title.as_deref(), Some("Deal"));
//! assert_eq!(opened, None);
//! assert_eq!(problems[0].field, "OPENED");
//! assert!(extra.raw().contains_key("SOMETHING_NEW"));
//!
//! let mut writer = Writer::new(Target::Item, &extra);
//! writer.field(TITLE, &title);
//! assert_eq!(serde_json::Value::Object(writer.finish()), json!({"title": "Deal"}));
//! ```

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::value::{
    Codec, FieldValue, Multifield, MultifieldType, Target, ValueError, describe,
    read_classic_multifield, read_fm, write_classic_multifield, write_fm,
};

/// A field's wire names in the two families. Names are stored as the portal reported them,
/// never re-derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldName {
    classic: Option<&'static str>,
    item: Option<&'static str>,
}

impl FieldName {
    /// A field both families know: `FieldName::new("DATE_CREATE", "createdTime")`.
    pub const fn new(classic: &'static str, item: &'static str) -> Self {
        FieldName {
            classic: Some(classic),
            item: Some(item),
        }
    }

    /// A field only classic methods know (`CONTACT_IDS` is written but never returned there).
    pub const fn classic_only(classic: &'static str) -> Self {
        FieldName {
            classic: Some(classic),
            item: None,
        }
    }

    /// A field only crm.item knows: every field of a smart process, and item-only fields.
    pub const fn item_only(item: &'static str) -> Self {
        FieldName {
            classic: None,
            item: Some(item),
        }
    }

    /// The name in `target`, or `None` when that family does not have the field.
    pub fn wire(self, target: Target) -> Option<&'static str> {
        match target {
            Target::Classic => self.classic,
            Target::Item => self.item,
        }
    }

    /// The name that identifies the field in [`Extra`]'s cleared set: the classic name when
    /// there is one, otherwise the crm.item name.
    pub fn key(self) -> &'static str {
        self.classic.or(self.item).unwrap_or("")
    }
}

/// What a record read kept besides its typed fields, and which fields are to be cleared.
///
/// - Unknown keys (fields the generated struct does not have, such as crm.item's read-only
///   `phoneWork` aliases or a field added on the portal after generation) are kept raw, so
///   nothing the portal sent is silently lost.
/// - A field whose value had the wrong shape is kept raw under its wire name.
/// - Cleared fields are written with their clear value.
///
/// Raw values are for inspection; writes never send them back, because they are in the
/// family they were read from and may be read-only.
///
/// `Debug` describes raw values instead of printing them: they can hold file links with
/// tokens.
#[derive(Clone, Default, PartialEq)]
pub struct Extra {
    raw: Map<String, Value>,
    cleared: BTreeSet<&'static str>,
}

impl Extra {
    /// Raw values by wire name.
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    /// The raw value of one wire name.
    pub fn get(&self, wire_name: &str) -> Option<&Value> {
        self.raw.get(wire_name)
    }

    /// Keeps a raw value, replacing one of the same name.
    pub fn insert_raw(&mut self, wire_name: impl Into<String>, value: Value) {
        self.raw.insert(wire_name.into(), value);
    }

    /// Marks a field to be written with its clear value while it is `None`.
    pub fn clear(&mut self, field: FieldName) {
        self.cleared.insert(field.key());
    }

    /// Takes back a [`Extra::clear`].
    pub fn unclear(&mut self, field: FieldName) {
        self.cleared.remove(field.key());
    }

    pub fn is_cleared(&self, field: FieldName) -> bool {
        self.cleared.contains(field.key())
    }

    /// The keys ([`FieldName::key`]) of cleared fields, sorted.
    pub fn cleared(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.cleared.iter().copied()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Described<'a>(&'a Map<String, Value>);
        impl fmt::Debug for Described<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(k, v)| (k, describe(v))))
                    .finish()
            }
        }
        f.debug_struct("Extra")
            .field("raw", &Described(&self.raw))
            .field("cleared", &self.cleared)
            .finish()
    }
}

/// A field that was not read because its value had the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "field `{field}`: {error}; the raw value is kept in `extra`, check the field's type in the \
     schema (regenerate if the portal changed it)"
)]
pub struct FieldProblem {
    /// The wire name, as in the record.
    pub field: String,
    pub error: ValueError,
}

/// A record read from the wire, with the problems met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<T> {
    pub value: T,
    pub problems: Vec<FieldProblem>,
}

/// A CRM record type; implemented by generated code (and by hand in
/// `tests/reference_entity.rs`, the pattern the generator follows).
pub trait CrmEntity: Sized {
    /// The `entityTypeId` (`2` for deals, `128`+ for smart processes).
    const ENTITY_TYPE_ID: u32;

    /// The classic method prefix, `Some("crm.deal")`; `None` for smart processes, which have
    /// only crm.item methods.
    const CLASSIC_PREFIX: Option<&'static str>;

    /// The generated enum naming this record's clearable fields.
    type Field: Copy;

    /// The wire names to put in `select` so that every field of the struct comes back; see
    /// [`select`].
    fn select(target: Target) -> Vec<&'static str>;

    /// The `fields` parameter of an add or update: fields that are set, plus the clear value
    /// of cleared ones.
    fn to_fields(&self, target: Target) -> Map<String, Value>;

    /// Reads one record (`result` of a get, an element of a list).
    fn from_fields(fields: &Map<String, Value>, target: Target) -> Read<Self>;

    /// The record ID, when known.
    fn id(&self) -> Option<u64>;

    /// Sets a field to `None` and marks it cleared, so the next write empties it.
    fn clear(&mut self, field: Self::Field);

    fn extra(&self) -> &Extra;
}

/// The `select` list for a record with `fields` and `multifields`.
///
/// Classic: the classic names plus the multifield names (`PHONE`, ...), which `*` would not
/// return. crm.item: the item names, or `["*"]` when there are multifields, since `fm` comes
/// back only with `*` (crm-item-list.md).
pub fn select(
    target: Target,
    fields: &[FieldName],
    multifields: &[MultifieldType],
) -> Vec<&'static str> {
    match target {
        Target::Item if !multifields.is_empty() => vec!["*"],
        _ => {
            let mut names: Vec<&'static str> =
                fields.iter().filter_map(|f| f.wire(target)).collect();
            if target == Target::Classic {
                names.extend(multifields.iter().map(|m| m.as_str()));
            }
            names
        }
    }
}

/// Reads the fields of one record; see the module example.
pub struct Reader<'a> {
    map: &'a Map<String, Value>,
    target: Target,
    /// Addresses of the keys read, which belong to `map`: comparing addresses instead of
    /// strings keeps a 60-field read from spending its time in `memcmp`.
    used: Vec<usize>,
    extra: Extra,
    problems: Vec<FieldProblem>,
    fm: Option<Result<Vec<(String, Multifield)>, ()>>,
    fm_claimed: BTreeSet<MultifieldType>,
}

impl<'a> Reader<'a> {
    pub fn new(map: &'a Map<String, Value>, target: Target) -> Self {
        Reader {
            map,
            target,
            used: Vec::new(),
            extra: Extra::default(),
            problems: Vec::new(),
            fm: None,
            fm_claimed: BTreeSet::new(),
        }
    }

    /// The field's value through its type's default codec.
    pub fn field<T: FieldValue>(&mut self, name: FieldName) -> Option<T> {
        self.field_with::<T::Codec, T>(name)
    }

    /// The field's value through codec `C`.
    pub fn field_with<C: Codec<T>, T>(&mut self, name: FieldName) -> Option<T> {
        let wire = name.wire(self.target)?;
        let (key, value) = self.map.get_key_value(wire)?;
        self.used.push(key.as_ptr() as usize);
        match C::read(value, self.target) {
            Ok(v) => v,
            Err(error) => {
                self.report(key, value, error);
                None
            }
        }
    }

    /// The entries of one multifield kind: classic `PHONE`, or crm.item `fm` entries whose
    /// `typeId` is `PHONE`.
    pub fn multifield(&mut self, ty: MultifieldType) -> Option<Vec<Multifield>> {
        match self.target {
            Target::Classic => {
                let (key, value) = self.map.get_key_value(ty.as_str())?;
                self.used.push(key.as_ptr() as usize);
                match read_classic_multifield(value) {
                    Ok(v) => v,
                    Err(error) => {
                        self.report(key, value, error);
                        None
                    }
                }
            }
            Target::Item => {
                let (key, value) = self.map.get_key_value("fm")?;
                self.used.push(key.as_ptr() as usize);
                if self.fm.is_none() {
                    let parsed = match read_fm(value) {
                        Ok(rows) => Ok(rows),
                        Err(error) => {
                            self.report(key, value, error);
                            Err(())
                        }
                    };
                    self.fm = Some(parsed);
                }
                self.fm_claimed.insert(ty);
                let rows: Vec<Multifield> = match &self.fm {
                    Some(Ok(rows)) => rows
                        .iter()
                        .filter(|(type_id, _)| MultifieldType::parse(type_id) == Some(ty))
                        .map(|(_, row)| row.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                (!rows.is_empty()).then_some(rows)
            }
        }
    }

    fn report(&mut self, key: &str, value: &Value, error: ValueError) {
        tracing::debug!(field = key, %error, "kept a CRM field value raw");
        self.extra.insert_raw(key, value.clone());
        self.problems.push(FieldProblem {
            field: key.to_string(),
            error,
        });
    }

    /// The [`Extra`] (unknown keys and odd values kept raw) and the problems met.
    pub fn finish(mut self) -> (Extra, Vec<FieldProblem>) {
        self.used.sort_unstable();
        self.used.dedup();
        let unused = self.map.iter().filter(|(key, _)| {
            self.used.len() < self.map.len()
                && self.used.binary_search(&(key.as_ptr() as usize)).is_err()
        });
        for (key, value) in unused {
            self.extra.insert_raw(key.clone(), value.clone());
        }
        // `fm` entries of kinds the struct has no field for would otherwise be lost.
        if let Some(Ok(rows)) = &self.fm {
            let unclaimed = rows.iter().any(|(type_id, _)| {
                MultifieldType::parse(type_id).is_none_or(|ty| !self.fm_claimed.contains(&ty))
            });
            if unclaimed && let Some(value) = self.map.get("fm") {
                self.extra.insert_raw("fm", value.clone());
            }
        }
        (self.extra, self.problems)
    }
}

/// Builds the `fields` of a write; see the module example.
pub struct Writer<'a> {
    target: Target,
    extra: &'a Extra,
    map: Map<String, Value>,
    fm: Vec<(MultifieldType, &'a Multifield)>,
}

impl<'a> Writer<'a> {
    /// `extra` tells which fields are cleared.
    pub fn new(target: Target, extra: &'a Extra) -> Self {
        Writer {
            target,
            extra,
            map: Map::new(),
            fm: Vec::new(),
        }
    }

    /// Writes the field through its type's default codec.
    pub fn field<T: FieldValue>(&mut self, name: FieldName, value: &Option<T>) {
        self.field_with::<T::Codec, T>(name, value);
    }

    /// Writes the field through codec `C`: its value when set, its clear value when unset and
    /// cleared, nothing otherwise. A set value wins over a stale clear mark.
    pub fn field_with<C: Codec<T>, T>(&mut self, name: FieldName, value: &Option<T>) {
        let Some(wire) = name.wire(self.target) else {
            return;
        };
        match value {
            Some(v) => {
                self.map.insert(wire.to_string(), C::write(v, self.target));
            }
            None if self.extra.is_cleared(name) => {
                self.map.insert(wire.to_string(), C::clear(self.target));
            }
            None => {}
        }
    }

    /// Writes the entries of one multifield kind (classic `PHONE`; merged into crm.item `fm`).
    ///
    /// Multifields have no clear value: removing entries needs their IDs, so set them to
    /// [`Multifield::delete`] instead.
    pub fn multifield(&mut self, ty: MultifieldType, entries: &'a Option<Vec<Multifield>>) {
        let Some(entries) = entries.as_ref() else {
            return;
        };
        // A removal without an entry ID has nothing to remove.
        if entries.iter().all(|e| e.delete && e.id.is_none()) {
            return;
        }
        match self.target {
            Target::Classic => {
                self.map
                    .insert(ty.as_str().to_string(), write_classic_multifield(entries));
            }
            Target::Item => self.fm.extend(entries.iter().map(|e| (ty, e))),
        }
    }

    /// The finished `fields` map, in the order fields were written.
    pub fn finish(mut self) -> Map<String, Value> {
        if !self.fm.is_empty() {
            self.map.insert("fm".to_string(), write_fm(&self.fm));
        }
        self.map
    }
}
