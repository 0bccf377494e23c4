//! Event posts from the portal: parsing the form-encoded body, checking its application token
//! in constant time, and collapsing duplicate and out-of-order signals into "re-read this
//! record".
//!
//! Framework-agnostic: hand the raw body bytes to [`EventVerifier::verify`].
//!
//! ```
//! use bitrix_client::{EventVerifier, Reconciler};
//!
//! let verifier = EventVerifier::new("token-from-the-webhook-settings");
//! let body = b"event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=662&ts=1724140800\
//!              &auth%5Bapplication_token%5D=token-from-the-webhook-settings";
//! let event = verifier.verify(body)?;
//! let mut reconciler = Reconciler::new(10_000);
//! reconciler.observe(&event);
//! let work = reconciler.drain();
//! assert_eq!((work[0].entity.entity_type_id, work[0].entity.id), (2, 662));
//! # Ok::<(), bitrix_client::EventError>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::phpquery;
use crate::response::unsigned;
use crate::secret::{Secret, constant_time_eq};

/// Why an event post was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error(
        "event post refused: {what}; the body must be the portal's form post \
         (event=...&data[FIELDS][ID]=...&auth[application_token]=...)"
    )]
    Malformed { what: String },
    #[error(
        "event post refused: auth[application_token] is missing or wrong; it did not come from \
         the portal's binding, or the token changed (outgoing webhook settings, or the \
         application's install event): update the stored token"
    )]
    Forged,
}

/// A CRM record: its entity type and ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityKey {
    pub entity_type_id: u32,
    pub id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Update,
    Delete,
    /// Any other event (user field changes, stage moves...).
    Other,
}

/// The `auth` block of an event. Tokens are [`Secret`]s; application events carry an access
/// token, outgoing webhooks only the application token. All may be absent when an
/// automation rule caused the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventAuth {
    pub domain: Option<String>,
    pub client_endpoint: Option<String>,
    pub server_endpoint: Option<String>,
    pub member_id: Option<String>,
    pub application_token: Option<Secret>,
    pub access_token: Option<Secret>,
    pub refresh_token: Option<Secret>,
    pub expires_in: Option<u64>,
    pub scope: Option<String>,
    pub status: Option<String>,
}

/// One event post.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event name as sent, upper-cased (`ONCRMDEALUPDATE`).
    pub name: String,
    pub action: Action,
    /// The record the event is about, for CRM record events.
    pub entity: Option<EntityKey>,
    pub handler_id: Option<u64>,
    /// Unix seconds when the portal queued the event.
    pub ts: Option<i64>,
    pub auth: EventAuth,
    /// `data` as sent (strings only), for events this type does not interpret.
    pub data: Map<String, Value>,
}

