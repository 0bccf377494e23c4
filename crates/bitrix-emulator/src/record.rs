//! Records between the wire and storage: applying `fields` of add/update, printing records in
//! the classic and crm.item shapes, and turning `filter`/`order` into SQL.

use chrono::FixedOffset;
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value, json};

use crate::config::Quirks;
use crate::error::ApiError;
use crate::model::{Entity, Field, Kind};
use crate::store::{SqlCond, SqlOrder};
use crate::values::{self, Reject};

/// Which API a request came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Classic,
    Item { original_uf: bool },
}

/// Ids the portal hands out besides record ids.
#[derive(Debug, Clone)]
pub(crate) struct IdAlloc {
    pub(crate) next_file: i64,
    pub(crate) next_fm: i64,
}

impl Default for IdAlloc {
    fn default() -> Self {
        Self {
            next_file: 1001,
            next_fm: 101,
        }
    }
}

pub(crate) struct WriteEnv<'a> {
    pub(crate) quirks: &'a Quirks,
    pub(crate) offset: FixedOffset,
    pub(crate) ids: &'a mut IdAlloc,
    pub(crate) update: bool,
    pub(crate) style: Style,
}

fn resolve<'e>(entity: &'e Entity, name: &str, style: Style) -> Option<&'e Field> {
    match style {
        Style::Classic => entity.by_classic(&name.to_ascii_uppercase()),
        Style::Item { original_uf } => entity.resolve_item(name, original_uf),
    }
}

fn unknown_field(name: &str) -> ApiError {
    ApiError::invalid_arg(format!(
        "Unknown field '{name}': it is not in this entity's fields (emulator strict mode; \
         the real portal ignores it)"
    ))
}

/// Lists sent as PHP maps (`{"0": .., "1": ..}` after form decoding) count as arrays.
fn as_list(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(items) => Some(items.clone()),
        Value::Object(map) if map.keys().all(|k| k.parse::<u64>().is_ok()) && !map.is_empty() => {
            Some(map.values().cloned().collect())
        }
        _ => None,
    }
}

/// Applies the request's `fields` onto `record`. Returns the storage keys that changed.
pub(crate) fn apply_fields(
    entity: &Entity,
    record: &mut Map<String, Value>,
    input: &Map<String, Value>,
    env: &mut WriteEnv<'_>,
) -> Result<Vec<String>, ApiError> {
    let mut changed = Vec::new();
    for (name, value) in input {
        if matches!(env.style, Style::Item { .. }) && name == "fm" && entity.has_multifields() {
            apply_item_fm(record, value, env);
            changed.push("fm".to_owned());
            continue;
        }
        let Some(field) = resolve(entity, name, env.style) else {
            if env.quirks.drop_unknown_fields {
                tracing::debug!(field = %name, "unknown field ignored (quirk)");
                continue;
            }
            return Err(unknown_field(name));
        };
        if field.read_only || field.key == "id" || (env.update && field.immutable) {
            continue;
        }
        match field.kind {
            Kind::Multi => {
                apply_classic_multifield(record, &field.upper, value, env.ids);
                changed.push("fm".to_owned());
            }
            Kind::File => {
                let stored = file_value(field, record.get(&field.key), value, env)?;
                record.insert(field.key.clone(), stored);
                changed.push(field.key.clone());
            }
            _ if field.multiple => {
                if let Some(stored) = multiple_value(field, value, env)? {
                    record.insert(field.key.clone(), stored);
                    changed.push(field.key.clone());
                }
            }
            Kind::YesNo | Kind::UfBool if matches!(env.style, Style::Item { .. }) => {
                // The crm.item controller reads a flag as true only for `true`, "true", "y"
                // and "Y"; everything else, `1` and "1" included, is false.
                let on = matches!(value, Value::Bool(true))
                    || matches!(value.as_str(), Some("true" | "y" | "Y"));
                let stored = match field.kind {
                    Kind::UfBool => json!(on),
                    _ => json!(if on { "Y" } else { "N" }),
                };
                record.insert(field.key.clone(), stored);
                changed.push(field.key.clone());
            }
            _ => {
                // A list for a single field: the first element counts (EnumType::onBeforeSave).
                let scalar = match as_list(value) {
                    Some(items) => items.into_iter().next().unwrap_or(Value::Null),
                    None => value.clone(),
                };
                match values::scalar_to_stored(field, &scalar, env.offset) {
                    Ok(v) => {
                        record.insert(field.key.clone(), v.unwrap_or(Value::Null));
                        changed.push(field.key.clone());
                    }
                    Err(Reject::NotInList(why)) if env.quirks.drop_invalid_enum_values => {
                        tracing::debug!(field = %name, %why, "enumeration value dropped (quirk)");
                    }
                    Err(Reject::NotInList(why) | Reject::Invalid(why)) => {
                        return Err(ApiError::value_not_valid(format!("Field '{name}': {why}")));
                    }
                }
            }
        }
    }
    Ok(changed)
}

