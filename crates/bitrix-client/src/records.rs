//! Typed CRM operations over [`CrmEntity`]: get, list, add, update, delete in either method
//! family, updates verified by re-reading, and creates that are safe to repeat.

use std::marker::PhantomData;

use bitrix_schema::chrono::DateTime;
use bitrix_schema::entity::{CrmEntity, FieldName, Read};
use bitrix_schema::value::{Target, describe};
use serde_json::{Map, Value, json};

use crate::client::{Client, Repeat};
use crate::error::{Error, ErrorKind, Mismatch, VerifyError};
use crate::list::{ListSpec, Lister};
use crate::response::unsigned;

/// Which written fields an update checks by reading the record back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Verify {
    /// The fields marked critical (on the client with
    /// [`ClientBuilder::critical`](crate::ClientBuilder::critical), or on the handle with
    /// [`Records::critical`]) that the update writes. No re-read when it writes none.
    #[default]
    Critical,
    /// Every written field except multifields (`fm`, `PHONE`, ...), whose writes add and
    /// change entries rather than set a value. New file contents cannot match their re-read
    /// form (an ID and links): do not use `All` for updates that upload files.
    All,
    /// These fields, when written.
    Fields(Vec<FieldName>),
    /// No check.
    None,
}

/// What a verified update checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verified {
    /// Wire names whose stored value matched what was sent.
    pub checked: Vec<String>,
    /// Wire names the re-read record did not contain at all, so they could not be checked
    /// (only with [`Verify::All`]; a field asked for by name counts as a mismatch instead).
    pub unverifiable: Vec<String>,
}

/// The outcome of [`Records::add_once`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Created {
    pub id: u64,
    /// True when a record with the key already existed before this call, so nothing was
    /// created.
    pub existed: bool,
}

/// Typed operations on one record type; see [`Client::records`].
pub struct Records<T> {
    client: Client,
    family: Target,
    critical: Vec<FieldName>,
    key_field: Option<FieldName>,
    _record: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Records<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("family", &self.family)
            .field("critical", &self.critical)
            .finish_non_exhaustive()
    }
}

impl<T> Clone for Records<T> {
    fn clone(&self) -> Self {
        Records {
            client: self.client.clone(),
            family: self.family,
            critical: self.critical.clone(),
            key_field: self.key_field,
            _record: PhantomData,
        }
    }
}

impl Client {
    /// Typed operations on `T`, in the client's family (smart processes always use
    /// `crm.item.*`).
    pub fn records<T: CrmEntity>(&self) -> Records<T> {
        Records {
            client: self.clone(),
            family: self.family(),
            critical: self.critical_fields(T::ENTITY_TYPE_ID).to_vec(),
            key_field: None,
            _record: PhantomData,
        }
    }
}

/// Reads the records of a typed export; see [`Records::list`].
#[derive(Debug)]
pub struct TypedLister<T> {
    inner: Lister,
    target: Target,
    _record: PhantomData<fn() -> T>,
}

impl<T: CrmEntity> TypedLister<T> {
    /// The next record (with the problems met reading it), `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Read<T>>, Error> {
        Ok(self
            .inner
            .next()
            .await?
            .map(|row| T::from_fields(&row, self.target)))
    }

    pub async fn collect_all(mut self) -> Result<Vec<Read<T>>, Error> {
        let mut all = Vec::new();
        while let Some(r) = self.next().await? {
            all.push(r);
        }
        Ok(all)
    }

    /// See [`Lister::cursor`].
    pub fn cursor(&self) -> u64 {
        self.inner.cursor()
    }
}

const MULTIFIELD_KEYS: [&str; 6] = ["fm", "PHONE", "EMAIL", "WEB", "IM", "LINK"];

impl<T: CrmEntity> Records<T> {
    /// Uses `family` for this handle. Ignored for smart processes, which have only
    /// `crm.item.*`.
    pub fn family(mut self, family: Target) -> Self {
        self.family = family;
        self
    }

    /// Adds fields whose updates are verified by default (see [`Verify::Critical`]).
    pub fn critical(mut self, fields: &[FieldName]) -> Self {
        self.critical.extend_from_slice(fields);
        self
    }

    /// The field [`add_once`](Self::add_once) stores its key in. Default: `ORIGIN_ID` /
    /// `originId` for leads, deals, contacts and companies, `xmlId` for other types.
    pub fn key_field(mut self, field: FieldName) -> Self {
        self.key_field = Some(field);
        self
    }

    fn effective_family(&self) -> Target {
        match T::CLASSIC_PREFIX {
            Some(_) => self.family,
            None => Target::Item,
        }
    }