/// Parses an event post without checking its token: use [`EventVerifier::verify`] for posts
/// from the network. Accepts the form-encoded body the portal sends and, for tests and
/// relays, the same structure as JSON.
pub fn parse_event(body: &[u8]) -> Result<Event, EventError> {
    let trimmed = body.trim_ascii();
    let map = if trimmed.first() == Some(&b'{') {
        match serde_json::from_slice::<Value>(trimmed) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(EventError::Malformed {
                    what: "the body starts like JSON but is not a JSON object".into(),
                });
            }
        }
    } else {
        phpquery::decode(trimmed)
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let name = text(map.get("event"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| EventError::Malformed {
            what: "there is no `event`".into(),
        })?
        .to_ascii_uppercase();
    let data = match map.get("data") {
        Some(Value::Object(d)) => d.clone(),
        _ => Map::new(),
    };
    let auth_map = match map.get("auth") {
        Some(Value::Object(a)) => a.clone(),
        _ => Map::new(),
    };
    let auth_text = |k: &str| text(auth_map.get(k)).filter(|s| !s.is_empty());
    let auth = EventAuth {
        domain: auth_text("domain"),
        client_endpoint: auth_text("client_endpoint"),
        server_endpoint: auth_text("server_endpoint"),
        member_id: auth_text("member_id"),
        application_token: auth_text("application_token").map(Secret::new),
        access_token: auth_text("access_token").map(Secret::new),
        refresh_token: auth_text("refresh_token").map(Secret::new),
        expires_in: auth_map.get("expires_in").and_then(unsigned),
        scope: auth_text("scope"),
        status: auth_text("status"),
    };
    let (action, entity) = record_of(&name, &data);
    Ok(Event {
        action,
        entity,
        handler_id: map.get("event_handler_id").and_then(unsigned),
        ts: text(map.get("ts")).and_then(|t| t.trim().parse().ok()),
        auth,
        data,
        name,
    })
}

/// The action and record of a CRM record event: `ONCRM{ENTITY}{ACTION}` with the ID in
/// `data[FIELDS][ID]`; smart processes (`ONCRMDYNAMICITEM*`) name their type in
/// `data[FIELDS][ENTITY_TYPE_ID]` or in a `_{entityTypeId}` suffix.
fn record_of(name: &str, data: &Map<String, Value>) -> (Action, Option<EntityKey>) {
    let Some(rest) = name.strip_prefix("ONCRM") else {
        return (Action::Other, None);
    };
    let (rest, suffix_type) = match rest.rsplit_once('_') {
        Some((head, tail)) if tail.bytes().all(|b| b.is_ascii_digit()) => {
            (head, tail.parse::<u32>().ok())
        }
        _ => (rest, None),
    };
    const KINDS: [(&str, Option<u32>); 6] = [
        ("DYNAMICITEM", None),
        ("CONTACT", Some(3)),
        ("COMPANY", Some(4)),
        ("QUOTE", Some(7)),
        ("LEAD", Some(1)),
        ("DEAL", Some(2)),
    ];
    let Some((kind, fixed_type)) = KINDS.iter().find(|(k, _)| rest.starts_with(k)) else {
        return (Action::Other, None);
    };
    let action = match &rest[kind.len()..] {
        "ADD" => Action::Add,
        "UPDATE" => Action::Update,
        "DELETE" => Action::Delete,
        _ => return (Action::Other, None),
    };
    let fields = data.get("FIELDS");
    let field = |k: &str| fields.and_then(|f| f.get(k)).and_then(unsigned);
    let entity_type_id = fixed_type
        .or_else(|| field("ENTITY_TYPE_ID").and_then(|t| u32::try_from(t).ok()))
        .or(suffix_type);
    let entity = match (entity_type_id, field("ID")) {
        (Some(entity_type_id), Some(id)) => Some(EntityKey { entity_type_id, id }),
        _ => None,
    };
    (action, entity)
}

/// Checks event posts against the stored application token.
#[derive(Debug, Clone)]
pub struct EventVerifier {
    token: Secret,
}

impl EventVerifier {
    /// `token`: for outgoing webhooks the token shown in the webhook's settings; for
    /// applications the one received with the install event.
    pub fn new(token: impl Into<Secret>) -> Self {
        EventVerifier {
            token: token.into(),
        }
    }

    /// Parses `body` and accepts it only when `auth[application_token]` equals the stored
    /// token (compared in constant time).
    pub fn verify(&self, body: &[u8]) -> Result<Event, EventError> {
        let event = parse_event(body)?;
        let given = event
            .auth
            .application_token
            .as_ref()
            .map(|t| t.expose().as_bytes())
            .unwrap_or_default();
        if self.token.is_empty() || !constant_time_eq(given, self.token.expose().as_bytes()) {
            tracing::warn!(event = %event.name, "event post with a wrong application token");
            return Err(EventError::Forged);
        }
        Ok(event)
    }
}

/// Work for one record: re-read it (the event itself is never trusted for content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub entity: EntityKey,
    /// The newest `ts` among the collapsed events.
    pub latest_ts: Option<i64>,
    /// A delete event was among them. A hint only: a re-read answering "not found" is the
    /// proof. Once seen it stays set whatever arrives after it, since IDs are not reused.
    pub deleted: bool,
    /// How many events were collapsed into this signal.
    pub events: u32,
}

/// What [`Reconciler::observe`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// First signal for this record since the last drain.
    Queued,
    /// Merged into a pending signal for the same record.
    Merged,
    /// Older than the last re-read of the record ([`Reconciler::mark_read`]): dropped.
    Stale,
    /// Not a CRM record event.
    Ignored,
    /// The pending set is full: the event was dropped and a full resync is due
    /// ([`Reconciler::overflowed`]).
    Overflow,
}

