//! Transport, auth and errors against the emulated portal on 127.0.0.1.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bitrix_client::{Auth, Client, ErrorKind, OAuth, RetryPolicy, Secret, TokenPair};
use bitrix_emulator::{Faults, OperatingLimit, Quirks};
use serde_json::json;

use common::{SECRET, client_for, portal};

#[tokio::test]
async fn webhook_call_returns_result_and_time() {
    let emu = portal().deals(3).start().await.unwrap();
    let client = client_for(&emu);
    let resp = client.call("crm.deal.get", json!({"id": 2})).await.unwrap();
    assert_eq!(resp.result["ID"], json!("2"));
    let time = resp.time.expect("time block");
    assert!(time.start.is_some() && time.operating_reset_at.is_some());
    assert_eq!(emu.counters().http_requests, 1);
}

#[tokio::test]
async fn portal_errors_name_method_and_code_and_are_not_retried() {
    let emu = portal().deals(1).start().await.unwrap();
    let client = client_for(&emu);
    let err = client
        .call("crm.item.get", json!({"entityTypeId": 2, "id": 999_999}))
        .await
        .unwrap_err();
    let api = err.api().expect("portal error");
    assert_eq!(api.kind, ErrorKind::NotFound);
    assert_eq!(api.method, "crm.item.get");
    assert!(api.is_code("not_found"));
    assert_eq!(api.attempts, 1);
    assert_eq!(
        emu.counters().http_requests,
        1,
        "a NOT_FOUND must not be retried"
    );

    let err = client
        .call("crm.deal.list", json!({"filter": "nonsense"}))
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.code.as_str(), api.kind), ("", ErrorKind::BadRequest));
    assert!(
        err.to_string()
            .contains("Parameter 'filter' must be array."),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_secret_fails_once_without_showing_the_secret() {
    let emu = portal().start().await.unwrap();
    let wrong = emu.webhook_url().replace(SECRET, "wrongsecretvalue");
    let client = Client::builder(Auth::webhook(&wrong).unwrap())
        .system_proxy(false)
        .build()
        .unwrap();
    let err = client.call("crm.deal.list", json!({})).await.unwrap_err();
    assert_eq!(err.api().unwrap().kind, ErrorKind::InvalidCredentials);
    assert_eq!(emu.counters().http_requests, 1);
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains("wrongsecretvalue"), "{text}");
    }
}