fn multiple_value(
    field: &Field,
    value: &Value,
    env: &mut WriteEnv<'_>,
) -> Result<Option<Value>, ApiError> {
    let name = field.camel.as_deref().unwrap_or(&field.upper);
    let items = match (as_list(value), env.style) {
        (Some(items), _) => items,
        (None, _) if value.is_null() || value == &json!("") || value == &json!(false) => Vec::new(),
        (None, Style::Item { .. }) => {
            return Err(ApiError::new(
                400,
                "100",
                format!("Expected iterable value for multiple field '{name}'"),
            ));
        }
        (None, Style::Classic) => vec![value.clone()],
    };
    if items.is_empty()
        && env.update
        && matches!(env.style, Style::Item { .. })
        && env.quirks.ignore_empty_multiple_on_item_update
    {
        tracing::debug!(field = %name, "empty list ignored on crm.item.update (quirk)");
        return Ok(None);
    }
    let mut out = Vec::new();
    let mut dropped = 0;
    for item in &items {
        match values::scalar_to_stored(field, item, env.offset) {
            Ok(Some(v)) => out.push(v),
            Ok(None) => {}
            Err(Reject::NotInList(_)) if env.quirks.drop_invalid_enum_values => dropped += 1,
            Err(Reject::NotInList(why) | Reject::Invalid(why)) => {
                return Err(ApiError::value_not_valid(format!("Field '{name}': {why}")));
            }
        }
    }
    if out.is_empty() && dropped > 0 {
        // Every value was outside the list: the field keeps what it had.
        return Ok(None);
    }
    Ok(Some(Value::Array(out)))
}

fn new_file(name: &Value, content: &Value, ids: &mut IdAlloc) -> Value {
    let id = ids.next_file;
    ids.next_file += 1;
    let size = content.as_str().map(|c| c.len() * 3 / 4).unwrap_or(0);
    json!({"id": id, "name": name.as_str().unwrap_or("file"), "size": size})
}

/// One file value of a request: `["name", "base64"]` (crm.item), `{"fileData": [..]}`
/// (classic), `{"id": n}` (keep an existing file), `""` (delete).
fn one_file(value: &Value, existing: &[Value], ids: &mut IdAlloc) -> Option<Value> {
    match value {
        Value::Array(pair) if pair.len() == 2 && pair[0].is_string() => {
            Some(new_file(&pair[0], &pair[1], ids))
        }
        Value::Object(map) => {
            if let Some(data) = map.get("fileData") {
                return one_file(data, existing, ids);
            }
            let id = crate::params::as_i64(map.get("id").or_else(|| map.get("ID")))?;
            existing
                .iter()
                .find(|f| f.get("id").and_then(Value::as_i64) == Some(id))
                .cloned()
        }
        _ => None,
    }
}

fn file_value(
    field: &Field,
    old: Option<&Value>,
    value: &Value,
    env: &mut WriteEnv<'_>,
) -> Result<Value, ApiError> {
    let existing: Vec<Value> = match old {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one.clone()],
    };
    if !field.multiple {
        if value.is_null() || value == &json!("") {
            return Ok(Value::Null);
        }
        return Ok(one_file(value, &existing, env.ids).unwrap_or(Value::Null));
    }
    let list = match value {
        Value::Array(pair) if pair.len() == 2 && pair[0].is_string() => vec![value.clone()],
        _ => as_list(value).unwrap_or_else(|| vec![value.clone()]),
    };
    // Files whose id is not passed again are deleted (crm.item.update docs).
    let files: Vec<Value> = list
        .iter()
        .filter_map(|v| one_file(v, &existing, env.ids))
        .collect();
    Ok(Value::Array(files))
}

