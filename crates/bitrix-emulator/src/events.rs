//! Events: `event.bind`/`unbind`/`get`, and delivery of `ONCRM*` events to bound handlers as
//! form-encoded POSTs (the body layout of PHP's `http_build_query`), from a queue that may
//! delay, reorder and duplicate them and never retries a failed delivery.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use crate::config::EventDelivery;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::params::{build_php_query, param};
use crate::rng::Rng;

/// How the binding call was authenticated; decides which `auth[...]` keys an event carries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BoundVia {
    Webhook,
    App,
}

#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) id: i64,
    pub(crate) event: String,
    pub(crate) handler: String,
    pub(crate) auth_type: i64,
    pub(crate) via: BoundVia,
}

#[derive(Debug, Default)]
pub(crate) struct Bindings {
    list: Vec<Binding>,
    next_id: i64,
}

/// A change that may produce events, raised by the CRUD methods.
#[derive(Debug, Clone)]
pub(crate) struct Raised {
    /// Event names, e.g. `ONCRMDEALUPDATE`, or both `ONCRMDYNAMICITEMUPDATE` and
    /// `ONCRMDYNAMICITEMUPDATE_177`.
    pub(crate) names: Vec<String>,
    pub(crate) id: i64,
    /// Set for smart-process items (`data[FIELDS][ENTITY_TYPE_ID]`).
    pub(crate) entity_type_id: Option<i64>,
}

/// Only local handlers: the emulator must never send anything off this machine.
fn local_handler(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    matches!(
        host.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost"
    )
}

impl Bindings {
    pub(crate) fn bind(
        &mut self,
        params: &Map<String, Value>,
        user_id: i64,
        via: BoundVia,
    ) -> Result<Value, ApiError> {
        let event = param(params, "event")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::new(400, "ERROR_EVENT_NOT_FOUND", "Event name is required"))?
            .to_ascii_uppercase();
        if param(params, "event_type").and_then(Value::as_str) == Some("offline") {
            return Err(ApiError::new(
                400,
                "ERROR_EVENT_NOT_FOUND",
                "Offline events are not emulated; bind a handler URL instead",
            ));
        }
        let handler = param(params, "handler")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !local_handler(&handler) {
            return Err(ApiError::new(
                400,
                "ERROR_HANDLER_URL_MISMATCH",
                format!(
                    "Handler URL '{handler}' refused: the emulator only delivers to \
                     http://127.0.0.1 or http://localhost"
                ),
            ));
        }
        if self
            .list
            .iter()
            .any(|b| b.event == event && b.handler == handler)
        {
            return Err(ApiError::new(
                400,
                "ERROR_HANDLER_ALREADY_EXIST",
                "Handler already exists!",
            ));
        }
        let auth_type = crate::params::as_i64(param(params, "auth_type")).unwrap_or(user_id);
        self.next_id += 1;
        self.list.push(Binding {
            id: self.next_id,
            event,
            handler,
            auth_type,
            via,
        });
        Ok(json!(true))
    }

    pub(crate) fn unbind(&mut self, params: &Map<String, Value>) -> Result<Value, ApiError> {
        let event = param(params, "event")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::new(400, "ERROR_EVENT_NOT_FOUND", "Event name is required"))?
            .to_ascii_uppercase();
        let handler = param(params, "handler").and_then(Value::as_str);
        let before = self.list.len();
        self.list
            .retain(|b| !(b.event == event && handler.is_none_or(|h| h == b.handler)));
        Ok(json!({"count": before - self.list.len()}))
    }

    pub(crate) fn get(&self) -> Value {
        Value::Array(
            self.list
                .iter()
                .map(|b| {
                    json!({"event": b.event, "handler": b.handler,
                           "auth_type": b.auth_type.to_string(), "offline": 0})
                })
                .collect(),
        )
    }

    pub(crate) fn matching(&self, name: &str) -> Vec<Binding> {
        self.list
            .iter()
            .filter(|b| b.event == name)
            .cloned()
            .collect()
    }
}

/// What the portal says about itself in `auth[...]`.
#[derive(Debug, Clone)]
pub(crate) struct PortalIdentity {
    pub(crate) domain: String,
    pub(crate) client_endpoint: String,
    pub(crate) server_endpoint: String,
    pub(crate) member_id: String,
    pub(crate) application_token: String,
}

/// One delivery: handler URL and form body.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) handler: String,
    pub(crate) body: String,
}

