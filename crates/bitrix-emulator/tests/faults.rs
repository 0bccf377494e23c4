//! Injected faults: HTML 500/503 pages, dropped connections, lost answers, latency, and the
//! same sequence for the same seed.

mod common;

use std::time::{Duration, Instant};

use bitrix_emulator::Faults;
use common::{builder, client, ok};
use serde_json::json;

async fn deal_count(emu: &bitrix_emulator::Emulator) -> i64 {
    ok(emu, "crm.deal.list", json!({"select": ["ID"]})).await["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn html_error_pages_are_not_executed() {
    let emu = builder().start().await.unwrap();
    emu.set_faults(Faults {
        seed: 3,
        error_rate: 1.0,
        ..Faults::none()
    });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let resp = client()
            .post(format!("{}crm.deal.add", emu.webhook_url()))
            .json(&json!({"fields": {"TITLE": "x"}}))
            .send()
            .await
            .unwrap();
        statuses.push(resp.status().as_u16());
        let ctype = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(ctype, "text/html");
        assert!(resp.text().await.unwrap().starts_with("<html>"));
    }
    assert!(
        statuses.iter().all(|s| *s == 500 || *s == 503),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&500) && statuses.contains(&503),
        "both kinds: {statuses:?}"
    );
    emu.set_faults(Faults::none());
    assert_eq!(deal_count(&emu).await, 0);
    assert_eq!(emu.counters().faults_error, 6);
}

#[tokio::test]
async fn dropped_connections_are_not_executed() {
    let emu = builder().start().await.unwrap();
    emu.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::none()
    });
    let sent = client()
        .post(format!("{}crm.deal.add", emu.webhook_url()))
        .json(&json!({"fields": {"TITLE": "x"}}))
        .send()
        .await;
    assert!(sent.is_err(), "the connection closes without an answer");
    emu.set_faults(Faults::none());
    assert_eq!(deal_count(&emu).await, 0);
    assert_eq!(emu.counters().faults_dropped, 1);
}

#[tokio::test]
async fn lost_answers_still_write() {
    let emu = builder().start().await.unwrap();
    emu.set_faults(Faults {
        lost_answer_rate: 1.0,
        ..Faults::none()
    });
    let sent = client()
        .post(format!("{}crm.deal.add", emu.webhook_url()))
        .json(&json!({"fields": {"TITLE": "written"}}))
        .send()
        .await;
    assert!(sent.is_err());
    emu.set_faults(Faults::none());
    assert_eq!(
        deal_count(&emu).await,
        1,
        "the write happened although the answer was lost"
    );
    assert_eq!(emu.counters().faults_lost_answer, 1);
}

#[tokio::test]
async fn latency_is_added() {
    let emu = builder().start().await.unwrap();
    emu.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::none()
    });
    let t = Instant::now();
    ok(&emu, "crm.status.entity.types", json!({})).await;
    assert!(t.elapsed() >= Duration::from_millis(150));
    assert_eq!(emu.counters().faults_latency, 1);
}

async fn outcomes(seed: u64) -> Vec<&'static str> {
    let emu = builder().start().await.unwrap();
    emu.set_faults(Faults::with_rate(seed, 0.6));
    let mut out = Vec::new();
    for _ in 0..20 {
        let sent = client()
            .get(format!("{}crm.status.entity.types", emu.webhook_url()))
            .send()
            .await;
        out.push(match sent {
            Ok(r) if r.status() == 200 => "ok",
            Ok(_) => "html",
            Err(_) => "closed",
        });
    }
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let a = outcomes(42).await;
    assert_eq!(a, outcomes(42).await);
    assert!(
        a.contains(&"ok") && a.contains(&"html") && a.contains(&"closed"),
        "{a:?}"
    );
    assert_ne!(a, outcomes(43).await);
}
