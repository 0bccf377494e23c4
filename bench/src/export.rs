//! Scenario 2: exporting every deal of a large portal.
//!
//! - ours: [`bitrix_client::Lister`] (ID cursor, `start=-1`, pages chained in batches);
//! - fast-bitrix24 `get_all('crm.deal.list')`, run by `scripts/fast_bitrix24_export.py` in
//!   a venv;
//! - naive offset paging: `start=0,50,100,...`, one request each, with the COUNT the portal
//!   runs for `total`.
//!
//! Every contender gets the same emulator, with the bucket and the operating-time budget
//! emptied and the counters zeroed before it starts, and a wall-clock cap.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bitrix_client::{Client, ListSpec};
use bitrix_emulator::{Emulator, Faults};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use crate::pull::client_for;
use crate::results::{ExportRun, Work};

/// Pages chained per request by our export: the most a batch holds.
pub const OUR_PAGES_PER_REQUEST: usize = 50;

#[derive(Debug, Clone)]
pub struct Caps {
    pub ours: Duration,
    pub fast_bitrix24: Duration,
    pub naive: Duration,
}

/// How to run fast-bitrix24; `None` skips it.
#[derive(Debug, Clone)]
pub struct Python {
    pub interpreter: PathBuf,
    pub script: PathBuf,
}

/// IDs seen, counted without keeping the records.
#[derive(Default)]
struct Tally {
    records: u64,
    ids: HashSet<u64>,
}

impl Tally {
    fn add(&mut self, row: &serde_json::Map<String, Value>) {
        self.records += 1;
        let id = match row.get("ID") {
            Some(Value::String(s)) => s.parse().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        if let Some(id) = id {
            self.ids.insert(id);
        }
    }
}

fn run_record(
    client: &str,
    deals: usize,
    latency: Duration,
    cap: Duration,
    started: Instant,
) -> ExportRun {
    ExportRun {
        client: client.to_owned(),
        deals,
        latency_ms: latency.as_millis() as u64,
        seconds: started.elapsed().as_secs_f64(),
        records: 0,
        unique_ids: 0,
        work: Work::default(),
        cap_seconds: cap.as_secs_f64(),
        capped: false,
        failure: None,
    }
}

async fn ours(client: &Client, tally: &mut Tally) -> Result<(), String> {
    let spec = ListSpec::new("crm.deal.list", json!({}))
        .map_err(|e| e.to_string())?
        .max_pages_per_request(OUR_PAGES_PER_REQUEST);
    let mut lister = client.list(spec).map_err(|e| e.to_string())?;
    while let Some(row) = lister.next().await.map_err(|e| e.to_string())? {
        tally.add(&row);
    }
    Ok(())
}

async fn naive(client: &Client, tally: &mut Tally) -> Result<(), String> {
    let mut start: u64 = 0;
    loop {
        let page = client
            .call(
                "crm.deal.list",
                json!({"order": {"ID": "ASC"}, "start": start}),
            )
            .await
            .map_err(|e| e.to_string())?;
        let rows = page.result.as_array().cloned().unwrap_or_default();
        for row in rows.iter().filter_map(Value::as_object) {
            tally.add(row);
        }
        match page.next {
            Some(next) if next > start => start = next,
            _ => return Ok(()),
        }
    }
}

/// Lets a request left in flight by a capped contender finish before the counters are reset,
/// so that its work is not counted against the next contender.
async fn settle(emu: &Emulator, latency: Duration) {
    tokio::time::sleep(Duration::from_secs(1) + 2 * latency).await;
    emu.reset_limits();
    emu.reset_counters();
}

/// Runs one in-process contender under its cap.
async fn in_process(
    label: &str,
    emu: &Emulator,
    deals: usize,
    latency: Duration,
    cap: Duration,
    naive_paging: bool,
) -> ExportRun {
    settle(emu, latency).await;
    let client = match client_for(&emu.webhook_url()) {
        Ok(c) => c,
        Err(e) => {
            let mut r = run_record(label, deals, latency, cap, Instant::now());
            r.failure = Some(e.to_string());
            return r;
        }
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    let outcome = {
        let work = async {
            if naive_paging {
                naive(&client, &mut tally).await
            } else {
                ours(&client, &mut tally).await
            }
        };
        tokio::time::timeout(cap, work).await
    };
    let mut r = run_record(label, deals, latency, cap, started);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => r.failure = Some(e),
        Err(_) => r.capped = true,
    }
    r.records = tally.records;
    r.unique_ids = tally.ids.len() as u64;
    r.work = Work::from(emu.counters());
    r
}

/// What the Python script prints as its last stdout line.
#[derive(serde::Deserialize)]
struct PythonReport {
    records: u64,
    unique_ids: u64,
    /// Measured by the script around `get_all`, so interpreter start and imports are not
    /// counted against fast-bitrix24.
    seconds: f64,
    error: Option<String>,
}

async fn fast_bitrix24(
    python: &Python,
    emu: &Emulator,
    deals: usize,
    latency: Duration,
    cap: Duration,
) -> ExportRun {
    settle(emu, latency).await;
    let label = "fast-bitrix24 get_all";
    let started = Instant::now();
    let spawned = tokio::process::Command::new(&python.interpreter)
        .arg(&python.script)
        .arg(emu.webhook_url())
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env("NO_PROXY", "*")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            let mut r = run_record(label, deals, latency, cap, started);
            r.failure = Some(format!(
                "cannot start {}: {e}",
                python.interpreter.display()
            ));
            return r;
        }
    };
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let read_all = async {
        let mut out = String::new();
        let mut err = String::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_string(&mut out).await;
        }
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_string(&mut err).await;
        }
        let status = child.wait().await;
        (out, err, status)
    };
    let outcome = tokio::time::timeout(cap, read_all).await;
    let mut r = run_record(label, deals, latency, cap, started);
    r.work = Work::from(emu.counters());
    match outcome {
        Err(_) => {
            // The child was moved into the timed-out future, which is dropped here;
            // kill_on_drop ends the process we started.
            r.capped = true;
            r.records = r.records_received();
        }
        Ok((out, err, status)) => {
            let report = out
                .lines()
                .last()
                .and_then(|l| serde_json::from_str::<PythonReport>(l).ok());
            match report {
                Some(p) => {
                    r.seconds = p.seconds;
                    r.records = p.records;
                    r.unique_ids = p.unique_ids;
                    r.failure = p.error;
                }
                None => {
                    let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
                    r.failure = Some(format!(
                        "the script printed no report (exit {:?}): {tail}",
                        status.ok().and_then(|s| s.code())
                    ));
                }
            }
        }
    }
    r
}

