//! Full exports by ID cursor against the emulated portal on 127.0.0.1.

mod common;

use std::collections::BTreeSet;

use bitrix_client::{Error, ListSpec};
use serde_json::{Value, json};

use common::{client_for, portal};

fn id_of(row: &serde_json::Map<String, Value>, key: &str) -> u64 {
    match &row[key] {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_u64().unwrap(),
    }
}

#[tokio::test]
async fn classic_export_returns_every_record_once_without_count() {
    let emu = portal().deals(230).start().await.unwrap();
    let client = client_for(&emu);
    let spec = ListSpec::new("crm.deal.list", json!({"select": ["TITLE"]})).unwrap();
    let mut lister = client.list(spec).unwrap();
    let mut ids = Vec::new();
    while let Some(row) = lister.next().await.unwrap() {
        assert!(row.contains_key("TITLE"));
        ids.push(id_of(&row, "ID"));
    }
    let expected: Vec<u64> = (1..=230).collect();
    assert_eq!(ids, expected);
    let c = emu.counters();
    assert_eq!(c.counts_run, 0, "no COUNT(*) for an export");
    // One page first; once it comes back full, the rest in one chained request: 5 pages in 2.
    assert_eq!(c.http_requests, 2);
    assert_eq!(lister.requests(), 2);
}

#[tokio::test]
async fn item_export_reads_rows_under_items() {
    let emu = portal().deals(120).items(75).start().await.unwrap();
    let client = client_for(&emu);
    let deals = client
        .list(
            ListSpec::new(
                "crm.item.list",
                json!({"entityTypeId": 2, "select": ["id"]}),
            )
            .unwrap(),
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<u64> = deals.iter().map(|r| id_of(r, "id")).collect();
    assert_eq!(ids, (1..=120).collect::<Vec<_>>());

    let spa = client
        .list(ListSpec::new("crm.item.list", json!({"entityTypeId": 1268})).unwrap())
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(spa.len(), 75);
    assert_eq!(emu.counters().counts_run, 0);
}

#[tokio::test]
async fn records_added_and_deleted_during_the_export_are_handled() {
    let emu = portal().deals(160).start().await.unwrap();
    let client = client_for(&emu);
    let spec = ListSpec::new("crm.deal.list", json!({"select": ["ID"]}))
        .unwrap()
        .max_pages_per_request(1);
    let mut lister = client.list(spec).unwrap();
    let mut seen = Vec::new();
    for _ in 0..10 {
        seen.push(id_of(&lister.next().await.unwrap().unwrap(), "ID"));
    }
    // Between pages: delete one record already seen and one not yet fetched, add one.
    client
        .call("crm.deal.delete", json!({"id": 3}))
        .await
        .unwrap();
    client
        .call("crm.deal.delete", json!({"id": 120}))
        .await
        .unwrap();
    let added = client
        .call(
            "crm.deal.add",
            json!({"fields": {"TITLE": "added mid-export"}}),
        )
        .await
        .unwrap()
        .result
        .as_u64()
        .unwrap();
    while let Some(row) = lister.next().await.unwrap() {
        seen.push(id_of(&row, "ID"));
        if seen.len() == 100 {
            client
                .call("crm.deal.delete", json!({"id": 140}))
                .await
                .unwrap();
        }
    }
    let unique: BTreeSet<u64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "a record came twice");
    let mut expected: BTreeSet<u64> = (1..=160).collect();
    expected.remove(&120);
    expected.remove(&140);
    expected.insert(added);
    // Deal 3 was deleted after it was read: it stays in the export.
    assert_eq!(unique, expected);
    assert_eq!(emu.counters().counts_run, 0);
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_is_an_error_not_a_loop() {
    let emu = portal().deals(60).start().await.unwrap();
    let client = client_for(&emu);
    // Every generated deal is assigned to user 1: the "cursor" repeats at once.
    let spec = ListSpec::new("crm.deal.list", json!({"select": ["ID", "ASSIGNED_BY_ID"]}))
        .unwrap()
        .id_key("ASSIGNED_BY_ID");
    let mut lister = client.list(spec).unwrap();
    let err = loop {
        match lister.next().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the export ended instead of failing"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::CursorStuck { .. }), "{err}");
    assert!(emu.counters().http_requests <= 2);
}

#[tokio::test]
async fn an_export_survives_injected_faults() {
    let emu = portal().deals(260).start().await.unwrap();
    let client = client_for(&emu);
    emu.set_faults(bitrix_emulator::Faults::with_rate(3, 0.3));
    let rows = client
        .list(ListSpec::new("crm.deal.list", json!({"select": ["ID"]})).unwrap())
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<u64> = rows.iter().map(|r| id_of(r, "ID")).collect();
    assert_eq!(ids, (1..=260).collect::<Vec<_>>());
    assert!(emu.counters().faults_injected() > 0);
}
