//! Classic and crm.item CRUD and the metadata methods, through HTTP, against the shapes of
//! the real example responses.

mod common;

use common::{assert_shape, assert_time_block, builder, call, fixture, ok};
use serde_json::{Value, json};

#[tokio::test]
async fn classic_and_item_views_of_one_deal_match_the_fixtures() {
    let emu = builder()
        .deals(5)
        .companies(3)
        .contacts(3)
        .start()
        .await
        .unwrap();
    let classic = ok(&emu, "crm.deal.get", json!({"id": 2})).await;
    assert_time_block(&classic);
    let example = fixture("crm.deal.get.json");
    assert_shape(
        &classic["result"],
        &example["result"],
        &["PARENT_ID_1220", "UF_CRM_1721244482250"],
        "deal",
    );
    let c = &classic["result"];
    assert_eq!(c["ID"], json!("2"));
    assert!(
        !c.as_object().unwrap().contains_key("CONTACT_IDS"),
        "CONTACT_IDS is never returned"
    );

    let item = ok(&emu, "crm.item.get", json!({"entityTypeId": 2, "id": 2})).await;
    let i = &item["result"]["item"];
    let fields = ok(&emu, "crm.item.fields", json!({"entityTypeId": 2})).await;
    let known = fields["result"]["fields"].as_object().unwrap();
    let example = fixture("crm.item.add.json")["result"]["item"].clone();
    // Keys of the example that our portal has no field for (other portal, other fields).
    let foreign: Vec<&str> = example
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains_key(*k) && *k != "entityTypeId")
        .collect();
    assert!(!foreign.contains(&"stageId") && !foreign.contains(&"createdTime"));
    assert_shape(i, &example, &foreign, "item");

    // The same record in both vocabularies.
    assert_eq!(i["id"], json!(2));
    assert_eq!(c["TITLE"], i["title"]);
    let amount: f64 = c["OPPORTUNITY"].as_str().unwrap().parse().unwrap();
    assert_eq!(json!(amount), i["opportunity"]);
    assert_eq!(
        c["OPPORTUNITY"],
        json!(format!("{amount:.2}")),
        "classic money has two decimals"
    );
    assert_eq!(c["DATE_CREATE"], i["createdTime"]);
    assert_eq!(c["CREATED_BY_ID"], json!(i["createdBy"].to_string()));
    assert_eq!(c["STAGE_ID"], i["stageId"]);
    assert_eq!(c["CATEGORY_ID"], json!(i["categoryId"].to_string()));
    if !i["ufCrmDelivery"].is_null() {
        assert_eq!(c["UF_CRM_DELIVERY"], json!(i["ufCrmDelivery"].to_string()));
    }
    assert_eq!(i["entityTypeId"], json!(2));
}

