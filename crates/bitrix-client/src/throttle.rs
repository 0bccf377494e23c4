//! Client-side throttling: a leaky bucket that keeps requests under the portal's own, and the
//! per-method pauses that `OPERATION_TIME_LIMIT` asks for.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The portal's request bucket, mirrored on the client so that requests wait here instead of
/// being refused there.
///
/// The portal adds one to a counter per HTTP request (a whole batch counts once), drains it
/// at `drain_per_sec`, and refuses requests above `burst` with 503 `QUERY_LIMIT_EXCEEDED`.
/// This limiter schedules each request at the earliest time the same bucket would accept
/// it. Every client (and task) that talks to one portal from one address must share one
/// limiter, since the portal counts them together:
///
/// ```
/// use std::sync::Arc;
/// use bitrix_client::RateLimiter;
///
/// let shared = Arc::new(RateLimiter::enterprise());
/// assert_eq!(shared.burst(), 250.0);
/// ```
///
/// The schedule drains 5% slower than the plan, because the portal's bucket is not in step
/// with ours (its clock, other clients on the same address); the refusals that still happen
/// are retried.
///
/// The limiter also learns from refusals: each one (at most one per quarter second) cuts
/// the rate it schedules by 40%, and every accepted request wins back 0.3% of it, up to the
/// configured rate. A limiter set higher than the portal allows, or a portal whose bucket
/// other applications on the same address also fill, thus settles near the real rate instead
/// of meeting refusal after refusal.
#[derive(Debug)]
pub struct RateLimiter {
    drain_per_sec: f64,
    burst: f64,
    origin: Instant,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Theoretical arrival time of the next request, in seconds since `origin` (the GCRA
    /// formulation of a leaky bucket).
    tat: f64,
    /// Share of the configured rate in use, lowered by refusals.
    factor: f64,
    last_decrease: f64,
}

const MIN_FACTOR: f64 = 1.0 / 1024.0;
const DECREASE_EVERY: f64 = 0.25;
const DECREASE: f64 = 0.6;
const INCREASE: f64 = 1.003;

const DRAIN_MARGIN: f64 = 0.95;

impl RateLimiter {
    /// A bucket of `burst` requests that drains `drain_per_sec` per second. Values below the
    /// smallest meaningful ones (one request, a millionth per second) are raised to them.
    pub fn new(drain_per_sec: f64, burst: f64) -> Self {
        let drain_per_sec = if drain_per_sec.is_finite() {
            drain_per_sec.max(1e-6)
        } else {
            1e-6
        };
        let burst = if burst.is_finite() {
            burst.max(1.0)
        } else {
            1.0
        };
        RateLimiter {
            drain_per_sec,
            burst,
            origin: Instant::now(),
            state: Mutex::new(State {
                tat: 0.0,
                factor: 1.0,
                last_decrease: f64::NEG_INFINITY,
            }),
        }
    }

    /// Cloud plans other than Enterprise: 2 per second, 50 at once.
    pub fn standard() -> Self {
        RateLimiter::new(2.0, 50.0)
    }

    /// Enterprise: 5 per second, 250 at once.
    pub fn enterprise() -> Self {
        RateLimiter::new(5.0, 250.0)
    }