    /// The method for `op` and its fixed parameters, plus the family its records are in,
    /// taken from the method name itself.
    fn method(&self, op: &str) -> Result<(String, Map<String, Value>, Target), Error> {
        let (method, base) = match (self.effective_family(), T::CLASSIC_PREFIX) {
            (Target::Classic, Some(prefix)) => (format!("{prefix}.{op}"), Map::new()),
            _ => {
                let mut base = Map::new();
                base.insert("entityTypeId".into(), json!(T::ENTITY_TYPE_ID));
                (format!("crm.item.{op}"), base)
            }
        };
        let target = Target::for_method(&method).ok_or_else(|| {
            Error::Config(format!(
                "`{method}` is not a CRM record method (check the type's CLASSIC_PREFIX)"
            ))
        })?;
        Ok((method, base, target))
    }

    /// The raw record as `get` returns it.
    async fn get_raw(&self, id: u64) -> Result<(Map<String, Value>, Target, String), Error> {
        let (method, mut params, target) = self.method("get")?;
        params.insert("id".into(), json!(id));
        let resp = self.client.execute(&method, &params, Repeat::Safe).await?;
        let record = match (target, resp.result) {
            (Target::Classic, Value::Object(map)) => Some(map),
            (Target::Item, Value::Object(mut map)) => match map.remove("item") {
                Some(Value::Object(item)) => Some(item),
                _ => None,
            },
            _ => None,
        };
        let record =
            record.ok_or_else(|| Error::unexpected(&method, "`result` does not hold a record"))?;
        Ok((record, target, method))
    }

    /// One record by ID.
    pub async fn get(&self, id: u64) -> Result<Read<T>, Error> {
        let (record, target, _) = self.get_raw(id).await?;
        Ok(T::from_fields(&record, target))
    }

    /// An export of every record matching `filter` (a JSON object in the family's names, or
    /// `null`), selecting the fields of `T`. See [`Client::list`].
    pub fn list(&self, filter: Value) -> Result<TypedLister<T>, Error> {
        let (method, mut params, target) = self.method("list")?;
        if !filter.is_null() {
            params.insert("filter".into(), filter);
        }
        let select: Vec<Value> = T::select(target).into_iter().map(Value::from).collect();
        if !select.is_empty() {
            params.insert("select".into(), Value::Array(select));
        }
        let spec = ListSpec::new(&method, Value::Object(params))?;
        Ok(TypedLister {
            inner: self.client.list(spec)?,
            target,
            _record: PhantomData,
        })
    }

    /// Creates a record and returns its ID. Not repeated after a failure that may have
    /// created it (see [`add_once`](Self::add_once) for a create that is).
    pub async fn add(&self, record: &T) -> Result<u64, Error> {
        let (method, mut params, target) = self.method("add")?;
        params.insert("fields".into(), Value::Object(record.to_fields(target)));
        self.add_with(&method, &params, target).await
    }

    async fn add_with(
        &self,
        method: &str,
        params: &Map<String, Value>,
        target: Target,
    ) -> Result<u64, Error> {
        let resp = self.client.execute(method, params, Repeat::NotSafe).await?;
        let id = match target {
            Target::Classic => unsigned(&resp.result),
            Target::Item => resp
                .result
                .get("item")
                .and_then(|i| i.get("id"))
                .and_then(unsigned),
        };
        id.ok_or_else(|| Error::unexpected(method, "the answer does not carry the new ID"))
    }

