//! `crm.<entity>.add/get/list/update/delete` (classic) and `crm.item.*`.

use serde_json::{Map, Value, json};

use super::{CallCtx, Db, Output, storage_error};
use crate::error::ApiError;
use crate::events::Raised;
use crate::model::{ClassicKind, Entity, Kind, Model};
use crate::params::{as_i64, param, truthy};
use crate::record::{
    self, ClassicSelect, ItemSelect, Style, WriteEnv, apply_fields, build_filter, build_order,
};
use crate::store::ListQuery;

pub(crate) const PAGE: i64 = 50;

fn fields_param(params: &Map<String, Value>, style: Style) -> Result<Map<String, Value>, ApiError> {
    match param(params, "fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        _ => Err(match style {
            Style::Classic => ApiError::classic("Parameter 'fields' must be array."),
            Style::Item { .. } => ApiError::invalid_arg("Parameter 'fields' must be array."),
        }),
    }
}

fn event_names(etid: i64, action: &str) -> Vec<String> {
    match etid {
        1 => vec![format!("ONCRMLEAD{action}")],
        2 => vec![format!("ONCRMDEAL{action}")],
        3 => vec![format!("ONCRMCONTACT{action}")],
        4 => vec![format!("ONCRMCOMPANY{action}")],
        _ => vec![
            format!("ONCRMDYNAMICITEM{action}"),
            format!("ONCRMDYNAMICITEM{action}_{etid}"),
        ],
    }
}

fn raise(db: &mut Db, etid: i64, action: &str, id: i64) {
    let entity_type_id = (etid > 4).then_some(etid);
    db.raised.push(Raised {
        names: event_names(etid, action),
        id,
        entity_type_id,
    });
}

fn set_if_field(entity: &Entity, record: &mut Map<String, Value>, camel: &str, value: Value) {
    if let Some(f) = entity.by_camel(camel) {
        record.insert(f.key.clone(), value);
    }
}

fn missing(entity: &Entity, record: &Map<String, Value>, camel: &str) -> bool {
    entity
        .by_camel(camel)
        .is_some_and(|f| record.get(&f.key).is_none_or(Value::is_null))
}

/// Fills what the portal fills itself: authorship, timestamps, default pipeline and stage,
/// stage semantics, `closed`, `movedTime`.
fn finalize(
    model: &Model,
    entity: &Entity,
    record: &mut Map<String, Value>,
    old: Option<&Map<String, Value>>,
    ctx: &CallCtx<'_>,
) {
    let now = json!(ctx.now);
    let user = json!(ctx.user_id);
    if old.is_none() {
        set_if_field(entity, record, "createdTime", now.clone());
        set_if_field(entity, record, "createdBy", user.clone());
        for (camel, default) in [
            ("assignedById", user.clone()),
            ("opened", json!("Y")),
            ("currencyId", json!("RUB")),
            ("opportunity", json!(0.0)),
            ("isManualOpportunity", json!("N")),
        ] {
            if missing(entity, record, camel) {
                set_if_field(entity, record, camel, default);
            }
        }
        for f in entity
            .fields
            .iter()
            .filter(|f| f.kind == Kind::YesNo && !f.uf)
        {
            if record.get(&f.key).is_none_or(Value::is_null) {
                record.insert(f.key.clone(), json!("N"));
            }
        }
        set_if_field(entity, record, "lastActivityTime", now.clone());
        set_if_field(entity, record, "lastActivityBy", user.clone());
    }
    set_if_field(entity, record, "updatedTime", now.clone());
    set_if_field(entity, record, "updatedBy", user.clone());

    let has_stage = entity.by_camel("stageId").is_some() && entity.by_camel("createdBy").is_some();
    if !has_stage {
        return;
    }
    let category = if entity.by_camel("categoryId").is_some() {
        if missing(entity, record, "categoryId") {
            let default = model.default_category(entity.etid).unwrap_or(0);
            set_if_field(entity, record, "categoryId", json!(default));
        }
        entity
            .by_camel("categoryId")
            .and_then(|f| record.get(&f.key))
            .and_then(Value::as_i64)
    } else {
        None
    };
    let stages = model.stages(entity.etid, category);
    if missing(entity, record, "stageId")
        && let Some(first) = stages.first()
    {
        set_if_field(entity, record, "stageId", json!(first.status_id));
    }
    let stage = entity
        .by_camel("stageId")
        .and_then(|f| record.get(&f.key))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let old_stage = old.and_then(|o| entity.by_camel("stageId").and_then(|f| o.get(&f.key)));
    let semantic = stages
        .iter()
        .find(|s| Some(&s.status_id) == stage.as_ref())
        .map(|s| s.semantic)
        .unwrap_or("P");
    set_if_field(entity, record, "stageSemanticId", json!(semantic));
    if entity.classic == Some(ClassicKind::Deal) {
        set_if_field(
            entity,
            record,
            "closed",
            json!(if semantic == "P" { "N" } else { "Y" }),
        );
    }
    if old.is_none() || old_stage.and_then(Value::as_str) != stage.as_deref() {
        set_if_field(entity, record, "movedTime", now);
        set_if_field(entity, record, "movedBy", user);
        if let Some(prev) = old_stage.cloned() {
            set_if_field(entity, record, "previousStageId", prev);
        }
    }
}

