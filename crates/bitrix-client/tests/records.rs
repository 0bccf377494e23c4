//! Typed operations, verified updates and repeatable creates against the emulated portal.

mod common;

use std::collections::BTreeMap;

use bitrix_client::{Error, ErrorKind, ListSpec, Target, Verify};
use bitrix_emulator::Faults;
use bitrix_schema::entity::CrmEntity;
use rust_decimal::Decimal;
use serde_json::json;

use common::entities::{Deal, DealField, Delivery, Request, deal_fields};
use common::{builder_for, client_for, portal};

#[tokio::test]
async fn get_and_list_read_the_same_records_in_both_families() {
    let emu = portal().deals(60).start().await.unwrap();
    let client = client_for(&emu);
    let item = client.records::<Deal>();
    let classic = client.records::<Deal>().family(Target::Classic);

    let a = item.get(7).await.unwrap();
    let b = classic.get(7).await.unwrap();
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    assert_eq!(a.value.id, Some(7));
    assert_eq!(a.value.title, b.value.title);
    assert!(a.value.title.is_some());
    assert_eq!(a.value.opportunity, b.value.opportunity);
    assert_eq!(a.value.delivery, b.value.delivery);

    let all = classic
        .list(json!(null))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 60);
    assert!(all.iter().all(|r| r.problems.is_empty()));
    let ids: Vec<u64> = all.iter().map(|r| r.value.id.unwrap()).collect();
    assert_eq!(ids, (1..=60).collect::<Vec<_>>());
    let by_item = item
        .list(json!({">id": 50}))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(by_item.len(), 10);
    assert_eq!(by_item[0].value.title, all[50].value.title);
    assert_eq!(emu.counters().counts_run, 0);
}

