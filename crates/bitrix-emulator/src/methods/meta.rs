//! Metadata methods: types, statuses, pipelines, user fields.

use serde_json::{Map, Value, json};

use super::{Db, Output};
use crate::error::ApiError;
use crate::methods::crud::PAGE;
use crate::model::ClassicKind;
use crate::params::{as_i64, param};

/// Keeps entries whose keys equal the filter's values (compared as text, case-sensitive
/// keys as the portal prints them, values case-insensitively).
fn matches_filter(entry: &Value, filter: &Map<String, Value>) -> bool {
    filter.iter().all(|(key, wanted)| {
        let key = key.trim_start_matches('=');
        let got = entry.get(key).or_else(|| {
            entry.as_object().and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
        });
        let text = |v: &Value| match v {
            Value::String(s) => s.to_ascii_lowercase(),
            other => other.to_string().to_ascii_lowercase(),
        };
        match (got, wanted) {
            (Some(g), Value::Array(options)) => options.iter().any(|o| text(o) == text(g)),
            (Some(g), w) => text(g) == text(w),
            (None, _) => false,
        }
    })
}

fn filter_of(params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    match param(params, "filter") {
        None => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(Value::Array(a)) if a.is_empty() => Ok(Map::new()),
        Some(_) => Err(ApiError::classic("Parameter 'filter' must be array.")),
    }
}

fn page(items: Vec<Value>, params: &Map<String, Value>) -> (Vec<Value>, i64, Option<i64>) {
    let total = items.len() as i64;
    let start = as_i64(param(params, "start")).unwrap_or(0).max(0);
    let rows: Vec<Value> = items
        .into_iter()
        .skip(start as usize)
        .take(PAGE as usize)
        .collect();
    let next = (total > start + PAGE).then_some(start + PAGE);
    (rows, total, next)
}

pub(crate) fn type_list(db: &Db) -> Output {
    let types = db.model.types.clone();
    let total = types.len() as i64;
    Output {
        result: json!({"types": types}),
        total: Some(total),
        ..Output::default()
    }
}

pub(crate) fn status_list(db: &Db, params: &Map<String, Value>) -> Result<Output, ApiError> {
    let filter = filter_of(params)?;
    let mut rows: Vec<Value> = db
        .model
        .statuses
        .iter()
        .filter(|s| matches_filter(s, &filter))
        .cloned()
        .collect();
    // Default order SORT ASC within each list, as the portal prints it.
    rows.sort_by_key(|s| {
        (
            s.get("ENTITY_ID")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            as_i64(s.get("SORT")).unwrap_or(0),
        )
    });
    let (rows, total, next) = page(rows, params);
    Ok(Output {
        result: Value::Array(rows),
        total: Some(total),
        next,
        scanned: 0,
    })
}

pub(crate) fn category_list(db: &Db, params: &Map<String, Value>) -> Result<Output, ApiError> {
    let etid = as_i64(param(params, "entityTypeId"))
        .ok_or_else(|| ApiError::invalid_arg("Parameter 'entityTypeId' is required"))?;
    if db.model.entity(etid).is_none() {
        return Err(ApiError::type_not_found());
    }
    let cats = db.model.categories.get(&etid).cloned().unwrap_or_default();
    let total = cats.len() as i64;
    Ok(Output {
        result: json!({"categories": cats}),
        total: Some(total),
        ..Output::default()
    })
}

pub(crate) fn userfieldconfig_list(
    db: &Db,
    params: &Map<String, Value>,
) -> Result<Output, ApiError> {
    if param(params, "moduleId").and_then(Value::as_str) != Some("crm") {
        return Err(ApiError::invalid_arg(
            "Parameter 'moduleId' is required; the emulator knows only 'crm'",
        ));
    }
    let filter = filter_of(params)?;
    let rows: Vec<Value> = db
        .model
        .userfieldconfig
        .iter()
        .filter(|f| matches_filter(f, &filter))
        .cloned()
        .collect();
    let (rows, total, next) = page(rows, params);
    Ok(Output {
        result: json!({"fields": rows}),
        total: Some(total),
        next,
        scanned: 0,
    })
}

pub(crate) fn userfield(
    db: &mut Db,
    kind: ClassicKind,
    op: &str,
    params: &Map<String, Value>,
) -> Result<Output, ApiError> {
    match op {
        "list" => {
            let filter = filter_of(params)?;
            let mut rows: Vec<Value> = db
                .model
                .userfield_lists
                .get(&kind)
                .map(|l| {
                    l.iter()
                        .filter(|f| matches_filter(f, &filter))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            rows.sort_by_key(|f| (as_i64(f.get("SORT")).unwrap_or(0), as_i64(f.get("ID"))));
            let total = rows.len() as i64;
            Ok(Output {
                result: Value::Array(rows),
                total: Some(total),
                ..Output::default()
            })
        }
        "add" => {
            let fields = match param(params, "fields") {
                Some(Value::Object(m)) => m.clone(),
                _ => return Err(ApiError::classic("Parameter 'fields' must be array.")),
            };
            let id = db.model.add_userfield(kind, &fields)?;
            Ok(Output::of(json!(id)))
        }
        _ => Err(ApiError::method_not_found()),
    }
}
