//! The client: one POST per call, authorised, throttled, retried, redirects followed by hand.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bitrix_schema::entity::{CrmEntity, FieldName};
use bitrix_schema::value::Target;
use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::{Map, Value};

use crate::auth::{Auth, OnRefresh, TokenPair};
use crate::error::{ApiError, Error, ErrorKind, TransportError, TransportKind};
use crate::response::{Answer, Response, TimeInfo, classify};
use crate::retry::{Jitter, RetryPolicy};
use crate::secret::{Secret, redact_url};
use crate::throttle::{OperatingPauses, RateLimiter};

/// Whether a call may be sent again after a failure that leaves its outcome unknown (a
/// timeout, a dropped connection, a server error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Repeating does no harm: reads, updates that set values, deletes.
    Safe,
    /// Repeating could do the work twice (creates). Such a call is retried only after
    /// failures that prove it was not carried out (rate limit, operation time limit,
    /// refused connection).
    NotSafe,
}

impl Repeat {
    /// `*.add` methods, and batches that contain one, are not safe to repeat; everything
    /// else is treated as safe.
    pub fn infer(method: &str, params: &Map<String, Value>) -> Repeat {
        let creates = |m: &str| {
            m.rsplit('.')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case("add"))
        };
        if method.eq_ignore_ascii_case("batch") {
            let commands: Vec<&Value> = match params.get("cmd") {
                Some(Value::Object(m)) => m.values().collect(),
                Some(Value::Array(a)) => a.iter().collect(),
                _ => Vec::new(),
            };
            let any_create = commands.iter().any(|c| {
                c.as_str()
                    .map(|s| s.split('?').next().unwrap_or(""))
                    .is_some_and(creates)
            });
            return if any_create {
                Repeat::NotSafe
            } else {
                Repeat::Safe
            };
        }
        if creates(method) {
            Repeat::NotSafe
        } else {
            Repeat::Safe
        }
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    auth: Auth,
    limiter: Option<Arc<RateLimiter>>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    family: Target,
    max_redirects: u8,
    system_proxy: bool,
    critical: HashMap<u32, Vec<FieldName>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Shares a rate limiter with other clients of the same portal. Default: a limiter of
    /// its own with the standard plan (2/s, burst 50).
    pub fn rate_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Per HTTP request, redirects included. Default 65 s (the cloud portal stops a request
    /// after 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The method family typed operations use unless told otherwise: classic
    /// (`crm.deal.*`) or `crm.item.*`. Default: `crm.item.*`. Smart processes always use
    /// `crm.item.*`.
    pub fn family(mut self, family: Target) -> Self {
        self.family = family;
        self
    }

    /// Redirects followed per request (a moved portal answers 302). Default 5.
    pub fn max_redirects(mut self, max: u8) -> Self {
        self.max_redirects = max;
        self
    }

    /// Whether to honour `HTTP_PROXY`-style environment variables. Default: yes.
    pub fn system_proxy(mut self, enabled: bool) -> Self {
        self.system_proxy = enabled;
        self
    }

    /// Fields of `T` whose updates are verified by re-reading the record (see
    /// [`Records::update`](crate::Records::update)).
    pub fn critical<T: CrmEntity>(mut self, fields: &[FieldName]) -> Self {
        self.critical
            .entry(T::ENTITY_TYPE_ID)
            .or_default()
            .extend_from_slice(fields);
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent);
        if !self.system_proxy {
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| {
            Error::Config(format!(
                "the HTTP client could not be built: {}",
                error_chain(&e.without_url())
            ))
        })?;
        let auth = match self.auth {
            Auth::Webhook(w) => AuthState::Webhook {
                base: RwLock::new(w.base),
            },
            Auth::OAuth(o) => AuthState::OAuth(Box::new(OAuthState {
                endpoint: RwLock::new(o.client_endpoint),
                token_url: o.token_url,
                client_id: o.client_id,
                client_secret: o.client_secret,
                tokens: tokio::sync::Mutex::new((o.tokens, 0)),
                on_refresh: o.on_refresh,
            })),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                limiter: self
                    .limiter
                    .unwrap_or_else(|| Arc::new(RateLimiter::standard())),
                pauses: OperatingPauses::default(),
                retry: self.retry,
                jitter: Jitter::new(),
                family: self.family,
                max_redirects: self.max_redirects,
                critical: self.critical,
            }),
        })
    }
}

struct OAuthState {
    endpoint: RwLock<Url>,
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    /// The tokens and how many refreshes produced them (so that concurrent calls that all
    /// saw `expired_token` refresh once).
    tokens: tokio::sync::Mutex<(TokenPair, u64)>,
    on_refresh: Option<OnRefresh>,
}

