//! Fetching a portal's field metadata in as few HTTP requests as batching allows.
//!
//! Round one is a single `batch` that asks for everything whose parameters are known up front:
//! the smart-process types, the status lists and their first pages, and the field lists of the
//! classic entities in both families. Round two asks for what round one revealed: the field
//! lists and pipelines of every smart process, and further pages of paged lists. Each round
//! is split into batches of 50 commands, the portal's limit; a portal with up to about twenty
//! smart processes is pulled in two requests.

use std::collections::BTreeMap;
use std::future::Future;

use bitrix_schema::ingest::{IngestError, PortalMetadata, build_schema};
use bitrix_schema::{EntityKind, Schema};
use serde_json::{Value, json};

/// The most commands one `batch` request may carry.
pub const BATCH_LIMIT: usize = 50;

/// One command of a batch: its name, the method and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub name: String,
    pub method: String,
    pub params: Value,
}

/// What one command returned: its `result`, and the `total`/`next` of a list page.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandResult {
    pub result: Value,
    pub total: Option<u64>,
    pub next: Option<u64>,
}

/// Where metadata comes from: the HTTP client in the CLI, anything else in tests.
pub trait MetadataSource {
    /// Runs up to [`BATCH_LIMIT`] commands in one request. A command that fails fails the
    /// whole pull: a schema built from partial metadata would report false drift.
    fn batch(
        &self,
        commands: Vec<Command>,
    ) -> impl Future<Output = Result<BTreeMap<String, CommandResult>, PullError>>;
}

/// Why a pull failed.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// The portal (or the connection to it) refused a request or a command.
    #[error("{0}")]
    Portal(String),
    /// A command of the batch failed.
    #[error("{method} failed: {message}")]
    Command { method: String, message: String },
    /// The answer did not contain what was asked for.
    #[error("the portal's answer has no result for `{0}`")]
    Missing(String),
    /// A smart process named on the command line does not exist.
    #[error("the portal has no smart process with entityTypeId {0}; `crm.type.list` lists {1}")]
    UnknownSmartProcess(u32, String),
    #[error("the metadata could not be read: {0}")]
    Ingest(#[from] IngestError),
}

/// Which entities to pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The four classic entities and every smart process.
    All,
    /// Exactly these: classic entities, and smart processes by `entityTypeId`.
    Only {
        classic: Vec<EntityKind>,
        smart: Vec<u32>,
    },
}

impl Selection {
    /// Parses `deal,lead,smart:1268` or `all`.
    pub fn parse(names: &[String]) -> Result<Selection, String> {
        let mut classic = Vec::new();
        let mut smart = Vec::new();
        for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            if name == "all" {
                return Ok(Selection::All);
            }
            if let Some(kind) = EntityKind::from_classic_name(name) {
                if !classic.contains(&kind) {
                    classic.push(kind);
                }
                continue;
            }
            match name
                .strip_prefix("smart:")
                .and_then(|id| id.parse::<u32>().ok())
            {
                Some(id) if !smart.contains(&id) => smart.push(id),
                Some(_) => {}
                None => {
                    return Err(format!(
                        "`{name}` is not an entity; use lead, deal, contact, company, \
                         smart:<entityTypeId> or all"
                    ));
                }
            }
        }
        if classic.is_empty() && smart.is_empty() {
            return Ok(Selection::All);
        }
        classic.sort();
        Ok(Selection::Only { classic, smart })
    }

    /// Whether the selection covers this entity.
    pub fn contains(&self, kind: EntityKind) -> bool {
        match (self, kind) {
            (Selection::All, _) => true,
            (Selection::Only { smart, .. }, EntityKind::Smart { entity_type_id, .. }) => {
                smart.contains(&entity_type_id)
            }
            (Selection::Only { classic, .. }, kind) => classic.contains(&kind),
        }
    }

    fn classic(&self) -> Vec<EntityKind> {
        match self {
            Selection::All => EntityKind::CLASSIC.to_vec(),
            Selection::Only { classic, .. } => classic.clone(),
        }
    }
}