    /// Creates a record unless one with `key` in the key field (see
    /// [`key_field`](Self::key_field)) exists, so that a create can be repeated after a
    /// lost answer, a crash or a retry of the caller's own job without making a second
    /// record.
    ///
    /// Before creating, the records with the key are looked up; after a failure that may
    /// have created the record (timeout, dropped connection, server error), they are looked
    /// up again before the create is repeated.
    ///
    /// Limits: the key is an ordinary field, so (1) the portal does not enforce its
    /// uniqueness: two callers creating the same key at the same moment can both create;
    /// (2) anyone who edits the field breaks the link; (3) the lookup costs one list call per
    /// create. When several records have the key, the oldest is returned (and a warning
    /// logged).
    pub async fn add_once(&self, record: &T, key: &str) -> Result<Created, Error> {
        let (method, mut params, target) = self.method("add")?;
        let field = self.key_field.unwrap_or(match T::ENTITY_TYPE_ID {
            1..=4 => FieldName::new("ORIGIN_ID", "originId"),
            _ => FieldName::item_only("xmlId"),
        });
        let Some(wire) = field.wire(target) else {
            return Err(Error::Config(format!(
                "the key field {field:?} has no name in the {target:?} family; choose another \
                 with Records::key_field"
            )));
        };
        if key.is_empty() {
            return Err(Error::Config(format!(
                "add_once with an empty key: give each record its own non-empty `{wire}`"
            )));
        }
        let mut fields = record.to_fields(target);
        match fields.get(wire) {
            Some(Value::String(s)) if s != key => {
                return Err(Error::Config(format!(
                    "the record already sets `{wire}` to another value than the key; leave it \
                     unset or set it to the key"
                )));
            }
            _ => {
                fields.insert(wire.to_string(), json!(key));
            }
        }
        params.insert("fields".into(), Value::Object(fields));

        if let Some(id) = self.find_by_key(wire, key).await? {
            return Ok(Created { id, existed: true });
        }
        let rounds = self.client.retry_policy().max_attempts.max(1);
        let mut round = 0;
        loop {
            round += 1;
            match self.add_with(&method, &params, target).await {
                Ok(id) => return Ok(Created { id, existed: false }),
                Err(e) if e.maybe_executed() && round < rounds => {
                    tracing::info!(%method, error = %e, "create may have happened; looking it up");
                    if let Some(id) = self.find_by_key(wire, key).await? {
                        return Ok(Created { id, existed: false });
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// IDs of records whose `wire` field equals `key`, lowest first.
    async fn find_by_key(&self, wire: &str, key: &str) -> Result<Option<u64>, Error> {
        let (method, mut params, target) = self.method("list")?;
        let id_key = match target {
            Target::Classic => "ID",
            Target::Item => "id",
        };
        params.insert("filter".into(), json!({ format!("={wire}"): key }));
        params.insert("select".into(), json!([id_key, wire]));
        params.insert("order".into(), json!({ id_key: "ASC" }));
        let resp = self.client.execute(&method, &params, Repeat::Safe).await?;
        let rows = match (target, &resp.result) {
            (Target::Classic, Value::Array(rows)) => rows.clone(),
            (Target::Item, r) => r
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // The filter's matching rules are the portal's; only an exact match counts.
        let ids: Vec<u64> = rows
            .iter()
            .filter(|r| r.get(wire).and_then(Value::as_str) == Some(key))
            .filter_map(|r| r.get(id_key).and_then(unsigned))
            .collect();
        if ids.len() > 1 {
            tracing::warn!(
                %method,
                field = wire,
                count = ids.len(),
                "several records share one create key; using the oldest"
            );
        }
        Ok(ids.into_iter().min())
    }

    /// Writes the set and cleared fields of `record` to record `id`, then verifies the
    /// critical ones ([`Verify::Critical`]).
    pub async fn update(&self, id: u64, record: &T) -> Result<Verified, Error> {
        self.update_with(id, record, Verify::Critical).await
    }

    /// Writes `record` to record `id` and checks the fields `verify` names by reading the
    /// record back: the written JSON is compared with the re-read record written back
    /// through `T` in the same family, so that only real differences count (a date printed
    /// with a time, `"5"` for `5`). Fails with [`Error::Verify`] listing every field whose
    /// stored value differs: the portal accepts and silently drops some values (an
    /// enumeration ID outside the list, for one).
    ///
    /// A concurrent writer changing a checked field between the update and the re-read
    /// shows up as a mismatch too.
    pub async fn update_with(
        &self,
        id: u64,
        record: &T,
        verify: Verify,
    ) -> Result<Verified, Error> {
        let (method, mut params, target) = self.method("update")?;
        let written = record.to_fields(target);
        params.insert("id".into(), json!(id));
        params.insert("fields".into(), Value::Object(written.clone()));
        self.client.execute(&method, &params, Repeat::Safe).await?;

        let (names, by_name): (Vec<String>, bool) = match &verify {
            Verify::None => (Vec::new(), true),
            Verify::Critical => (wire_names(&self.critical, target, &written), true),
            Verify::Fields(fields) => (wire_names(fields, target, &written), true),
            Verify::All => (
                written
                    .keys()
                    .filter(|k| !MULTIFIELD_KEYS.contains(&k.as_str()))
                    .cloned()
                    .collect(),
                false,
            ),
        };
        if names.is_empty() {
            return Ok(Verified::default());
        }
        let (raw, read_target, _) = self.get_raw(id).await?;
        let reread = T::from_fields(&raw, read_target).value;
        let rewritten = reread.to_fields(read_target);
        let mut verified = Verified::default();
        let mut mismatches = Vec::new();
        for name in names {
            let sent = &written[&name];
            let Some(raw_value) = raw.get(&name) else {
                if by_name {
                    mismatches.push(Mismatch {
                        field: name,
                        sent: describe(sent),
                        stored: "absent from the answer".to_string(),
                    });
                } else {
                    verified.unverifiable.push(name);
                }
                continue;
            };
            let matches = match rewritten.get(&name) {
                Some(stored) => same(sent, stored),
                None => is_empty(sent),
            };
            if matches {
                verified.checked.push(name);
            } else {
                mismatches.push(Mismatch {
                    sent: describe(sent),
                    stored: describe(raw_value),
                    field: name,
                });
            }
        }
        if !verified.unverifiable.is_empty() {
            tracing::debug!(
                %method,
                fields = ?verified.unverifiable,
                "fields not returned by the re-read could not be verified"
            );
        }
        if mismatches.is_empty() {
            Ok(verified)
        } else {
            Err(Error::Verify(VerifyError {
                method,
                entity_type_id: T::ENTITY_TYPE_ID,
                id,
                mismatches,
            }))
        }
    }

    /// Deletes record `id`. A `NOT_FOUND` after a retry counts as done: the first attempt
    /// may have deleted the record before its answer was lost.
    pub async fn delete(&self, id: u64) -> Result<(), Error> {
        let (method, mut params, _) = self.method("delete")?;
        params.insert("id".into(), json!(id));
        match self.client.execute(&method, &params, Repeat::Safe).await {
            Ok(_) => Ok(()),
            Err(Error::Api(e)) if e.attempts > 1 && gone(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Classic methods answer a missing record with an empty code and "Not found".
fn gone(e: &crate::ApiError) -> bool {
    e.kind == ErrorKind::NotFound
        || (e.code.is_empty() && e.description.to_ascii_lowercase().contains("not found"))
}

fn wire_names(fields: &[FieldName], target: Target, written: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = fields
        .iter()
        .filter_map(|f| f.wire(target))
        .filter(|w| written.contains_key(*w))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A value that means "nothing" in some family: what a cleared field is written as.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Array(items) => items.iter().all(is_empty),
        Value::Object(map) => map.is_empty(),
        Value::Bool(_) => false,
    }
}

/// Equal as the portal means them: the same number however written, the same instant in
/// any offset, the same money amount, element by element for lists and objects.
fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => {
            let (Some(x), Some(y)) = (scalar_text(a), scalar_text(b)) else {
                return false;
            };
            same_text(&x, &y)
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn same_text(a: &str, b: &str) -> bool {
    if let (Ok(x), Ok(y)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (
        DateTime::parse_from_rfc3339(a.trim()),
        DateTime::parse_from_rfc3339(b.trim()),
    ) {
        return x == y;
    }
    // Money: `amount|CURRENCY`.
    if let (Some((amount_a, cur_a)), Some((amount_b, cur_b))) =
        (a.split_once('|'), b.split_once('|'))
    {
        return cur_a.eq_ignore_ascii_case(cur_b) && same_text(amount_a, amount_b);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_as_the_portal_means_it() {
        assert!(same(&json!("5"), &json!(5)));
        assert!(same(&json!("1000.50"), &json!(1000.5)));
        assert!(same(
            &json!("2024-05-01T10:00:00+00:00"),
            &json!("2024-05-01T13:00:00+03:00")
        ));
        assert!(same(&json!("300.00|USD"), &json!("300|usd")));
        assert!(same(&json!([42, "44"]), &json!(["42", 44])));
        assert!(!same(&json!(999), &json!(42)));
        assert!(!same(&json!("300|USD"), &json!("300|EUR")));
        assert!(!same(&json!([42]), &json!([42, 44])));
        assert!(!same(&json!("abc"), &json!("abd")));
        assert!(!same(&json!(null), &json!(0)));
    }

    #[test]
    fn clear_values_are_empty() {
        for v in [
            json!(null),
            json!(""),
            json!([]),
            json!([""]),
            json!({}),
            json!(0),
        ] {
            assert!(is_empty(&v), "{v}");
        }
        for v in [json!("N"), json!(false), json!([1]), json!(7)] {
            assert!(!is_empty(&v), "{v}");
        }
    }

    #[test]
    fn verified_names_are_the_written_critical_ones() {
        let written = json!({"TITLE": "x", "UF_CRM_A": 1})
            .as_object()
            .cloned()
            .unwrap();
        let fields = [
            FieldName::new("UF_CRM_A", "ufCrmA"),
            FieldName::new("UF_CRM_B", "ufCrmB"),
            FieldName::new("UF_CRM_A", "ufCrmA"),
        ];
        assert_eq!(
            wire_names(&fields, Target::Classic, &written),
            vec!["UF_CRM_A"]
        );
        assert!(wire_names(&fields, Target::Item, &written).is_empty());
    }
}