#[tokio::test]
async fn an_https_url_for_a_plain_http_server_fails_once_with_a_hint() {
    let emu = portal().start().await.unwrap();
    let https = emu.webhook_url().replace("http://", "https://");
    let client = Client::builder(Auth::webhook(&https).unwrap())
        .system_proxy(false)
        .build()
        .unwrap();
    let err = client.call("crm.deal.list", json!({})).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("the TLS handshake failed"), "{text}");
    assert!(
        text.contains("after 1 attempt"),
        "retrying cannot help: {text}"
    );
    assert!(text.contains("check the URL's scheme"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[tokio::test]
async fn transport_errors_redact_the_webhook_secret() {
    // Port 9 on 127.0.0.1 has no listener: the connection is refused.
    let client =
        Client::builder(Auth::webhook(&format!("http://127.0.0.1:9/rest/1/{SECRET}/")).unwrap())
            .system_proxy(false)
            .retry(RetryPolicy {
                max_attempts: 2,
                initial_backoff: Duration::from_millis(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
    let err = client
        .call("crm.deal.get", json!({"id": 1}))
        .await
        .unwrap_err();
    let bitrix_client::Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err}");
    };
    assert_eq!(t.kind, bitrix_client::TransportKind::Connect);
    assert_eq!(t.attempts, 2, "a refused connection is retried");
    assert_eq!(t.url, "http://127.0.0.1:9/rest/1/***/crm.deal.get");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("crm.deal.get"), "{text}");
    }
}

#[tokio::test]
async fn moved_portal_gets_the_post_again_and_later_calls_go_direct() {
    let emu = portal().deals(2).start().await.unwrap();
    let client = client_for(&emu);
    emu.set_moved_to(Some("/moved"));
    client
        .call(
            "crm.deal.update",
            json!({"id": 1, "fields": {"TITLE": "after the move"}}),
        )
        .await
        .unwrap();
    // A GET would have lost the JSON body and the update with it.
    let deal = client.call("crm.deal.get", json!({"id": 1})).await.unwrap();
    assert_eq!(deal.result["TITLE"], json!("after the move"));
    // update: 302 + POST; get: straight to the new address.
    assert_eq!(emu.counters().http_requests, 3);
    assert!(!format!("{client:?}").contains(SECRET));
    assert!(
        format!("{client:?}").contains("/moved/rest/1/***/"),
        "{client:?}"
    );
}

#[tokio::test]
async fn oauth_token_is_refreshed_on_expired_token() {
    let emu = portal()
        .deals(2)
        .token_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let first = emu.issue_oauth_tokens();
    emu.set_token_lifetime(Duration::from_secs(3600));
    let app = emu.oauth_client();
    let seen: Arc<Mutex<Vec<TokenPair>>> = Arc::default();
    let sink = seen.clone();
    let oauth = OAuth::new(
        &emu.client_endpoint(),
        &emu.token_url(),
        app.client_id.clone(),
        app.client_secret.clone(),
        TokenPair {
            access_token: Secret::new(first.access_token.clone()),
            refresh_token: Secret::new(first.refresh_token.clone()),
        },
    )
    .unwrap()
    .on_refresh(move |t| sink.lock().unwrap().push(t.clone()));
    let client = Client::builder(Auth::OAuth(oauth))
        .system_proxy(false)
        .build()
        .unwrap();

    let deal = client.call("crm.deal.get", json!({"id": 1})).await.unwrap();
    assert_eq!(deal.result["ID"], json!("1"));
    let refreshed = seen.lock().unwrap().clone();
    assert_eq!(refreshed.len(), 1, "exactly one refresh");
    let now = client.tokens().await.unwrap();
    assert_eq!(now, refreshed[0]);
    assert_ne!(now.access_token.expose(), first.access_token);
    // The new token works without another refresh.
    client.call("crm.deal.get", json!({"id": 2})).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);

    let debug = format!("{client:?}");
    for secret in [
        &first.access_token,
        &first.refresh_token,
        &app.client_secret,
    ] {
        assert!(!debug.contains(secret.as_str()), "{debug}");
    }
    assert!(!debug.contains(now.access_token.expose()));
}

#[tokio::test]
async fn oauth_refresh_refused_is_reported_without_secrets() {
    let emu = portal()
        .token_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let first = emu.issue_oauth_tokens();
    let oauth = OAuth::new(
        &emu.client_endpoint(),
        &emu.token_url(),
        emu.oauth_client().client_id,
        "not-the-client-secret",
        TokenPair {
            access_token: Secret::new(first.access_token.clone()),
            refresh_token: Secret::new(first.refresh_token.clone()),
        },
    )
    .unwrap();
    let client = Client::builder(Auth::OAuth(oauth))
        .system_proxy(false)
        .build()
        .unwrap();
    let err = client.call("crm.deal.list", json!({})).await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, bitrix_client::Error::Refresh { status: 401, .. }),
        "{text}"
    );
    assert!(text.contains("invalid_client"), "{text}");
    for secret in [
        "not-the-client-secret",
        &first.refresh_token,
        &first.access_token,
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(!format!("{err:?}").contains(secret));
    }
}