/// Collapses events per record: duplicates and reordering become one [`Signal`] per record
/// with the newest `ts`. Bounded: past `max_pending` records, events are dropped and
/// [`overflowed`](Self::overflowed) tells the caller to resync.
#[derive(Debug)]
pub struct Reconciler {
    pending: BTreeMap<EntityKey, Signal>,
    read_at: HashMap<EntityKey, i64>,
    max_pending: usize,
    overflowed: bool,
}

impl Reconciler {
    pub fn new(max_pending: usize) -> Self {
        Reconciler {
            pending: BTreeMap::new(),
            read_at: HashMap::new(),
            max_pending: max_pending.max(1),
            overflowed: false,
        }
    }

    pub fn observe(&mut self, event: &Event) -> Observed {
        let Some(entity) = event.entity else {
            return Observed::Ignored;
        };
        if let (Some(ts), Some(read)) = (event.ts, self.read_at.get(&entity))
            && ts < *read
        {
            return Observed::Stale;
        }
        let deleted = event.action == Action::Delete;
        if let Some(signal) = self.pending.get_mut(&entity) {
            signal.latest_ts = signal.latest_ts.max(event.ts);
            signal.deleted |= deleted;
            signal.events += 1;
            return Observed::Merged;
        }
        if self.pending.len() >= self.max_pending {
            self.overflowed = true;
            return Observed::Overflow;
        }
        self.pending.insert(
            entity,
            Signal {
                entity,
                latest_ts: event.ts,
                deleted,
                events: 1,
            },
        );
        Observed::Queued
    }

    /// Takes every pending signal, oldest `latest_ts` first.
    pub fn drain(&mut self) -> Vec<Signal> {
        let mut signals: Vec<Signal> = std::mem::take(&mut self.pending).into_values().collect();
        signals.sort_by_key(|s| (s.latest_ts, s.entity));
        signals
    }

    /// Records that `entity` was re-read at `portal_time` (unix seconds on the portal's
    /// clock, e.g. the `time.start` of the get's answer): events queued before that second
    /// are already reflected and will be dropped as stale.
    pub fn mark_read(&mut self, entity: EntityKey, portal_time: i64) {
        if self.read_at.len() >= self.max_pending && !self.read_at.contains_key(&entity) {
            // Forgetting watermarks only costs extra re-reads.
            self.read_at.clear();
        }
        let slot = self.read_at.entry(entity).or_insert(portal_time);
        *slot = (*slot).max(portal_time);
    }

    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// True once an event was dropped for lack of room; reset by
    /// [`clear_overflow`](Self::clear_overflow) after a full resync.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    pub fn clear_overflow(&mut self) {
        self.overflowed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn form_fixture_parses() {
        let e = parse_event(&fixture("event.ONCRMDEALUPDATE.outgoing-webhook.form.txt")).unwrap();
        assert_eq!(e.name, "ONCRMDEALUPDATE");
        assert_eq!(e.action, Action::Update);
        assert_eq!(
            e.entity,
            Some(EntityKey {
                entity_type_id: 2,
                id: 662
            })
        );
        assert_eq!(e.ts, Some(1_724_140_800));
        assert_eq!(e.auth.domain.as_deref(), Some("example.bitrix24.com"));
        assert!(e.auth.access_token.is_none());
    }

    #[test]
    fn json_fixtures_parse() {
        let e = parse_event(&fixture("event.ONCRMDYNAMICITEMUPDATE.json")).unwrap();
        assert_eq!(
            (e.action, e.entity),
            (
                Action::Update,
                Some(EntityKey {
                    entity_type_id: 1220,
                    id: 24
                })
            )
        );
        assert_eq!(e.handler_id, Some(5));
        assert_eq!(e.auth.expires_in, Some(3600));
        let e = parse_event(&fixture("event.ONCRMDEALADD.app.json")).unwrap();
        assert_eq!(e.action, Action::Add);
        assert_eq!(e.entity.map(|k| k.id), Some(7405));
        assert_eq!(e.auth.status.as_deref(), Some("L"));
    }

