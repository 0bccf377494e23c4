//! Building a [`Schema`] from the portal's own metadata responses.
//!
//! The input is the `result` part of each response (or the whole response: a top-level
//! `result` key is unwrapped). Reading is tolerant of the server's habits: `[]` where an object
//! is expected, IDs and numbers as strings, `"Y"`/`"N"` where a boolean is documented, absent
//! optional attributes and attributes this crate does not know. What cannot be understood at
//! all (a descriptor that is not an object, a field without a type) is an error naming the
//! method and the field.
//!
//! Names are never re-derived when the portal reported them: the pairing of classic and
//! `crm.item` names comes from `upperName`, then from the table of documented system-field
//! renames, and only for fields the portal showed in one family alone from the naming rules.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::model::*;
use crate::naming;

/// The raw metadata responses a schema is built from. Every part is optional except that an
/// entity needs at least one field list.
#[derive(Debug, Clone, Default)]
pub struct PortalMetadata {
    /// `crm.<entity>.fields` per classic entity.
    pub classic_fields: BTreeMap<EntityKind, Value>,
    /// `crm.item.fields` (default camel mode) per `entityTypeId`.
    pub item_fields: BTreeMap<u32, Value>,
    /// `crm.<entity>.userfield.list` per classic entity (enumeration items, labels).
    pub userfields: BTreeMap<EntityKind, Value>,
    /// `userfieldconfig.list` pages (`moduleId=crm`), for smart-process user fields.
    pub userfield_config: Vec<Value>,
    /// `crm.type.list` pages.
    pub types: Vec<Value>,
    /// `crm.status.list` pages (any `ENTITY_ID`).
    pub statuses: Vec<Value>,
    /// `crm.status.entity.types`.
    pub status_entity_types: Option<Value>,
    /// `crm.category.list` per `entityTypeId`.
    pub categories: BTreeMap<u32, Value>,
}

/// Why metadata could not be turned into a schema.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum IngestError {
    #[error("{method}: expected {expected}, found {found}")]
    Shape {
        method: String,
        expected: &'static str,
        found: String,
    },
    #[error("{method}: field `{field}`: {problem}")]
    Field {
        method: String,
        field: String,
        problem: String,
    },
    #[error(
        "crm.item.fields was given for entityTypeId {0}, which is neither a classic entity nor \
         a smart process listed by crm.type.list; pull crm.type.list as well"
    )]
    UnknownSmartProcess(u32),
}

/// Builds a normalized schema from the metadata.
pub fn build_schema(meta: &PortalMetadata) -> Result<Schema, IngestError> {
    let smart_types = read_types(&meta.types)?;
    let statuses = read_statuses(&meta.statuses)?;
    let stage_lists = read_stage_lists(meta.status_entity_types.as_ref())?;

    let mut kinds: BTreeSet<EntityKind> = meta.classic_fields.keys().copied().collect();
    for &etid in meta.item_fields.keys() {
        match EntityKind::classic_from_type_id(etid) {
            Some(kind) => kinds.insert(kind),
            None => match smart_types.get(&etid) {
                Some(t) => kinds.insert(t.kind),
                None => return Err(IngestError::UnknownSmartProcess(etid)),
            },
        };
    }
    for t in smart_types.values() {
        kinds.insert(t.kind);
    }

    let mut schema = Schema::default();
    for kind in kinds {
        let mut entity = Entity::new(kind);
        if let Some(t) = smart_types.get(&kind.entity_type_id()) {
            entity.title = Some(t.title.clone()).filter(|t| !t.is_empty());
            entity.code = Some(t.code.clone()).filter(|c| !c.is_empty());
        }
        if let Some(fields) = meta.classic_fields.get(&kind) {
            let method = format!("crm.{kind}.fields");
            add_classic_fields(&mut entity, &method, fields)?;
        }
        match meta.item_fields.get(&kind.entity_type_id()) {
            Some(fields) => add_item_fields(&mut entity, fields)?,
            None => derive_item_names(&mut entity),
        }
        if let Some(list) = meta.userfields.get(&kind) {
            let method = format!("crm.{kind}.userfield.list");
            apply_userfield_list(&mut entity, &method, list)?;
        }
        for page in &meta.userfield_config {
            apply_userfield_config(&mut entity, page)?;
        }
        if let Some(categories) = meta.categories.get(&kind.entity_type_id()) {
            entity.categories = read_categories(kind, categories, &stage_lists, &statuses)?;
        }
        schema.entities.push(entity);
    }

    for entity in &schema.entities {
        for field in &entity.fields {
            let Some(list_id) = field.status_type.as_deref() else {
                continue;
            };
            if is_stage_list(list_id) || schema.status_lists.contains_key(list_id) {
                continue;
            }
            let items = statuses.get(list_id).cloned().unwrap_or_default();
            let name = stage_lists.names.get(list_id).cloned();
            let list = StatusList {
                name,
                items,
                rust_name: None,
            };
            schema.status_lists.insert(list_id.to_string(), list);
        }
    }
    for entity in &mut schema.entities {
        for field in &mut entity.fields {
            tidy_labels(field);
        }
    }
    schema.normalize();
    Ok(schema)
}