fn fm_list(record: &Map<String, Value>) -> Vec<Value> {
    record
        .get("fm")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn apply_classic_multifield(
    record: &mut Map<String, Value>,
    type_id: &str,
    value: &Value,
    ids: &mut IdAlloc,
) {
    let mut fm = fm_list(record);
    for entry in as_list(value).unwrap_or_default() {
        let Some(obj) = entry.as_object() else {
            continue;
        };
        let get = |k: &str| crate::params::param(obj, k);
        let text = get("VALUE").and_then(|v| v.as_str().map(str::to_owned));
        let value_type = get("VALUE_TYPE")
            .and_then(Value::as_str)
            .unwrap_or("WORK")
            .to_owned();
        match crate::params::as_i64(get("ID")) {
            Some(id) => {
                let Some(pos) = fm.iter().position(|e| e["id"].as_i64() == Some(id)) else {
                    continue;
                };
                let delete = crate::params::truthy(get("DELETE"))
                    || text.as_deref().is_none_or(str::is_empty);
                if delete {
                    fm.remove(pos);
                } else {
                    fm[pos]["value"] = json!(text);
                    fm[pos]["valueType"] = json!(value_type);
                }
            }
            None => {
                let Some(text) = text.filter(|t| !t.is_empty()) else {
                    continue;
                };
                let id = ids.next_fm;
                ids.next_fm += 1;
                fm.push(json!({"id": id, "valueType": value_type, "value": text,
                               "typeId": type_id}));
            }
        }
    }
    record.insert("fm".to_owned(), Value::Array(fm));
}

/// crm.item `fm`: a list of new entries on add; on update a map keyed `n0`, `n1`, .. (new)
/// or by entry id (change; `value: ""` deletes). Entries without `typeId` do nothing.
fn apply_item_fm(record: &mut Map<String, Value>, value: &Value, env: &mut WriteEnv<'_>) {
    let mut fm = fm_list(record);
    let entries: Vec<(Option<i64>, Value)> = match value {
        Value::Array(items) => items
            .iter()
            .map(|e| (crate::params::as_i64(e.get("id")), e.clone()))
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, e)| {
                (
                    k.parse::<i64>().ok().or(crate::params::as_i64(e.get("id"))),
                    e.clone(),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    for (id, entry) in entries {
        let Some(type_id) = entry.get("typeId").and_then(Value::as_str) else {
            tracing::debug!("fm entry without typeId ignored");
            continue;
        };
        let text = entry
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let value_type = entry
            .get("valueType")
            .and_then(Value::as_str)
            .unwrap_or("WORK");
        match id.and_then(|id| fm.iter().position(|e| e["id"].as_i64() == Some(id))) {
            Some(pos) if text.is_empty() => {
                fm.remove(pos);
            }
            Some(pos) => {
                fm[pos]["value"] = json!(text);
                fm[pos]["valueType"] = json!(value_type);
            }
            None if !text.is_empty() => {
                let new_id = env.ids.next_fm;
                env.ids.next_fm += 1;
                fm.push(json!({"id": new_id, "valueType": value_type, "value": text,
                               "typeId": type_id}));
            }
            None => {}
        }
    }
    record.insert("fm".to_owned(), Value::Array(fm));
}

/// Where file links point. Relative, like the portal's own `showUrl`; the emulator does not
/// serve file contents.
fn classic_file(field: &Field, id: i64, file: &Value) -> Value {
    let fid = file.get("id").cloned().unwrap_or(Value::Null);
    let query = format!(
        "ownerId={id}&fieldName={}&dynamic=Y&fileId={fid}",
        field.upper
    );
    let base = "/bitrix/components/bitrix/crm.deal.show/show_file.php";
    json!({
        "id": fid,
        "showUrl": format!("{base}?{query}"),
        "downloadUrl": format!("{base}?auth=&{query}"),
    })
}

fn item_file(etid: i64, field: &Field, id: i64, file: &Value) -> Value {
    let fid = file.get("id").cloned().unwrap_or(Value::Null);
    let url = format!(
        "/bitrix/services/main/ajax.php?action=crm.controller.item.getFile&SITE_ID=s1\
         &entityTypeId={etid}&id={id}&fieldName={}&fileId={fid}",
        field.upper
    );
    json!({"id": fid, "url": url, "urlMachine": url})
}

fn map_stored(stored: &Value, multiple: bool, f: impl Fn(&Value) -> Value) -> Value {
    match (stored, multiple) {
        (Value::Array(items), true) => Value::Array(items.iter().map(f).collect()),
        (Value::Null, true) => Value::Array(Vec::new()),
        (other, _) => f(other),
    }
}

fn classic_value(
    entity: &Entity,
    field: &Field,
    id: i64,
    stored: &Value,
    off: FixedOffset,
) -> Value {
    let _ = entity;
    if field.key == "id" {
        return json!(id.to_string());
    }
    map_stored(stored, field.multiple, |v| match field.kind {
        Kind::File if !v.is_null() => classic_file(field, id, v),
        _ => values::classic_scalar(field, v, off),
    })
}

fn item_value(entity: &Entity, field: &Field, id: i64, stored: &Value, off: FixedOffset) -> Value {
    if field.key == "id" {
        return json!(id);
    }
    if stored.is_null()
        && field.is_link()
        && matches!(field.key.as_str(), "companyId" | "contactId")
    {
        // crm.item prints 0 for these two empty links (crm.item.get example).
        return json!(0);
    }
    map_stored(stored, field.multiple, |v| match field.kind {
        Kind::File if !v.is_null() => item_file(entity.etid, field, id, v),
        _ => values::item_scalar(field, v, off),
    })
}

/// Which fields a classic get/list prints.
#[derive(Debug, Clone)]
pub(crate) enum ClassicSelect {
    /// `crm.*.get`: every field, multifields when they have values.
    Get,
    /// `crm.*.list`: `*` (system non-multi fields), `UF_*`, and named fields.
    List {
        star: bool,
        all_uf: bool,
        names: Vec<String>,
    },
}

impl ClassicSelect {
    pub(crate) fn from_param(select: Option<&Value>) -> Self {
        let names: Vec<String> = select
            .and_then(as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_ascii_uppercase))
            .collect();
        if names.is_empty() {
            return ClassicSelect::List {
                star: true,
                all_uf: false,
                names,
            };
        }
        ClassicSelect::List {
            star: names.iter().any(|n| n == "*"),
            all_uf: names.iter().any(|n| n == "UF_*"),
            names,
        }
    }
}

pub(crate) fn classic_output(
    entity: &Entity,
    id: i64,
    record: &Map<String, Value>,
    select: &ClassicSelect,
    offset: FixedOffset,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("ID".to_owned(), json!(id.to_string()));
    let fm = fm_list(record);
    for name in entity.classic_fields.keys() {
        let Some(field) = entity.by_classic(name) else {
            continue;
        };
        if name == "ID" || field.hidden_classic {
            continue;
        }
        let wanted = match select {
            ClassicSelect::Get => true,
            ClassicSelect::List {
                star,
                all_uf,
                names,
            } => {
                names.iter().any(|n| n == name)
                    || (*star && !field.uf && field.kind != Kind::Multi && !field.multiple)
                    || (*all_uf && field.uf)
            }
        };
        if !wanted {
            continue;
        }
        if field.kind == Kind::Multi {
            let entries: Vec<Value> = fm
                .iter()
                .filter(|e| e["typeId"].as_str() == Some(field.upper.as_str()))
                .map(|e| {
                    json!({"ID": e["id"].as_i64().unwrap_or_default().to_string(),
                           "VALUE_TYPE": e["valueType"], "VALUE": e["value"],
                           "TYPE_ID": e["typeId"]})
                })
                .collect();
            if !entries.is_empty() {
                out.insert(name.clone(), Value::Array(entries));
            }
            continue;
        }
        let stored = record.get(&field.key).unwrap_or(&Value::Null);
        out.insert(
            name.clone(),
            classic_value(entity, field, id, stored, offset),
        );
    }
    out
}

/// Which fields crm.item prints.
#[derive(Debug, Clone)]
pub(crate) struct ItemSelect {
    pub(crate) all: bool,
    pub(crate) names: Vec<String>,
}

impl ItemSelect {
    pub(crate) fn all() -> Self {
        Self {
            all: true,
            names: Vec::new(),
        }
    }

    pub(crate) fn from_param(select: Option<&Value>) -> Self {
        let names: Vec<String> = select
            .and_then(as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        Self {
            all: names.is_empty() || names.iter().any(|n| n == "*"),
            names,
        }
    }
}

pub(crate) fn item_output(
    entity: &Entity,
    id: i64,
    record: &Map<String, Value>,
    select: &ItemSelect,
    original_uf: bool,
    offset: FixedOffset,
) -> Map<String, Value> {
    let mut out = Map::new();
    for field in &entity.fields {
        let Some(name) = entity.item_name(field, original_uf) else {
            continue;
        };
        // The controller upper-cases select names, so `TITLE` selects `title` too.
        let named = select.names.iter().any(|n| n == name || *n == field.upper);
        if !(select.all || field.key == "id" || named) {
            continue;
        }
        let stored = record.get(&field.key).unwrap_or(&Value::Null);
        out.insert(
            name.to_owned(),
            item_value(entity, field, id, stored, offset),
        );
    }
    if select.all {
        if entity.has_multifields() {
            out.insert("fm".to_owned(), Value::Array(fm_list(record)));
        }
        out.insert("entityTypeId".to_owned(), json!(entity.etid));
    }
    out
}

const OPERATORS: [&str; 11] = [">=", "<=", "!=", "!@", "!%", "=", ">", "<", "!", "%", "@"];

fn split_operator(key: &str) -> (&str, &str) {
    for op in OPERATORS {
        if let Some(rest) = key.strip_prefix(op) {
            return (op, rest);
        }
    }
    ("", key)
}

fn json_path(key: &str) -> String {
    format!("$.\"{}\"", key.replace('"', "\\\""))
}

fn filter_value(field: &Field, value: &Value, offset: FixedOffset) -> Option<SqlValue> {
    if field.key == "id" {
        return crate::params::as_i64(Some(value)).map(SqlValue::Integer);
    }
    let text = || match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "Y" } else { "N" }.to_owned()),
        _ => None,
    };
    Some(match field.kind {
        Kind::Int | Kind::Enum => SqlValue::Integer(crate::params::as_i64(Some(value))?),
        Kind::Double => SqlValue::Real(match value {
            Value::Number(n) => n.as_f64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        }),
        Kind::YesNo => SqlValue::Text(if values::yes_no_of(value)? { "Y" } else { "N" }.into()),
        Kind::UfBool => SqlValue::Integer(i64::from(values::yes_no_of(value)?)),
        Kind::Date => SqlValue::Text(values::parse_date(&text()?, offset)?),
        Kind::DateTime => SqlValue::Integer(values::parse_datetime(&text()?, offset)?),
        _ => SqlValue::Text(text()?),
    })
}

