//! Each quirk on and off, the leaky bucket (503 then recovery) and the operating limit (429).

mod common;

use std::time::Duration;

use bitrix_emulator::{OperatingLimit, Quirks, RateLimit};
use common::{assert_time_block, builder, call, fixture, ok};
use serde_json::json;

fn no_limits(mut q: Quirks) -> Quirks {
    q.rate_limit = None;
    q.operating_limit = None;
    q
}

#[tokio::test]
async fn unknown_fields_are_dropped_or_refused() {
    let emu = builder().deals(1).start().await.unwrap();
    let body = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"TITLE": "A", "NO_SUCH_FIELD": 1}}),
    )
    .await;
    assert!(
        body["result"].as_i64().is_some(),
        "success although a field is unknown"
    );
    let updated = ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": 1, "fields": {"noSuchField": 1}}),
    )
    .await;
    assert!(updated["result"]["item"].get("noSuchField").is_none());

    emu.set_quirks(Quirks::none());
    let (status, body) = call(
        &emu,
        "crm.deal.add",
        json!({"fields": {"NO_SUCH_FIELD": 1}}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("INVALID_ARG_VALUE"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("NO_SUCH_FIELD")
    );
}

#[tokio::test]
async fn invalid_enumeration_values_are_dropped_or_refused() {
    let emu = builder().start().await.unwrap();
    let id = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"UF_CRM_DELIVERY": 44}}),
    )
    .await["result"]
        .as_i64()
        .unwrap();
    for bad in [json!(9999), json!("Курьер")] {
        let body = ok(
            &emu,
            "crm.deal.update",
            json!({"id": id, "fields": {"UF_CRM_DELIVERY": bad}}),
        )
        .await;
        assert_eq!(body["result"], json!(true), "update answers true");
        let got = ok(&emu, "crm.deal.get", json!({"id": id})).await;
        assert_eq!(
            got["result"]["UF_CRM_DELIVERY"],
            json!("44"),
            "value unchanged after {bad}"
        );
    }
    let body = ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"ufCrm_1700000008": [54, 777]}}),
    )
    .await;
    assert_eq!(
        body["result"]["item"]["ufCrm_1700000008"],
        json!([54]),
        "bad element dropped"
    );

    emu.set_quirks(no_limits(Quirks {
        drop_invalid_enum_values: false,
        ..Quirks::default()
    }));
    let (status, body) = call(
        &emu,
        "crm.deal.update",
        json!({"id": id, "fields": {"UF_CRM_DELIVERY": "Курьер"}}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("CRM_FIELD_ERROR_VALUE_NOT_VALID"))
    );
    let ok_update = ok(
        &emu,
        "crm.deal.update",
        json!({"id": id, "fields": {"UF_CRM_DELIVERY": 46}}),
    )
    .await;
    assert_eq!(ok_update["result"], json!(true));
}

#[tokio::test]
async fn clearing_a_multiple_field_with_an_empty_list() {
    let emu = builder().start().await.unwrap();
    let id = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"UF_CRM_1700000008": [54, 56]}}),
    )
    .await["result"]
        .as_i64()
        .unwrap();
    let clear = json!({"entityTypeId": 2, "id": id, "fields": {"ufCrm_1700000008": []}});
    let body = ok(&emu, "crm.item.update", clear.clone()).await;
    assert_eq!(
        body["result"]["item"]["ufCrm_1700000008"],
        json!([54, 56]),
        "[] does nothing"
    );

    emu.set_quirks(no_limits(Quirks {
        ignore_empty_multiple_on_item_update: false,
        ..Quirks::default()
    }));
    let body = ok(&emu, "crm.item.update", clear).await;
    assert_eq!(body["result"]["item"]["ufCrm_1700000008"], json!([]));
}