enum AuthState {
    Webhook { base: RwLock<Url> },
    OAuth(Box<OAuthState>),
}

struct Inner {
    http: reqwest::Client,
    auth: AuthState,
    limiter: Arc<RateLimiter>,
    pauses: OperatingPauses,
    retry: RetryPolicy,
    jitter: Jitter,
    family: Target,
    max_redirects: u8,
    critical: HashMap<u32, Vec<FieldName>>,
}

/// A Bitrix24 REST client. Cheap to clone; clones share the connection pool, the rate
/// limiter, method pauses and OAuth tokens, so one client serves many tasks.
///
/// ```no_run
/// # async fn demo() -> Result<(), bitrix_client::Error> {
/// use bitrix_client::{Auth, Client};
/// use serde_json::json;
///
/// let client = Client::builder(Auth::webhook("https://portal.example/rest/1/SECRET/")?)
///     .build()?;
/// let deal = client.call("crm.deal.get", json!({"id": 42})).await?;
/// println!("{}", deal.result["TITLE"]);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = match &self.inner.auth {
            AuthState::Webhook { base } => read(base).to_string(),
            AuthState::OAuth(o) => read(&o.endpoint).to_string(),
        };
        f.debug_struct("Client")
            .field("endpoint", &redact_url(&endpoint))
            .field("family", &self.inner.family)
            .field("limiter", &self.inner.limiter)
            .finish_non_exhaustive()
    }
}

fn read(lock: &RwLock<Url>) -> Url {
    lock.read().unwrap_or_else(|p| p.into_inner()).clone()
}

/// The text of an error and its sources, without URLs (reqwest errors carry them).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// One failed attempt.
enum Failure {
    Api(ApiError, Option<TimeInfo>),
    Transport(TransportError),
    Other(Error),
}

