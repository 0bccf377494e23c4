//! The two documented limits: the per-portal leaky bucket and the per-method operating time.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::config::{OperatingLimit, RateLimit};

#[derive(Debug)]
pub(crate) struct LeakyBucket {
    level: f64,
    last: Instant,
}

impl LeakyBucket {
    pub(crate) fn new() -> Self {
        Self {
            level: 0.0,
            last: Instant::now(),
        }
    }

    /// Adds one request if it fits; a refused request does not fill the bucket.
    pub(crate) fn admit(&mut self, cfg: &RateLimit, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.level = (self.level - elapsed * cfg.drain_per_sec).max(0.0);
        if self.level + 1.0 > cfg.burst {
            return false;
        }
        self.level += 1.0;
        true
    }

    pub(crate) fn reset(&mut self) {
        self.level = 0.0;
    }
}

/// Charges per method over a sliding window.
#[derive(Debug, Default)]
pub(crate) struct Operating {
    charges: HashMap<String, VecDeque<(Instant, Duration)>>,
}

/// When a blocked method becomes callable again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Blocked {
    pub(crate) reset_in: Duration,
}

impl Operating {
    fn prune(queue: &mut VecDeque<(Instant, Duration)>, window: Duration, now: Instant) {
        while queue
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) >= window)
        {
            queue.pop_front();
        }
    }

    /// Refuses the call when the method has used its budget within the window.
    pub(crate) fn check(
        &mut self,
        cfg: &OperatingLimit,
        method: &str,
        now: Instant,
    ) -> Result<(), Blocked> {
        let Some(queue) = self.charges.get_mut(method) else {
            return Ok(());
        };
        Self::prune(queue, cfg.window, now);
        let used: Duration = queue.iter().map(|(_, d)| *d).sum();
        if used < cfg.budget {
            return Ok(());
        }
        let oldest = queue.front().map(|(at, _)| *at).unwrap_or(now);
        let reset_in = cfg
            .window
            .saturating_sub(now.saturating_duration_since(oldest));
        Err(Blocked { reset_in })
    }

    pub(crate) fn charge(&mut self, method: &str, cost: Duration, now: Instant) {
        self.charges
            .entry(method.to_owned())
            .or_default()
            .push_back((now, cost));
    }

    /// The oldest charge still inside the window: `operating_reset_at` is when it drops out.
    pub(crate) fn oldest(
        &mut self,
        cfg: &OperatingLimit,
        method: &str,
        now: Instant,
    ) -> Option<Instant> {
        let queue = self.charges.get_mut(method)?;
        Self::prune(queue, cfg.window, now);
        queue.front().map(|(at, _)| *at)
    }

    pub(crate) fn reset(&mut self) {
        self.charges.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refuses_above_burst_and_drains() {
        let cfg = RateLimit {
            drain_per_sec: 2.0,
            burst: 3.0,
        };
        let mut b = LeakyBucket::new();
        let t0 = Instant::now();
        assert!((0..3).all(|_| b.admit(&cfg, t0)));
        assert!(!b.admit(&cfg, t0));
        assert!(!b.admit(&cfg, t0 + Duration::from_millis(100)));
        assert!(b.admit(&cfg, t0 + Duration::from_millis(600)));
    }

    #[test]
    fn operating_blocks_one_method_until_the_window_passes() {
        let cfg = OperatingLimit {
            budget: Duration::from_secs(1),
            window: Duration::from_secs(10),
            cost_per_call: Duration::ZERO,
            cost_per_row: Duration::ZERO,
        };
        let mut o = Operating::default();
        let t0 = Instant::now();
        o.charge("crm.deal.list", Duration::from_millis(600), t0);
        assert!(o.check(&cfg, "crm.deal.list", t0).is_ok());
        o.charge(
            "crm.deal.list",
            Duration::from_millis(600),
            t0 + Duration::from_secs(1),
        );
        let blocked = o
            .check(&cfg, "crm.deal.list", t0 + Duration::from_secs(2))
            .unwrap_err();
        assert_eq!(blocked.reset_in, Duration::from_secs(8));
        assert!(
            o.check(&cfg, "crm.deal.get", t0 + Duration::from_secs(2))
                .is_ok()
        );
        assert!(
            o.check(&cfg, "crm.deal.list", t0 + Duration::from_secs(11))
                .is_ok()
        );
    }
}