pub(crate) fn event_body(
    binding: &Binding,
    name: &str,
    raised: &Raised,
    who: &PortalIdentity,
    app_access_token: Option<&str>,
) -> String {
    let ts = chrono::Utc::now().timestamp();
    let mut pairs: Vec<(String, String)> = vec![
        ("event".into(), name.to_owned()),
        ("event_handler_id".into(), binding.id.to_string()),
        ("data[FIELDS][ID]".into(), raised.id.to_string()),
    ];
    if let Some(etid) = raised.entity_type_id {
        pairs.push(("data[FIELDS][ENTITY_TYPE_ID]".into(), etid.to_string()));
    }
    pairs.push(("ts".into(), ts.to_string()));
    match (&binding.via, app_access_token) {
        (BoundVia::App, Some(token)) => {
            pairs.extend([
                ("auth[access_token]".into(), token.to_owned()),
                ("auth[expires_in]".into(), "3600".to_owned()),
                ("auth[scope]".into(), "crm".to_owned()),
                ("auth[domain]".into(), who.domain.clone()),
                ("auth[server_endpoint]".into(), who.server_endpoint.clone()),
                ("auth[status]".into(), "L".to_owned()),
                ("auth[client_endpoint]".into(), who.client_endpoint.clone()),
                ("auth[member_id]".into(), who.member_id.clone()),
                (
                    "auth[application_token]".into(),
                    who.application_token.clone(),
                ),
            ]);
        }
        _ => {
            pairs.extend([
                ("auth[domain]".into(), who.domain.clone()),
                ("auth[client_endpoint]".into(), who.client_endpoint.clone()),
                ("auth[server_endpoint]".into(), who.server_endpoint.clone()),
                ("auth[member_id]".into(), who.member_id.clone()),
                (
                    "auth[application_token]".into(),
                    who.application_token.clone(),
                ),
            ]);
        }
    }
    build_php_query(&pairs)
}

/// The delivery settings and the generator that decides reordering and duplicates.
pub(crate) type DeliveryState = Arc<Mutex<(EventDelivery, Rng)>>;

/// Sends queued events until the sender side is dropped.
pub(crate) async fn run_dispatcher(
    mut rx: mpsc::UnboundedReceiver<Job>,
    state: DeliveryState,
    counters: Arc<Counters>,
) {
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the event delivery client; events are lost");
            return;
        }
    };
    while let Some(first) = rx.recv().await {
        let delay = lock(&state).0.delay;
        tokio::time::sleep(delay).await;
        let mut group = vec![first];
        while let Ok(job) = rx.try_recv() {
            group.push(job);
        }
        let (timeout, out) = {
            let mut guard = lock(&state);
            let (cfg, rng) = &mut *guard;
            if cfg.reorder {
                rng.shuffle(&mut group);
            }
            let mut out = Vec::with_capacity(group.len());
            for job in group {
                if rng.chance(cfg.duplicate_rate) {
                    out.push(job.clone());
                }
                out.push(job);
            }
            (cfg.timeout, out)
        };
        for job in out {
            let sent = client
                .post(&job.handler)
                .header("content-type", "application/x-www-form-urlencoded")
                .timeout(timeout)
                .body(job.body)
                .send()
                .await;
            match sent {
                Ok(resp) if resp.status().is_success() => {
                    Counters::add(&counters.events_delivered, 1);
                }
                Ok(resp) => {
                    tracing::warn!(handler = %job.handler, status = %resp.status(),
                                   "event handler refused the event; not retried");
                    Counters::add(&counters.events_failed, 1);
                }
                Err(e) => {
                    tracing::warn!(handler = %job.handler, error = %e,
                                   "event delivery failed; not retried");
                    Counters::add(&counters.events_failed, 1);
                }
            }
        }
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a lock must not take the whole emulator down with it.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_handlers_are_accepted() {
        assert!(local_handler("http://127.0.0.1:8080/hook"));
        assert!(local_handler("http://localhost/hook?x=1"));
        assert!(!local_handler("https://127.0.0.1/hook"));
        assert!(!local_handler("http://example.com/hook"));
        assert!(!local_handler("http://127.0.0.1.example.com/hook"));
        assert!(!local_handler("http://user@evil/hook"));
        assert!(!local_handler("http://10.0.0.1/hook"));
    }

    #[test]
    fn bind_rejects_duplicates_and_unbind_counts() {
        let mut b = Bindings::default();
        let p = json!({"event": "onCrmDealUpdate", "handler": "http://127.0.0.1:1/h"});
        let p = p.as_object().unwrap();
        assert_eq!(b.bind(p, 1, BoundVia::Webhook).unwrap(), json!(true));
        let e = b.bind(p, 1, BoundVia::Webhook).unwrap_err();
        assert_eq!(e.code, "ERROR_HANDLER_ALREADY_EXIST");
        assert_eq!(b.get()[0]["event"], json!("ONCRMDEALUPDATE"));
        assert_eq!(b.unbind(p).unwrap(), json!({"count": 1}));
        assert_eq!(b.get(), json!([]));
    }

    #[test]
    fn webhook_event_body_has_the_fixture_layout() {
        let binding = Binding {
            id: 975,
            event: "ONCRMDEALUPDATE".into(),
            handler: "http://127.0.0.1:1/h".into(),
            auth_type: 1,
            via: BoundVia::Webhook,
        };
        let who = PortalIdentity {
            domain: "127.0.0.1:9".into(),
            client_endpoint: "http://127.0.0.1:9/rest/".into(),
            server_endpoint: "http://127.0.0.1:9/rest/".into(),
            member_id: "m".into(),
            application_token: "t".into(),
        };
        let raised = Raised {
            names: vec![],
            id: 662,
            entity_type_id: None,
        };
        let body = event_body(&binding, "ONCRMDEALUPDATE", &raised, &who, None);
        assert!(
            body.starts_with(
                "event=ONCRMDEALUPDATE&event_handler_id=975&data%5BFIELDS%5D%5BID%5D=662&ts="
            ),
            "{body}"
        );
        assert!(
            body.ends_with("auth%5Bmember_id%5D=m&auth%5Bapplication_token%5D=t"),
            "{body}"
        );
    }
}
