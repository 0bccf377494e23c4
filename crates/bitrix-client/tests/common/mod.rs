//! Helpers for the integration tests: an emulated portal on 127.0.0.1 and clients for it.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use bitrix_client::{Auth, Client, ClientBuilder, RateLimiter, RetryPolicy};
use bitrix_emulator::{Emulator, EmulatorBuilder, Quirks};

pub const SECRET: &str = "s3cr3tw3bh00k";

/// A portal with the default data, no limits and a known secret; tests add what they need.
pub fn portal() -> EmulatorBuilder {
    let quirks = Quirks {
        rate_limit: None,
        operating_limit: None,
        ..Quirks::default()
    };
    Emulator::builder().seed(11).secret(SECRET).quirks(quirks)
}

/// Fast retries so that fault tests finish quickly; a generous limiter (the emulator has no
/// limit unless a test sets one).
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 10,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(100),
        max_elapsed: Duration::from_secs(20),
        max_operating_pause: Duration::from_secs(10),
    }
}

pub fn builder_for(emu: &Emulator) -> ClientBuilder {
    let auth = Auth::webhook(&emu.webhook_url()).expect("webhook url");
    Client::builder(auth)
        .system_proxy(false)
        .retry(fast_retry())
        .timeout(Duration::from_secs(10))
        .rate_limiter(Arc::new(RateLimiter::new(1000.0, 1000.0)))
}

pub fn client_for(emu: &Emulator) -> Client {
    builder_for(emu).build().expect("client")
}

pub mod entities;
pub mod scripted;
