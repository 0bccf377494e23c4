//! A local Bitrix24 portal for tests: it listens on 127.0.0.1 and answers the CRM REST API
//! (classic `crm.deal.*` and friends, `crm.item.*`, metadata, `batch`, events) the way the real
//! portal does, including its quirks, limits and failures.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bitrix_emulator::EmulatorError> {
//! use bitrix_emulator::{Emulator, Portal};
//!
//! let emu = Emulator::builder().portal(Portal::default()).seed(7).deals(100).start().await?;
//! let url = emu.webhook_url(); // http://127.0.0.1:PORT/rest/1/SECRET/
//! # let _ = url;
//! assert_eq!(emu.counters().http_requests, 0);
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Sync tests and CLIs use [`EmulatorBuilder::start_blocking`], which runs the server on its
//! own thread.

#![warn(missing_docs)]

mod config;
mod counters;
mod error;
mod events;
mod generate;
mod limits;
mod methods;
mod model;
mod params;
mod portal;
mod record;
mod rng;
mod server;
mod store;
mod values;

use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Deref;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use chrono::{FixedOffset, Offset};
use tokio::sync::{mpsc, watch};

pub use config::{EventDelivery, Faults, OperatingLimit, Quirks, RateLimit};
pub use counters::CounterSnapshot;
pub use error::EmulatorError;
pub use generate::RecordCounts;
pub use portal::{Portal, PortalError};
pub use server::WrongSecretAnswer;

use events::{PortalIdentity, lock};
use rng::Rng;
use server::{RuntimeCfg, Shared, Tokens};

/// Configures and starts an [`Emulator`].
#[derive(Clone)]
pub struct EmulatorBuilder {
    portal: Portal,
    seed: u64,
    counts: RecordCounts,
    addr: SocketAddr,
    allow_non_loopback: bool,
    secret: Option<String>,
    user_id: i64,
    quirks: Quirks,
    faults: Faults,
    events: EventDelivery,
    utc_offset: FixedOffset,
    token_lifetime: Duration,
    wrong_secret: WrongSecretAnswer,
}

impl std::fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("portal", &self.portal)
            .field("seed", &self.seed)
            .field("counts", &self.counts)
            .field("addr", &self.addr)
            .field("allow_non_loopback", &self.allow_non_loopback)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("user_id", &self.user_id)
            .field("quirks", &self.quirks)
            .field("faults", &self.faults)
            .field("events", &self.events)
            .field("utc_offset", &self.utc_offset)
            .field("token_lifetime", &self.token_lifetime)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            portal: Portal::default(),
            seed: 0,
            counts: RecordCounts::default(),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            allow_non_loopback: false,
            secret: None,
            user_id: 1,
            quirks: Quirks::default(),
            faults: Faults::none(),
            events: EventDelivery::default(),
            // Moscow time, the zone of most portals (dates print as `T03:00:00+03:00`).
            utc_offset: FixedOffset::east_opt(3 * 3600).unwrap_or(chrono::Utc.fix()),
            token_lifetime: Duration::from_secs(3600),
            wrong_secret: WrongSecretAnswer::default(),
        }
    }
}

impl EmulatorBuilder {
    /// The portal description (fields, lists, pipelines). Default: [`Portal::default`].
    pub fn portal(mut self, portal: Portal) -> Self {
        self.portal = portal;
        self
    }

    /// Seed for generated records (and the default seed of OAuth tokens).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Deals to generate (both pipelines, all stages).
    pub fn deals(mut self, n: usize) -> Self {
        self.counts.deals = n;
        self
    }

    /// Leads to generate.
    pub fn leads(mut self, n: usize) -> Self {
        self.counts.leads = n;
        self
    }

    /// Contacts to generate (linked to generated companies).
    pub fn contacts(mut self, n: usize) -> Self {
        self.counts.contacts = n;
        self
    }

    /// Companies to generate.
    pub fn companies(mut self, n: usize) -> Self {
        self.counts.companies = n;
        self
    }

    /// Items per smart process.
    pub fn items(mut self, n: usize) -> Self {
        self.counts.items = n;
        self
    }

    /// All record counts at once.
    pub fn records(mut self, counts: RecordCounts) -> Self {
        self.counts = counts;
        self
    }

    /// Where to listen. Default `127.0.0.1:0` (a free port). Non-loopback addresses are
    /// refused unless [`allow_non_loopback`](Self::allow_non_loopback) is set.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Lets [`addr`](Self::addr) be a non-loopback address. Off by default: the emulator has
    /// no authentication worth the name and is meant for local tests.
    pub fn allow_non_loopback(mut self, allow: bool) -> Self {
        self.allow_non_loopback = allow;
        self
    }

    /// The webhook secret. Default: random per start.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// The user the webhook belongs to (`/rest/{user}/...`). Default 1.
    pub fn user_id(mut self, user_id: i64) -> Self {
        self.user_id = user_id;
        self
    }