/// What a pull cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PullStats {
    /// HTTP requests (batches) sent.
    pub requests: usize,
    /// Commands inside them.
    pub commands: usize,
}

/// Fetches the metadata of the selected entities and builds the schema. `progress` is
/// called with a short description before each request.
pub async fn pull<S: MetadataSource>(
    source: &S,
    selection: &Selection,
    mut progress: impl FnMut(&str),
) -> Result<(Schema, PullStats), PullError> {
    let mut stats = PullStats::default();
    let classic = selection.classic();

    let mut round = vec![
        command("types", "crm.type.list", json!({})),
        command("status_types", "crm.status.entity.types", json!({})),
        command("statuses", "crm.status.list", json!({})),
        command(
            "ufconfig",
            "userfieldconfig.list",
            json!({"moduleId": "crm"}),
        ),
    ];
    for kind in &classic {
        let name = kind.classic_name().unwrap_or_default();
        let etid = kind.entity_type_id();
        round.push(command(
            &format!("fields_{name}"),
            &format!("crm.{name}.fields"),
            json!({}),
        ));
        round.push(command(
            &format!("uf_{name}"),
            &format!("crm.{name}.userfield.list"),
            json!({}),
        ));
        round.push(command(
            &format!("item_fields_{etid}"),
            "crm.item.fields",
            json!({"entityTypeId": etid}),
        ));
    }
    if classic.contains(&EntityKind::Deal) {
        round.push(command(
            "categories_2",
            "crm.category.list",
            json!({"entityTypeId": 2}),
        ));
    }
    progress("fetching types, status lists and classic entity fields");
    let first = run(source, round, &mut stats).await?;

    let mut meta = PortalMetadata::default();
    for kind in &classic {
        let name = kind.classic_name().unwrap_or_default();
        meta.classic_fields.insert(
            *kind,
            take(&first, &format!("fields_{name}"))?.result.clone(),
        );
        meta.userfields
            .insert(*kind, take(&first, &format!("uf_{name}"))?.result.clone());
        let etid = kind.entity_type_id();
        meta.item_fields.insert(
            etid,
            take(&first, &format!("item_fields_{etid}"))?.result.clone(),
        );
    }
    if let Some(c) = first.get("categories_2") {
        meta.categories.insert(2, c.result.clone());
    }
    meta.status_entity_types = Some(take(&first, "status_types")?.result.clone());

    // Round two: smart processes and further pages.
    let types = take(&first, "types")?;
    let smart_ids = smart_type_ids(&types.result);
    let wanted: Vec<u32> = match selection {
        Selection::All => smart_ids.clone(),
        Selection::Only { smart, .. } => {
            for id in smart {
                if !smart_ids.contains(id) {
                    let known: Vec<String> =
                        smart_ids.iter().map(|i| format!("smart:{i}")).collect();
                    let known = if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    };
                    return Err(PullError::UnknownSmartProcess(*id, known));
                }
            }
            smart.clone()
        }
    };
    let mut round = Vec::new();
    for etid in &wanted {
        round.push(command(
            &format!("item_fields_{etid}"),
            "crm.item.fields",
            json!({"entityTypeId": etid}),
        ));
        round.push(command(
            &format!("categories_{etid}"),
            "crm.category.list",
            json!({"entityTypeId": etid}),
        ));
    }
    let paged = [
        ("types", "crm.type.list", json!({})),
        ("statuses", "crm.status.list", json!({})),
        (
            "ufconfig",
            "userfieldconfig.list",
            json!({"moduleId": "crm"}),
        ),
    ];
    let mut pages: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, method, params) in &paged {
        let page = take(&first, name)?;
        for (i, start) in further_pages(page).into_iter().enumerate() {
            let page_name = format!("{name}_page{}", i + 2);
            let mut p = params.clone();
            p["start"] = json!(start);
            round.push(command(&page_name, method, p));
            pages.entry(name).or_default().push(page_name);
        }
    }
    let second = if round.is_empty() {
        BTreeMap::new()
    } else {
        progress(&format!(
            "fetching {} smart process{} and further list pages",
            wanted.len(),
            if wanted.len() == 1 { "" } else { "es" }
        ));
        run(source, round, &mut stats).await?
    };

    for etid in &wanted {
        meta.item_fields.insert(
            *etid,
            take(&second, &format!("item_fields_{etid}"))?
                .result
                .clone(),
        );
        meta.categories.insert(
            *etid,
            take(&second, &format!("categories_{etid}"))?.result.clone(),
        );
    }
    let all_pages = |name: &str| -> Result<Vec<Value>, PullError> {
        let mut out = vec![take(&first, name)?.result.clone()];
        for page in pages.get(name).map(Vec::as_slice).unwrap_or_default() {
            out.push(take(&second, page)?.result.clone());
        }
        Ok(out)
    };
    let mut types_pages = all_pages("types")?;
    if let Selection::Only { smart, .. } = selection {
        // Only the chosen smart processes become entities.
        for page in &mut types_pages {
            retain_types(page, smart);
        }
    }
    meta.types = types_pages;
    meta.statuses = all_pages("statuses")?;
    meta.userfield_config = all_pages("ufconfig")?;

    let schema = build_schema(&meta)?;
    Ok((schema, stats))
}

