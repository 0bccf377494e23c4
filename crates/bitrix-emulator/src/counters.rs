//! What the emulator counts, so tests and benchmarks can assert on the work a client caused.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) http_requests: AtomicU64,
    pub(crate) commands: AtomicU64,
    pub(crate) rows_scanned: AtomicU64,
    pub(crate) counts_run: AtomicU64,
    pub(crate) refused_rate_limit: AtomicU64,
    pub(crate) refused_operating_limit: AtomicU64,
    pub(crate) refused_auth: AtomicU64,
    pub(crate) faults_error: AtomicU64,
    pub(crate) faults_dropped: AtomicU64,
    pub(crate) faults_lost_answer: AtomicU64,
    pub(crate) faults_latency: AtomicU64,
    pub(crate) events_delivered: AtomicU64,
    pub(crate) events_failed: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// HTTP requests received (a batch is one).
    pub http_requests: u64,
    /// Methods executed: a single call is one, a batch counts each sub-call.
    pub commands: u64,
    /// Rows the storage stepped through (full-scan steps plus rows returned).
    pub rows_scanned: u64,
    /// `COUNT(*)` queries run for list `total`s.
    pub counts_run: u64,
    /// Requests refused with 503 `QUERY_LIMIT_EXCEEDED`.
    pub refused_rate_limit: u64,
    /// Calls refused with 429 `OPERATION_TIME_LIMIT` (batch sub-calls included).
    pub refused_operating_limit: u64,
    /// Requests refused for bad credentials or expired tokens.
    pub refused_auth: u64,
    /// Requests answered with an injected 500/503 HTML page.
    pub faults_error: u64,
    /// Connections closed without an answer.
    pub faults_dropped: u64,
    /// Requests executed whose answer was then dropped.
    pub faults_lost_answer: u64,
    /// Requests delayed by injected latency.
    pub faults_latency: u64,
    /// Event deliveries the handler answered with 2xx.
    pub events_delivered: u64,
    /// Event deliveries that failed (not retried).
    pub events_failed: u64,
}

impl CounterSnapshot {
    /// All injected faults together.
    pub fn faults_injected(&self) -> u64 {
        self.faults_error + self.faults_dropped + self.faults_lost_answer + self.faults_latency
    }
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CounterSnapshot {
            http_requests: g(&self.http_requests),
            commands: g(&self.commands),
            rows_scanned: g(&self.rows_scanned),
            counts_run: g(&self.counts_run),
            refused_rate_limit: g(&self.refused_rate_limit),
            refused_operating_limit: g(&self.refused_operating_limit),
            refused_auth: g(&self.refused_auth),
            faults_error: g(&self.faults_error),
            faults_dropped: g(&self.faults_dropped),
            faults_lost_answer: g(&self.faults_lost_answer),
            faults_latency: g(&self.faults_latency),
            events_delivered: g(&self.events_delivered),
            events_failed: g(&self.events_failed),
        }
    }

    pub(crate) fn reset(&self) {
        for c in [
            &self.http_requests,
            &self.commands,
            &self.rows_scanned,
            &self.counts_run,
            &self.refused_rate_limit,
            &self.refused_operating_limit,
            &self.refused_auth,
            &self.faults_error,
            &self.faults_dropped,
            &self.faults_lost_answer,
            &self.faults_latency,
            &self.events_delivered,
            &self.events_failed,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}