#[tokio::test]
async fn classic_add_update_delete() {
    let emu = builder().start().await.unwrap();
    let added = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"TITLE": "Big deal", "OPPORTUNITY": 1000000, "CURRENCY_ID": "EUR",
                          "CATEGORY_ID": 1, "BEGINDATE": "2024-08-30",
                          "UF_CRM_DELIVERY": 44, "UF_CRM_1700000007": ["a", "b"]}}),
    )
    .await;
    assert_shape(&added, &fixture("crm.deal.add.json"), &[], "add");
    let id = added["result"].as_i64().unwrap();
    let got = ok(&emu, "crm.deal.get", json!({"id": id})).await["result"].clone();
    assert_eq!(got["TITLE"], json!("Big deal"));
    assert_eq!(got["OPPORTUNITY"], json!("1000000.00"));
    assert_eq!(
        got["STAGE_ID"],
        json!("C1:NEW"),
        "first stage of pipeline 1"
    );
    assert_eq!(got["STAGE_SEMANTIC_ID"], json!("P"));
    assert_eq!(got["BEGINDATE"], json!("2024-08-30T03:00:00+03:00"));
    assert_eq!(got["CLOSEDATE"], json!(""));
    assert_eq!(got["UF_CRM_DELIVERY"], json!("44"));
    assert_eq!(got["UF_CRM_1700000007"], json!(["a", "b"]));
    assert_eq!(got["LEAD_ID"], Value::Null);

    let updated = ok(
        &emu,
        "crm.deal.update",
        json!({"id": id, "fields": {"STAGE_ID": "C1:WON"}}),
    )
    .await;
    assert_eq!(updated["result"], json!(true));
    let got = ok(&emu, "crm.deal.get", json!({"id": id})).await["result"].clone();
    assert_eq!(
        (got["STAGE_ID"].as_str(), got["CLOSED"].as_str()),
        (Some("C1:WON"), Some("Y"))
    );
    assert_eq!(got["STAGE_SEMANTIC_ID"], json!("S"));

    assert_eq!(
        ok(&emu, "crm.deal.delete", json!({"id": id})).await["result"],
        json!(true)
    );
    let (status, body) = call(&emu, "crm.deal.get", json!({"id": id})).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "", "error_description": "Not found"}))
    );
    let (status, body) = call(&emu, "crm.deal.add", json!({"fields": "x"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error_description"],
        json!("Parameter 'fields' must be array.")
    );
}

#[tokio::test]
async fn item_crud_on_a_smart_process_with_two_pipelines() {
    let emu = builder().start().await.unwrap();
    let added = ok(
        &emu,
        "crm.item.add",
        json!({"entityTypeId": 177, "fields": {"title": "Pump", "categoryId": 9,
               "ufCrm_7_NEW_REST_LIST_2026": [], "ufCrm7_1721812760630": "SN-1"}}),
    )
    .await;
    let item = &added["result"]["item"];
    let id = item["id"].as_i64().unwrap();
    assert_eq!(item["stageId"], json!("DT177_9:NEW"));
    assert_eq!(item["categoryId"], json!(9));
    assert_eq!(item["ufCrm7_1721812760630"], json!("SN-1"));
    assert_eq!(item["entityTypeId"], json!(177));

    let updated = ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 177, "id": id, "fields": {"stageId": "DT177_9:PREPARATION"}}),
    )
    .await;
    let item = &updated["result"]["item"];
    assert_eq!(item["stageId"], json!("DT177_9:PREPARATION"));
    assert_eq!(item["previousStageId"], json!("DT177_9:NEW"));

    let deleted = ok(
        &emu,
        "crm.item.delete",
        json!({"entityTypeId": 177, "id": id}),
    )
    .await;
    assert_eq!(deleted["result"], json!([]));
    let (status, body) = call(&emu, "crm.item.get", json!({"entityTypeId": 177, "id": id})).await;
    assert_eq!(status, 400);
    assert_eq!(body, fixture("error.crm.item.get.NOT_FOUND.json"));

    let (status, body) = call(&emu, "crm.item.fields", json!({"entityTypeId": 999})).await;
    assert_eq!(
        (status, body),
        (400, fixture("error.crm.item.fields.NOT_FOUND.json"))
    );
    let (status, body) = call(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 177, "filter": {"FIELD": 1}}),
    )
    .await;
    assert_eq!(
        (status, body),
        (400, fixture("error.crm.item.list.INVALID_ARG_VALUE.json"))
    );
}

