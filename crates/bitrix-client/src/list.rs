//! Full exports by ID cursor: `order: {ID: ASC}`, `filter: {">ID": last}`, `start: -1` (no
//! COUNT), many pages chained in one batch with `$result[...]` references.

use std::collections::VecDeque;

use serde_json::{Map, Value, json};

use crate::batch::{Command, CommandOutcome, MAX_COMMANDS};
use crate::client::{Client, object_params};
use crate::error::{Error, ErrorKind};
use crate::response::unsigned;

/// Rows per page; fixed by the portal.
pub const PAGE_SIZE: usize = 50;

const DEFAULT_MAX_PAGES: usize = 10;

/// What to export: a list method, its parameters (filter, select, entityTypeId...), and
/// how its answer is shaped.
///
/// The shape is inferred from the method: `crm.item.list` pages carry `items` with `id`,
/// `crm.type.list` `types`, `crm.category.list` `categories`, `userfieldconfig.list`
/// `fields` (all with `id`); other methods return bare rows with `ID`. Override with
/// [`id_key`](Self::id_key) and [`rows_under`](Self::rows_under).
///
/// The parameters may not contain `order` (other than ascending by the ID key) or `start`:
/// the cursor needs both. A `>ID` (or `>=ID`) filter sets where the export starts.
#[derive(Debug, Clone)]
pub struct ListSpec {
    method: String,
    params: Map<String, Value>,
    id_key: String,
    rows_under: Option<String>,
    max_pages: usize,
}

impl ListSpec {
    pub fn new(method: &str, params: Value) -> Result<ListSpec, Error> {
        let params = object_params(method, params)?;
        let lower = method.to_ascii_lowercase();
        let (id_key, rows_under) = match lower.as_str() {
            "crm.item.list" => ("id", Some("items")),
            "crm.type.list" => ("id", Some("types")),
            "crm.category.list" => ("id", Some("categories")),
            "userfieldconfig.list" => ("id", Some("fields")),
            _ => ("ID", None),
        };
        Ok(ListSpec {
            method: method.to_string(),
            params,
            id_key: id_key.to_string(),
            rows_under: rows_under.map(str::to_string),
            max_pages: DEFAULT_MAX_PAGES,
        })
    }

    /// The ID field of the rows (`ID` or `id`).
    pub fn id_key(mut self, key: &str) -> Self {
        self.id_key = key.to_string();
        self
    }

    /// The key of `result` that holds the rows, or `None` when `result` is the row list.
    pub fn rows_under(mut self, key: Option<&str>) -> Self {
        self.rows_under = key.map(str::to_string);
        self
    }

    /// The most pages chained in one request (1 to 50, default 10). The export asks for one
    /// page first, so that a short list costs one request, and once a page comes back full it
    /// chains this many; after a failed request it halves the chain. At most `50 * n`
    /// records are held in memory.
    pub fn max_pages_per_request(mut self, n: usize) -> Self {
        self.max_pages = n.clamp(1, MAX_COMMANDS);
        self
    }
}

/// Pulls records one by one from an export; see [`Client::list`].
///
/// ```no_run
/// # async fn demo(client: bitrix_client::Client) -> Result<(), bitrix_client::Error> {
/// use bitrix_client::ListSpec;
/// use serde_json::json;
///
/// let spec = ListSpec::new("crm.deal.list", json!({"select": ["ID", "TITLE"]}))?;
/// let mut deals = client.list(spec)?;
/// while let Some(deal) = deals.next().await? {
///     println!("{} {}", deal["ID"], deal["TITLE"]);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Lister {
    client: Client,
    method: String,
    /// The caller's parameters with `filter` taken out.
    base: Map<String, Value>,
    filter: Map<String, Value>,
    id_key: String,
    rows_under: Option<String>,
    max_pages: usize,
    pages_next: usize,
    /// The highest ID fetched so far.
    cursor: u64,
    buffer: VecDeque<Map<String, Value>>,
    done: bool,
    failures: u32,
    requests: u64,
}

