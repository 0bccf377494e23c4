//! The REST methods. Each takes the request parameters as one JSON object and answers a
//! result (plus `total`/`next` for lists) or an [`ApiError`].

pub(crate) mod batch;
pub(crate) mod crud;
pub(crate) mod meta;

use chrono::FixedOffset;
use serde_json::{Map, Value};

use crate::config::Quirks;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::events::{Bindings, BoundVia, Raised};
use crate::model::{ClassicKind, Model};
use crate::record::IdAlloc;
use crate::store::Store;

/// Everything the methods read and change, behind one lock.
#[derive(Debug)]
pub(crate) struct Db {
    pub(crate) model: Model,
    pub(crate) store: Store,
    pub(crate) ids: IdAlloc,
    pub(crate) bindings: Bindings,
    /// Changes since the last drain, turned into event deliveries by the server.
    pub(crate) raised: Vec<Raised>,
}

impl Db {
    pub(crate) fn new(model: Model) -> rusqlite::Result<Self> {
        let store = Store::open(model.entities.keys().copied())?;
        Ok(Self {
            model,
            store,
            ids: IdAlloc::default(),
            bindings: Bindings::default(),
            raised: Vec::new(),
        })
    }
}

/// Per-call context.
pub(crate) struct CallCtx<'a> {
    pub(crate) user_id: i64,
    pub(crate) quirks: &'a Quirks,
    pub(crate) offset: FixedOffset,
    pub(crate) counters: &'a Counters,
    pub(crate) via: BoundVia,
    /// Unix seconds of "now" (record timestamps).
    pub(crate) now: i64,
}

/// A method's answer before the `time` block is added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Output {
    pub(crate) result: Value,
    pub(crate) next: Option<i64>,
    pub(crate) total: Option<i64>,
    /// Rows the storage stepped through (drives the simulated operating cost).
    pub(crate) scanned: u64,
}

impl Output {
    pub(crate) fn of(result: Value) -> Self {
        Self {
            result,
            ..Self::default()
        }
    }
}

pub(crate) fn storage_error(e: rusqlite::Error) -> ApiError {
    tracing::error!(error = %e, "storage error");
    ApiError::new(500, "INTERNAL_SERVER_ERROR", "Internal server error")
}

/// Runs one method (not `batch`, which the server handles because it needs the limits).
pub(crate) fn call(
    db: &mut Db,
    ctx: &CallCtx<'_>,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Output, ApiError> {
    let parts: Vec<&str> = method.split('.').collect();
    match parts.as_slice() {
        ["crm", "item", op] => crud::item(db, ctx, op, params),
        ["crm", entity, op] if ClassicKind::from_name(entity).is_some() => {
            let kind = ClassicKind::from_name(entity).ok_or_else(ApiError::method_not_found)?;
            if *op == "fields" {
                return Ok(Output::of(Value::Object(
                    db.model.classic(kind).classic_fields.clone(),
                )));
            }
            crud::classic(db, ctx, kind, op, params)
        }
        ["crm", entity, "userfield", op] if ClassicKind::from_name(entity).is_some() => {
            let kind = ClassicKind::from_name(entity).ok_or_else(ApiError::method_not_found)?;
            meta::userfield(db, kind, op, params)
        }
        ["crm", "type", "list"] => Ok(meta::type_list(db)),
        ["crm", "status", "list"] => meta::status_list(db, params),
        ["crm", "status", "entity", "types"] => {
            Ok(Output::of(db.model.status_entity_types.clone()))
        }
        ["crm", "category", "list"] => meta::category_list(db, params),
        ["userfieldconfig", "list"] => meta::userfieldconfig_list(db, params),
        ["event", "bind"] => Ok(Output::of(db.bindings.bind(
            params,
            ctx.user_id,
            ctx.via.clone(),
        )?)),
        ["event", "unbind"] => Ok(Output::of(db.bindings.unbind(params)?)),
        ["event", "get"] => Ok(Output::of(db.bindings.get())),
        _ => Err(ApiError::method_not_found()),
    }
}
