//! List methods: select, filter operators, order, paging, `start=-1`, and the counters that
//! show what a page cost.

mod common;

use common::{assert_shape, builder, call, fixture, ok};
use serde_json::{Value, json};

fn ids(body: &Value) -> Vec<i64> {
    let rows = body["result"].get("items").unwrap_or(&body["result"]);
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.get("ID")
                .and_then(|v| v.as_str())
                .map(|s| s.parse().unwrap())
                .unwrap_or_else(|| r["id"].as_i64().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn select_star_uf_and_multifields() {
    let emu = builder().contacts(3).companies(2).start().await.unwrap();
    let star = ok(&emu, "crm.contact.list", json!({"select": ["*"]})).await;
    let row = star["result"][0].as_object().unwrap();
    assert!(row.contains_key("NAME") && row.contains_key("DATE_CREATE"));
    assert!(!row.contains_key("PHONE"), "multifields only when named");
    assert!(
        !row.contains_key("UF_CRM_1720697698689"),
        "UF only with UF_*"
    );

    let uf = ok(&emu, "crm.contact.list", json!({"select": ["*", "UF_*"]})).await;
    assert!(
        uf["result"][0]
            .as_object()
            .unwrap()
            .contains_key("UF_CRM_1720697698689")
    );

    let named = ok(
        &emu,
        "crm.contact.list",
        json!({"select": ["ID", "NAME", "PHONE"]}),
    )
    .await;
    let keys: Vec<&String> = named["result"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ID", "NAME", "PHONE"]);

    let default = ok(&emu, "crm.contact.list", json!({})).await;
    assert_eq!(
        default["result"][0].as_object().unwrap().len(),
        row.len(),
        "no select means *"
    );

    let items = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 3, "select": ["*"]}),
    )
    .await;
    assert!(
        items["result"]["items"][0].get("fm").is_some(),
        "fm comes with *"
    );
    let items = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 3, "select": ["name"]}),
    )
    .await;
    let keys: Vec<&String> = items["result"]["items"][0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["id", "name"]);
    let upper = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 3, "select": ["NAME", "LAST_NAME"]}),
    )
    .await;
    let keys: Vec<&String> = upper["result"]["items"][0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        keys,
        ["id", "name", "lastName"],
        "UPPER names select camel fields"
    );
}

#[tokio::test]
async fn list_shapes_match_the_fixtures() {
    let emu = builder().deals(3).leads(60).start().await.unwrap();
    let select = [
        "ID",
        "TITLE",
        "TYPE_ID",
        "CATEGORY_ID",
        "STAGE_ID",
        "OPPORTUNITY",
        "IS_MANUAL_OPPORTUNITY",
        "ASSIGNED_BY_ID",
        "DATE_CREATE",
    ];
    let deals = ok(&emu, "crm.deal.list", json!({"select": select})).await;
    assert_shape(&deals, &fixture("crm.deal.list.json"), &[], "deal.list");
    let keys: Vec<&String> = deals["result"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), select.len());

    let leads = ok(&emu, "crm.lead.list", json!({"select": ["*", "UF_*"]})).await;
    let skip = ["UF_CRM_1706782596092"];
    assert_shape(&leads, &fixture("crm.lead.list.json"), &skip, "lead.list");
    assert_eq!(
        (leads["next"].as_i64(), leads["total"].as_i64()),
        (Some(50), Some(60))
    );

    let items = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 1, "select": ["id", "assignedById", "stageId", "opportunity",
               "sourceId", "title", "name", "lastName", "isManualOpportunity"]}),
    )
    .await;
    assert_shape(&items, &fixture("crm.item.list.json"), &[], "item.list");
}