    pub fn drain_per_sec(&self) -> f64 {
        self.drain_per_sec
    }

    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// The rate currently scheduled, after what refusals taught (at most `drain_per_sec`).
    pub fn current_rate(&self) -> f64 {
        self.drain_per_sec * self.lock().factor
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn interval(&self, state: &State) -> f64 {
        1.0 / (self.drain_per_sec * state.factor * DRAIN_MARGIN)
    }

    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    /// Reserves a place for one request and returns how long to wait before sending it.
    pub fn reserve(&self) -> Duration {
        let now = self.now();
        let mut state = self.lock();
        let t = self.interval(&state);
        let tolerance = (self.burst - 1.0) * t;
        let send_at = now.max(state.tat - tolerance);
        state.tat = state.tat.max(send_at) + t;
        Duration::from_secs_f64((send_at - now).max(0.0))
    }

    /// The portal accepted a request: win back a little of the rate lost to refusals.
    pub fn on_accepted(&self) {
        let mut state = self.lock();
        if state.factor < 1.0 {
            state.factor = (state.factor * INCREASE).min(1.0);
        }
    }

    /// Waits until one more request fits.
    pub async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tracing::trace!(
                wait_ms = wait.as_millis() as u64,
                "waiting for the rate limiter"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// The portal refused a request as over its limit: its bucket is full now, whatever ours
    /// says, so the next request may go only after one drain interval.
    pub fn on_refused(&self) {
        let now = self.now();
        let mut state = self.lock();
        if now - state.last_decrease >= DECREASE_EVERY {
            state.factor = (state.factor * DECREASE).max(MIN_FACTOR);
            state.last_decrease = now;
            tracing::debug!(
                rate = self.drain_per_sec * state.factor,
                "request refused for the rate limit; scheduling fewer requests"
            );
        }
        let t = self.interval(&state);
        let tolerance = (self.burst - 1.0) * t;
        state.tat = state.tat.max(now + tolerance + t);
    }
}

/// Methods paused by `OPERATION_TIME_LIMIT`, and the last `operating_reset_at` seen per
/// method (used when a refusal arrives without a `time` block).
#[derive(Debug, Default)]
pub(crate) struct OperatingPauses {
    inner: Mutex<Pauses>,
}

#[derive(Debug, Default)]
struct Pauses {
    until: HashMap<String, Instant>,
    last_reset: HashMap<String, Instant>,
}

impl OperatingPauses {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pauses> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long `method` must still wait.
    pub(crate) fn remaining(&self, method: &str) -> Duration {
        self.lock()
            .until
            .get(&method.to_ascii_lowercase())
            .map(|until| until.saturating_duration_since(Instant::now()))
            .unwrap_or_default()
    }

    /// Pauses `method` for `wait` from now (a longer pause already set wins).
    pub(crate) fn pause(&self, method: &str, wait: Duration) {
        let now = Instant::now();
        let mut pauses = self.lock();
        let slot = pauses
            .until
            .entry(method.to_ascii_lowercase())
            .or_insert(now + wait);
        if *slot < now + wait {
            *slot = now + wait;
        }
        // Keep the map from growing with long-past pauses.
        pauses.until.retain(|_, until| *until > now);
    }

    /// Remembers when `method`'s oldest operating-time charge leaves the window, from a
    /// successful answer's `time` block.
    pub(crate) fn saw_reset(&self, method: &str, in_: Duration) {
        let now = Instant::now();
        let mut pauses = self.lock();
        pauses
            .last_reset
            .insert(method.to_ascii_lowercase(), now + in_);
        pauses.last_reset.retain(|_, at| *at > now);
    }

    /// The wait until the last `operating_reset_at` seen for `method`, if still ahead.
    pub(crate) fn known_reset(&self, method: &str) -> Option<Duration> {
        let at = *self.lock().last_reset.get(&method.to_ascii_lowercase())?;
        let wait = at.saturating_duration_since(Instant::now());
        (!wait.is_zero()).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_goes_at_once_then_one_per_interval() {
        let limiter = RateLimiter::new(10.0, 5.0);
        let waits: Vec<Duration> = (0..8).map(|_| limiter.reserve()).collect();
        assert!(waits[..5].iter().all(|w| w.is_zero()), "{waits:?}");
        let t = 1.0 / (10.0 * DRAIN_MARGIN);
        for (k, w) in waits[5..].iter().enumerate() {
            let expected = t * (k as f64 + 1.0);
            assert!(
                (w.as_secs_f64() - expected).abs() < 0.01,
                "request {}: waited {w:?}, expected {expected}",
                k + 5
            );
        }
    }

    #[test]
    fn a_refusal_fills_the_bucket_and_lowers_the_rate() {
        let limiter = RateLimiter::new(10.0, 50.0);
        assert!(limiter.reserve().is_zero());
        limiter.on_refused();
        assert!((limiter.current_rate() - 6.0).abs() < 1e-9);
        let w = limiter.reserve().as_secs_f64();
        let t = 1.0 / (6.0 * DRAIN_MARGIN);
        assert!((w - t).abs() < 0.01, "{w}");
        // A second refusal right away is the same congestion: no second cut.
        limiter.on_refused();
        assert!((limiter.current_rate() - 6.0).abs() < 1e-9);
        for _ in 0..100 {
            limiter.on_accepted();
        }
        assert!(limiter.current_rate() < 9.0, "the rate is won back slowly");
        for _ in 0..300 {
            limiter.on_accepted();
        }
        assert_eq!(
            limiter.current_rate(),
            10.0,
            "accepted requests win the rate back"
        );
    }

    #[test]
    fn silly_settings_are_clamped() {
        let limiter = RateLimiter::new(f64::NAN, 0.0);
        assert_eq!(limiter.burst(), 1.0);
        assert!(limiter.drain_per_sec() > 0.0);
    }

    #[test]
    fn pauses_are_per_method_and_case_insensitive() {
        let p = OperatingPauses::default();
        p.pause("crm.deal.list", Duration::from_secs(30));
        assert!(p.remaining("CRM.DEAL.LIST") > Duration::from_secs(29));
        assert!(p.remaining("crm.deal.get").is_zero());
        p.pause("crm.deal.list", Duration::from_secs(1));
        assert!(p.remaining("crm.deal.list") > Duration::from_secs(29));
    }

    #[test]
    fn the_last_reset_seen_is_kept_per_method() {
        let p = OperatingPauses::default();
        assert_eq!(p.known_reset("crm.deal.list"), None);
        p.saw_reset("crm.deal.list", Duration::from_secs(120));
        let wait = p.known_reset("CRM.DEAL.LIST").unwrap();
        assert!(wait > Duration::from_secs(119) && wait <= Duration::from_secs(120));
        assert_eq!(p.known_reset("crm.deal.get"), None);
        p.saw_reset("crm.deal.get", Duration::ZERO);
        assert_eq!(p.known_reset("crm.deal.get"), None);
    }
}
