//! `batch`: references, halt, per-command errors, the 50-command limit, nesting, transports.

mod common;

use common::{assert_shape, builder, call, client, fixture, ok};
use serde_json::json;

#[tokio::test]
async fn references_and_the_real_shape() {
    let emu = builder().deals(60).start().await.unwrap();
    emu.reset_counters();
    let body = ok(
        &emu,
        "batch",
        json!({"halt": 0, "cmd": {
            "list": "crm.deal.list?select[]=ID&select[]=TITLE&order[ID]=DESC",
            "one": "crm.deal.get?id=$result[list][0][ID]",
            "copy": concat!("crm.deal.add?fields[TITLE]=Copy of $result[list][0][TITLE]",
                            "&fields[COMMENTS]=see $result[list]"),
            "ids": "crm.deal.list?select[]=ID&filter[@ID]=$result[one][ID]",
        }}),
    )
    .await;
    let r = &body["result"];
    assert_shape(
        &body,
        &fixture("batch.json"),
        &["get_user", "get_department"],
        "batch",
    );
    assert_shape(
        &r["result_time"]["one"],
        &fixture("batch.json")["result"]["result_time"]["get_user"],
        &[],
        "result_time",
    );
    assert_eq!(r["result_error"], json!([]));
    assert_eq!(r["result"]["one"]["ID"], json!("60"));
    assert_eq!(
        (
            r["result_total"]["list"].as_i64(),
            r["result_next"]["list"].as_i64()
        ),
        (Some(60), Some(50))
    );
    let copy_id = r["result"]["copy"].as_i64().unwrap();
    let copy = ok(&emu, "crm.deal.get", json!({"id": copy_id})).await;
    let title = r["result"]["one"]["TITLE"].as_str().unwrap();
    assert_eq!(copy["result"]["TITLE"], json!(format!("Copy of {title}")));
    assert_eq!(
        copy["result"]["COMMENTS"],
        json!("see $result[list]"),
        "arrays are not substituted into text"
    );
    assert_eq!(r["result"]["ids"][0]["ID"], json!("60"));

    let c = emu.counters();
    assert_eq!(
        (c.http_requests, c.commands),
        (2, 5),
        "a batch is one request, each sub-call a command"
    );
}

#[tokio::test]
async fn halt_and_per_command_errors() {
    let emu = builder().deals(3).start().await.unwrap();
    let cmd = json!({
        "bad": "crm.deal.get?id=999",
        "good": "crm.deal.get?id=1",
        "nope": "no.such.method",
    });
    let body = ok(&emu, "batch", json!({"halt": 0, "cmd": cmd})).await;
    let r = &body["result"];
    assert_shape(
        &body,
        &fixture("batch.error.halt0.json"),
        &["get_user", "get_department"],
        "halt0",
    );
    assert_eq!(
        r["result_error"]["bad"],
        json!({"error": "", "error_description": "Not found"})
    );
    assert_eq!(
        r["result_error"]["nope"]["error"],
        json!("ERROR_METHOD_NOT_FOUND")
    );
    assert_eq!(r["result"]["good"]["ID"], json!("1"));

    let body = ok(&emu, "batch", json!({"halt": 1, "cmd": cmd})).await;
    let r = &body["result"];
    assert_eq!(r["result"], json!([]), "halt stops before the next command");
    assert_eq!(r["result_error"].as_object().unwrap().len(), 1);

    let list = ok(
        &emu,
        "batch",
        json!({"cmd": ["crm.deal.get?id=1", "crm.deal.get?id=2"]}),
    )
    .await;
    assert!(
        list["result"]["result"].is_array(),
        "a list of commands answers a list"
    );
}

#[tokio::test]
async fn too_many_commands_and_nesting_are_refused() {
    let emu = builder().start().await.unwrap();
    let cmd: serde_json::Map<String, serde_json::Value> = (0..51)
        .map(|i| (format!("c{i}"), json!("crm.deal.list")))
        .collect();
    let (status, body) = call(&emu, "batch", json!({"cmd": cmd})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], json!("ERROR_BATCH_LENGTH_EXCEEDED"));

    let fifty: serde_json::Map<String, serde_json::Value> = (0..50)
        .map(|i| (format!("c{i}"), json!("crm.status.entity.types")))
        .collect();
    assert_eq!(call(&emu, "batch", json!({"cmd": fifty})).await.0, 200);

    let body = ok(
        &emu,
        "batch",
        json!({"cmd": {"inner": "batch?cmd[a]=crm.deal.list"}}),
    )
    .await;
    assert_eq!(
        body["result"]["result_error"]["inner"]["error"],
        json!("ERROR_BATCH_METHOD_NOT_ALLOWED")
    );
}

#[tokio::test]
async fn form_encoded_batch_is_double_encoded() {
    let emu = builder().deals(2).start().await.unwrap();
    // What PHP's http_build_query sends: the command's own query string is encoded again.
    let body =
        "halt=0&cmd%5Ba%5D=crm.deal.get%3Fid%3D2&cmd%5Bb%5D=crm.deal.list%3Fselect%255B%255D%3DID";
    let resp = client()
        .post(format!("{}batch", emu.webhook_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["result"]["result"]["a"]["ID"], json!("2"));
    assert_eq!(v["result"]["result"]["b"][1], json!({"ID": "2"}));
}