#[tokio::test]
async fn filter_operators() {
    let emu = builder()
        .deals(120)
        .companies(4)
        .contacts(4)
        .start()
        .await
        .unwrap();
    let list = |filter: Value| {
        let emu = &emu;
        async move {
            let body = ok(
                emu,
                "crm.deal.list",
                json!({"filter": filter, "select": ["ID"],
                                                       "start": -1}),
            )
            .await;
            ids(&body)
        }
    };
    assert_eq!(
        list(json!({">ID": 115})).await,
        vec![116, 117, 118, 119, 120]
    );
    assert_eq!(list(json!({">=ID": 119})).await, vec![119, 120]);
    assert_eq!(list(json!({"<ID": 3})).await, vec![1, 2]);
    assert_eq!(list(json!({"<=ID": 2})).await, vec![1, 2]);
    assert_eq!(list(json!({"=ID": 7})).await, vec![7]);
    assert_eq!(list(json!({"@ID": [3, 5, 9]})).await, vec![3, 5, 9]);
    assert_eq!(list(json!({"ID": [4, 6]})).await, vec![4, 6]);
    assert_eq!(list(json!({"!@ID": [1, 2], "<ID": 5})).await, vec![3, 4]);
    assert_eq!(list(json!({"!ID": 1, "<ID": 3})).await, vec![2]);

    let all = ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["*", "UF_*"], "start": -1}),
    )
    .await;
    let rows: Vec<Value> = all["result"].as_array().unwrap().clone();
    // Other fields, checked against the rows themselves (first 50 by id).
    let expect = |pred: &dyn Fn(&Value) -> bool| -> Vec<i64> {
        rows.iter()
            .filter(|r| pred(r))
            .map(|r| r["ID"].as_str().unwrap().parse().unwrap())
            .collect()
    };
    let in_first_50 = |v: Vec<i64>| v.into_iter().filter(|id| *id <= 50).collect::<Vec<_>>();
    let got = in_first_50(list(json!({"STAGE_ID": "C1:NEW"})).await);
    assert_eq!(got, expect(&|r| r["STAGE_ID"] == json!("C1:NEW")));
    assert!(!got.is_empty(), "the seed gives some C1:NEW deals");
    let got = in_first_50(list(json!({"!STAGE_ID": "C1:NEW"})).await);
    assert_eq!(got, expect(&|r| r["STAGE_ID"] != json!("C1:NEW")));
    let got = in_first_50(list(json!({"%TITLE": "atlas"})).await);
    assert_eq!(
        got,
        expect(&|r| r["TITLE"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("atlas"))
    );
    let got = in_first_50(list(json!({">OPPORTUNITY": 100000})).await);
    assert_eq!(
        got,
        expect(&|r| r["OPPORTUNITY"].as_str().unwrap().parse::<f64>().unwrap() > 100000.0)
    );
    let got = in_first_50(list(json!({"UF_CRM_DELIVERY": 44})).await);
    assert_eq!(got, expect(&|r| r["UF_CRM_DELIVERY"] == json!("44")));
    let got = in_first_50(list(json!({"UF_CRM_1700000008": 58})).await);
    assert_eq!(
        got,
        expect(&|r| r["UF_CRM_1700000008"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("58"))))
    );
    let got = in_first_50(list(json!({">=BEGINDATE": "2024-07-01"})).await);
    assert_eq!(
        got,
        expect(&|r| r["BEGINDATE"].as_str().is_some_and(|d| d >= "2024-07-01"))
    );
    let got = in_first_50(list(json!({"UF_CRM_1700000002": 1})).await);
    assert_eq!(got, expect(&|r| r["UF_CRM_1700000002"] == json!(true)));
    let got = in_first_50(list(json!({"=UF_CRM_1700000003": ""})).await);
    assert_eq!(got, expect(&|r| r["UF_CRM_1700000003"].is_null()));

    // crm.item speaks camel names, and so does its filter.
    let items = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 2, "filter": {"@id": [10, 20], "stageId": "C1:NEW"}}),
    )
    .await;
    let via_classic = list(json!({"@ID": [10, 20], "STAGE_ID": "C1:NEW"})).await;
    assert_eq!(ids(&items), via_classic);
    // The item upperName works too: the portal upper-cases crm.item keys before the lookup.
    let upper = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 2, "filter": {"@ID": [10, 20], "STAGE_ID": "C1:NEW"},
               "order": {"ID": "DESC"}}),
    )
    .await;
    let mut reversed = via_classic.clone();
    reversed.reverse();
    assert_eq!(ids(&upper), reversed);
    // A classic-only name is no crm.item name.
    let (status, body) = call(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 2, "filter": {"DATE_CREATE": "x"}}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("INVALID_ARG_VALUE"))
    );
}

#[tokio::test]
async fn order_and_paging() {
    let emu = builder().deals(120).start().await.unwrap();
    let page = ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID"], "start": 50}),
    )
    .await;
    assert_eq!(ids(&page), (51..=100).collect::<Vec<_>>());
    assert_eq!(
        (page["next"].as_i64(), page["total"].as_i64()),
        (Some(100), Some(120))
    );
    let last = ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID"], "start": 100}),
    )
    .await;
    assert_eq!(ids(&last).len(), 20);
    assert!(last.get("next").is_none());

    let fast = ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID"], "start": -1, "order": {"ID": "ASC"},
                         "filter": {">ID": 60}}),
    )
    .await;
    assert_eq!(ids(&fast), (61..=110).collect::<Vec<_>>());
    assert_eq!(fast["total"], json!(0));
    assert!(fast.get("next").is_none());

    let by_amount = ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID", "OPPORTUNITY"], "order": {"OPPORTUNITY": "DESC"}}),
    )
    .await;
    let amounts: Vec<f64> = by_amount["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["OPPORTUNITY"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");

    let desc = ok(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 2, "select": ["id"], "order": {"id": "DESC"}}),
    )
    .await;
    assert_eq!(ids(&desc)[..3], [120, 119, 118]);
    assert_eq!(desc["next"], json!(50));
}

#[tokio::test]
async fn counters_show_counts_and_scans() {
    let emu = builder().deals(400).start().await.unwrap();
    emu.reset_counters();
    ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID"], "start": 300}),
    )
    .await;
    let after_offset = emu.counters();
    assert_eq!(
        (
            after_offset.http_requests,
            after_offset.commands,
            after_offset.counts_run
        ),
        (1, 1, 1)
    );
    assert!(
        after_offset.rows_scanned >= 300,
        "deep offset scans: {after_offset:?}"
    );

    emu.reset_counters();
    ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID"], "start": -1, "order": {"ID": "ASC"}, "filter": {">ID": 300}}),
    )
    .await;
    let after_cursor = emu.counters();
    assert_eq!(after_cursor.counts_run, 0, "start=-1 runs no COUNT");
    assert!(
        after_cursor.rows_scanned <= 60,
        "an id cursor seeks: {after_cursor:?}"
    );

    emu.reset_counters();
    assert_eq!(emu.counters(), Default::default());
}