impl Client {
    /// Starts an export. Nothing is requested until the first [`Lister::next`].
    pub fn list(&self, spec: ListSpec) -> Result<Lister, Error> {
        let ListSpec {
            method,
            mut params,
            id_key,
            rows_under,
            max_pages,
        } = spec;
        let config = |what: String| Error::Config(format!("`{method}` export: {what}"));
        if params.contains_key("start") {
            return Err(config(
                "`start` must not be given: the export pages by ID cursor with start=-1".into(),
            ));
        }
        if let Some(order) = params.remove("order") {
            let ascending_by_id = order.as_object().is_some_and(|m| {
                m.len() == 1
                    && m.iter().all(|(k, v)| {
                        k.eq_ignore_ascii_case(&id_key)
                            && v.as_str().is_some_and(|d| d.eq_ignore_ascii_case("asc"))
                    })
            });
            if !ascending_by_id {
                return Err(config(format!(
                    "`order` must be {{\"{id_key}\": \"ASC\"}} or absent: the cursor needs \
                     ascending IDs; sort the records after the export"
                )));
            }
        }
        let mut filter = match params.remove("filter") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Array(a)) if a.is_empty() => Map::new(),
            Some(Value::Object(m)) => m,
            Some(_) => return Err(config("`filter` must be a JSON object".into())),
        };
        let mut cursor = 0u64;
        let strict = format!(">{id_key}");
        let inclusive = format!(">={id_key}");
        let keys: Vec<String> = filter.keys().cloned().collect();
        for key in keys {
            let is_strict = key.eq_ignore_ascii_case(&strict);
            if !is_strict && !key.eq_ignore_ascii_case(&inclusive) {
                continue;
            }
            let value = filter.remove(&key).unwrap_or(Value::Null);
            let Some(bound) = unsigned(&value) else {
                return Err(config(format!("filter `{key}` must be a whole number")));
            };
            let after = if is_strict {
                bound
            } else {
                bound.saturating_sub(1)
            };
            cursor = cursor.max(after);
        }
        if let Some(Value::Array(select)) = params.get_mut("select") {
            let has_id = select.iter().any(|s| {
                s.as_str()
                    .is_some_and(|s| s == "*" || s.eq_ignore_ascii_case(&id_key))
            });
            // The cursor reads the ID of every row.
            if !select.is_empty() && !has_id {
                select.push(Value::String(id_key.clone()));
            }
        }
        Ok(Lister {
            client: self.clone(),
            method,
            base: params,
            filter,
            id_key,
            rows_under,
            max_pages,
            pages_next: 1,
            cursor,
            buffer: VecDeque::new(),
            done: false,
            failures: 0,
            requests: 0,
        })
    }
}