#[tokio::test]
async fn add_update_delete_round_trip() {
    let emu = portal().start().await.unwrap();
    let client = client_for(&emu);
    for family in [Target::Item, Target::Classic] {
        let deals = client.records::<Deal>().family(family);
        let mut deal = Deal {
            title: Some(format!("typed {family:?}")),
            opportunity: Some(Decimal::new(123_450, 2)),
            begindate: chrono::NaiveDate::from_ymd_opt(2025, 4, 29),
            delivery: Some(Delivery::Courier),
            comments: Some("to clear".into()),
            ..Deal::default()
        };
        let id = deals.add(&deal).await.unwrap();
        let read = deals.get(id).await.unwrap().value;
        assert_eq!(read.title, deal.title);
        assert_eq!(read.opportunity, Some(Decimal::new(123_450, 2)));
        assert_eq!(read.begindate, deal.begindate);
        assert_eq!(read.delivery, Some(Delivery::Courier));

        deal.delivery = Some(Delivery::Post);
        deal.clear(DealField::Comments);
        // Every written field is compared: a date, an amount and an enumeration that come
        // back in other shapes must still match.
        let verified = deals.update_with(id, &deal, Verify::All).await.unwrap();
        let names = match family {
            Target::Item => [
                "begindate",
                "comments",
                "opportunity",
                "title",
                "ufCrmDelivery",
            ],
            Target::Classic => [
                "BEGINDATE",
                "COMMENTS",
                "OPPORTUNITY",
                "TITLE",
                "UF_CRM_DELIVERY",
            ],
        };
        let mut checked = verified.checked.clone();
        checked.sort();
        assert_eq!(checked, names, "{family:?}");
        let read = deals.get(id).await.unwrap().value;
        assert_eq!(read.delivery, Some(Delivery::Post));
        assert_eq!(read.comments, None);

        deals.delete(id).await.unwrap();
        let err = deals.get(id).await.unwrap_err();
        let api = err.api().unwrap();
        assert!(
            api.kind == ErrorKind::NotFound || api.description.contains("Not found"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn an_enumeration_value_outside_the_list_is_reported() {
    let emu = portal().deals(3).start().await.unwrap();
    let client = builder_for(&emu)
        .critical::<Deal>(&[deal_fields::DELIVERY])
        .build()
        .unwrap();
    for (family, wire) in [
        (Target::Item, "ufCrmDelivery"),
        (Target::Classic, "UF_CRM_DELIVERY"),
    ] {
        let deals = client.records::<Deal>().family(family);
        let good = Deal {
            delivery: Some(Delivery::Pickup),
            ..Deal::default()
        };
        let ok = deals.update(2, &good).await.unwrap();
        assert_eq!(ok.checked, vec![wire.to_string()]);

        let bad = Deal {
            title: Some("kept".into()),
            delivery: Some(Delivery::Unknown(999)),
            ..Deal::default()
        };
        // The portal answers success and drops the value.
        let err = deals.update(2, &bad).await.unwrap_err();
        let Error::Verify(v) = &err else {
            panic!("expected a verification error, got {err}");
        };
        assert_eq!(v.mismatches.len(), 1, "{err}");
        assert_eq!(v.mismatches[0].field, wire);
        assert_eq!(v.mismatches[0].sent, "number 999");
        assert_eq!((v.id, v.entity_type_id), (2, 2));
        let text = err.to_string();
        assert!(
            text.contains(wire) && text.contains("enumeration"),
            "{text}"
        );
        // Not critical, not checked: the title went through.
        assert_eq!(
            deals.get(2).await.unwrap().value.title.as_deref(),
            Some("kept")
        );
        // Without verification the same update "succeeds".
        deals.update_with(2, &bad, Verify::None).await.unwrap();
    }
}

#[tokio::test]
async fn creates_under_lost_answers_make_one_record_each() {
    let emu = portal().start().await.unwrap();
    let client = client_for(&emu);
    let deals = client.records::<Deal>();
    emu.set_faults(Faults {
        seed: 9,
        lost_answer_rate: 0.3,
        drop_rate: 0.05,
        error_rate: 0.05,
        ..Faults::none()
    });
    let mut ids = BTreeMap::new();
    for i in 0..25 {
        let deal = Deal {
            title: Some(format!("order {i}")),
            ..Deal::default()
        };
        let created = deals.add_once(&deal, &format!("order-{i}")).await.unwrap();
        assert!(!created.existed);
        ids.insert(i, created.id);
    }
    // About half of the requests are creates: several of them lost their answer.
    assert!(
        emu.counters().faults_lost_answer >= 5,
        "{:?}",
        emu.counters()
    );
    emu.set_faults(Faults::none());

    let all = client
        .list(ListSpec::new("crm.deal.list", json!({"select": ["ID", "ORIGIN_ID"]})).unwrap())
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 25, "one record per key");
    for row in &all {
        let key = row["ORIGIN_ID"].as_str().unwrap();
        let i: usize = key.trim_start_matches("order-").parse().unwrap();
        assert_eq!(row["ID"], json!(ids[&i].to_string()), "{key}");
    }
    // A caller repeating a finished create gets the same record back.
    let again = deals.add_once(&Deal::default(), "order-3").await.unwrap();
    assert_eq!((again.id, again.existed), (ids[&3], true));
}

#[tokio::test]
async fn smart_processes_always_use_crm_item_and_xml_id() {
    let emu = portal().items(2).start().await.unwrap();
    let client = builder_for(&emu).family(Target::Classic).build().unwrap();
    let requests = client.records::<Request>();
    let request = Request {
        title: Some("SPA record".into()),
        list: Some(80),
        ..Request::default()
    };
    let first = requests.add_once(&request, "req-1").await.unwrap();
    let second = requests.add_once(&request, "req-1").await.unwrap();
    assert_eq!((first.id, second.existed), (second.id, true));
    let read = requests.get(first.id).await.unwrap().value;
    assert_eq!(read.xml_id.as_deref(), Some("req-1"));
    assert_eq!(read.list, Some(80));
    let listed = requests
        .list(json!(null))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
}