/// [`bitrix_client::Client`] as a metadata source: each batch of [`pull`] is one
/// `batch` request through the client, with its throttling and retries.
#[cfg(feature = "cli")]
pub struct ClientSource(bitrix_client::Client);

#[cfg(feature = "cli")]
impl ClientSource {
    pub fn new(client: bitrix_client::Client) -> Self {
        ClientSource(client)
    }
}

#[cfg(feature = "cli")]
impl From<bitrix_client::Response> for CommandResult {
    fn from(response: bitrix_client::Response) -> Self {
        CommandResult {
            result: response.result,
            total: response.total,
            next: response.next,
        }
    }
}

#[cfg(feature = "cli")]
impl MetadataSource for ClientSource {
    async fn batch(
        &self,
        commands: Vec<Command>,
    ) -> Result<BTreeMap<String, CommandResult>, PullError> {
        let mut batch = bitrix_client::Batch::new();
        for c in &commands {
            batch
                .push(c.name.as_str(), &c.method, c.params.clone())
                .map_err(|e| PullError::Portal(e.to_string()))?;
        }
        let mut results = self
            .0
            .batch(&batch)
            .await
            .map_err(|e| PullError::Portal(e.to_string()))?;
        let mut out = BTreeMap::new();
        for c in commands {
            let response = results.take(&c.name).map_err(|e| PullError::Command {
                method: c.method.clone(),
                message: e.to_string(),
            })?;
            out.insert(c.name, response.into());
        }
        Ok(out)
    }
}

/// The part of `schema` a selection covers: its entities and the status lists their fields
/// point at. A check of some entities compares this part of the committed file only.
pub fn restrict(schema: &Schema, selection: &Selection) -> Schema {
    let mut out = schema.clone();
    out.entities.retain(|e| selection.contains(e.kind));
    drop_unreferenced_lists(&mut out);
    out
}

/// `existing` with the entities `selection` covers replaced by their `fresh` versions: a pull
/// of some entities refreshes those and leaves the rest of the file alone.
pub fn merge_pulled(existing: &Schema, fresh: &Schema, selection: &Selection) -> Schema {
    if *selection == Selection::All {
        return fresh.clone();
    }
    let mut out = existing.clone();
    out.entities.retain(|e| !selection.contains(e.kind));
    out.entities.extend(fresh.entities.iter().cloned());
    for (id, list) in &fresh.status_lists {
        out.status_lists.insert(id.clone(), list.clone());
    }
    drop_unreferenced_lists(&mut out);
    out.normalize();
    out
}

