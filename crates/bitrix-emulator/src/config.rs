//! Run-time switches: the real portal's quirks, its limits, injected faults and event
//! delivery. Each can be changed while the emulator runs.

use std::time::Duration;

/// Behaviours of the real portal that surprise clients. All on by default, because that is
/// what a real portal does; switch one off to check that a client does not depend on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quirks {
    /// Unknown field names in `fields` of add/update are ignored and the call succeeds.
    /// Off: the call fails with 400 `INVALID_ARG_VALUE` naming the field.
    pub drop_unknown_fields: bool,
    /// Enumeration values that are not an item id of the list (other ids, labels) are
    /// dropped silently and update still answers `true`. Off: 400
    /// `CRM_FIELD_ERROR_VALUE_NOT_VALID`.
    pub drop_invalid_enum_values: bool,
    /// `crm.item.update` with `[]` for a multiple field keeps the old values. Off: `[]`
    /// clears the field.
    pub ignore_empty_multiple_on_item_update: bool,
    /// The per-portal leaky bucket (HTTP 503 `QUERY_LIMIT_EXCEEDED`). `None`: no limit.
    pub rate_limit: Option<RateLimit>,
    /// The per-method operating-time limit (HTTP 429 `OPERATION_TIME_LIMIT`). `None`: no
    /// limit.
    pub operating_limit: Option<OperatingLimit>,
}

impl Default for Quirks {
    fn default() -> Self {
        Self {
            drop_unknown_fields: true,
            drop_invalid_enum_values: true,
            ignore_empty_multiple_on_item_update: true,
            rate_limit: Some(RateLimit::default()),
            operating_limit: Some(OperatingLimit::default()),
        }
    }
}

impl Quirks {
    /// Every quirk and limit off: a strict, unlimited portal.
    pub fn none() -> Self {
        Self {
            drop_unknown_fields: false,
            drop_invalid_enum_values: false,
            ignore_empty_multiple_on_item_update: false,
            rate_limit: None,
            operating_limit: None,
        }
    }
}

/// Leaky bucket per portal: each HTTP request (a whole batch too) adds 1, the level drains at
/// `drain_per_sec`, and a request that would lift it above `burst` is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    /// How fast the bucket empties, in requests per second.
    pub drain_per_sec: f64,
    /// How many requests the bucket holds.
    pub burst: f64,
}

impl Default for RateLimit {
    /// The cloud values for non-enterprise plans: 2 per second, 50 at once.
    fn default() -> Self {
        Self {
            drain_per_sec: 2.0,
            burst: 50.0,
        }
    }
}

/// Accumulated execution time per method over a sliding window. The emulator charges a
/// simulated cost per call (its own time would be far below any real budget).
#[derive(Debug, Clone, PartialEq)]
pub struct OperatingLimit {
    /// Time a method may use within `window` before it is blocked.
    pub budget: Duration,
    /// The sliding window the budget applies to.
    pub window: Duration,
    /// Charged for every call of a method.
    pub cost_per_call: Duration,
    /// Charged per row the storage stepped through (list pages with deep offsets cost more).
    pub cost_per_row: Duration,
}

impl Default for OperatingLimit {
    /// 480 s per method over 10 minutes, as documented for the cloud.
    fn default() -> Self {
        Self {
            budget: Duration::from_secs(480),
            window: Duration::from_secs(600),
            cost_per_call: Duration::from_millis(20),
            cost_per_row: Duration::from_micros(20),
        }
    }
}

/// Infrastructure failures to inject, decided per HTTP request from a seeded sequence (the
/// same seed and the same order of requests give the same faults).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Faults {
    /// Seed of the per-request fault sequence.
    pub seed: u64,
    /// Share of requests answered with 500 or 503 and an HTML body, not executed.
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer, not executed.
    pub drop_rate: f64,
    /// Share of requests that are executed but whose answer is lost (connection closed).
    pub lost_answer_rate: f64,
    /// Added to every request.
    pub latency: Duration,
    /// Up to this much more, drawn per request.
    pub latency_jitter: Duration,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// A share of requests (split evenly between HTML errors, dropped connections and lost
    /// answers) fails.
    pub fn with_rate(seed: u64, rate: f64) -> Self {
        Self {
            seed,
            error_rate: rate / 3.0,
            drop_rate: rate / 3.0,
            lost_answer_rate: rate / 3.0,
            ..Self::default()
        }
    }
}

/// How events reach bound handlers. The real portal sends them from a queue: late, in any
/// order, sometimes twice, never retried.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDelivery {
    /// Seed of reordering and duplication.
    pub seed: u64,
    /// Wait before sending; events raised within this time are sent as one group.
    pub delay: Duration,
    /// Shuffle each group.
    pub reorder: bool,
    /// Share of events sent twice.
    pub duplicate_rate: f64,
    /// Per-delivery timeout.
    pub timeout: Duration,
}

impl Default for EventDelivery {
    fn default() -> Self {
        Self {
            seed: 0,
            delay: Duration::from_millis(20),
            reorder: false,
            duplicate_rate: 0.0,
            timeout: Duration::from_secs(5),
        }
    }
}