impl Lister {
    /// The next record, `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Map<String, Value>>, Error> {
        loop {
            if let Some(row) = self.buffer.pop_front() {
                return Ok(Some(row));
            }
            if self.done {
                return Ok(None);
            }
            self.fetch().await?;
        }
    }

    /// Every remaining record.
    pub async fn collect_all(mut self) -> Result<Vec<Map<String, Value>>, Error> {
        let mut all = Vec::new();
        while let Some(row) = self.next().await? {
            all.push(row);
        }
        Ok(all)
    }

    /// The highest ID fetched so far: pass it as `>ID` to resume an interrupted export.
    /// Records still buffered have IDs up to this one.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// HTTP requests made so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    fn command(&self, k: usize) -> Command {
        let cursor = if k == 0 {
            json!(self.cursor)
        } else {
            let last = PAGE_SIZE - 1;
            let id = &self.id_key;
            match &self.rows_under {
                Some(rows) => json!(format!("$result[p{}][{rows}][{last}][{id}]", k - 1)),
                None => json!(format!("$result[p{}][{last}][{id}]", k - 1)),
            }
        };
        let mut filter = self.filter.clone();
        filter.insert(format!(">{}", self.id_key), cursor);
        let mut params = self.base.clone();
        params.insert("filter".into(), Value::Object(filter));
        params.insert("order".into(), json!({ self.id_key.clone(): "ASC" }));
        params.insert("start".into(), json!(-1));
        Command {
            name: format!("p{k}"),
            method: self.method.clone(),
            params,
        }
    }

    /// One request of up to `pages_next` chained pages.
    async fn fetch(&mut self) -> Result<(), Error> {
        let n = self.pages_next;
        let commands: Vec<Command> = (0..n).map(|k| self.command(k)).collect();
        let outcomes = self.client.send_commands(&commands, false).await?;
        self.requests += 1;
        let mut all_full = true;
        for (k, outcome) in outcomes.into_iter().enumerate() {
            let resp = match outcome {
                CommandOutcome::Done(resp) => resp,
                // Pages after a failed one ran with an unresolved reference: discard them;
                // the next request starts at the cursor.
                CommandOutcome::Failed(e) if k == 0 => return self.first_page_failed(e).await,
                CommandOutcome::Failed(_) | CommandOutcome::NotRun => {
                    all_full = false;
                    break;
                }
            };
            self.failures = 0;
            let rows = self.rows(resp.result)?;
            let count = rows.len();
            self.accept(rows)?;
            if count < PAGE_SIZE {
                self.done = true;
                all_full = false;
                break;
            }
        }
        // One full page says the list goes on; the next request carries as many chained pages
        // as allowed, so a long export costs one request more than the pages strictly need
        // (empty trailing pages of the last batch are cheap ID seeks, not extra requests).
        // After a failure the chain shrinks, so a struggling portal gets smaller batches.
        self.pages_next = if all_full {
            self.max_pages
        } else {
            (n / 2).max(1)
        };
        tracing::debug!(
            method = %self.method,
            pages = n,
            cursor = self.cursor,
            buffered = self.buffer.len(),
            "export request done"
        );
        Ok(())
    }

    async fn first_page_failed(&mut self, error: Error) -> Result<(), Error> {
        let policy = self.client.retry_policy().clone();
        let passing = match &error {
            Error::Api(e) => matches!(
                e.kind,
                ErrorKind::RateLimited | ErrorKind::OperationTimeLimit | ErrorKind::Server
            ),
            _ => false,
        };
        self.failures += 1;
        if !passing || self.failures >= policy.max_attempts.max(1) {
            return Err(error);
        }
        if let Error::Api(e) = &error {
            if e.kind == ErrorKind::OperationTimeLimit {
                // The next request waits for this method's pause.
                self.client.pause_method(&self.method, None, self.failures);
                return Ok(());
            }
            if e.kind == ErrorKind::RateLimited {
                self.client.rate_limiter().on_refused();
            }
        }
        self.pages_next = 1;
        tokio::time::sleep(policy.backoff(self.failures, self.client.jitter())).await;
        Ok(())
    }

    fn rows(&self, result: Value) -> Result<Vec<Map<String, Value>>, Error> {
        let list = match (&self.rows_under, result) {
            (None, Value::Array(rows)) => rows,
            (Some(key), Value::Object(mut map)) => match map.remove(key) {
                Some(Value::Array(rows)) => rows,
                _ => {
                    return Err(Error::unexpected(
                        &self.method,
                        format!("`result` has no `{key}` list"),
                    ));
                }
            },
            // PHP prints an empty object as `[]`.
            (Some(_), Value::Array(rows)) if rows.is_empty() => rows,
            (_, other) => {
                return Err(Error::unexpected(
                    &self.method,
                    format!(
                        "`result` is {}, not a list of records",
                        bitrix_schema::value::describe(&other)
                    ),
                ));
            }
        };
        list.into_iter()
            .map(|row| match row {
                Value::Object(map) => Ok(map),
                other => Err(Error::unexpected(
                    &self.method,
                    format!(
                        "a row is {}, not a record",
                        bitrix_schema::value::describe(&other)
                    ),
                )),
            })
            .collect()
    }

    /// Takes a page after checking that every ID is above the cursor and ascending: a page
    /// that does not move the cursor would repeat forever.
    fn accept(&mut self, rows: Vec<Map<String, Value>>) -> Result<(), Error> {
        let mut last = self.cursor;
        for row in &rows {
            let Some(id) = row.get(&self.id_key).and_then(unsigned) else {
                return Err(Error::unexpected(
                    &self.method,
                    format!(
                        "a record has no numeric `{}`; the export needs it in every row",
                        self.id_key
                    ),
                ));
            };
            if id <= last {
                self.done = true;
                return Err(Error::CursorStuck {
                    method: self.method.clone(),
                    id_key: self.id_key.clone(),
                    cursor: last,
                    got: id,
                });
            }
            last = id;
        }
        self.cursor = last;
        self.buffer.extend(rows);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Auth;

    fn lister(method: &str, params: Value) -> Result<Lister, Error> {
        let client = Client::builder(Auth::webhook("http://127.0.0.1:9/rest/1/x/").unwrap())
            .build()
            .unwrap();
        client.list(ListSpec::new(method, params)?)
    }

    fn rows(ids: &[u64]) -> Vec<Map<String, Value>> {
        ids.iter()
            .map(|id| json!({"ID": id.to_string()}).as_object().cloned().unwrap())
            .collect()
    }

    #[test]
    fn pages_chain_through_the_previous_page() {
        let classic = lister("crm.deal.list", json!({"filter": {"TYPE_ID": "SALE"}})).unwrap();
        let c = classic.command(2);
        assert_eq!(
            Value::Object(c.params),
            json!({
                "filter": {"TYPE_ID": "SALE", ">ID": "$result[p1][49][ID]"},
                "order": {"ID": "ASC"},
                "start": -1
            })
        );
        let item = lister("crm.item.list", json!({"entityTypeId": 2})).unwrap();
        assert_eq!(
            item.command(1).params["filter"],
            json!({">id": "$result[p0][items][49][id]"})
        );
        assert_eq!(item.command(0).params["filter"], json!({">id": 0}));
    }

    #[test]
    fn caller_bounds_start_the_cursor_and_select_gets_the_id() {
        let l = lister(
            "crm.deal.list",
            json!({"filter": {">=ID": "100", "<ID": 500}, "select": ["TITLE"]}),
        )
        .unwrap();
        assert_eq!(l.cursor(), 99);
        assert_eq!(l.filter, json!({"<ID": 500}).as_object().cloned().unwrap());
        assert_eq!(l.base["select"], json!(["TITLE", "ID"]));
    }

    #[test]
    fn order_and_start_conflicts_are_refused() {
        let err = lister("crm.deal.list", json!({"order": {"TITLE": "ASC"}})).unwrap_err();
        assert!(err.to_string().contains("`order` must be"), "{err}");
        assert!(lister("crm.deal.list", json!({"start": 50})).is_err());
        assert!(lister("crm.deal.list", json!({"order": {"id": "asc"}})).is_ok());
    }

    #[test]
    fn a_page_that_does_not_advance_stops_the_export() {
        let mut l = lister("crm.deal.list", json!({})).unwrap();
        l.accept(rows(&[1, 2, 3])).unwrap();
        assert_eq!(l.cursor(), 3);
        let err = l.accept(rows(&[3, 4])).unwrap_err();
        assert!(
            matches!(
                err,
                Error::CursorStuck {
                    cursor: 3,
                    got: 3,
                    ..
                }
            ),
            "{err}"
        );
        let err = l.accept(rows(&[9, 7])).unwrap_err();
        assert!(matches!(
            err,
            Error::CursorStuck {
                cursor: 9,
                got: 7,
                ..
            }
        ));
    }

    #[test]
    fn rows_are_found_bare_or_under_their_key() {
        let l = lister("crm.item.list", json!({})).unwrap();
        assert_eq!(l.rows(json!({"items": [{"id": 1}]})).unwrap().len(), 1);
        assert!(l.rows(json!([])).unwrap().is_empty());
        assert!(l.rows(json!({"other": []})).is_err());
        let l = lister("crm.deal.list", json!({})).unwrap();
        assert!(l.rows(json!([1])).is_err());
    }
}
