//! How failed calls are retried: exponential backoff with jitter, bounded in attempts and
//! in time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Bounds for retries. The defaults suit a background sync; an interactive caller may want
/// fewer attempts and a shorter `max_elapsed`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call, the first one included. At least 1.
    pub max_attempts: u32,
    /// The first backoff; each next one doubles, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry starts later than this after the first attempt.
    pub max_elapsed: Duration,
    /// The longest wait accepted for an `OPERATION_TIME_LIMIT` pause. A longer one fails at
    /// once with [`Error::Paused`](crate::Error::Paused) instead of blocking the caller.
    pub max_operating_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(90),
            max_operating_pause: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1): half the exponential
    /// step plus a random part of the other half, so that clients that failed together do not
    /// come back together.
    pub(crate) fn backoff(&self, attempt: u32, jitter: &Jitter) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        let step = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(jitter.next_unit())
    }
}

/// A small random source for jitter (splitmix64); quality does not matter, independence
/// between processes does, hence the time-based seed.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    pub(crate) fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9);
        Jitter(AtomicU64::new(
            nanos ^ u64::from(std::process::id()).rotate_left(29),
        ))
    }

    /// A number in `[0, 1)`.
    pub(crate) fn next_unit(&self) -> f64 {
        let mut z = self
            .0
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            ..RetryPolicy::default()
        };
        let jitter = Jitter::new();
        for (attempt, step_ms) in [(1, 100), (2, 200), (3, 400), (4, 700), (9, 700)] {
            for _ in 0..20 {
                let d = policy.backoff(attempt, &jitter).as_millis() as u64;
                assert!(
                    (step_ms / 2..=step_ms).contains(&d),
                    "attempt {attempt}: {d} ms outside {}..={step_ms}",
                    step_ms / 2
                );
            }
        }
    }

    #[test]
    fn jitter_varies_and_stays_in_range() {
        let j = Jitter::new();
        let draws: Vec<f64> = (0..100).map(|_| j.next_unit()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        let distinct = draws
            .iter()
            .map(|x| (x * 1000.0) as u32)
            .collect::<std::collections::BTreeSet<_>>();
        assert!(distinct.len() > 50, "{}", distinct.len());
    }
}