fn is_empty_filter_value(value: &Value) -> bool {
    matches!(value, Value::Null) || value == &json!("") || value == &json!(false)
}

/// Turns a `filter` parameter into SQL conditions.
pub(crate) fn build_filter(
    entity: &Entity,
    filter: Option<&Value>,
    style: Style,
    offset: FixedOffset,
) -> Result<Vec<SqlCond>, ApiError> {
    let Some(filter) = filter else {
        return Ok(Vec::new());
    };
    let map = match filter {
        Value::Object(map) => map.clone(),
        Value::Array(items) if items.is_empty() => Map::new(),
        Value::String(s) if s.is_empty() => Map::new(),
        _ => {
            return Err(match style {
                Style::Classic => ApiError::classic("Parameter 'filter' must be array."),
                Style::Item { .. } => ApiError::invalid_arg("Parameter 'filter' must be array."),
            });
        }
    };
    let mut conds = Vec::new();
    for (key, value) in &map {
        let (op, name) = split_operator(key);
        let field = match resolve(entity, name, style) {
            Some(f) if f.kind != Kind::Multi && f.kind != Kind::File => f,
            Some(f) if f.kind == Kind::Multi => {
                conds.push(multifield_cond(&f.upper, op, value));
                continue;
            }
            _ => match style {
                // The classic list ignores filter keys it does not know.
                Style::Classic => continue,
                Style::Item { .. } => {
                    return Err(ApiError::invalid_arg(format!(
                        "Invalid filter: field '{name}' is not allowed in filter"
                    )));
                }
            },
        };
        conds.push(field_cond(field, op, value, offset).ok_or_else(|| {
            let why = format!("Invalid filter value for field '{name}': {value}");
            match style {
                Style::Classic => ApiError::classic(why),
                Style::Item { .. } => ApiError::invalid_arg(why),
            }
        })?);
    }
    Ok(conds)
}