    /// Quirks and limits at start (default: all on, as a real portal).
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.quirks = quirks;
        self
    }

    /// Faults at start (default: none).
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// How events reach their handlers (default: 20 ms delay, in order, no duplicates).
    pub fn event_delivery(mut self, events: EventDelivery) -> Self {
        self.events = events;
        self
    }

    /// The server's UTC offset in seconds east (dates and times print in it). Default +3 h.
    pub fn utc_offset_secs(mut self, secs: i32) -> Self {
        if let Some(offset) = FixedOffset::east_opt(secs) {
            self.utc_offset = offset;
        }
        self
    }

    /// How long OAuth access tokens live. Default one hour.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The answer to a wrong webhook secret (see [`WrongSecretAnswer`] for the default).
    pub fn wrong_secret_answer(mut self, answer: WrongSecretAnswer) -> Self {
        self.wrong_secret = answer;
        self
    }

    /// Starts the server on the current tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        if !self.addr.ip().is_loopback() && !self.allow_non_loopback {
            return Err(EmulatorError::NonLoopback { addr: self.addr });
        }
        let model = model::Model::from_portal(&self.portal)?;
        let mut db = methods::Db::new(model)?;
        generate::populate(&mut db, self.counts, self.seed, self.utc_offset).map_err(|e| {
            EmulatorError::Portal(PortalError::Shape {
                file: "(generated records)".to_owned(),
                what: format!("a generated record was refused: {}", e.description),
            })
        })?;

        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.addr,
                source,
            })?;

        let mut id_rng = Rng::new(self.seed ^ 0xA11CE);
        let hex = |rng: &mut Rng| format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        let member_id = hex(&mut id_rng);
        let application_token = hex(&mut id_rng);
        let secret = self.secret.unwrap_or_else(random_secret);
        let identity = PortalIdentity {
            domain: addr.to_string(),
            client_endpoint: format!("http://{addr}/rest/"),
            server_endpoint: format!("http://{addr}/rest/"),
            member_id,
            application_token,
        };

        let counters = Arc::new(counters::Counters::default());
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let delivery = Arc::new(Mutex::new((
            self.events.clone(),
            Rng::new(self.events.seed),
        )));
        let shared = Arc::new(Shared {
            secret,
            user_id: self.user_id,
            addr,
            offset: self.utc_offset,
            db: Mutex::new(db),
            cfg: Mutex::new(RuntimeCfg {
                quirks: self.quirks,
                faults: self.faults.clone(),
                moved_to: None,
                token_lifetime: self.token_lifetime,
                wrong_secret: self.wrong_secret,
            }),
            bucket: Mutex::new(limits::LeakyBucket::new()),
            operating: Mutex::new(limits::Operating::default()),
            counters: counters.clone(),
            fault_rng: Mutex::new(Rng::new(self.faults.seed)),
            tokens: Mutex::new(Tokens::new(self.seed)),
            delivery: delivery.clone(),
            events_tx,
            identity,
            clock_base: (Instant::now(), SystemTime::now()),
        });
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let server = tokio::spawn(server::serve(listener, shared.clone(), shutdown_rx));
        let dispatcher = tokio::spawn(events::run_dispatcher(events_rx, delivery, counters));
        tracing::info!(%addr, "bitrix emulator listening");
        Ok(Emulator {
            handle: Handle { shared },
            shutdown_tx,
            server: Some(server),
            dispatcher: Some(dispatcher),
        })
    }

    /// Starts the server on a thread of its own (for sync tests and command-line tools).
    pub fn start_blocking(self) -> Result<BlockingEmulator, EmulatorError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bitrix-emulator".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(EmulatorError::Runtime(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match self.start().await {
                        Ok(emu) => {
                            let _ = ready_tx.send(Ok(emu.handle.clone()));
                            let _ = stop_rx.await;
                            emu.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(EmulatorError::Runtime)?;
        let handle = ready_rx.recv().map_err(|_| EmulatorError::ThreadGone)??;
        Ok(BlockingEmulator {
            handle,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

fn random_secret() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let mut rng = Rng::new(nanos ^ u64::from(std::process::id()).rotate_left(32));
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..16)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// OAuth tokens issued by the emulator. Debug hides them.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthTokens {
    /// Pass as `auth=` with each call to the client endpoint.
    pub access_token: String,
    /// Exchange at the token endpoint for a new pair (once).
    pub refresh_token: String,
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .finish()
    }
}

/// The OAuth application the token endpoint accepts. Debug hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// `client_id` for the token endpoint.
    pub client_id: String,
    /// `client_secret` for the token endpoint.
    pub client_secret: String,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// What both [`Emulator`] and [`BlockingEmulator`] offer: URLs, counters and run-time
