//! Scenario 1: pulling the schema of a portal with 4 classic entities and 20 smart processes,
//! through `bitrix_codegen::pull::pull` batched by our client, against a naive pull that
//! sends each metadata command as a request of its own.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bitrix_client::{Auth, Client};
use bitrix_codegen::pull::{self, Command, CommandResult, MetadataSource, PullError, Selection};
use bitrix_emulator::{Emulator, Faults};
use bitrix_schema::Schema;

use crate::portal::{self, PortalShape};
use crate::results::{PullResult, PullRun, Work};

/// The naive pull: the same commands, one HTTP request each.
struct OneByOne(Client);

impl MetadataSource for OneByOne {
    async fn batch(
        &self,
        commands: Vec<Command>,
    ) -> Result<BTreeMap<String, CommandResult>, PullError> {
        let mut out = BTreeMap::new();
        for c in commands {
            let r = self
                .0
                .call(&c.method, c.params.clone())
                .await
                .map_err(|e| PullError::Command {
                    method: c.method.clone(),
                    message: e.to_string(),
                })?;
            out.insert(c.name, r.into());
        }
        Ok(out)
    }
}

/// A client for an emulator: its own limiter, never a proxy (everything stays on 127.0.0.1).
pub fn client_for(url: &str) -> Result<Client, bitrix_client::Error> {
    Client::builder(Auth::webhook(url)?)
        .system_proxy(false)
        .build()
}

fn field_count(schema: &Schema) -> usize {
    schema.entities.iter().map(|e| e.fields.len()).sum()
}

async fn one<S: MetadataSource>(
    label: &str,
    emu: &Emulator,
    source: &S,
    cap: Duration,
) -> (PullRun, Option<Schema>) {
    emu.reset_limits();
    emu.reset_counters();
    let started = Instant::now();
    let outcome = tokio::time::timeout(cap, pull::pull(source, &Selection::All, |_| {})).await;
    let seconds = started.elapsed().as_secs_f64();
    let work = Work::from(emu.counters());
    let (schema, failure) = match outcome {
        Ok(Ok((schema, _))) => (Some(schema), None),
        Ok(Err(e)) => (None, Some(e.to_string())),
        Err(_) => (None, Some(format!("capped at {} s", cap.as_secs()))),
    };
    let run = PullRun {
        label: label.to_owned(),
        seconds,
        work,
        entities: schema.as_ref().map_or(0, |s| s.entities.len()),
        fields: schema.as_ref().map_or(0, field_count),
        failure,
    };
    (run, schema)
}

pub async fn run(
    shape: PortalShape,
    latency: Duration,
    cap: Duration,
) -> Result<PullResult, String> {
    let portal = portal::build(shape)?;
    let emu = Emulator::builder()
        .portal(portal)
        .faults(Faults {
            latency,
            ..Faults::none()
        })
        .start()
        .await
        .map_err(|e| format!("the emulator did not start: {e}"))?;
    let url = emu.webhook_url();
    let ours_client = client_for(&url).map_err(|e| e.to_string())?;
    let naive_client = client_for(&url).map_err(|e| e.to_string())?;
    let (ours, ours_schema) = one(
        "ours (batched)",
        &emu,
        &pull::ClientSource::new(ours_client),
        cap,
    )
    .await;
    let (naive, naive_schema) = one(
        "naive (one request per method)",
        &emu,
        &OneByOne(naive_client),
        cap,
    )
    .await;
    emu.shutdown().await;
    Ok(PullResult {
        smart_processes: shape.smart_processes,
        user_fields_each: shape.user_fields_each,
        latency_ms: latency.as_millis() as u64,
        same_schema: ours_schema.is_some() && ours_schema == naive_schema,
        ours,
        naive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_small_portal_pulls_in_two_requests_and_matches_the_naive_pull() {
        let shape = PortalShape {
            smart_processes: 3,
            user_fields_each: 10,
        };
        let r = run(shape, Duration::ZERO, Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(r.ours.failure, None);
        assert_eq!(r.ours.entities, 4 + 3);
        assert_eq!(r.ours.work.http_requests, 2, "{:?}", r.ours);
        assert!(r.naive.work.http_requests > 20, "{:?}", r.naive);
        assert_eq!(r.ours.work.commands, r.naive.work.commands);
        assert!(r.same_schema);
    }
}