/// One label is enough where the portal repeats it: the list, form and filter labels are
/// kept only when they say something the main label does not.
fn tidy_labels(field: &mut Field) {
    field.user_field = field.name.starts_with("UF_");
    if field.label.is_none() {
        field.label = field
            .list_label
            .clone()
            .or_else(|| field.filter_label.clone());
    }
    for extra in [
        &mut field.list_label,
        &mut field.form_label,
        &mut field.filter_label,
    ] {
        if *extra == field.label {
            *extra = None;
        }
    }
}

/// Whether a `crm.status` `ENTITY_ID` is a pipeline's stage list rather than a plain
/// reference list: `DEAL_STAGE`, `DEAL_STAGE_9`, `DYNAMIC_177_STAGE_7`,
/// `SMART_INVOICE_STAGE_5` and the like.
pub fn is_stage_list(entity_id: &str) -> bool {
    entity_id == "DEAL_STAGE"
        || entity_id.starts_with("DEAL_STAGE_")
        || (entity_id.contains("_STAGE_") && !entity_id.starts_with("QUOTE"))
}

/// The result value of a response, or the value itself when it was given unwrapped.
fn result_of(value: &Value) -> &Value {
    match value {
        Value::Object(map) if map.contains_key("result") && map.contains_key("time") => {
            &map["result"]
        }
        Value::Object(map) if map.len() == 1 && map.contains_key("result") => &map["result"],
        other => other,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {} elements", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// An object, accepting PHP's `[]` for an empty one.
fn as_object<'a>(
    value: &'a Value,
    method: &str,
    what: &'static str,
) -> Result<std::borrow::Cow<'a, Map<String, Value>>, IngestError> {
    match value {
        Value::Object(map) => Ok(std::borrow::Cow::Borrowed(map)),
        Value::Array(a) if a.is_empty() => Ok(std::borrow::Cow::Owned(Map::new())),
        other => Err(IngestError::Shape {
            method: method.to_string(),
            expected: what,
            found: describe(other),
        }),
    }
}

fn as_array<'a>(
    value: &'a Value,
    method: &str,
    what: &'static str,
) -> Result<&'a [Value], IngestError> {
    match value {
        Value::Array(a) => Ok(a),
        other => Err(IngestError::Shape {
            method: method.to_string(),
            expected: what,
            found: describe(other),
        }),
    }
}