fn valid_method(method: &str) -> bool {
    !method.is_empty()
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

impl Client {
    /// Starts configuring a client. Defaults: standard-plan rate limiter, [`RetryPolicy`]
    /// defaults, 65 s timeout, `crm.item.*` for typed operations.
    pub fn builder(auth: Auth) -> ClientBuilder {
        ClientBuilder {
            auth,
            limiter: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(65),
            connect_timeout: Duration::from_secs(10),
            user_agent: format!("bitrix-client/{} (Rust)", env!("CARGO_PKG_VERSION")),
            family: Target::Item,
            max_redirects: 5,
            system_proxy: true,
            critical: HashMap::new(),
        }
    }

    /// The family typed operations use by default.
    pub fn family(&self) -> Target {
        self.inner.family
    }

    pub fn rate_limiter(&self) -> &Arc<RateLimiter> {
        &self.inner.limiter
    }

    pub(crate) fn critical_fields(&self, entity_type_id: u32) -> &[FieldName] {
        self.inner
            .critical
            .get(&entity_type_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn jitter(&self) -> &Jitter {
        &self.inner.jitter
    }

    /// The current OAuth tokens (they change on every refresh), `None` for webhooks.
    pub async fn tokens(&self) -> Option<TokenPair> {
        match &self.inner.auth {
            AuthState::OAuth(o) => Some(o.tokens.lock().await.0.clone()),
            AuthState::Webhook { .. } => None,
        }
    }

    /// Calls one REST method with `params` (a JSON object, or `null` for none), sent as the
    /// JSON body exactly as given (OAuth adds `auth`). Retries as [`Repeat::infer`] allows.
    pub async fn call(&self, method: &str, params: Value) -> Result<Response, Error> {
        let params = object_params(method, params)?;
        let repeat = Repeat::infer(method, &params);
        self.execute(method, &params, repeat).await
    }

    /// Like [`call`](Self::call) with an explicit choice about repeating.
    pub async fn call_with(
        &self,
        method: &str,
        params: Value,
        repeat: Repeat,
    ) -> Result<Response, Error> {
        let params = object_params(method, params)?;
        self.execute(method, &params, repeat).await
    }

    /// Runs one call with retries.
    pub(crate) async fn execute(
        &self,
        method: &str,
        params: &Map<String, Value>,
        repeat: Repeat,
    ) -> Result<Response, Error> {
        if !valid_method(method) {
            return Err(Error::Config(format!(
                "method name {method:?} is not a REST method name (letters, digits, `.`, `_`)"
            )));
        }
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        let mut refreshes = 0;
        loop {
            attempt += 1;
            self.wait_if_paused(method).await?;
            self.inner.limiter.acquire().await;
            let generation = self.token_generation().await;
            let sent_at = Instant::now();
            let failure = match self.send(method, params).await {
                Ok(resp) => {
                    self.inner.limiter.on_accepted();
                    if let Some(wait) = resp.time.as_ref().and_then(TimeInfo::seconds_until_reset) {
                        self.saw_reset(method, wait);
                    }
                    tracing::debug!(
                        method,
                        attempt,
                        elapsed_ms = sent_at.elapsed().as_millis() as u64,
                        "call succeeded"
                    );
                    return Ok(resp);
                }
                Err(f) => f,
            };
            // `None`: give up with this error. `Some(d)`: retry after `d`.
            let (error, delay): (Error, Option<Duration>) = match failure {
                Failure::Other(e) => (e, None),
                Failure::Transport(mut t) => {
                    t.attempts = attempt;
                    let retry = match t.kind {
                        TransportKind::Connect => true,
                        TransportKind::Redirect | TransportKind::Tls => false,
                        TransportKind::Timeout | TransportKind::Dropped | TransportKind::Body => {
                            repeat == Repeat::Safe
                        }
                    };
                    let delay = retry.then(|| policy.backoff(attempt, &self.inner.jitter));
                    (Error::Transport(t), delay)
                }
                Failure::Api(mut e, time) => {
                    e.attempts = attempt;
                    let delay = match e.kind {
                        ErrorKind::RateLimited => {
                            self.inner.limiter.on_refused();
                            Some(policy.backoff(attempt, &self.inner.jitter))
                        }
                        ErrorKind::OperationTimeLimit => {
                            let wait = self.operating_wait(method, time.as_ref(), attempt);
                            tracing::warn!(
                                method,
                                wait_ms = wait.as_millis() as u64,
                                "operation time limit: pausing this method"
                            );
                            self.inner.pauses.pause(method, wait);
                            Some(Duration::ZERO)
                        }
                        ErrorKind::ExpiredToken
                            if refreshes < 2 && matches!(self.inner.auth, AuthState::OAuth(_)) =>
                        {
                            refreshes += 1;
                            self.refresh(generation).await?;
                            Some(Duration::ZERO)
                        }
                        ErrorKind::Server if repeat == Repeat::Safe => {
                            Some(policy.backoff(attempt, &self.inner.jitter))
                        }
                        _ => None,
                    };
                    (Error::Api(e), delay)
                }
            };
            let Some(delay) = delay else {
                return Err(error);
            };
            let out_of_time = started.elapsed() + delay > policy.max_elapsed;
            if attempt >= policy.max_attempts.max(1) || out_of_time {
                tracing::warn!(method, attempt, error = %error, "giving up after retries");
                return Err(error);
            }
            tracing::info!(
                method,
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying"
            );
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
    }

    /// Waits out an OPERATION_TIME_LIMIT pause of `method`, or fails when it is too long.
    pub(crate) async fn wait_if_paused(&self, method: &str) -> Result<(), Error> {
        let wait = self.inner.pauses.remaining(method);
        if wait.is_zero() {
            return Ok(());
        }
        let max = self.inner.retry.max_operating_pause;
        if wait > max {
            return Err(Error::Paused {
                method: method.to_string(),
                wait,
                max,
            });
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// How long an OPERATION_TIME_LIMIT refusal of `method` asks to wait: until the
    /// `operating_reset_at` of the refusal, else of the method's last answer, else a backoff.
    fn operating_wait(&self, method: &str, time: Option<&TimeInfo>, attempt: u32) -> Duration {
        time.and_then(TimeInfo::seconds_until_reset)
            .map(Duration::from_secs_f64)
            .or_else(|| self.inner.pauses.known_reset(method))
            .unwrap_or_else(|| self.inner.retry.backoff(attempt, &self.inner.jitter))
    }

    /// Remembers a successful answer's `operating_reset_at` for `method` (seconds ahead).
    pub(crate) fn saw_reset(&self, method: &str, seconds: f64) {
        if seconds.is_finite() {
            let wait = Duration::from_secs_f64(seconds.clamp(0.0, 86_400.0));
            self.inner.pauses.saw_reset(method, wait);
        }
    }

    /// Pauses `method` as an OPERATION_TIME_LIMIT answer asks (used for batch commands).
    pub(crate) fn pause_method(&self, method: &str, time: Option<&TimeInfo>, attempt: u32) {
        let wait = self.operating_wait(method, time, attempt);
        self.inner.pauses.pause(method, wait);
    }

    async fn token_generation(&self) -> u64 {
        match &self.inner.auth {
            AuthState::OAuth(o) => o.tokens.lock().await.1,
            AuthState::Webhook { .. } => 0,
        }
    }

    /// One request, following redirects by hand so that a POST stays a POST.
    async fn send(&self, method: &str, params: &Map<String, Value>) -> Result<Response, Failure> {
        let (mut url, body) = match &self.inner.auth {
            AuthState::Webhook { base } => (read(base), Value::Object(params.clone())),
            AuthState::OAuth(o) => {
                let mut body = params.clone();
                let token = o.tokens.lock().await.0.access_token.clone();
                body.insert(
                    "auth".to_string(),
                    Value::String(token.expose().to_string()),
                );
                (read(&o.endpoint), Value::Object(body))
            }
        };
        let base = url.clone();
        url = base
            .join(method)
            .map_err(|_| Failure::Other(Error::Config(format!("bad method name {method:?}"))))?;
        let transport = |kind, detail: String, url: &Url| TransportError {
            method: method.to_string(),
            url: redact_url(url.as_str()),
            kind,
            detail,
            attempts: 1,
        };
        let mut hops = 0u8;
        loop {
            let resp = self
                .inner
                .http
                .post(url.clone())
                .json(&body)
                .send()
                .await
                .map_err(|e| {
                    let (connect, timeout) = (e.is_connect(), e.is_timeout());
                    let chain = error_chain(&e.without_url());
                    let kind = if is_tls_failure(&chain) {
                        TransportKind::Tls
                    } else if connect {
                        TransportKind::Connect
                    } else if timeout {
                        TransportKind::Timeout
                    } else {
                        TransportKind::Dropped
                    };
                    Failure::Transport(transport(kind, chain, &url))
                })?;
            let status = resp.status();
            if status.is_redirection() {
                let location = resp
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let Some(location) = location else {
                    let detail = format!("HTTP {} without a Location header", status.as_u16());
                    return Err(Failure::Transport(transport(
                        TransportKind::Redirect,
                        detail,
                        &url,
                    )));
                };
                let next = url.join(&location).map_err(|_| {
                    Failure::Transport(transport(
                        TransportKind::Redirect,
                        "the Location header is not a URL".to_string(),
                        &url,
                    ))
                })?;
                hops += 1;
                if hops > self.inner.max_redirects {
                    let detail = format!("more than {} redirects", self.inner.max_redirects);
                    return Err(Failure::Transport(transport(
                        TransportKind::Redirect,
                        detail,
                        &url,
                    )));
                }
                if url.scheme() == "https" && next.scheme() != "https" {
                    let detail = format!(
                        "refusing to follow a redirect from HTTPS to {}",
                        redact_url(next.as_str())
                    );
                    return Err(Failure::Transport(transport(
                        TransportKind::Redirect,
                        detail,
                        &url,
                    )));
                }
                tracing::info!(
                    method,
                    from = %redact_url(url.as_str()),
                    to = %redact_url(next.as_str()),
                    status = status.as_u16(),
                    "portal moved; sending the POST again to the new address"
                );
                url = next;
                continue;
            }
            let content_type = resp
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let bytes = resp.bytes().await.map_err(|e| {
                Failure::Transport(transport(
                    TransportKind::Body,
                    error_chain(&e.without_url()),
                    &url,
                ))
            })?;
            if hops > 0 {
                self.remember_move(&base, &url, method);
            }
            return match classify(method, status.as_u16(), &content_type, &bytes) {
                Ok(Answer::Ok(r)) => Ok(r),
                Ok(Answer::Err(e, time)) => Err(Failure::Api(e, time)),
                Err(e) => Err(Failure::Other(e)),
            };
        }
    }

    /// After a redirect, later calls go straight to the new address: when the final URL is
    /// `{new base}{method}`, the new base replaces the old one.
    fn remember_move(&self, old_base: &Url, final_url: &Url, method: &str) {
        let path = final_url.path();
        let Some(prefix) = path.strip_suffix(method) else {
            return;
        };
        let mut new_base = final_url.clone();
        new_base.set_path(prefix);
        new_base.set_query(None);
        if &new_base == old_base {
            return;
        }
        let slot = match &self.inner.auth {
            AuthState::Webhook { base } => base,
            AuthState::OAuth(o) => &o.endpoint,
        };
        let mut guard = slot.write().unwrap_or_else(|p| p.into_inner());
        tracing::info!(
            from = %redact_url(guard.as_str()),
            to = %redact_url(new_base.as_str()),
            "using the portal's new address from now on"
        );
        *guard = new_base;
    }

    /// Renews the OAuth tokens unless another task already did since `seen_generation`.
    async fn refresh(&self, seen_generation: u64) -> Result<(), Error> {
        let AuthState::OAuth(o) = &self.inner.auth else {
            return Ok(());
        };
        let mut guard = o.tokens.lock().await;
        if guard.1 != seen_generation {
            return Ok(());
        }
        let mut url = o.token_url.clone();
        url.query_pairs_mut()
            .append_pair("grant_type", "refresh_token")
            .append_pair("client_id", &o.client_id)
            .append_pair("client_secret", o.client_secret.expose())
            .append_pair("refresh_token", guard.0.refresh_token.expose());
        let failed = |status: u16, code: &str, description: String| Error::Refresh {
            status,
            code: code.to_string(),
            description,
        };
        let resp = self
            .inner
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| failed(0, "", error_chain(&e.without_url())))?;
        let status = resp.status().as_u16();
        let body: Value = resp
            .json()
            .await
            .map_err(|e| failed(status, "", error_chain(&e.without_url())))?;
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(access), Some(refresh)) = (text("access_token"), text("refresh_token")) else {
            return Err(failed(
                status,
                &text("error").unwrap_or_default(),
                text("error_description")
                    .unwrap_or_else(|| "the answer has no access_token".to_string()),
            ));
        };
        guard.0 = TokenPair {
            access_token: Secret::new(access),
            refresh_token: Secret::new(refresh),
        };
        guard.1 += 1;
        tracing::info!(generation = guard.1, "OAuth access token refreshed");
        if let Some(callback) = &o.on_refresh {
            callback(&guard.0);
        }
        Ok(())
    }
}

pub(crate) fn object_params(method: &str, params: Value) -> Result<Map<String, Value>, Error> {
    match params {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(Error::Config(format!(
            "`{method}`: parameters must be a JSON object (or null), got {}",
            bitrix_schema::value::describe(&other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn creates_are_not_repeated() {
        assert_eq!(Repeat::infer("crm.deal.add", &Map::new()), Repeat::NotSafe);
        assert_eq!(Repeat::infer("CRM.ITEM.ADD", &Map::new()), Repeat::NotSafe);
        assert_eq!(Repeat::infer("crm.item.update", &Map::new()), Repeat::Safe);
        assert_eq!(Repeat::infer("crm.address.list", &Map::new()), Repeat::Safe);
        let batch =
            map(json!({"cmd": {"a": "crm.deal.get?id=1", "b": "crm.deal.add?fields[TITLE]=x"}}));
        assert_eq!(Repeat::infer("batch", &batch), Repeat::NotSafe);
        let batch = map(json!({"cmd": ["crm.deal.get?id=1", "crm.deal.list"]}));
        assert_eq!(Repeat::infer("batch", &batch), Repeat::Safe);
    }

    #[test]
    fn method_names_cannot_escape_the_path() {
        assert!(valid_method("crm.deal.get"));
        assert!(valid_method("crm.item.list"));
        assert!(!valid_method("../oauth/token"));
        assert!(!valid_method("crm.deal.get?auth=x"));
        assert!(!valid_method(""));
    }

    #[test]
    fn params_must_be_an_object() {
        assert!(object_params("m", json!(null)).unwrap().is_empty());
        let err = object_params("crm.deal.get", json!([1])).unwrap_err();
        assert!(err.to_string().contains("crm.deal.get"), "{err}");
    }
}

/// Whether a transport error is a failed TLS handshake. reqwest reports these as connect
/// errors, which are otherwise worth retrying; the error chain names TLS (rustls' messages
/// include "corrupt message", "InvalidContentType" or "certificate").
fn is_tls_failure(chain: &str) -> bool {
    let chain = chain.to_ascii_lowercase();
    [
        "invalidcontenttype",
        "corrupt message",
        "certificate",
        "tls handshake",
        "handshake",
    ]
    .iter()
    .any(|needle| chain.contains(needle))
}

#[cfg(test)]
mod tls_tests {
    use super::is_tls_failure;

    #[test]
    fn tls_failures_are_told_from_refused_connections() {
        assert!(is_tls_failure(
            "client error (Connect): received corrupt message of type InvalidContentType"
        ));
        assert!(is_tls_failure("invalid peer certificate: UnknownIssuer"));
        assert!(!is_tls_failure(
            "client error (Connect): tcp connect error: Connection refused (os error 111)"
        ));
    }
}