fn drop_unreferenced_lists(schema: &mut Schema) {
    let used: std::collections::BTreeSet<String> = schema
        .entities
        .iter()
        .flat_map(|e| e.fields.iter())
        .filter_map(|f| f.status_type.clone())
        .collect();
    schema.status_lists.retain(|id, _| used.contains(id));
}

fn command(name: &str, method: &str, params: Value) -> Command {
    Command {
        name: name.to_string(),
        method: method.to_string(),
        params,
    }
}

async fn run<S: MetadataSource>(
    source: &S,
    commands: Vec<Command>,
    stats: &mut PullStats,
) -> Result<BTreeMap<String, CommandResult>, PullError> {
    let mut out = BTreeMap::new();
    let mut rest = commands;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(BATCH_LIMIT));
        stats.requests += 1;
        stats.commands += rest.len();
        out.extend(source.batch(rest).await?);
        rest = tail;
    }
    Ok(out)
}

fn take<'a>(
    results: &'a BTreeMap<String, CommandResult>,
    name: &str,
) -> Result<&'a CommandResult, PullError> {
    results
        .get(name)
        .ok_or_else(|| PullError::Missing(name.to_string()))
}

/// The `start` values of the pages after the first, from the first page's `total`.
fn further_pages(first: &CommandResult) -> Vec<u64> {
    let (Some(total), Some(_)) = (first.total, first.next) else {
        return Vec::new();
    };
    (1..total.div_ceil(BATCH_LIMIT as u64))
        .map(|page| page * BATCH_LIMIT as u64)
        .collect()
}

fn type_list(result: &Value) -> Option<&Vec<Value>> {
    match result {
        Value::Object(map) => map.get("types").and_then(Value::as_array),
        Value::Array(list) => Some(list),
        _ => None,
    }
}

fn smart_type_ids(result: &Value) -> Vec<u32> {
    let mut ids: Vec<u32> = type_list(result)
        .into_iter()
        .flatten()
        .filter_map(entity_type_id_of)
        .collect();
    ids.sort_unstable();
    ids
}

/// The `entityTypeId` of one `crm.type.list` entry (a number or a numeric string).
fn entity_type_id_of(t: &Value) -> Option<u32> {
    let v = t.get("entityTypeId")?;
    v.as_u64()
        .or_else(|| v.as_str()?.parse().ok())
        .and_then(|n| u32::try_from(n).ok())
}

fn retain_types(result: &mut Value, keep: &[u32]) {
    let list = match result {
        Value::Object(map) => map.get_mut("types").and_then(Value::as_array_mut),
        Value::Array(list) => Some(list),
        _ => None,
    };
    if let Some(list) = list {
        list.retain(|t| entity_type_id_of(t).is_some_and(|id| keep.contains(&id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_parses_names() {
        let s = |v: &[&str]| Selection::parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["all"]), Ok(Selection::All));
        assert_eq!(s(&[]), Ok(Selection::All));
        assert_eq!(
            s(&["deal", "lead", "smart:1268", "deal"]),
            Ok(Selection::Only {
                classic: vec![EntityKind::Lead, EntityKind::Deal],
                smart: vec![1268]
            })
        );
        assert!(
            s(&["deals"])
                .unwrap_err()
                .contains("`deals` is not an entity")
        );
    }

    #[test]
    fn further_pages_follow_total() {
        let page = |total, next| CommandResult {
            result: json!([]),
            total: Some(total),
            next,
        };
        assert_eq!(further_pages(&page(94, Some(50))), [50]);
        assert_eq!(further_pages(&page(151, Some(50))), [50, 100, 150]);
        assert_eq!(further_pages(&page(50, None)), Vec::<u64>::new());
    }
}