/// Keeps the deprecated single `contactId` and the list `contactIds` in step, as the portal
/// does: the single link is the first of the list.
fn sync_contacts(entity: &Entity, record: &mut Map<String, Value>, changed: &[String]) {
    let (Some(one), Some(many)) = (entity.by_camel("contactId"), entity.by_camel("contactIds"))
    else {
        return;
    };
    if one.multiple || !many.multiple {
        return;
    }
    if changed.contains(&many.key) {
        let first = record.get(&many.key).and_then(|v| v.get(0)).cloned();
        record.insert(one.key.clone(), first.unwrap_or(Value::Null));
    } else if changed.contains(&one.key) {
        let list = match record.get(&one.key).cloned() {
            Some(Value::Null) | None => Vec::new(),
            Some(id) => {
                let mut rest: Vec<Value> = record
                    .get(&many.key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                rest.retain(|v| *v != id);
                std::iter::once(id).chain(rest).collect()
            }
        };
        record.insert(many.key.clone(), Value::Array(list));
    }
}

fn fill_flags(entity: &Entity, record: &mut Map<String, Value>) {
    if !entity.has_multifields() {
        return;
    }
    let fm = record
        .get("fm")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has = |t: &str| {
        if fm.iter().any(|e| e["typeId"].as_str() == Some(t)) {
            "Y"
        } else {
            "N"
        }
    };
    set_if_field(entity, record, "hasPhone", json!(has("PHONE")));
    set_if_field(entity, record, "hasEmail", json!(has("EMAIL")));
    set_if_field(entity, record, "hasImol", json!(has("IM")));
}

/// Default titles the portal gives untitled records.
fn default_title(entity: &Entity, id: i64) -> Option<String> {
    match entity.classic {
        Some(ClassicKind::Deal) => Some(format!("Deal #{id}")),
        Some(ClassicKind::Lead) => Some(format!("Lead #{id}")),
        Some(ClassicKind::Company) => Some(format!("Company #{id}")),
        Some(ClassicKind::Contact) => None,
        None => Some(format!("Item #{id}")),
    }
}

pub(crate) fn insert(
    db: &mut Db,
    ctx: &CallCtx<'_>,
    etid: i64,
    fields: &Map<String, Value>,
    style: Style,
) -> Result<(i64, Map<String, Value>), ApiError> {
    let Db {
        model, store, ids, ..
    } = db;
    let entity = model.entity(etid).ok_or_else(ApiError::type_not_found)?;
    let mut record = Map::new();
    let mut env = WriteEnv {
        quirks: ctx.quirks,
        offset: ctx.offset,
        ids,
        update: false,
        style,
    };
    let changed = apply_fields(entity, &mut record, fields, &mut env)?;
    sync_contacts(entity, &mut record, &changed);
    finalize(model, entity, &mut record, None, ctx);
    fill_flags(entity, &mut record);
    let id = store.insert(etid, &record).map_err(storage_error)?;
    if missing(entity, &record, "title")
        && let Some(title) = default_title(entity, id)
    {
        set_if_field(entity, &mut record, "title", json!(title));
        store.replace(etid, id, &record).map_err(storage_error)?;
    }
    raise(db, etid, "ADD", id);
    Ok((id, record))
}

fn update(
    db: &mut Db,
    ctx: &CallCtx<'_>,
    etid: i64,
    id: i64,
    fields: &Map<String, Value>,
    style: Style,
    not_found: fn() -> ApiError,
) -> Result<Map<String, Value>, ApiError> {
    let Db {
        model, store, ids, ..
    } = db;
    let entity = model.entity(etid).ok_or_else(ApiError::type_not_found)?;
    let old = store
        .get(etid, id)
        .map_err(storage_error)?
        .ok_or_else(not_found)?;
    let mut record = old.clone();
    let mut env = WriteEnv {
        quirks: ctx.quirks,
        offset: ctx.offset,
        ids,
        update: true,
        style,
    };
    let changed = apply_fields(entity, &mut record, fields, &mut env)?;
    sync_contacts(entity, &mut record, &changed);
    if record != old {
        finalize(model, entity, &mut record, Some(&old), ctx);
        fill_flags(entity, &mut record);
        store.replace(etid, id, &record).map_err(storage_error)?;
        raise(db, etid, "UPDATE", id);
    }
    // Like crm.item.update, nothing is saved (and no event raised) when nothing changed.
    Ok(record)
}

fn delete(db: &mut Db, etid: i64, id: i64, not_found: fn() -> ApiError) -> Result<(), ApiError> {
    if !db.store.delete(etid, id).map_err(storage_error)? {
        return Err(not_found());
    }
    raise(db, etid, "DELETE", id);
    Ok(())
}

/// `start`: absent → 0; `-1` → no count (the fast path of the huge-data guide).
fn start_param(params: &Map<String, Value>) -> i64 {
    as_i64(param(params, "start")).unwrap_or(0).max(-1)
}

/// Rows of one page with `total`, `next` and the rows scanned.
struct Page {
    rows: Vec<(i64, Map<String, Value>)>,
    total: Option<i64>,
    next: Option<i64>,
    scanned: u64,
}

fn list_page(
    db: &Db,
    ctx: &CallCtx<'_>,
    entity: &Entity,
    params: &Map<String, Value>,
    style: Style,
) -> Result<Page, ApiError> {
    let conds = build_filter(entity, param(params, "filter"), style, ctx.offset)?;
    let order = build_order(entity, param(params, "order"), style)?;
    let start = start_param(params);
    let count = start >= 0;
    let query = ListQuery {
        etid: entity.etid,
        conds,
        order,
        limit: PAGE,
        offset: start.max(0),
        count,
    };
    let page = db.store.list(&query).map_err(storage_error)?;
    crate::counters::Counters::add(&ctx.counters.rows_scanned, page.scanned);
    if count {
        crate::counters::Counters::add(&ctx.counters.counts_run, 1);
    }
    let total = page.total.unwrap_or(0);
    let next = (count && total > start + PAGE).then_some(start + PAGE);
    Ok(Page {
        rows: page.rows,
        total: Some(total),
        next,
        scanned: page.scanned,
    })
}

pub(crate) fn classic(
    db: &mut Db,
    ctx: &CallCtx<'_>,
    kind: ClassicKind,
    op: &str,
    params: &Map<String, Value>,
) -> Result<Output, ApiError> {
    let etid = kind.entity_type_id();
    let style = Style::Classic;
    let not_found = || ApiError::classic("Not found");
    let id_param = || {
        as_i64(param(params, "id"))
            .filter(|id| *id > 0)
            .ok_or_else(|| ApiError::classic("ID is not defined or invalid."))
    };
    match op {
        "add" => {
            let fields = fields_param(params, style)?;
            let (id, _) = insert(db, ctx, etid, &fields, style)?;
            Ok(Output::of(json!(id)))
        }
        "get" => {
            let id = id_param()?;
            let record = db
                .store
                .get(etid, id)
                .map_err(storage_error)?
                .ok_or_else(not_found)?;
            let entity = db.model.classic(kind);
            let out = record::classic_output(entity, id, &record, &ClassicSelect::Get, ctx.offset);
            Ok(Output::of(Value::Object(out)))
        }
        "list" => {
            let entity = db.model.classic(kind);
            let Page {
                rows,
                total,
                next,
                scanned,
            } = list_page(db, ctx, entity, params, style)?;
            let select = ClassicSelect::from_param(param(params, "select"));
            let items = rows
                .iter()
                .map(|(id, r)| {
                    Value::Object(record::classic_output(entity, *id, r, &select, ctx.offset))
                })
                .collect();
            Ok(Output {
                result: Value::Array(items),
                next,
                total,
                scanned,
            })
        }
        "update" => {
            let id = id_param()?;
            let fields = fields_param(params, style)?;
            update(db, ctx, etid, id, &fields, style, || {
                ApiError::classic("Not found")
            })?;
            Ok(Output::of(json!(true)))
        }
        "delete" => {
            let id = id_param()?;
            delete(db, etid, id, || ApiError::classic("Not found"))?;
            Ok(Output::of(json!(true)))
        }
        _ => Err(ApiError::method_not_found()),
    }
}

pub(crate) fn item(
    db: &mut Db,
    ctx: &CallCtx<'_>,
    op: &str,
    params: &Map<String, Value>,
) -> Result<Output, ApiError> {
    let etid = as_i64(param(params, "entityTypeId"))
        .ok_or_else(|| ApiError::invalid_arg("Parameter 'entityTypeId' is required"))?;
    if etid == 5 {
        return Err(ApiError::new(
            400,
            "ENTITY_TYPE_NOT_SUPPORTED",
            "Entity type is not supported",
        ));
    }
    if db.model.entity(etid).is_none() {
        return Err(ApiError::type_not_found());
    }
    let original_uf = truthy(param(params, "useOriginalUfNames"));
    let style = Style::Item { original_uf };
    let id_param = || {
        as_i64(param(params, "id"))
            .filter(|id| *id > 0)
            .ok_or_else(ApiError::item_not_found)
    };
    let print = |db: &Db, id: i64, record: &Map<String, Value>| {
        let entity = &db.model.entities[&etid];
        let out = record::item_output(
            entity,
            id,
            record,
            &ItemSelect::all(),
            original_uf,
            ctx.offset,
        );
        json!({"item": Value::Object(out)})
    };
    match op {
        "fields" => {
            let entity = &db.model.entities[&etid];
            let fields: Map<String, Value> = entity
                .fields
                .iter()
                .filter_map(|f| {
                    let name = entity.item_name(f, original_uf)?;
                    let d = entity.item_fields.get(f.camel.as_deref()?)?;
                    Some((name.to_owned(), d.clone()))
                })
                .collect();
            Ok(Output::of(json!({"fields": fields})))
        }
        "add" => {
            let fields = fields_param(params, style)?;
            let (id, record) = insert(db, ctx, etid, &fields, style)?;
            Ok(Output::of(print(db, id, &record)))
        }
        "get" => {
            let id = id_param()?;
            let record = db
                .store
                .get(etid, id)
                .map_err(storage_error)?
                .ok_or_else(ApiError::item_not_found)?;
            Ok(Output::of(print(db, id, &record)))
        }
        "list" => {
            let entity = &db.model.entities[&etid];
            let Page {
                rows,
                total,
                next,
                scanned,
            } = list_page(db, ctx, entity, params, style)?;
            let select = ItemSelect::from_param(param(params, "select"));
            let items: Vec<Value> = rows
                .iter()
                .map(|(id, r)| {
                    Value::Object(record::item_output(
                        entity,
                        *id,
                        r,
                        &select,
                        original_uf,
                        ctx.offset,
                    ))
                })
                .collect();
            Ok(Output {
                result: json!({"items": items}),
                next,
                total,
                scanned,
            })
        }
        "update" => {
            let id = id_param()?;
            let fields = fields_param(params, style)?;
            let record = update(db, ctx, etid, id, &fields, style, ApiError::item_not_found)?;
            Ok(Output::of(print(db, id, &record)))
        }
        "delete" => {
            let id = id_param()?;
            delete(db, etid, id, ApiError::item_not_found)?;
            Ok(Output::of(json!([])))
        }
        _ => Err(ApiError::method_not_found()),
    }
}
