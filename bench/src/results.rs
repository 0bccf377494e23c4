//! What one run of the benchmarks measured, as written to `results.json` and read by the
//! report. Every figure sits next to the baseline it is compared with.

use serde::{Deserialize, Serialize};

/// The emulator's counters over one run (a subset of
/// [`bitrix_emulator::CounterSnapshot`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub http_requests: u64,
    pub commands: u64,
    pub rows_scanned: u64,
    pub counts_run: u64,
    pub refused_rate_limit: u64,
    pub refused_operating_limit: u64,
}

impl From<bitrix_emulator::CounterSnapshot> for Work {
    fn from(c: bitrix_emulator::CounterSnapshot) -> Self {
        Work {
            http_requests: c.http_requests,
            commands: c.commands,
            rows_scanned: c.rows_scanned,
            counts_run: c.counts_run,
            refused_rate_limit: c.refused_rate_limit,
            refused_operating_limit: c.refused_operating_limit,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRun {
    pub label: String,
    pub seconds: f64,
    pub work: Work,
    pub entities: usize,
    pub fields: usize,
    pub failure: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResult {
    pub smart_processes: usize,
    pub user_fields_each: usize,
    pub latency_ms: u64,
    pub ours: PullRun,
    pub naive: PullRun,
    /// Whether both pulls built the same schema.
    pub same_schema: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportRun {
    pub client: String,
    pub deals: usize,
    pub latency_ms: u64,
    pub seconds: f64,
    /// Records received (for a capped or failed run, those received before it stopped).
    pub records: u64,
    pub unique_ids: u64,
    pub work: Work,
    /// The wall-clock cap, and whether the run hit it.
    pub cap_seconds: f64,
    pub capped: bool,
    pub failure: Option<String>,
}

impl ExportRun {
    pub fn complete(&self) -> bool {
        !self.capped && self.failure.is_none() && self.unique_ids == self.deals as u64
    }

    /// Records received. A fast-bitrix24 run that hit its cap was ended before it could
    /// report, so its progress is read from the emulator: every page it was served ran one
    /// COUNT and returned 50 deals.
    pub fn records_received(&self) -> u64 {
        if self.capped && self.client.starts_with("fast-bitrix24") {
            (self.work.counts_run * 50).min(self.deals as u64)
        } else {
            self.records
        }
    }

    /// For a capped run: the time a whole export would take at the rate measured so far.
    /// A lower bound for offset paging, whose later pages cost more than the early ones.
    pub fn projected_seconds(&self) -> Option<f64> {
        let records = self.records_received();
        (self.capped && records > 0).then(|| self.seconds * self.deals as f64 / records as f64)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateResult {
    pub deals: usize,
    pub updates: usize,
    pub seconds: f64,
    pub work: Work,
    /// `(requests - burst) / drain rate`: the fastest the portal's bucket allows.
    pub bound_seconds: f64,
    /// Read back after the run.
    pub records_total: u64,
    pub records_with_new_value: u64,
    pub update_commands_executed: u64,
    pub failures: u64,
    pub failure: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompileRun {
    pub label: String,
    /// `None` when the step did not run or failed.
    pub cold_seconds: Option<f64>,
    pub warm_seconds: Option<f64>,
    pub failure: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerationResult {
    pub fields: usize,
    pub entities: usize,
    pub generated_lines: usize,
    pub generate_seconds: f64,
    /// Formatting the same fields as plain serde structs (the floor of any generator).
    pub floor_lines: usize,
    pub floor_format_seconds: f64,
    pub compile_command: String,
    pub generated: CompileRun,
    pub floor: CompileRun,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub memory: String,
    pub date: String,
    pub rustc: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Results {
    pub machine: Option<Machine>,
    pub command: String,
    pub pull: Option<PullResult>,
    pub exports: Vec<ExportRun>,
    /// Export settings that were not run, with the reason (shown in the table).
    pub exports_skipped: Vec<String>,
    pub update: Option<UpdateResult>,
    pub generation: Option<GenerationResult>,
    pub total_seconds: f64,
}