#[tokio::test]
async fn html_errors_dropped_connections_and_lost_answers_are_survived() {
    let emu = portal().deals(30).start().await.unwrap();
    let client = client_for(&emu);
    emu.set_faults(Faults {
        seed: 5,
        error_rate: 0.2,
        drop_rate: 0.15,
        lost_answer_rate: 0.15,
        ..Faults::none()
    });
    for id in 1..=30u64 {
        let title = format!("title {id}");
        client
            .call(
                "crm.deal.update",
                json!({"id": id, "fields": {"TITLE": title}}),
            )
            .await
            .unwrap_or_else(|e| panic!("update {id}: {e}"));
        let got = client
            .call("crm.deal.get", json!({"id": id}))
            .await
            .unwrap();
        assert_eq!(got.result["TITLE"], json!(title));
    }
    let c = emu.counters();
    assert!(
        c.faults_error > 0 && c.faults_dropped > 0 && c.faults_lost_answer > 0,
        "{c:?}"
    );
}

#[tokio::test]
async fn a_create_is_not_repeated_after_a_lost_answer() {
    let emu = portal().start().await.unwrap();
    let client = client_for(&emu);
    emu.set_faults(Faults {
        lost_answer_rate: 1.0,
        ..Faults::none()
    });
    let err = client
        .call("crm.deal.add", json!({"fields": {"TITLE": "once"}}))
        .await
        .unwrap_err();
    assert!(err.maybe_executed(), "{err}");
    emu.set_faults(Faults::none());
    let list = client
        .call("crm.deal.list", json!({"filter": {"TITLE": "once"}}))
        .await
        .unwrap();
    assert_eq!(
        list.result.as_array().unwrap().len(),
        1,
        "created exactly once"
    );
}

#[tokio::test]
async fn operation_time_limit_pauses_only_that_method() {
    let quirks = Quirks {
        rate_limit: None,
        operating_limit: Some(OperatingLimit {
            budget: Duration::from_millis(100),
            window: Duration::from_secs(2),
            cost_per_call: Duration::from_millis(60),
            cost_per_row: Duration::ZERO,
        }),
        ..Quirks::default()
    };
    let emu = portal().deals(3).quirks(quirks).start().await.unwrap();
    let client = client_for(&emu);
    let started = Instant::now();
    for _ in 0..3 {
        client
            .call("crm.deal.list", json!({"select": ["ID"]}))
            .await
            .unwrap();
    }
    let paused_for = started.elapsed();
    assert!(emu.counters().refused_operating_limit >= 1);
    assert!(paused_for >= Duration::from_millis(1500), "{paused_for:?}");
    // Another method is not held back by the pause of crm.deal.list.
    let before = Instant::now();
    client.call("crm.deal.get", json!({"id": 1})).await.unwrap();
    assert!(before.elapsed() < Duration::from_millis(500));
    let refused = emu.counters().refused_operating_limit;
    assert!(
        refused <= 2,
        "the client should wait, not hammer: {refused} refusals"
    );
}

#[tokio::test]
async fn slow_answers_time_out_and_reads_are_retried() {
    let emu = portal().deals(3).start().await.unwrap();
    let client = common::builder_for(&emu)
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    emu.set_faults(Faults {
        seed: 8,
        latency_jitter: Duration::from_millis(300),
        ..Faults::none()
    });
    for id in 1..=3 {
        let deal = client
            .call("crm.deal.get", json!({"id": id}))
            .await
            .unwrap();
        assert_eq!(deal.result["ID"], json!(id.to_string()));
    }
    let requests = emu.counters().http_requests;
    assert!(
        requests > 3,
        "some requests should have timed out: {requests}"
    );

    // A create that timed out is not sent again: it may have been carried out.
    emu.set_faults(Faults {
        latency: Duration::from_millis(400),
        ..Faults::none()
    });
    let err = client
        .call("crm.deal.add", json!({"fields": {"TITLE": "slow"}}))
        .await
        .unwrap_err();
    let bitrix_client::Error::Transport(t) = &err else {
        panic!("{err}");
    };
    assert_eq!(
        (t.kind, t.attempts),
        (bitrix_client::TransportKind::Timeout, 1)
    );
    assert!(err.maybe_executed());
}