#[tokio::test]
async fn contact_multifields_in_both_apis() {
    let emu = builder().start().await.unwrap();
    let id = ok(
        &emu,
        "crm.contact.add",
        json!({"fields": {"NAME": "John", "PHONE": [{"VALUE": "+13333333555", "VALUE_TYPE": "WORK"},
                                                     {"VALUE": "+15599888666",
                                                      "VALUE_TYPE": "HOME"}],
                          "EMAIL": [{"VALUE": "john@example.test", "VALUE_TYPE": "WORK"}]}}),
    )
    .await["result"]
        .as_i64()
        .unwrap();
    let got = ok(&emu, "crm.contact.get", json!({"id": id})).await;
    let example = fixture("crm.contact.get.json");
    assert_shape(
        &got["result"]["PHONE"],
        &example["result"]["PHONE"],
        &[],
        "PHONE",
    );
    assert_eq!(got["result"]["PHONE"].as_array().unwrap().len(), 2);
    assert_eq!(got["result"]["HAS_PHONE"], json!("Y"));
    assert!(
        got["result"].get("WEB").is_none(),
        "empty multifields are left out"
    );

    let item = ok(&emu, "crm.item.get", json!({"entityTypeId": 3, "id": id})).await;
    let fm = &item["result"]["item"]["fm"];
    assert_shape(
        fm,
        &fixture("crm.item.get.json")["result"]["item"]["fm"],
        &[],
        "fm",
    );
    assert_eq!(fm.as_array().unwrap().len(), 3);

    // Classic: delete one phone by id; crm.item: add through the `n0` key.
    let phone_id = got["result"]["PHONE"][0]["ID"].as_str().unwrap().to_owned();
    ok(
        &emu,
        "crm.contact.update",
        json!({"id": id, "fields": {"PHONE": [{"ID": phone_id, "DELETE": "Y"}]}}),
    )
    .await;
    ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 3, "id": id,
               "fields": {"fm": {"n0": {"typeId": "WEB", "valueType": "WORK",
                                         "value": "example.test"},
                                  "n1": {"valueType": "WORK", "value": "no type: ignored"}}}}),
    )
    .await;
    let got = ok(&emu, "crm.contact.get", json!({"id": id})).await["result"].clone();
    assert_eq!(got["PHONE"].as_array().unwrap().len(), 1);
    assert_eq!(got["PHONE"][0]["VALUE"], json!("+15599888666"));
    assert_eq!(got["WEB"][0]["VALUE"], json!("example.test"));
}