/// A boolean the way the portal writes it: JSON bool, `"Y"`/`"N"`, `"1"`/`"0"`, `1`/`0`.
pub(crate) fn lenient_bool(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "Y" | "y" | "1" | "true" => Some(true),
            "N" | "n" | "0" | "false" | "" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

/// An integer given as a number or a numeric string.
pub(crate) fn lenient_i64(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn lenient_u64(value: Option<&Value>) -> Option<u64> {
    lenient_i64(value).and_then(|n| u64::try_from(n).ok())
}

fn lenient_u32(value: Option<&Value>) -> Option<u32> {
    lenient_i64(value).and_then(|n| u32::try_from(n).ok())
}

/// A non-empty string; numbers are accepted as their text.
fn lenient_string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A label that may be a plain string or a language map (`{"de": "..."}`); a language map
/// yields its entry for `en`, otherwise its first entry.
fn label(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(map) => map
            .get("en")
            .and_then(|v| v.as_str())
            .or_else(|| map.values().find_map(|v| v.as_str()))
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        _ => None,
    }
}

fn field_error(method: &str, field: &str, problem: impl Into<String>) -> IngestError {
    IngestError::Field {
        method: method.to_string(),
        field: field.to_string(),
        problem: problem.into(),
    }
}

/// Reads the attributes shared by `crm.<entity>.fields` and `crm.item.fields` descriptors.
fn read_descriptor(method: &str, key: &str, descriptor: &Value) -> Result<Field, IngestError> {
    let Value::Object(d) = descriptor else {
        return Err(field_error(
            method,
            key,
            format!(
                "expected a field descriptor object, found {}",
                describe(descriptor)
            ),
        ));
    };
    let ty = match d.get("type") {
        Some(Value::String(t)) if !t.is_empty() => FieldType::parse(t),
        Some(other) => {
            return Err(field_error(
                method,
                key,
                format!("`type` must be a string, found {}", describe(other)),
            ));
        }
        None => return Err(field_error(method, key, "the descriptor has no `type`")),
    };
    let user_field = lenient_bool(d.get("isDynamic")).unwrap_or(false)
        || key.starts_with("UF_")
        || key.starts_with("uf");
    let mut field = Field {
        ty,
        required: lenient_bool(d.get("isRequired")).unwrap_or(false),
        read_only: lenient_bool(d.get("isReadOnly")).unwrap_or(false),
        immutable: lenient_bool(d.get("isImmutable")).unwrap_or(false),
        multiple: lenient_bool(d.get("isMultiple")).unwrap_or(false),
        deprecated: lenient_bool(d.get("isDeprecated")).unwrap_or(false),
        user_field,
        list_label: label(d.get("listLabel")),
        form_label: label(d.get("formLabel")),
        filter_label: label(d.get("filterLabel")),
        status_type: lenient_string(d.get("statusType")),
        ..Field::default()
    };
    let title = label(d.get("title"));
    // Classic methods report a user field's code as its `title`; the human labels are in
    // the *Label attributes then.
    field.label = field
        .form_label
        .clone()
        .or_else(|| field.list_label.clone())
        .or_else(|| title.filter(|t| t != key && !t.starts_with("UF_")));
    if let Some(items) = d.get("items") {
        field.items = read_enum_items(method, key, items, "ID", "VALUE")?;
    }
    if let Some(settings) = d.get("settings") {
        apply_settings(&mut field, settings);
    }
    Ok(field)
}

/// Link targets, status lists and precision from a descriptor's or a user field's settings.
fn apply_settings(field: &mut Field, settings: &Value) {
    let Value::Object(s) = settings else {
        return;
    };
    let parent = lenient_u32(s.get("parentEntityTypeId"));
    let my_company = lenient_bool(s.get("isMyCompany")).unwrap_or(false);
    if parent.is_some() || my_company {
        let link = field.link.get_or_insert_with(LinkSettings::default);
        link.parent_entity_type_id = parent;
        link.my_company = my_company;
    }
    if field.ty == FieldType::Crm {
        // A `crm` user field lists entity kinds as keys with "Y" (enabled) or null.
        let mut targets: Vec<String> = s
            .iter()
            .filter(|(k, v)| {
                k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    && lenient_bool(Some(v)) == Some(true)
            })
            .map(|(k, _)| k.clone())
            .collect();
        targets.sort();
        field.link.get_or_insert_with(LinkSettings::default).targets = targets;
    }
    if field.ty == FieldType::CrmStatus && field.status_type.is_none() {
        field.status_type = lenient_string(s.get("ENTITY_TYPE"));
    }
    if field.ty == FieldType::Double {
        if let Some(p) = lenient_u32(s.get("PRECISION")) {
            field.precision = Some(p);
        }
    }
}

fn read_enum_items(
    method: &str,
    field: &str,
    items: &Value,
    id_key: &str,
    value_key: &str,
) -> Result<Vec<EnumItem>, IngestError> {
    let items = match items {
        Value::Array(a) => a.as_slice(),
        Value::Object(m) if m.is_empty() => &[],
        other => {
            return Err(field_error(
                method,
                field,
                format!(
                    "enumeration items must be an array, found {}",
                    describe(other)
                ),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(obj) = item else {
            return Err(field_error(
                method,
                field,
                format!(
                    "an enumeration item must be an object, found {}",
                    describe(item)
                ),
            ));
        };
        let get = |upper: &str| obj.get(upper).or_else(|| obj.get(&upper.to_lowercase()));
        let Some(id) = lenient_u64(get(id_key)) else {
            return Err(field_error(
                method,
                field,
                format!("enumeration item without a numeric `{id_key}`: {item}"),
            ));
        };
        out.push(EnumItem {
            id,
            label: get(value_key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            xml_id: lenient_string(obj.get("XML_ID").or_else(|| obj.get("xmlId"))),
            default: lenient_bool(get("DEF")).unwrap_or(false),
            sort: lenient_i64(get("SORT")).unwrap_or(0),
            rust_name: None,
        });
    }
    Ok(out)
}

fn add_classic_fields(
    entity: &mut Entity,
    method: &str,
    fields: &Value,
) -> Result<(), IngestError> {
    let fields = as_object(result_of(fields), method, "an object of field descriptors")?;
    for (key, descriptor) in fields.iter() {
        let mut field = read_descriptor(method, key, descriptor)?;
        field.name = key.clone();
        field.in_classic = true;
        entity.fields.push(field);
    }
    Ok(())
}

fn add_item_fields(entity: &mut Entity, fields: &Value) -> Result<(), IngestError> {
    let method = "crm.item.fields";
    let result = result_of(fields);
    let fields = match result {
        Value::Object(map) if map.contains_key("fields") => &map["fields"],
        other => other,
    };
    let fields = as_object(fields, method, "an object of field descriptors")?;
    let kind = entity.kind;
    for (camel, descriptor) in fields.iter() {
        let item_field = read_descriptor(method, camel, descriptor)?;
        let upper = descriptor
            .get("upperName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);

        // Pair with a classic field: upperName first, then the documented renames.
        let classic_name = upper
            .as_deref()
            .filter(|u| entity.field(u).is_some_and(|f| f.item_name.is_none()))
            .map(str::to_string)
            .or_else(|| {
                naming::system_classic_name(kind, camel)
                    .filter(|c| entity.field(c).is_some())
                    .map(str::to_string)
            });
        if let Some(classic_name) = classic_name {
            let existing = entity
                .fields
                .iter_mut()
                .find(|f| f.name == classic_name)
                .expect("paired field exists");
            if existing.ty == FieldType::CrmMultifield {
                // The flat `phone`/`email` aliases are read-only views of `fm`; the classic
                // multifield is written through `fm`, which the rename table gives.
                continue;
            }
            merge_item_view(existing, camel, upper, item_field);
            continue;
        }
        if kind.is_classic()
            && upper
                .as_deref()
                .and_then(|u| entity.field(u))
                .is_some_and(|f| f.ty == FieldType::CrmMultifield)
        {
            continue;
        }
        let mut field = item_field;
        field.name = upper.unwrap_or_else(|| naming::camel_to_upper(camel));
        field.item_name = Some(camel.clone());
        field.in_classic = false;
        entity.fields.push(field);
    }

    // Classic multifields are written through `fm` in crm.item.*.
    for field in &mut entity.fields {
        if field.in_classic && field.item_name.is_none() {
            if let Some(item) = naming::system_item_name(kind, &field.name) {
                if item == "fm" {
                    field.item_name = Some(item.to_string());
                }
            }
        }
    }
    Ok(())
}

/// Without `crm.item.fields` the portal reported no crm.item names at all, so the naming
/// rules (documented renames, then the conversion algorithm) supply them.
fn derive_item_names(entity: &mut Entity) {
    let table = naming::NameTable::from_schema_entity(entity);
    for field in &mut entity.fields {
        if field.item_name.is_none() {
            field.item_name = Some(table.to_item(&field.name));
            field.item_upper_name = naming::system_item_upper_name(entity.kind, &field.name)
                .filter(|u| *u != field.name)
                .map(str::to_string);
        }
    }
}

/// Adds what `crm.item.fields` says about a field the classic list already had.
fn merge_item_view(field: &mut Field, camel: &str, upper: Option<String>, item: Field) {
    field.item_name = Some(camel.to_string());
    field.item_upper_name = upper.filter(|u| *u != field.name);
    if item.ty != field.ty {
        field.item_ty = Some(item.ty);
    }
    // crm.item reports human labels where classic reports a user field's code.
    if field.label.is_none() {
        field.label = item.label;
    }
    field.list_label = field.list_label.take().or(item.list_label);
    field.form_label = field.form_label.take().or(item.form_label);
    field.filter_label = field.filter_label.take().or(item.filter_label);
    field.deprecated |= item.deprecated;
    if field.items.is_empty() {
        field.items = item.items;
    }
    if field.status_type.is_none() {
        field.status_type = item.status_type;
    }
    if field.link.is_none() {
        field.link = item.link;
    }
    if field.precision.is_none() {
        field.precision = item.precision;
    }
}

/// Where each attribute of a user field sits in one of the two listings: the classic
/// `crm.<entity>.userfield.list` (UPPER keys, items under `LIST`) and `userfieldconfig.list`
/// (camel keys, items under `enum`).
struct UfKeys {
    name: &'static str,
    ty: &'static str,
    multiple: &'static str,
    mandatory: &'static str,
    form_label: &'static str,
    list_label: &'static str,
    filter_label: &'static str,
    settings: &'static str,
    items: &'static str,
}

const CLASSIC_UF: UfKeys = UfKeys {
    name: "FIELD_NAME",
    ty: "USER_TYPE_ID",
    multiple: "MULTIPLE",
    mandatory: "MANDATORY",
    form_label: "EDIT_FORM_LABEL",
    list_label: "LIST_COLUMN_LABEL",
    filter_label: "LIST_FILTER_LABEL",
    settings: "SETTINGS",
    items: "LIST",
};

const CONFIG_UF: UfKeys = UfKeys {
    name: "fieldName",
    ty: "userTypeId",
    multiple: "multiple",
    mandatory: "mandatory",
    form_label: "editFormLabel",
    list_label: "listColumnLabel",
    filter_label: "listFilterLabel",
    settings: "settings",
    items: "enum",
};

/// Enumeration items, labels and flags from `crm.<entity>.userfield.list`.
fn apply_userfield_list(
    entity: &mut Entity,
    method: &str,
    list: &Value,
) -> Result<(), IngestError> {
    for uf in as_array(result_of(list), method, "an array of user fields")? {
        if uf.get(CLASSIC_UF.name).and_then(Value::as_str).is_none() {
            return Err(IngestError::Shape {
                method: method.to_string(),
                expected: "user fields with a FIELD_NAME",
                found: describe(uf),
            });
        }
        apply_uf(entity, method, uf, &CLASSIC_UF)?;
    }
    Ok(())
}

/// Smart-process (and other) user fields from `userfieldconfig.list`.
fn apply_userfield_config(entity: &mut Entity, page: &Value) -> Result<(), IngestError> {
    let method = "userfieldconfig.list";
    let result = result_of(page);
    let fields = match result {
        Value::Object(map) if map.contains_key("fields") => &map["fields"],
        other => other,
    };
    let uf_entity = entity.kind.uf_entity_id();
    for uf in as_array(fields, method, "an array of user fields")? {
        if uf.get("entityId").and_then(Value::as_str) == Some(uf_entity.as_str()) {
            apply_uf(entity, method, uf, &CONFIG_UF)?;
        }
    }
    Ok(())
}

/// Adds what one user-field listing entry says to its field, creating the field when neither
/// field list had it. Entries without a name are skipped.
fn apply_uf(
    entity: &mut Entity,
    method: &str,
    uf: &Value,
    keys: &UfKeys,
) -> Result<(), IngestError> {
    let Some(name) = uf.get(keys.name).and_then(Value::as_str) else {
        return Ok(());
    };
    let ty = uf
        .get(keys.ty)
        .and_then(Value::as_str)
        .map(FieldType::parse)
        .unwrap_or_default();
    let field = ensure_user_field(entity, name, ty);
    let view = UfView {
        multiple: lenient_bool(uf.get(keys.multiple)),
        mandatory: lenient_bool(uf.get(keys.mandatory)),
        form_label: label(uf.get(keys.form_label)),
        list_label: label(uf.get(keys.list_label)),
        filter_label: label(uf.get(keys.filter_label)),
        settings: uf.get(keys.settings),
        items: uf.get(keys.items),
    };
    apply_uf_common(field, method, view)
}

struct UfView<'a> {
    multiple: Option<bool>,
    mandatory: Option<bool>,
    form_label: Option<String>,
    list_label: Option<String>,
    filter_label: Option<String>,
    settings: Option<&'a Value>,
    items: Option<&'a Value>,
}

fn apply_uf_common(field: &mut Field, method: &str, uf: UfView<'_>) -> Result<(), IngestError> {
    if let Some(m) = uf.multiple {
        field.multiple = m;
    }
    if let Some(m) = uf.mandatory {
        field.required = m;
    }
    field.form_label = uf.form_label.or(field.form_label.take());
    field.list_label = uf.list_label.or(field.list_label.take());
    field.filter_label = uf.filter_label.or(field.filter_label.take());
    field.label = field
        .form_label
        .clone()
        .or_else(|| field.list_label.clone())
        .or(field.label.take());
    if let Some(settings) = uf.settings {
        apply_settings(field, settings);
    }
    if let Some(items) = uf.items {
        let name = field.name.clone();
        field.items = read_enum_items(method, &name, items, "ID", "VALUE")?;
    }
    Ok(())
}

/// The user field named `name` (classic UPPER name), created when neither field list had
/// it. Its `crm.item` name is then derived by the naming rules, since the portal did not
/// report one.
fn ensure_user_field<'a>(entity: &'a mut Entity, name: &str, ty: FieldType) -> &'a mut Field {
    let position = entity
        .fields
        .iter()
        .position(|f| f.name == name || f.item_upper_name.as_deref() == Some(name));
    let index = match position {
        Some(i) => i,
        None => {
            let table = naming::NameTable::from_schema_entity(entity);
            entity.fields.push(Field {
                name: name.to_string(),
                in_classic: entity.kind.is_classic(),
                item_name: Some(table.to_item(name)),
                ty,
                user_field: true,
                ..Field::default()
            });
            entity.fields.len() - 1
        }
    };
    &mut entity.fields[index]
}

struct SmartType {
    kind: EntityKind,
    title: String,
    code: String,
}

fn read_types(pages: &[Value]) -> Result<BTreeMap<u32, SmartType>, IngestError> {
    let method = "crm.type.list";
    let mut out = BTreeMap::new();
    for page in pages {
        let result = result_of(page);
        let types = match result {
            Value::Object(map) if map.contains_key("types") => &map["types"],
            other => other,
        };
        for t in as_array(types, method, "an array of types")? {
            let (Some(etid), Some(id)) =
                (lenient_u32(t.get("entityTypeId")), lenient_u32(t.get("id")))
            else {
                return Err(IngestError::Shape {
                    method: method.to_string(),
                    expected: "types with numeric `id` and `entityTypeId`",
                    found: describe(t),
                });
            };
            let kind = EntityKind::Smart {
                entity_type_id: etid,
                type_id: id,
            };
            let text = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            out.insert(
                etid,
                SmartType {
                    kind,
                    title: text("title"),
                    code: text("code"),
                },
            );
        }
    }
    Ok(out)
}

fn read_statuses(pages: &[Value]) -> Result<BTreeMap<String, Vec<Status>>, IngestError> {
    let method = "crm.status.list";
    let mut out: BTreeMap<String, Vec<Status>> = BTreeMap::new();
    for page in pages {
        for s in as_array(result_of(page), method, "an array of statuses")? {
            let (Some(list), Some(id)) = (
                s.get("ENTITY_ID").and_then(Value::as_str),
                lenient_string(s.get("STATUS_ID")),
            ) else {
                return Err(IngestError::Shape {
                    method: method.to_string(),
                    expected: "statuses with ENTITY_ID and STATUS_ID",
                    found: describe(s),
                });
            };
            let semantics = s
                .get("EXTRA")
                .and_then(|e| e.get("SEMANTICS"))
                .and_then(Value::as_str)
                .and_then(Semantics::parse);
            out.entry(list.to_string()).or_default().push(Status {
                id,
                name: s
                    .get("NAME")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                sort: lenient_i64(s.get("SORT")).unwrap_or(0),
                semantics,
                rust_name: None,
            });
        }
    }
    Ok(out)
}

#[derive(Default)]
struct StageLists {
    /// (entityTypeId, categoryId) → stage list ENTITY_ID.
    by_category: BTreeMap<(u32, u32), String>,
    names: BTreeMap<String, String>,
}

fn read_stage_lists(types: Option<&Value>) -> Result<StageLists, IngestError> {
    let mut out = StageLists::default();
    let Some(types) = types else {
        return Ok(out);
    };
    let method = "crm.status.entity.types";
    for t in as_array(result_of(types), method, "an array of status types")? {
        let Some(id) = t.get("ID").and_then(Value::as_str) else {
            continue;
        };
        if let Some(name) = t.get("NAME").and_then(Value::as_str) {
            out.names.insert(id.to_string(), name.to_string());
        }
        if let (Some(etid), Some(category)) = (
            lenient_u32(t.get("ENTITY_TYPE_ID")),
            lenient_u32(t.get("CATEGORY_ID")),
        ) {
            if is_stage_list(id) {
                out.by_category.insert((etid, category), id.to_string());
            }
        }
    }
    Ok(out)
}

/// The stage list of a pipeline when `crm.status.entity.types` did not say: `DEAL_STAGE` for
/// the default deal pipeline, `DEAL_STAGE_{id}` for the others, `DYNAMIC_{etid}_STAGE_{id}`
/// for smart processes.
pub fn default_stage_list(kind: EntityKind, category_id: u32) -> String {
    match kind {
        EntityKind::Deal if category_id == 0 => "DEAL_STAGE".to_string(),
        EntityKind::Deal => format!("DEAL_STAGE_{category_id}"),
        EntityKind::Lead => "STATUS".to_string(),
        other => format!("DYNAMIC_{}_STAGE_{category_id}", other.entity_type_id()),
    }
}

fn read_categories(
    kind: EntityKind,
    value: &Value,
    stage_lists: &StageLists,
    statuses: &BTreeMap<String, Vec<Status>>,
) -> Result<Vec<Category>, IngestError> {
    let method = "crm.category.list";
    let result = result_of(value);
    let categories = match result {
        Value::Object(map) if map.contains_key("categories") => &map["categories"],
        other => other,
    };
    let mut out = Vec::new();
    for c in as_array(categories, method, "an array of categories")? {
        let Some(id) = lenient_u32(c.get("id")) else {
            return Err(IngestError::Shape {
                method: method.to_string(),
                expected: "categories with a numeric `id`",
                found: describe(c),
            });
        };
        let stage_list = stage_lists
            .by_category
            .get(&(kind.entity_type_id(), id))
            .cloned()
            .unwrap_or_else(|| default_stage_list(kind, id));
        out.push(Category {
            id,
            name: c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            sort: lenient_i64(c.get("sort")).unwrap_or(0),
            is_default: lenient_bool(c.get("isDefault")).unwrap_or(false),
            stages: statuses.get(&stage_list).cloned().unwrap_or_default(),
            stage_list,
            rust_name: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_readers_accept_server_habits() {
        assert_eq!(lenient_bool(Some(&json!("Y"))), Some(true));
        assert_eq!(lenient_bool(Some(&json!("N"))), Some(false));
        assert_eq!(lenient_bool(Some(&json!(1))), Some(true));
        assert_eq!(lenient_bool(Some(&json!("maybe"))), None);
        assert_eq!(lenient_i64(Some(&json!("150"))), Some(150));
        assert_eq!(lenient_i64(Some(&json!(150))), Some(150));
        assert_eq!(label(Some(&json!({"de": "Liste"}))), Some("Liste".into()));
        assert_eq!(
            label(Some(&json!({"de": "Liste", "en": "List"}))),
            Some("List".into())
        );
    }

    #[test]
    fn empty_array_is_an_empty_object() {
        let v = json!([]);
        assert!(as_object(&v, "m", "x").unwrap().is_empty());
        let err = as_object(&json!("nope"), "crm.deal.fields", "an object").unwrap_err();
        assert_eq!(
            err.to_string(),
            "crm.deal.fields: expected an object, found the string \"nope\""
        );
    }

    #[test]
    fn stage_lists_are_told_apart_from_reference_lists() {
        assert!(is_stage_list("DEAL_STAGE"));
        assert!(is_stage_list("DEAL_STAGE_9"));
        assert!(is_stage_list("DYNAMIC_177_STAGE_7"));
        assert!(is_stage_list("SMART_INVOICE_STAGE_5"));
        assert!(!is_stage_list("DEAL_TYPE"));
        assert!(!is_stage_list("STATUS"));
        assert!(!is_stage_list("SOURCE"));
    }

    #[test]
    fn descriptor_without_type_names_the_field() {
        let err =
            read_descriptor("crm.deal.fields", "TITLE", &json!({"title": "Title"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "crm.deal.fields: field `TITLE`: the descriptor has no `type`"
        );
    }
}
