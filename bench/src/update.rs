//! Scenario 3: 10,000 deal updates, 50 per `batch` request, under the default limits; the
//! wall time is set against what the portal's bucket allows, and the writes are checked by
//! reading every deal back.

use std::time::{Duration, Instant};

use bitrix_client::{Batch, CommandOutcome, ListSpec};
use bitrix_emulator::RateLimit;
use serde_json::{Value, json};

use crate::export::emulator;
use crate::pull::client_for;
use crate::results::{UpdateResult, Work};

fn new_title(id: usize) -> String {
    format!("bench update #{id}")
}

pub async fn run(deals: usize, updates: usize, cap: Duration) -> Result<UpdateResult, String> {
    let updates = updates.min(deals);
    let emu = emulator(deals).await?;
    let client = client_for(&emu.webhook_url()).map_err(|e| e.to_string())?;
    let mut batch = Batch::new();
    for id in 1..=updates {
        let params = json!({"id": id, "fields": {"TITLE": new_title(id)}});
        batch
            .push(format!("u{id}"), "crm.deal.update", params)
            .map_err(|e| e.to_string())?;
    }
    let limit = RateLimit::default();
    let requests = updates.div_ceil(bitrix_client::MAX_COMMANDS) as f64;
    let bound_seconds = ((requests - limit.burst) / limit.drain_per_sec).max(0.0);

    emu.reset_limits();
    emu.reset_counters();
    let started = Instant::now();
    let outcome = tokio::time::timeout(cap, client.batch(&batch)).await;
    let seconds = started.elapsed().as_secs_f64();
    let work = Work::from(emu.counters());
    let (failures, failure) = match outcome {
        Ok(Ok(results)) => {
            let failed = results
                .iter()
                .filter(|(_, o)| !matches!(o, CommandOutcome::Done(_)))
                .count() as u64;
            (failed, None)
        }
        Ok(Err(e)) => (updates as u64, Some(e.to_string())),
        Err(_) => (
            updates as u64,
            Some(format!("capped at {} s", cap.as_secs())),
        ),
    };

    // Read back outside the measured time, with limits emptied so the check is quick.
    emu.reset_limits();
    let spec = ListSpec::new("crm.deal.list", json!({"select": ["ID", "TITLE"]}))
        .map_err(|e| e.to_string())?
        .max_pages_per_request(bitrix_client::MAX_COMMANDS);
    let mut lister = client.list(spec).map_err(|e| e.to_string())?;
    let (mut total, mut updated) = (0u64, 0u64);
    while let Some(row) = lister.next().await.map_err(|e| e.to_string())? {
        total += 1;
        let id = row
            .get("ID")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<usize>().ok());
        let title = row.get("TITLE").and_then(Value::as_str);
        if let Some(id) = id
            && id <= updates
            && title == Some(new_title(id).as_str())
        {
            updated += 1;
        }
    }
    emu.shutdown().await;
    Ok(UpdateResult {
        deals,
        updates,
        seconds,
        bound_seconds,
        records_total: total,
        records_with_new_value: updated,
        update_commands_executed: work.commands,
        work,
        failures,
        failure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_update_lands_once() {
        let r = run(300, 120, Duration::from_secs(60)).await.unwrap();
        assert_eq!(r.failure, None);
        assert_eq!(r.failures, 0);
        assert_eq!(r.work.http_requests, 3);
        assert_eq!(r.update_commands_executed, 120);
        assert_eq!(r.records_total, 300);
        assert_eq!(r.records_with_new_value, 120);
        assert_eq!(r.bound_seconds, 0.0);
    }
}