/// switches. Every setter takes effect for the next request.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("addr", &self.shared.addr)
            .field("user_id", &self.shared.user_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl Handle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// `http://127.0.0.1:PORT` plus the "moved portal" prefix when one is set.
    pub fn base_url(&self) -> String {
        let prefix = lock(&self.shared.cfg).moved_to.clone().unwrap_or_default();
        format!("http://{}{}", self.shared.addr, prefix)
    }

    /// `http://127.0.0.1:PORT/rest/{user}/{secret}/`. Contains the secret: do not log it.
    pub fn webhook_url(&self) -> String {
        format!(
            "{}/rest/{}/{}/",
            self.base_url(),
            self.shared.user_id,
            self.shared.secret
        )
    }

    /// The OAuth client endpoint (`.../rest/`); pass `auth=TOKEN` with each call.
    pub fn client_endpoint(&self) -> String {
        format!("{}/rest/", self.base_url())
    }

    /// The token endpoint (`.../oauth/token/`) for `grant_type=refresh_token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token/", self.base_url())
    }

    /// The OAuth application the token endpoint accepts.
    pub fn oauth_client(&self) -> OAuthClient {
        let t = lock(&self.shared.tokens);
        OAuthClient {
            client_id: t.client_id.clone(),
            client_secret: t.client_secret.clone(),
        }
    }

    /// Issues a fresh access/refresh token pair for the webhook's user.
    pub fn issue_oauth_tokens(&self) -> OAuthTokens {
        let lifetime = lock(&self.shared.cfg).token_lifetime;
        let (access_token, refresh_token) =
            lock(&self.shared.tokens).issue(self.shared.user_id, lifetime);
        OAuthTokens {
            access_token,
            refresh_token,
        }
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.shared.cfg).token_lifetime = lifetime;
    }

    /// The `auth[application_token]` events carry.
    pub fn application_token(&self) -> String {
        self.shared.identity.application_token.clone()
    }

    /// The counters now.
    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    /// Sets every counter to zero.
    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }

    /// The quirks and limits in force.
    pub fn quirks(&self) -> Quirks {
        lock(&self.shared.cfg).quirks.clone()
    }

    /// Replaces the quirks and limits (the bucket level and operating time used are kept;
    /// see [`reset_limits`](Self::reset_limits)).
    pub fn set_quirks(&self, quirks: Quirks) {
        lock(&self.shared.cfg).quirks = quirks;
    }

    /// Empties the leaky bucket and forgets operating time used so far.
    pub fn reset_limits(&self) {
        lock(&self.shared.bucket).reset();
        lock(&self.shared.operating).reset();
    }

    /// The fault settings in force.
    pub fn faults(&self) -> Faults {
        lock(&self.shared.cfg).faults.clone()
    }

    /// Replaces the fault settings and restarts their sequence from `faults.seed`.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.fault_rng) = Rng::new(faults.seed);
        lock(&self.shared.cfg).faults = faults;
    }

    /// Replaces the event delivery settings and restarts their sequence from `seed`.
    pub fn set_event_delivery(&self, delivery: EventDelivery) {
        let seed = delivery.seed;
        *lock(&self.shared.delivery) = (delivery, Rng::new(seed));
    }

    /// "Moved portal": with `Some("/new")`, requests outside `/new` are answered 302 with a
    /// `Location` under `/new`, which serves the API. `None` undoes it.
    pub fn set_moved_to(&self, prefix: Option<&str>) {
        let prefix = prefix
            .map(|p| format!("/{}", p.trim_matches('/')))
            .filter(|p| p != "/");
        lock(&self.shared.cfg).moved_to = prefix;
    }
}

/// A running emulator on the caller's tokio runtime. Dropping it stops the listener.
pub struct Emulator {
    handle: Handle,
    shutdown_tx: watch::Sender<bool>,
    server: Option<tokio::task::JoinHandle<()>>,
    dispatcher: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl Deref for Emulator {
    type Target = Handle;

    fn deref(&self) -> &Handle {
        &self.handle
    }
}

impl Emulator {
    /// A builder with the defaults: the built-in portal, no records, 127.0.0.1 on a free
    /// port, every quirk on, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// A handle that outlives borrows of the emulator (e.g. to move into a task).
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Stops accepting connections and ends open ones.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(dispatcher) = self.dispatcher.take() {
            dispatcher.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
        for task in [self.server.take(), self.dispatcher.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}

/// An emulator running on its own thread and runtime. Dropping it stops it.
pub struct BlockingEmulator {
    handle: Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for BlockingEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingEmulator")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl Deref for BlockingEmulator {
    type Target = Handle;

    fn deref(&self) -> &Handle {
        &self.handle
    }
}

impl BlockingEmulator {
    /// A handle that outlives borrows of the emulator.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for BlockingEmulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}