#[tokio::test]
async fn rate_limit_answers_503_then_recovers() {
    let emu = builder().start().await.unwrap();
    let mut q = emu.quirks();
    q.rate_limit = Some(RateLimit {
        drain_per_sec: 10.0,
        burst: 5.0,
    });
    emu.set_quirks(q);
    for _ in 0..5 {
        ok(&emu, "crm.status.entity.types", json!({})).await;
    }
    let (status, body) = call(&emu, "crm.status.entity.types", json!({})).await;
    assert_eq!(
        (status, body),
        (503, fixture("error.QUERY_LIMIT_EXCEEDED.json"))
    );
    assert_eq!(emu.counters().refused_rate_limit, 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    ok(&emu, "crm.status.entity.types", json!({})).await;

    // A batch of 10 commands counts once.
    emu.reset_limits();
    let cmd: serde_json::Map<String, serde_json::Value> = (0..10)
        .map(|i| (format!("c{i}"), json!("crm.status.entity.types")))
        .collect();
    for _ in 0..5 {
        ok(&emu, "batch", json!({"cmd": cmd})).await;
    }
    assert_eq!(call(&emu, "batch", json!({"cmd": cmd})).await.0, 503);
}

#[tokio::test]
async fn limits_off_let_every_request_through() {
    let emu = builder().quirks(Quirks::none()).start().await.unwrap();
    for _ in 0..80 {
        ok(&emu, "crm.status.entity.types", json!({})).await;
    }
    let c = emu.counters();
    assert_eq!((c.refused_rate_limit, c.refused_operating_limit), (0, 0));

    // The default quirks do limit: 50 at once, then 503.
    let limited = builder().quirks(Quirks::default()).start().await.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..55 {
        statuses.push(call(&limited, "crm.status.entity.types", json!({})).await.0);
    }
    assert!(statuses[..50].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(statuses[50..].contains(&503), "{statuses:?}");
}

#[tokio::test]
async fn operating_limit_answers_429_per_method() {
    let emu = builder().deals(3).start().await.unwrap();
    let mut q = emu.quirks();
    q.operating_limit = Some(OperatingLimit {
        budget: Duration::from_secs(1),
        window: Duration::from_secs(60),
        cost_per_call: Duration::from_millis(400),
        cost_per_row: Duration::ZERO,
    });
    emu.set_quirks(q);
    for _ in 0..3 {
        let body = ok(&emu, "crm.deal.list", json!({})).await;
        assert!(body["time"]["operating"].as_f64().unwrap() >= 0.4);
    }
    let (status, body) = call(&emu, "crm.deal.list", json!({})).await;
    assert_eq!(status, 429);
    assert_eq!(
        body["error"],
        fixture("error.OPERATION_TIME_LIMIT.json")["error"]
    );
    assert_eq!(
        body["error_description"],
        fixture("error.OPERATION_TIME_LIMIT.json")["error_description"]
    );
    let reset_at = body["time"]["operating_reset_at"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        (now + 55..=now + 61).contains(&reset_at),
        "reset in about a minute: {reset_at} vs {now}"
    );

    ok(&emu, "crm.deal.get", json!({"id": 1})).await;
    let batch = ok(
        &emu,
        "batch",
        json!({"cmd": {"a": "crm.deal.list", "b": "crm.deal.get?id=1"}}),
    )
    .await;
    assert_eq!(
        batch["result"]["result_error"]["a"]["error"],
        json!("OPERATION_TIME_LIMIT")
    );
    assert_eq!(batch["result"]["result"]["b"]["ID"], json!("1"));
    assert_eq!(emu.counters().refused_operating_limit, 2);
}

#[tokio::test]
async fn every_answer_carries_the_time_block() {
    let emu = builder().deals(1).start().await.unwrap();
    for (method, params) in [
        ("crm.deal.get", json!({"id": 1})),
        ("crm.deal.list", json!({})),
        ("crm.item.fields", json!({"entityTypeId": 2})),
        ("batch", json!({"cmd": {"a": "crm.deal.get?id=1"}})),
    ] {
        let body = ok(&emu, method, params).await;
        assert_time_block(&body);
    }
}
