//! An async Bitrix24 REST client for CRM integrations.
//!
//! - [`Client`]: webhook or OAuth auth (token refreshed on `expired_token`), JSON POSTs,
//!   redirects of a moved portal followed as POSTs, a client-side [`RateLimiter`] shaped like
//!   the portal's, retries with backoff and jitter ([`RetryPolicy`]), `OPERATION_TIME_LIMIT`
//!   pauses per method.
//! - Errors ([`Error`], [`ApiError`]) carry the method and the portal's code and
//!   description; secrets never appear in errors, logs or `Debug`.
//! - [`Batch`]: named commands, chunks of 50, `$result[...]` references, an outcome per
//!   command, passing failures of single commands retried on their own.
//! - [`Client::list`]: full exports by ID cursor without COUNT, many pages per request.
//! - [`Client::records`]: typed get/list/add/update/delete over generated
//!   [`CrmEntity`](bitrix_schema::entity::CrmEntity) types in either method family, updates
//!   verified by re-reading ([`Verify`]), creates safe to repeat ([`Records::add_once`]).
//! - Events: [`EventVerifier`] parses and checks event posts, [`Reconciler`] collapses them
//!   into one "re-read this record" [`Signal`] per record.

mod auth;
mod batch;
mod client;
mod error;
mod events;
mod list;
mod phpquery;
mod records;
mod response;
mod retry;
mod secret;
mod throttle;

pub use auth::{Auth, OAuth, OnRefresh, TokenPair, Webhook};
pub use batch::{Batch, BatchResults, Command, CommandOutcome, MAX_COMMANDS};
pub use client::{Client, ClientBuilder, Repeat};
pub use error::{ApiError, Error, ErrorKind, Mismatch, TransportError, TransportKind, VerifyError};
pub use events::{
    Action, EntityKey, Event, EventAuth, EventError, EventVerifier, Observed, Reconciler, Signal,
    parse_event,
};
pub use list::{ListSpec, Lister, PAGE_SIZE};
pub use records::{Created, Records, TypedLister, Verified, Verify};
pub use response::{Response, TimeInfo};
pub use retry::RetryPolicy;
pub use secret::{Secret, redact_url};
pub use throttle::RateLimiter;

pub use bitrix_schema::value::Target;