    #[test]
    fn tokens_are_checked_and_never_printed() {
        let body = fixture("event.ONCRMDEALUPDATE.app.json");
        let good = EventVerifier::new("51856fefc120afa4b628cc82d3935cce");
        let e = good.verify(&body).unwrap();
        let debug = format!("{e:?}");
        for secret in [
            "51856fefc120afa4b628cc82d3935cce",
            "s6p6eclrvim6da22ft9ch94ekreb52lv",
            "4s386p3q0tr8dy89xvmt96234v3dljg8",
        ] {
            assert!(!debug.contains(secret), "{debug}");
        }
        let bad = EventVerifier::new("51856fefc120afa4b628cc82d3935ccf");
        assert_eq!(bad.verify(&body), Err(EventError::Forged));
        let empty = EventVerifier::new("");
        let no_token = b"event=ONCRMDEALUPDATE&data[FIELDS][ID]=1";
        assert_eq!(empty.verify(no_token), Err(EventError::Forged));
        assert_eq!(good.verify(no_token), Err(EventError::Forged));
    }

    #[test]
    fn names_map_to_records() {
        let data = |v: Value| v.as_object().cloned().unwrap();
        let cases = [
            (
                "ONCRMLEADDELETE",
                serde_json::json!({"FIELDS": {"ID": "3"}}),
                Action::Delete,
                Some((1, 3)),
            ),
            (
                "ONCRMCOMPANYADD",
                serde_json::json!({"FIELDS": {"ID": "4"}}),
                Action::Add,
                Some((4, 4)),
            ),
            (
                "ONCRMDYNAMICITEMADD_177",
                serde_json::json!({"FIELDS": {"ID": "9"}}),
                Action::Add,
                Some((177, 9)),
            ),
            (
                "ONCRMDEALUSERFIELDADD",
                serde_json::json!({"FIELDS": {"ID": "9"}}),
                Action::Other,
                None,
            ),
            ("ONAPPINSTALL", serde_json::json!({}), Action::Other, None),
            (
                "ONCRMDEALUPDATE",
                serde_json::json!({}),
                Action::Update,
                None,
            ),
        ];
        for (name, d, action, key) in cases {
            let (a, k) = record_of(name, &data(d));
            assert_eq!(a, action, "{name}");
            assert_eq!(k.map(|k| (k.entity_type_id, k.id)), key, "{name}");
        }
    }

    fn event(action: Action, id: u64, ts: i64) -> Event {
        Event {
            name: String::new(),
            action,
            entity: Some(EntityKey {
                entity_type_id: 2,
                id,
            }),
            handler_id: None,
            ts: Some(ts),
            auth: EventAuth::default(),
            data: Map::new(),
        }
    }

    #[test]
    fn duplicates_and_reordering_collapse_and_delete_sticks() {
        let mut r = Reconciler::new(100);
        assert_eq!(r.observe(&event(Action::Update, 1, 20)), Observed::Queued);
        assert_eq!(r.observe(&event(Action::Update, 1, 20)), Observed::Merged);
        assert_eq!(r.observe(&event(Action::Delete, 1, 30)), Observed::Merged);
        assert_eq!(r.observe(&event(Action::Update, 1, 25)), Observed::Merged);
        assert_eq!(r.observe(&event(Action::Add, 2, 10)), Observed::Queued);
        let signals = r.drain();
        assert_eq!(signals.len(), 2);
        assert_eq!(signals[0].entity.id, 2, "oldest first");
        assert_eq!(
            signals[1],
            Signal {
                entity: EntityKey {
                    entity_type_id: 2,
                    id: 1
                },
                latest_ts: Some(30),
                deleted: true,
                events: 4
            }
        );
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn events_older_than_a_re_read_are_stale_and_the_set_is_bounded() {
        let mut r = Reconciler::new(2);
        let key = EntityKey {
            entity_type_id: 2,
            id: 1,
        };
        r.mark_read(key, 100);
        assert_eq!(r.observe(&event(Action::Update, 1, 99)), Observed::Stale);
        assert_eq!(r.observe(&event(Action::Update, 1, 100)), Observed::Queued);
        assert_eq!(r.observe(&event(Action::Update, 2, 1)), Observed::Queued);
        assert_eq!(r.observe(&event(Action::Update, 3, 1)), Observed::Overflow);
        assert!(r.overflowed());
        let mut other = event(Action::Update, 1, 1);
        other.entity = None;
        assert_eq!(r.observe(&other), Observed::Ignored);
    }
}
