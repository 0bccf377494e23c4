//! Bursts far above the portal's request limit, against the emulated portal on 127.0.0.1.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bitrix_client::{Client, ListSpec, RateLimiter, RetryPolicy};
use bitrix_emulator::{Quirks, RateLimit};
use serde_json::{Value, json};

use common::{builder_for, portal};

const TASKS: usize = 20;

fn limited_portal() -> bitrix_emulator::EmulatorBuilder {
    let quirks = Quirks {
        rate_limit: Some(RateLimit {
            drain_per_sec: 40.0,
            burst: 10.0,
        }),
        operating_limit: None,
        ..Quirks::default()
    };
    portal().deals(100).quirks(quirks)
}

/// 100 creates and 100 updates from `TASKS` tasks sharing one client.
async fn burst(client: &Client) {
    let mut handles = Vec::new();
    for task in 0..TASKS {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            for i in (task..200).step_by(TASKS) {
                if i < 100 {
                    let fields = json!({"TITLE": format!("burst-{i}")});
                    client
                        .call("crm.deal.add", json!({"fields": fields}))
                        .await
                        .unwrap_or_else(|e| panic!("add {i}: {e}"));
                } else {
                    let id = i - 99;
                    let fields = json!({"TITLE": format!("updated-{id}")});
                    client
                        .call("crm.deal.update", json!({"id": id, "fields": fields}))
                        .await
                        .unwrap_or_else(|e| panic!("update {id}: {e}"));
                }
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
}

/// Every create exists exactly once and every update is in place.
async fn check_records(client: &Client) {
    let rows = client
        .list(ListSpec::new("crm.deal.list", json!({"select": ["ID", "TITLE"]})).unwrap())
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let mut titles: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        let title = row["TITLE"].as_str().unwrap().to_string();
        *titles.entry(title).or_default() += 1;
    }
    for i in 0..100 {
        assert_eq!(titles.get(&format!("burst-{i}")), Some(&1), "create {i}");
    }
    for row in &rows {
        let id: u64 = match &row["ID"] {
            Value::String(s) => s.parse().unwrap(),
            v => v.as_u64().unwrap(),
        };
        if id <= 100 {
            assert_eq!(row["TITLE"], json!(format!("updated-{id}")), "update {id}");
        }
    }
    assert_eq!(rows.len(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_beyond_the_limit_is_retried_without_loss_or_doubling() {
    let emu = limited_portal().start().await.unwrap();
    // The client believes the portal allows far more than it does: refusals happen and
    // must be absorbed by retries.
    let client = builder_for(&emu)
        .rate_limiter(Arc::new(RateLimiter::new(1000.0, 1000.0)))
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            max_elapsed: Duration::from_secs(30),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    burst(&client).await;
    let c = emu.counters();
    assert!(
        c.refused_rate_limit > 0,
        "the test must provoke refusals: {c:?}"
    );
    assert_eq!(
        c.commands, 200,
        "each write carried out exactly once: {c:?}"
    );
    let took = started.elapsed();
    eprintln!(
        "burst took {took:?}, rate now {:.1}/s",
        client.rate_limiter().current_rate()
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    emu.set_quirks(Quirks {
        rate_limit: None,
        ..emu.quirks()
    });
    check_records(&client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limiter_shaped_like_the_portal_avoids_refusals() {
    let emu = limited_portal().start().await.unwrap();
    let shared = Arc::new(RateLimiter::new(40.0, 8.0));
    let client = builder_for(&emu)
        .rate_limiter(shared.clone())
        .build()
        .unwrap();
    // A second client of the same portal shares the limiter.
    let other = builder_for(&emu).rate_limiter(shared).build().unwrap();
    let started = Instant::now();
    let (a, b) = tokio::join!(burst(&client), async {
        for id in 1..=20 {
            other.call("crm.deal.get", json!({"id": id})).await.unwrap();
        }
    });
    let ((), ()) = (a, b);
    let c = emu.counters();
    assert_eq!(c.refused_rate_limit, 0, "{c:?}");
    assert_eq!(c.commands, 220);
    // 220 requests at 40/s less a burst of 8 take about 5.5 s.
    assert!(
        started.elapsed() > Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    check_records(&client).await;
}