#[tokio::test]
async fn metadata_methods_have_the_real_shapes() {
    let emu = builder().start().await.unwrap();
    let deal_fields = ok(&emu, "crm.deal.fields", json!({})).await;
    let example = fixture("crm.deal.fields.json");
    for name in ["TITLE", "STAGE_ID", "COMPANY_ID", "OPPORTUNITY"] {
        assert_eq!(
            deal_fields["result"][name], example["result"][name],
            "{name}"
        );
    }
    let uf = &deal_fields["result"]["UF_CRM_DELIVERY"];
    assert_eq!(
        uf["title"],
        json!("UF_CRM_DELIVERY"),
        "classic UF title is the code"
    );
    assert_eq!(uf["listLabel"], json!("Delivery"));
    assert_eq!(uf["items"][0], json!({"ID": "42", "VALUE": "Курьер"}));

    let item_fields = ok(&emu, "crm.item.fields", json!({"entityTypeId": 1268})).await;
    let f = item_fields["result"]["fields"].as_object().unwrap();
    let example = fixture("crm.item.fields.json")["result"]["fields"].clone();
    assert_eq!(f["title"], example["title"]);
    let fragment = fixture("crm.item.fields.userfields-fragment.json");
    assert_eq!(
        f["ufCrm44_1721812814433"],
        fragment["ufCrm44_1721812814433"]
    );
    let original = ok(
        &emu,
        "crm.item.fields",
        json!({"entityTypeId": 1268, "useOriginalUfNames": "Y"}),
    )
    .await;
    let o = original["result"]["fields"].as_object().unwrap();
    assert!(o.contains_key("UF_CRM_44_1721812814433") && !o.contains_key("ufCrm44_1721812814433"));
    assert!(
        o.contains_key("stageId"),
        "system fields keep their camel names"
    );

    let types = ok(&emu, "crm.type.list", json!({})).await;
    assert_shape(&types, &fixture("crm.type.list.json"), &[], "types");
    assert_eq!(types["total"], json!(2));

    let stages = ok(
        &emu,
        "crm.status.list",
        json!({"filter": {"ENTITY_ID": "DEAL_STAGE_1"}}),
    )
    .await;
    assert_shape(&stages, &fixture("crm.status.list.json"), &[], "statuses");
    let ids: Vec<&str> = stages["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["STATUS_ID"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["C1:NEW", "C1:PREPARATION", "C1:WON", "C1:LOSE"]);

    let cats = ok(&emu, "crm.category.list", json!({"entityTypeId": 177})).await;
    assert_shape(&cats, &fixture("crm.category.list.json"), &[], "categories");
    assert_eq!(cats["total"], json!(2));

    let types = ok(&emu, "crm.status.entity.types", json!({})).await;
    assert_shape(
        &types,
        &fixture("crm.status.entity.types.json"),
        &[],
        "entity types",
    );

    let ufl = ok(
        &emu,
        "crm.deal.userfield.list",
        json!({"filter": {"USER_TYPE_ID": "enumeration"}}),
    )
    .await;
    assert_shape(
        &ufl,
        &fixture("crm.deal.userfield.list.json"),
        &["SETTINGS"],
        "userfield.list",
    );
    assert_eq!(ufl["total"], json!(3));

    let ufc = ok(&emu, "userfieldconfig.list", json!({"moduleId": "crm"})).await;
    let skip = ["settings", "languageId", "editFormLabel", "next"];
    assert_shape(
        &ufc,
        &fixture("userfieldconfig.list.json"),
        &skip,
        "userfieldconfig",
    );
    assert_eq!((ufc["total"].as_i64(), ufc.get("next")), (Some(32), None));
    let rest = ok(
        &emu,
        "userfieldconfig.list",
        json!({"moduleId": "crm", "start": 30}),
    )
    .await;
    assert_eq!(rest["result"]["fields"].as_array().unwrap().len(), 2);
    let spa = ok(
        &emu,
        "userfieldconfig.list",
        json!({"moduleId": "crm", "filter": {"entityId": "CRM_7"}}),
    )
    .await;
    assert_eq!(spa["total"], json!(4));
}

#[tokio::test]
async fn userfield_add_changes_every_view_and_can_be_written() {
    let emu = builder().start().await.unwrap();
    let added = ok(
        &emu,
        "crm.deal.userfield.add",
        json!({"fields": {"FIELD_NAME": "SIZE_CLASS", "USER_TYPE_ID": "enumeration",
                          "EDIT_FORM_LABEL": "Size", "LIST": [{"VALUE": "S"}, {"VALUE": "XL"}]}}),
    )
    .await;
    assert!(added["result"].as_i64().unwrap() > 0);
    let fields = ok(&emu, "crm.deal.fields", json!({})).await;
    let uf = &fields["result"]["UF_CRM_SIZE_CLASS"];
    assert_eq!(uf["type"], json!("enumeration"));
    let xl = uf["items"][1]["ID"].as_str().unwrap().to_owned();
    let item_fields = ok(&emu, "crm.item.fields", json!({"entityTypeId": 2})).await;
    assert_eq!(
        item_fields["result"]["fields"]["ufCrmSizeClass"]["upperName"],
        json!("UF_CRM_SIZE_CLASS")
    );
    let list = ok(
        &emu,
        "crm.deal.userfield.list",
        json!({"filter": {"FIELD_NAME": "UF_CRM_SIZE_CLASS"}}),
    )
    .await;
    assert_eq!(list["result"][0]["LIST"][1]["VALUE"], json!("XL"));

    let id = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"UF_CRM_SIZE_CLASS": xl}}),
    )
    .await["result"]
        .as_i64()
        .unwrap();
    let item = ok(&emu, "crm.item.get", json!({"entityTypeId": 2, "id": id})).await;
    assert_eq!(
        item["result"]["item"]["ufCrmSizeClass"],
        json!(xl.parse::<i64>().unwrap())
    );

    let (status, body) = call(
        &emu,
        "crm.deal.userfield.add",
        json!({"fields": {"FIELD_NAME": "bad name!"}}),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("ERROR_CORE")));
}

#[tokio::test]
async fn file_fields_read_back_in_each_shape() {
    let emu = builder().start().await.unwrap();
    let id = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"UF_CRM_1700000006": {"fileData": ["contract.pdf", "SGVsbG8="]}}}),
    )
    .await["result"]
        .as_i64()
        .unwrap();
    let got = ok(&emu, "crm.deal.get", json!({"id": id})).await;
    let example = fixture("crm.lead.get.file-uf.json");
    assert_shape(
        &got["result"]["UF_CRM_1700000006"],
        &example["result"]["UF_CRM_LEAD_FILE"],
        &[],
        "file",
    );
    let item = ok(&emu, "crm.item.get", json!({"entityTypeId": 2, "id": id})).await;
    let file = &item["result"]["item"]["ufCrm_1700000006"];
    assert!(
        file["id"].is_i64() && file["url"].is_string() && file["urlMachine"].is_string(),
        "{file}"
    );
    // crm.item: keep the file by id, then delete it with "".
    let fid = file["id"].clone();
    let kept = ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"ufCrm_1700000006": {"id": fid}}}),
    )
    .await;
    assert_eq!(kept["result"]["item"]["ufCrm_1700000006"]["id"], fid);
    let gone = ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"ufCrm_1700000006": ""}}),
    )
    .await;
    assert_eq!(gone["result"]["item"]["ufCrm_1700000006"], Value::Null);
}