fn multifield_cond(type_id: &str, op: &str, value: &Value) -> SqlCond {
    let text = value.as_str().unwrap_or_default().to_owned();
    let (cmp, param) = if op.contains('%') {
        ("LIKE", format!("%{text}%"))
    } else {
        ("=", text)
    };
    let exists = format!(
        "EXISTS (SELECT 1 FROM json_each(data, '$.fm') WHERE json_extract(value, '$.typeId') = ? \
         AND json_extract(value, '$.value') {cmp} ?)"
    );
    let sql = if op.starts_with('!') {
        format!("NOT {exists}")
    } else {
        exists
    };
    SqlCond {
        sql,
        params: vec![SqlValue::Text(type_id.to_owned()), SqlValue::Text(param)],
    }
}

fn field_cond(field: &Field, op: &str, value: &Value, offset: FixedOffset) -> Option<SqlCond> {
    let negate = op.starts_with('!');
    let mut params = Vec::new();
    let path = json_path(&field.key);

    // Empty value: "is empty" / "is not empty".
    if is_empty_filter_value(value) && matches!(op, "" | "=" | "!" | "!=") {
        let sql = if field.key == "id" {
            "id IS NULL".to_owned()
        } else if field.multiple {
            params.push(SqlValue::Text(path.clone()));
            "COALESCE(json_array_length(data, ?), 0) = 0".to_owned()
        } else {
            params.push(SqlValue::Text(path));
            "json_extract(data, ?) IS NULL".to_owned()
        };
        let sql = if negate { format!("NOT ({sql})") } else { sql };
        return Some(SqlCond { sql, params });
    }

    let list: Option<Vec<Value>> = as_list(value);
    let values: Vec<SqlValue> = match &list {
        Some(items) => items
            .iter()
            .map(|v| filter_value(field, v, offset))
            .collect::<Option<_>>()?,
        None => vec![filter_value(field, value, offset)?],
    };
    let in_list = list.is_some() || op.ends_with('@');

    let (expr, multi) = if field.key == "id" {
        ("id".to_owned(), false)
    } else if field.multiple {
        ("value".to_owned(), true)
    } else {
        params.push(SqlValue::Text(path.clone()));
        ("json_extract(data, ?)".to_owned(), false)
    };
    let base_op = op.trim_start_matches('!');
    let mut cond = if in_list {
        let marks = vec!["?"; values.len()].join(", ");
        params.extend(values);
        format!("{expr} IN ({marks})")
    } else {
        let v = values.into_iter().next()?;
        let (cmp, v) = match base_op {
            ">=" | "<=" | ">" | "<" => (base_op, v),
            "%" => match v {
                SqlValue::Text(t) => ("LIKE", SqlValue::Text(format!("%{t}%"))),
                other => ("=", other),
            },
            _ => ("=", v),
        };
        params.push(v);
        format!("{expr} {cmp} ?")
    };
    if multi {
        params.insert(0, SqlValue::Text(path));
        cond = format!("EXISTS (SELECT 1 FROM json_each(data, ?) WHERE {cond})");
    }
    if negate {
        // NULL never equals anything, so "not equal" must keep empty fields.
        cond = if multi || field.key == "id" {
            format!("NOT ({cond})")
        } else {
            let null_check = "json_extract(data, ?) IS NULL";
            params.push(SqlValue::Text(json_path(&field.key)));
            format!("NOT ({cond}) OR {null_check}")
        };
    }
    Some(SqlCond { sql: cond, params })
}

