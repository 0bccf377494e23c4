//! Events delivered by the emulated portal to a handler on 127.0.0.1.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bitrix_client::{EntityKey, Error, ErrorKind, EventError, EventVerifier, Observed, Reconciler};
use bitrix_emulator::EventDelivery;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use common::{client_for, portal};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// A minimal HTTP handler on 127.0.0.1 that keeps each request body and answers 200.
async fn handler() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let sink = bodies.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= head_end + 4 + len {
                        let body = buf[head_end + 4..head_end + 4 + len].to_vec();
                        sink.lock().unwrap().push(body);
                        let _ = stream.write_all(OK).await;
                        return;
                    }
                }
            });
        }
    });
    (url, bodies)
}

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
    let (url, bodies) = handler().await;
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
        let now = bodies.lock().unwrap().len();
        if now != seen {
            (seen, quiet_since) = (now, Instant::now());
        } else if now >= expected_events && quiet_since.elapsed() > Duration::from_millis(400) {
            break;
        }
    }
    let bodies = bodies.lock().unwrap().clone();
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
