//! Events delivered by the emulated portal to a handler on 127.0.0.1.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use bitrix_client::{EntityKey, Error, ErrorKind, EventError, EventVerifier, Observed, Reconciler};
use bitrix_emulator::EventDelivery;
use serde_json::json;

use common::scripted::{Reply, serve};
use common::{client_for, portal};

#[tokio::test]
async fn delivered_events_verify_and_collapse_into_one_re_read_per_record() {
    let emu = portal().deals(6).start().await.unwrap();
    emu.set_event_delivery(EventDelivery {
        seed: 4,
        delay: Duration::from_millis(150),
        reorder: true,
        duplicate_rate: 0.5,
        timeout: Duration::from_secs(5),
    });
    let client = client_for(&emu);
    let (addr, log) = serve(vec![], Reply::json(200, "")).await;
    let url = format!("http://{addr}/hook");
    for event in ["ONCRMDEALUPDATE", "ONCRMDEALDELETE"] {
        client
            .call("event.bind", json!({"event": event, "handler": url}))
            .await
            .unwrap();
    }
    let mut expected_events = 0;
    for round in 0..3 {
        for id in 1..=4u64 {
            client
                .call(
                    "crm.deal.update",
                    json!({"id": id, "fields": {"TITLE": format!("round {round}")}}),
                )
                .await
                .unwrap();
            expected_events += 1;
        }
    }
    client
        .call("crm.deal.delete", json!({"id": 4}))
        .await
        .unwrap();
    expected_events += 1;

    // Wait until every event arrived and the duplicates stopped coming.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut seen, mut quiet_since) = (0, Instant::now());
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = log.lock().unwrap().len();
        if now != seen {
            (seen, quiet_since) = (now, Instant::now());
        } else if now >= expected_events && quiet_since.elapsed() > Duration::from_millis(400) {
            break;
        }
    }
    let bodies: Vec<Vec<u8>> = log.lock().unwrap().iter().map(|s| s.body.clone()).collect();
    assert!(
        bodies.len() > expected_events,
        "duplicates expected: {}",
        bodies.len()
    );

    let verifier = EventVerifier::new(emu.application_token());
    let mut reconciler = Reconciler::new(1000);
    let mut outcomes = Vec::new();
    for body in &bodies {
        let event = verifier.verify(body).unwrap();
        outcomes.push(reconciler.observe(&event));
    }
    assert_eq!(
        outcomes.iter().filter(|o| **o == Observed::Queued).count(),
        4
    );
    let signals = reconciler.drain();
    let keys: BTreeSet<EntityKey> = signals.iter().map(|s| s.entity).collect();
    let expected: BTreeSet<EntityKey> = (1..=4)
        .map(|id| EntityKey {
            entity_type_id: 2,
            id,
        })
        .collect();
    assert_eq!(keys, expected);
    for s in &signals {
        assert_eq!(s.deleted, s.entity.id == 4, "{s:?}");
        // The payload is never trusted: re-read.
        let got = client
            .call("crm.deal.get", json!({"id": s.entity.id}))
            .await;
        match got {
            Ok(r) => assert_eq!(r.result["TITLE"], json!("round 2")),
            Err(Error::Api(e)) => {
                assert!(s.deleted);
                assert!(e.kind == ErrorKind::NotFound || e.description.contains("Not found"));
            }
            Err(e) => panic!("{e}"),
        }
    }

    // A post with a wrong token is refused however well-formed it is.
    let forged = String::from_utf8(bodies[0].clone())
        .unwrap()
        .replace(&emu.application_token(), "0123456789abcdef0123456789abcdef");
    assert_eq!(verifier.verify(forged.as_bytes()), Err(EventError::Forged));
}
