//! Authentication (webhook, OAuth with expiry and refresh), the moved-portal redirect, the
//! three transports, the blocking variant, and secrets kept out of Debug.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use bitrix_emulator::{Emulator, EmulatorError};
use common::{builder, client, fixture, ok};
use serde_json::{Value, json};

#[tokio::test]
async fn wrong_webhook_secret_or_user_is_refused() {
    let emu = builder().start().await.unwrap();
    let base = format!("http://{}", emu.addr());
    for path in [
        "/rest/1/wrong/crm.deal.list",
        "/rest/2/testsecret/crm.deal.list",
    ] {
        let resp = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(resp.status(), 401, "{path}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body, fixture("error.INVALID_CREDENTIALS.json"));
    }
    assert_eq!(emu.counters().refused_auth, 2);
}

#[tokio::test]
async fn oauth_tokens_expire_and_refresh() {
    let emu = builder()
        .deals(2)
        .token_lifetime(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let tokens = emu.issue_oauth_tokens();
    let url = format!("{}crm.deal.list", emu.client_endpoint());
    let resp = client()
        .get(&url)
        .query(&[("auth", &tokens.access_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let resp = client().get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        json!("NO_AUTH_FOUND")
    );

    tokio::time::sleep(Duration::from_millis(400)).await;
    let resp = client()
        .post(&url)
        .json(&json!({"auth": tokens.access_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        fixture("error.expired_token.json")
    );

    emu.set_token_lifetime(Duration::from_secs(3600));
    let app = emu.oauth_client();
    let refresh = |token: String| {
        let app = app.clone();
        let token_url = emu.token_url();
        async move {
            client()
                .get(token_url)
                .query(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", &app.client_id),
                    ("client_secret", &app.client_secret),
                    ("refresh_token", &token),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let resp = refresh(tokens.refresh_token.clone()).await;
    assert_eq!(resp.status(), 200);
    let renewed: Value = resp.json().await.unwrap();
    common::assert_shape(&renewed, &fixture("oauth.token.refresh.json"), &[], "token");
    assert_eq!(renewed["client_endpoint"], json!(emu.client_endpoint()));
    let resp = client()
        .get(&url)
        .query(&[("auth", renewed["access_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        refresh(tokens.refresh_token).await.status(),
        400,
        "a refresh token works once"
    );
}

#[tokio::test]
async fn moved_portal_answers_302_to_the_new_base() {
    let emu = builder().deals(1).start().await.unwrap();
    let old = emu.webhook_url();
    emu.set_moved_to(Some("/new-portal"));
    let resp = client()
        .get(format!("{old}crm.deal.get?id=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{}crm.deal.get?id=1", emu.webhook_url()));
    assert!(location.contains("/new-portal/rest/1/"));
    let resp = client().get(&location).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    emu.set_moved_to(None);
    assert_eq!(emu.webhook_url(), old);
}

#[tokio::test]
async fn get_json_and_form_transports_agree() {
    let emu = builder().deals(60).start().await.unwrap();
    let base = emu.webhook_url();
    let via_get: Value = client()
        .get(format!(
            "{base}crm.deal.list.json?select%5B%5D=ID&filter%5B%3EID%5D=55&order%5BID%5D=DESC"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let via_json = ok(
        &emu,
        "crm.deal.list",
        json!({"select": ["ID"], "filter": {">ID": 55}, "order": {"ID": "DESC"}}),
    )
    .await;
    let via_form: Value = client()
        .post(format!("{base}CRM.DEAL.LIST"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("select[0]=ID&filter[%3EID]=55&order[ID]=DESC")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expected = json!([{"ID": "60"}, {"ID": "59"}, {"ID": "58"}, {"ID": "57"}, {"ID": "56"}]);
    for body in [&via_get, &via_json, &via_form] {
        assert_eq!(body["result"], expected, "{body}");
    }
    let (status, body) = common::call(&emu, "crm.nothing.here", json!({})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("ERROR_METHOD_NOT_FOUND"))
    );
}

#[test]
fn blocking_variant_serves_from_its_own_thread() {
    let emu = Emulator::builder()
        .secret("blocksecret")
        .deals(3)
        .start_blocking()
        .unwrap();
    let mut stream = std::net::TcpStream::connect(emu.addr()).unwrap();
    let request = format!(
        "GET /rest/1/blocksecret/crm.deal.get?id=3 HTTP/1.1\r\n\
         host: {}\r\nconnection: close\r\n\r\n",
        emu.addr()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"ID\":\"3\""), "{answer}");
    assert_eq!(emu.counters().http_requests, 1);
    let addr = emu.addr();
    emu.shutdown();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "stopped after shutdown"
    );
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_non_loopback_is_refused() {
    let emu = builder().start().await.unwrap();
    let tokens = emu.issue_oauth_tokens();
    let printed = format!("{emu:?} {tokens:?} {:?}", emu.oauth_client());
    assert!(!printed.contains("testsecret"), "{printed}");
    assert!(
        !printed.contains(&tokens.access_token)
            && !printed.contains(&emu.oauth_client().client_secret)
    );
    assert!(printed.contains("<redacted>"));
    let builder_printed = format!("{:?}", builder().secret("buildersecret"));
    assert!(
        !builder_printed.contains("buildersecret"),
        "{builder_printed}"
    );

    let err = Emulator::builder()
        .addr("0.0.0.0:0".parse().unwrap())
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, EmulatorError::NonLoopback { .. }), "{err}");
}
