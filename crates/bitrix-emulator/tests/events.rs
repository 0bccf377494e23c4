//! Events delivered to a handler on 127.0.0.1: body layout, reordering, duplication,
//! failures not retried, binding rules.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix_emulator::EventDelivery;
use common::{builder, call, fixture, ok};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Received = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A minimal HTTP handler that records each request body as form pairs and answers 200.
async fn handler() -> (String, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Received = Arc::default();
    let sink = got.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let body = loop {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len: usize = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap())
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break buf[end + 4..end + 4 + len].to_vec();
                        }
                    }
                };
                let pairs = form_urlencoded::parse(&body).into_owned().collect();
                sink.lock().unwrap().push(pairs);
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (url, got)
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

async fn wait_for(got: &Received, n: usize) -> Vec<Vec<(String, String)>> {
    for _ in 0..100 {
        if got.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    got.lock().unwrap().clone()
}

#[tokio::test]
async fn deal_events_have_the_outgoing_webhook_layout() {
    let emu = builder().start().await.unwrap();
    let (url, got) = handler().await;
    for event in ["ONCRMDEALADD", "onCrmDealUpdate", "ONCRMDEALDELETE"] {
        let body = ok(&emu, "event.bind", json!({"event": event, "handler": url})).await;
        assert_eq!(body["result"], json!(true));
    }
    let bound = ok(&emu, "event.get", json!({})).await;
    assert_eq!(bound["result"].as_array().unwrap().len(), 3);
    assert_eq!(bound["result"][1]["event"], json!("ONCRMDEALUPDATE"));

    let id = ok(&emu, "crm.deal.add", json!({"fields": {"TITLE": "x"}})).await["result"]
        .as_i64()
        .unwrap();
    ok(
        &emu,
        "crm.deal.update",
        json!({"id": id, "fields": {"TITLE": "y"}}),
    )
    .await;
    ok(
        &emu,
        "crm.deal.update",
        json!({"id": id, "fields": {"TITLE": "y"}}),
    )
    .await; // no change
    ok(&emu, "crm.deal.delete", json!({"id": id})).await;
    let events = wait_for(&got, 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        got.lock().unwrap().len(),
        3,
        "an update that changes nothing raises nothing"
    );
    let names: Vec<&str> = events.iter().map(|e| get(e, "event")).collect();
    assert_eq!(
        names,
        ["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE"]
    );

    let e = &events[1];
    let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
    let example = fixture("event.ONCRMDEALADD.outgoing-webhook.json");
    for key in ["event", "event_handler_id", "ts"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    for key in example["auth"].as_object().unwrap().keys() {
        assert!(
            keys.contains(&format!("auth[{key}]").as_str()),
            "auth[{key}] in {keys:?}"
        );
    }
    // The keys of the form-encoded example come in the same order in ours.
    let form = std::fs::read_to_string(format!(
        "{}/../../fixtures/event.ONCRMDEALUPDATE.outgoing-webhook.form.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let example_keys: Vec<String> = form_urlencoded::parse(form.trim().as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect();
    let positions: Vec<usize> = example_keys
        .iter()
        .map(|k| {
            keys.iter()
                .position(|o| o == k)
                .unwrap_or_else(|| panic!("{k} missing"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{example_keys:?} vs {keys:?}"
    );
    assert_eq!(get(e, "data[FIELDS][ID]"), id.to_string());
    assert_eq!(get(e, "auth[application_token]"), emu.application_token());
    assert!(get(e, "auth[client_endpoint]").starts_with("http://127.0.0.1:"));
    assert!(get(e, "ts").parse::<i64>().unwrap() > 1_600_000_000);
    assert_eq!(emu.counters().events_delivered, 3);

    let unbound = ok(
        &emu,
        "event.unbind",
        json!({"event": "ONCRMDEALADD", "handler": url}),
    )
    .await;
    assert_eq!(unbound["result"], json!({"count": 1}));
}

#[tokio::test]
async fn smart_process_events_carry_the_entity_type() {
    let emu = builder().start().await.unwrap();
    let (url, got) = handler().await;
    ok(
        &emu,
        "event.bind",
        json!({"event": "ONCRMDYNAMICITEMUPDATE", "handler": url}),
    )
    .await;
    let id = ok(
        &emu,
        "crm.item.add",
        json!({"entityTypeId": 1268, "fields": {"title": "a"}}),
    )
    .await["result"]["item"]["id"]
        .as_i64()
        .unwrap();
    ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 1268, "id": id, "fields": {"title": "b"}}),
    )
    .await;
    let events = wait_for(&got, 1).await;
    let e = &events[0];
    let example = fixture("event.ONCRMDYNAMICITEMUPDATE.json");
    assert_eq!(get(e, "event"), example["event"].as_str().unwrap());
    assert_eq!(get(e, "data[FIELDS][ID]"), id.to_string());
    assert_eq!(get(e, "data[FIELDS][ENTITY_TYPE_ID]"), "1268");
}

#[tokio::test]
async fn delivery_reorders_and_duplicates_by_seed() {
    let emu = builder().deals(10).start().await.unwrap();
    let (url, got) = handler().await;
    ok(
        &emu,
        "event.bind",
        json!({"event": "ONCRMDEALUPDATE", "handler": url}),
    )
    .await;
    emu.set_event_delivery(EventDelivery {
        seed: 5,
        delay: Duration::from_millis(200),
        reorder: true,
        duplicate_rate: 0.0,
        ..EventDelivery::default()
    });
    let cmd: serde_json::Map<String, serde_json::Value> = (1..=10)
        .map(|i| {
            (
                format!("u{i}"),
                json!(format!("crm.deal.update?id={i}&fields[TITLE]=v2")),
            )
        })
        .collect();
    ok(&emu, "batch", json!({"cmd": cmd})).await;
    let events = wait_for(&got, 10).await;
    let order: Vec<i64> = events
        .iter()
        .map(|e| get(e, "data[FIELDS][ID]").parse().unwrap())
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, (1..=10).collect::<Vec<_>>());
    assert_ne!(order, sorted, "reordered");

    got.lock().unwrap().clear();
    emu.set_event_delivery(EventDelivery {
        seed: 5,
        duplicate_rate: 1.0,
        ..EventDelivery::default()
    });
    ok(
        &emu,
        "crm.deal.update",
        json!({"id": 1, "fields": {"TITLE": "v3"}}),
    )
    .await;
    let events = wait_for(&got, 2).await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        get(&events[0], "event_handler_id"),
        get(&events[1], "event_handler_id")
    );
}

#[tokio::test]
async fn failures_are_not_retried_and_only_local_handlers_bind() {
    let emu = builder().deals(1).start().await.unwrap();
    // A port that was free a moment ago: nothing listens there.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/gone", l.local_addr().unwrap())
    };
    ok(
        &emu,
        "event.bind",
        json!({"event": "ONCRMDEALUPDATE", "handler": dead}),
    )
    .await;
    ok(
        &emu,
        "crm.deal.update",
        json!({"id": 1, "fields": {"TITLE": "z"}}),
    )
    .await;
    for _ in 0..100 {
        if emu.counters().events_failed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(emu.counters().events_failed, 1, "one attempt, no retry");

    let (status, body) = call(
        &emu,
        "event.bind",
        json!({"event": "ONCRMDEALUPDATE", "handler": "http://example.com/h"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("ERROR_HANDLER_URL_MISMATCH"))
    );
    let (status, body) = call(
        &emu,
        "event.bind",
        json!({"event": "ONCRMDEALUPDATE", "handler": dead}),
    )
    .await;
    assert_eq!((status, body), (400, fixture("error.generic-shape.json")));
}