/// Turns an `order` parameter into ORDER BY terms.
pub(crate) fn build_order(
    entity: &Entity,
    order: Option<&Value>,
    style: Style,
) -> Result<Vec<SqlOrder>, ApiError> {
    let Some(Value::Object(map)) = order else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, dir) in map {
        let desc = dir.as_str().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        let Some(field) = resolve(entity, name, style).filter(|f| f.kind != Kind::Multi) else {
            match style {
                Style::Classic => continue,
                Style::Item { .. } => {
                    return Err(ApiError::invalid_arg(format!(
                        "Invalid order: field '{name}' is not allowed in order"
                    )));
                }
            }
        };
        let json_path = (field.key != "id").then(|| json_path(&field.key));
        out.push(SqlOrder { json_path, desc });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClassicKind, Model};
    use crate::portal::Portal;

    fn model() -> Model {
        Model::from_portal(&Portal::default()).unwrap()
    }

    fn plus3() -> FixedOffset {
        FixedOffset::east_opt(3 * 3600).unwrap()
    }

    fn apply(
        entity: &Entity,
        record: &mut Map<String, Value>,
        input: Value,
        quirks: &Quirks,
        style: Style,
        update: bool,
    ) -> Result<Vec<String>, ApiError> {
        let mut ids = IdAlloc::default();
        let mut env = WriteEnv {
            quirks,
            offset: plus3(),
            ids: &mut ids,
            update,
            style,
        };
        apply_fields(entity, record, input.as_object().unwrap(), &mut env)
    }

    #[test]
    fn classic_and_item_inputs_land_on_the_same_keys() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let q = Quirks::default();
        let mut a = Map::new();
        apply(
            deal,
            &mut a,
            json!({"TITLE": "X", "OPPORTUNITY": "10.5", "UF_CRM_DELIVERY": "42"}),
            &q,
            Style::Classic,
            false,
        )
        .unwrap();
        let mut b = Map::new();
        apply(
            deal,
            &mut b,
            json!({"title": "X", "opportunity": 10.5, "ufCrmDelivery": 42}),
            &q,
            Style::Item { original_uf: false },
            false,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a["ufCrmDelivery"], json!(42));
    }

    #[test]
    fn unknown_fields_and_bad_enums_follow_the_quirks() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let mut r = Map::new();
        let on = Quirks::default();
        apply(
            deal,
            &mut r,
            json!({"NOPE": 1, "UF_CRM_DELIVERY": "Курьер"}),
            &on,
            Style::Classic,
            false,
        )
        .unwrap();
        assert!(!r.contains_key("NOPE") && !r.contains_key("ufCrmDelivery"));
        let off = Quirks::none();
        let e = apply(
            deal,
            &mut r,
            json!({"NOPE": 1}),
            &off,
            Style::Classic,
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, "INVALID_ARG_VALUE");
        let e = apply(
            deal,
            &mut r,
            json!({"UF_CRM_DELIVERY": "Курьер"}),
            &off,
            Style::Classic,
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, "CRM_FIELD_ERROR_VALUE_NOT_VALID");
    }

    #[test]
    fn item_update_with_empty_list_keeps_values_only_with_the_quirk() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let mut r = Map::new();
        let style = Style::Item { original_uf: false };
        apply(
            deal,
            &mut r,
            json!({"ufCrm_1700000008": [54, 56]}),
            &Quirks::default(),
            style,
            false,
        )
        .unwrap();
        let before = r["ufCrm_1700000008"].clone();
        assert_eq!(before.as_array().map(Vec::len), Some(2), "{r:?}");
        apply(
            deal,
            &mut r,
            json!({"ufCrm_1700000008": []}),
            &Quirks::default(),
            style,
            true,
        )
        .unwrap();
        assert_eq!(r["ufCrm_1700000008"], before);
        apply(
            deal,
            &mut r,
            json!({"ufCrm_1700000008": []}),
            &Quirks::none(),
            style,
            true,
        )
        .unwrap();
        assert_eq!(r["ufCrm_1700000008"], json!([]));
    }

    #[test]
    fn crm_item_flags_are_true_only_for_the_controller_spellings() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let style = Style::Item { original_uf: false };
        for (input, expected) in [
            (json!("Y"), json!(true)),
            (json!("true"), json!(true)),
            (json!(true), json!(true)),
            (json!("1"), json!(false)),
            (json!(1), json!(false)),
            (json!("N"), json!(false)),
        ] {
            let mut r = Map::new();
            let input_fields = json!({"ufCrm_1700000002": input.clone(), "opened": input.clone()});
            apply(deal, &mut r, input_fields, &Quirks::default(), style, false).unwrap();
            assert_eq!(r["ufCrm_1700000002"], expected, "{input}");
            let flag = if expected == json!(true) { "Y" } else { "N" };
            assert_eq!(r["opened"], json!(flag), "{input}");
        }
        // The classic methods read 1 as yes.
        let mut r = Map::new();
        apply(
            deal,
            &mut r,
            json!({"UF_CRM_1700000002": 1}),
            &Quirks::default(),
            Style::Classic,
            false,
        )
        .unwrap();
        assert_eq!(r["ufCrm_1700000002"], json!(true));
    }

    #[test]
    fn multiple_field_needs_a_list_in_crm_item() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let mut r = Map::new();
        let e = apply(
            deal,
            &mut r,
            json!({"ufCrm_1700000007": "one"}),
            &Quirks::default(),
            Style::Item { original_uf: false },
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, "100");
    }

    #[test]
    fn outputs_have_classic_strings_and_item_types() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let mut r = Map::new();
        apply(
            deal,
            &mut r,
            json!({"TITLE": "X", "OPPORTUNITY": 1000, "BEGINDATE": "2024-08-30",
                                   "UF_CRM_1700000002": "Y", "COMPANY_ID": "9"}),
            &Quirks::default(),
            Style::Classic,
            false,
        )
        .unwrap();
        let c = classic_output(deal, 5, &r, &ClassicSelect::Get, plus3());
        assert_eq!(c["ID"], json!("5"));
        assert_eq!(c["OPPORTUNITY"], json!("1000.00"));
        assert_eq!(c["BEGINDATE"], json!("2024-08-30T03:00:00+03:00"));
        assert_eq!(c["CLOSEDATE"], json!(""));
        assert_eq!(c["LEAD_ID"], Value::Null);
        assert_eq!(c["COMPANY_ID"], json!("9"));
        assert!(!c.contains_key("CONTACT_IDS"));
        let i = item_output(deal, 5, &r, &ItemSelect::all(), false, plus3());
        assert_eq!(i["id"], json!(5));
        assert_eq!(i["opportunity"], json!(1000.0));
        assert_eq!(i["ufCrm_1700000002"], json!("Y"));
        assert_eq!(i["contactId"], json!(0));
        assert_eq!(i["entityTypeId"], json!(2));
        let orig = item_output(deal, 5, &r, &ItemSelect::all(), true, plus3());
        assert!(orig.contains_key("UF_CRM_1700000002") && !orig.contains_key("ufCrm_1700000002"));
    }

    #[test]
    fn classic_multifields_print_in_both_shapes() {
        let m = model();
        let contact = m.classic(ClassicKind::Contact);
        let mut r = Map::new();
        apply(
            contact,
            &mut r,
            json!({"PHONE": [{"VALUE": "+1", "VALUE_TYPE": "WORK"}]}),
            &Quirks::default(),
            Style::Classic,
            false,
        )
        .unwrap();
        let c = classic_output(contact, 1, &r, &ClassicSelect::Get, plus3());
        assert_eq!(c["PHONE"][0]["TYPE_ID"], json!("PHONE"));
        assert_eq!(c["PHONE"][0]["VALUE"], json!("+1"));
        assert!(!c.contains_key("EMAIL"));
        let list = classic_output(contact, 1, &r, &ClassicSelect::from_param(None), plus3());
        assert!(!list.contains_key("PHONE"), "multifields only when named");
        let i = item_output(contact, 1, &r, &ItemSelect::all(), false, plus3());
        assert_eq!(i["fm"][0]["typeId"], json!("PHONE"));
    }

    #[test]
    fn filters_parse_operators() {
        assert_eq!(split_operator(">=ID"), (">=", "ID"));
        assert_eq!(split_operator("!@STAGE_ID"), ("!@", "STAGE_ID"));
        assert_eq!(split_operator("TITLE"), ("", "TITLE"));
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        let e = build_filter(
            deal,
            Some(&json!({"NOPE": 1})),
            Style::Item { original_uf: false },
            plus3(),
        )
        .unwrap_err();
        assert_eq!(
            e.description,
            "Invalid filter: field 'NOPE' is not allowed in filter"
        );
        assert!(
            build_filter(deal, Some(&json!({"NOPE": 1})), Style::Classic, plus3())
                .unwrap()
                .is_empty()
        );
        let e = build_filter(deal, Some(&json!("x")), Style::Classic, plus3()).unwrap_err();
        assert_eq!(e.description, "Parameter 'filter' must be array.");
    }
}