/// Starts an emulator with `deals` generated deals (default limits).
pub async fn emulator(deals: usize) -> Result<Emulator, String> {
    Emulator::builder()
        .seed(7)
        .deals(deals)
        .start()
        .await
        .map_err(|e| format!("the emulator did not start with {deals} deals: {e}"))
}

/// Runs every contender at one latency on a running emulator.
pub async fn run_setting(
    emu: &Emulator,
    deals: usize,
    latency: Duration,
    caps: &Caps,
    python: Option<&Python>,
) -> Vec<ExportRun> {
    emu.set_faults(Faults {
        latency,
        ..Faults::none()
    });
    let mut runs = Vec::new();
    let label = format!("ours (ID cursor, {OUR_PAGES_PER_REQUEST} pages/request)");
    runs.push(in_process(&label, emu, deals, latency, caps.ours, false).await);
    if let Some(python) = python {
        runs.push(fast_bitrix24(python, emu, deals, latency, caps.fast_bitrix24).await);
    }
    let label = "naive offset paging";
    runs.push(in_process(label, emu, deals, latency, caps.naive, true).await);
    runs
}

/// The default script location, next to this crate's manifest.
pub fn default_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fast_bitrix24_export.py")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ours_and_naive_export_every_deal_once() {
        let emu = emulator(1234).await.unwrap();
        let caps = Caps {
            ours: Duration::from_secs(60),
            fast_bitrix24: Duration::from_secs(60),
            naive: Duration::from_secs(60),
        };
        let runs = run_setting(&emu, 1234, Duration::ZERO, &caps, None).await;
        let (ours, naive) = (&runs[0], &runs[1]);
        assert!(ours.complete(), "{ours:?}");
        assert_eq!(ours.records, 1234);
        assert_eq!(ours.work.counts_run, 0);
        assert!(ours.work.http_requests <= 6, "{ours:?}");
        assert!(naive.complete(), "{naive:?}");
        assert_eq!(naive.work.http_requests, 25);
        assert_eq!(naive.work.counts_run, 25);
        emu.shutdown().await;
    }

    #[test]
    fn a_capped_run_projects_from_its_rate() {
        let mut r = run_record(
            "x",
            1000,
            Duration::ZERO,
            Duration::from_secs(10),
            Instant::now(),
        );
        r.seconds = 10.0;
        r.records = 250;
        assert_eq!(r.projected_seconds(), None);
        r.capped = true;
        assert_eq!(r.projected_seconds(), Some(40.0));
        assert!(!r.complete());
    }
}
