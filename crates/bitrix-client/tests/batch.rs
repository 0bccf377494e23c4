//! Batches against the emulated portal on 127.0.0.1.

mod common;

use std::time::Duration;

use bitrix_client::{Batch, CommandOutcome, Error, ErrorKind};
use bitrix_emulator::{OperatingLimit, Quirks};
use serde_json::json;

use common::{client_for, portal};

#[tokio::test]
async fn references_and_one_outcome_per_command() {
    let emu = portal().deals(3).start().await.unwrap();
    let client = client_for(&emu);
    let mut batch = Batch::new();
    batch
        .push(
            "first",
            "crm.deal.list",
            json!({"order": {"ID": "ASC"}, "select": ["ID", "TITLE"]}),
        )
        .unwrap()
        .push(
            "missing",
            "crm.item.get",
            json!({"entityTypeId": 2, "id": 987_654}),
        )
        .unwrap()
        .push(
            "again",
            "crm.deal.get",
            json!({"id": "$result[first][1][ID]"}),
        )
        .unwrap()
        .push(
            "title",
            "crm.deal.list",
            json!({"filter": {"TITLE": "$result[first][0][TITLE]"}}),
        )
        .unwrap();
    let mut out = client.batch(&batch).await.unwrap();
    assert_eq!(emu.counters().http_requests, 1);

    let first = out.take("first").unwrap();
    assert_eq!(first.total, Some(3));
    let again = out.take("again").unwrap();
    assert_eq!(again.result["ID"], first.result[1]["ID"]);
    let title = out.take("title").unwrap();
    assert_eq!(title.result[0]["ID"], first.result[0]["ID"]);
    let Err(Error::Api(e)) = out.take("missing") else {
        panic!("missing should fail");
    };
    assert_eq!(
        (e.kind, e.method.as_str()),
        (ErrorKind::NotFound, "crm.item.get")
    );
}

#[tokio::test]
async fn halt_reports_the_rest_as_not_run() {
    let emu = portal().deals(2).start().await.unwrap();
    let client = client_for(&emu);
    let mut batch = Batch::new().halt(true);
    batch
        .push("ok", "crm.deal.get", json!({"id": 1}))
        .unwrap()
        .push(
            "bad",
            "crm.item.get",
            json!({"entityTypeId": 2, "id": 987_654}),
        )
        .unwrap()
        .push("skipped", "crm.deal.get", json!({"id": 2}))
        .unwrap();
    let mut out = client.batch(&batch).await.unwrap();
    assert!(matches!(out.get("ok"), Some(CommandOutcome::Done(_))));
    assert!(matches!(out.get("bad"), Some(CommandOutcome::Failed(_))));
    assert!(matches!(out.get("skipped"), Some(CommandOutcome::NotRun)));
    let err = out.take("skipped").unwrap_err();
    assert!(matches!(err, Error::NotRun { .. }));
    assert!(
        err.to_string().contains("`skipped` (`crm.deal.get`)"),
        "{err}"
    );
}

#[tokio::test]
async fn more_than_fifty_commands_go_in_chunks_with_references_across_them() {
    let emu = portal().deals(5).start().await.unwrap();
    let client = client_for(&emu);
    let mut batch = Batch::new();
    batch
        .push(
            "c0",
            "crm.deal.list",
            json!({"order": {"ID": "DESC"}, "select": ["ID"]}),
        )
        .unwrap();
    for i in 1..120 {
        batch
            .push(
                format!("c{i}"),
                "crm.deal.get",
                json!({"id": "$result[c0][0][ID]"}),
            )
            .unwrap();
    }
    let mut out = client.batch(&batch).await.unwrap();
    assert_eq!(emu.counters().http_requests, 3, "120 commands = 3 requests");
    assert_eq!(emu.counters().commands, 120);
    let newest = out.take("c0").unwrap().result[0]["ID"].clone();
    for i in [1, 49, 50, 99, 119] {
        let got = out.take(&format!("c{i}")).unwrap();
        assert_eq!(got.result["ID"], newest, "command c{i}");
    }
}

#[tokio::test]
async fn commands_refused_for_operation_time_are_retried_alone() {
    let quirks = Quirks {
        rate_limit: None,
        operating_limit: Some(OperatingLimit {
            budget: Duration::from_millis(100),
            window: Duration::from_secs(1),
            cost_per_call: Duration::from_millis(60),
            cost_per_row: Duration::ZERO,
        }),
        ..Quirks::default()
    };
    let emu = portal().deals(4).quirks(quirks).start().await.unwrap();
    let client = client_for(&emu);
    let mut batch = Batch::new();
    for id in 1..=4 {
        batch
            .push(format!("d{id}"), "crm.deal.get", json!({"id": id}))
            .unwrap();
    }
    batch
        .push("dep", "crm.deal.get", json!({"id": "$result[d4][ID]"}))
        .unwrap();
    let mut out = client.batch(&batch).await.unwrap();
    assert!(
        emu.counters().refused_operating_limit >= 2,
        "{:?}",
        emu.counters()
    );
    for id in 1..=4 {
        let got = out.take(&format!("d{id}")).unwrap();
        assert_eq!(got.result["ID"], json!(id.to_string()));
    }
    // `dep` ran in the batch with `$result[d4][ID]` unresolved (d4 had failed); it was sent
    // again after d4 succeeded.
    assert_eq!(out.take("dep").unwrap().result["ID"], json!("4"));
}