#[tokio::test]
async fn dates_print_as_utc_midnight_in_the_server_offset() {
    let emu = builder().utc_offset_secs(-5 * 3600).start().await.unwrap();
    let id = ok(
        &emu,
        "crm.deal.add",
        json!({"fields": {"BEGINDATE": "2024-08-30"}}),
    )
    .await["result"]
        .as_i64()
        .unwrap();
    let got = ok(&emu, "crm.deal.get", json!({"id": id})).await;
    assert_eq!(
        got["result"]["BEGINDATE"],
        json!("2024-08-29T19:00:00-05:00")
    );
    assert!(
        got["result"]["DATE_CREATE"]
            .as_str()
            .unwrap()
            .ends_with("-05:00")
    );
}

#[tokio::test]
async fn generated_records_are_valid_and_deterministic() {
    let a = builder()
        .seed(11)
        .deals(30)
        .companies(5)
        .contacts(5)
        .start()
        .await
        .unwrap();
    let b = builder()
        .seed(11)
        .deals(30)
        .companies(5)
        .contacts(5)
        .start()
        .await
        .unwrap();
    let page = |emu| async move {
        let body = ok(emu, "crm.deal.list", json!({"select": ["*", "UF_*"]})).await;
        body["result"].clone()
    };
    let (ra, rb) = (page(&a).await, page(&b).await);
    let strip = |v: &Value| {
        let mut v = v.clone();
        for row in v.as_array_mut().unwrap() {
            row.as_object_mut()
                .unwrap()
                .retain(|k, _| !k.starts_with("DATE_") && k != "MOVED_TIME");
        }
        v
    };
    assert_eq!(strip(&ra), strip(&rb));
    for deal in ra.as_array().unwrap() {
        let cat = deal["CATEGORY_ID"].as_str().unwrap();
        let stage = deal["STAGE_ID"].as_str().unwrap();
        assert_eq!(
            cat == "1",
            stage.starts_with("C1:"),
            "{stage} in pipeline {cat}"
        );
        if let Some(company) = deal["COMPANY_ID"].as_str() {
            let n: i64 = company.parse().unwrap();
            assert!((1..=5).contains(&n), "link to an existing company: {n}");
        }
        if let Some(d) = deal["UF_CRM_DELIVERY"].as_str() {
            assert!(["42", "44", "46"].contains(&d), "{d}");
        }
    }
}

#[tokio::test]
async fn contact_id_and_contact_ids_stay_in_step() {
    let emu = builder().contacts(6).start().await.unwrap();
    let id = ok(&emu, "crm.deal.add", json!({"fields": {"CONTACT_ID": 3}})).await["result"]
        .as_i64()
        .unwrap();
    let item = ok(&emu, "crm.item.get", json!({"entityTypeId": 2, "id": id})).await;
    assert_eq!(item["result"]["item"]["contactIds"], json!([3]));
    let updated = ok(
        &emu,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"contactIds": [5, 6]}}),
    )
    .await;
    assert_eq!(updated["result"]["item"]["contactId"], json!(5));
    let classic = ok(&emu, "crm.deal.get", json!({"id": id})).await;
    assert_eq!(classic["result"]["CONTACT_ID"], json!("5"));
    ok(
        &emu,
        "crm.deal.update",
        json!({"id": id, "fields": {"CONTACT_ID": 6}}),
    )
    .await;
    let item = ok(&emu, "crm.item.get", json!({"entityTypeId": 2, "id": id})).await;
    assert_eq!(item["result"]["item"]["contactIds"], json!([6, 5]));
}
