//! Answers the emulator cannot give, from a scripted server on 127.0.0.1: which errors are
//! retried and which are not, redirects, error bodies with odd statuses.

mod common;

use std::time::Duration;

use bitrix_client::{Auth, Client, Error, ErrorKind, RetryPolicy, TransportKind};
use serde_json::{Value, json};

use common::scripted::{Reply, serve};
use common::{SECRET, fast_retry};

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ok_body() -> String {
    json!({"result": {"ID": "1"}, "time": {"start": 1.0, "finish": 1.1}}).to_string()
}

fn client(addr: std::net::SocketAddr) -> Client {
    let url = format!("http://{addr}/rest/1/{SECRET}/");
    Client::builder(Auth::webhook(&url).unwrap())
        .system_proxy(false)
        .retry(fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn errors_retrying_cannot_fix_are_sent_once() {
    let cases = [
        (503, "error.OVERLOAD_LIMIT.json", ErrorKind::Overload),
        (
            401,
            "error.INVALID_CREDENTIALS.json",
            ErrorKind::InvalidCredentials,
        ),
        (403, "error.ACCESS_DENIED.json", ErrorKind::AccessDenied),
        (401, "error.expired_token.json", ErrorKind::ExpiredToken),
        (
            400,
            "error.crm.item.list.INVALID_ARG_VALUE.json",
            ErrorKind::BadRequest,
        ),
        (
            400,
            "error.crm.deal.list.empty-code.json",
            ErrorKind::BadRequest,
        ),
    ];
    for (status, name, kind) in cases {
        let (addr, log) = serve(vec![], Reply::json(status, fixture(name))).await;
        let err = client(addr)
            .call("crm.deal.list", json!({}))
            .await
            .unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{name}: {err}"));
        assert_eq!(api.kind, kind, "{name}");
        assert_eq!(log.lock().unwrap().len(), 1, "{name} was retried");
        let expected: Value = serde_json::from_str(&fixture(name)).unwrap();
        assert_eq!(api.code, expected["error"].as_str().unwrap());
        assert!(
            err.to_string()
                .contains(expected["error_description"].as_str().unwrap())
        );
    }
}

#[tokio::test]
async fn passing_failures_are_retried_with_the_same_post() {
    let script = vec![
        Reply::json(503, fixture("error.QUERY_LIMIT_EXCEEDED.json")),
        Reply::html(502),
        Reply::json(
            500,
            json!({"error": "INTERNAL_SERVER_ERROR", "error_description": "x"}).to_string(),
        ),
    ];
    let (addr, log) = serve(script, Reply::json(200, ok_body())).await;
    let params = json!({"id": 1, "select": ["ID", "TITLE"]});
    let resp = client(addr)
        .call("crm.deal.get", params.clone())
        .await
        .unwrap();
    assert_eq!(resp.result["ID"], json!("1"));
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 4);
    for seen in log.iter() {
        assert_eq!(seen.method, "POST");
        assert_eq!(seen.path, format!("/rest/1/{SECRET}/crm.deal.get"));
        let body: Value = serde_json::from_slice(&seen.body).unwrap();
        assert_eq!(body, params, "parameters are sent exactly as given");
    }
}

#[tokio::test]
async fn a_create_is_not_repeated_after_a_server_error() {
    let (addr, log) = serve(vec![Reply::html(502)], Reply::json(200, ok_body())).await;
    let err = client(addr)
        .call("crm.deal.add", json!({"fields": {"TITLE": "x"}}))
        .await
        .unwrap_err();
    assert!(err.maybe_executed());
    assert_eq!(err.api().unwrap().kind, ErrorKind::Server);
    assert_eq!(log.lock().unwrap().len(), 1);

    // A refusal for the rate limit proves nothing was created: that one is retried.
    let script = vec![Reply::json(503, fixture("error.QUERY_LIMIT_EXCEEDED.json"))];
    let (addr, log) = serve(script, Reply::json(200, json!({"result": 7}).to_string())).await;
    let resp = client(addr)
        .call("crm.deal.add", json!({"fields": {"TITLE": "x"}}))
        .await
        .unwrap();
    assert_eq!(resp.result, json!(7));
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn an_error_body_wins_over_a_success_status() {
    let (addr, _) = serve(
        vec![],
        Reply::json(200, fixture("error.generic-shape.json")),
    )
    .await;
    let err = client(addr)
        .call("event.bind", json!({}))
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.code, "ERROR_HANDLER_ALREADY_EXIST");
    assert_eq!(api.status, 200);
}

#[tokio::test]
async fn redirects_are_followed_as_posts_and_bounded() {
    let (addr, log) = serve(
        vec![Reply::redirect(format!(
            "/new/rest/1/{SECRET}/crm.deal.get"
        ))],
        Reply::json(200, ok_body()),
    )
    .await;
    let c = client(addr);
    c.call("crm.deal.get", json!({"id": 1})).await.unwrap();
    c.call("crm.deal.get", json!({"id": 2})).await.unwrap();
    let log = log.lock().unwrap().clone();
    let paths: Vec<(&str, &str)> = log
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str()))
        .collect();
    let new = format!("/new/rest/1/{SECRET}/crm.deal.get");
    assert_eq!(
        paths,
        vec![
            ("POST", format!("/rest/1/{SECRET}/crm.deal.get").as_str()),
            ("POST", new.as_str()),
            ("POST", new.as_str()),
        ]
    );
    assert_eq!(log[1].body, br#"{"id":1}"#);

    let (addr, log) = serve(vec![], Reply::redirect("/loop/rest/1/s/crm.deal.get")).await;
    let err = client(addr)
        .call("crm.deal.get", json!({"id": 1}))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err}");
    };
    assert_eq!(t.kind, TransportKind::Redirect);
    assert_eq!(
        log.lock().unwrap().len(),
        6,
        "the first request and 5 redirects"
    );
    assert!(!err.to_string().contains(SECRET), "{err}");
}

#[tokio::test]
async fn an_operation_limit_without_a_time_block_waits_for_the_last_reset_seen() {
    let first = json!({
        "result": [],
        "time": {"start": 100.0, "finish": 100.0, "operating_reset_at": 101}
    });
    let script = vec![
        Reply::json(200, first.to_string()),
        Reply::json(429, fixture("error.OPERATION_TIME_LIMIT.json")),
    ];
    let (addr, log) = serve(script, Reply::json(200, ok_body())).await;
    let c = Client::builder(Auth::webhook(&format!("http://{addr}/rest/1/{SECRET}/")).unwrap())
        .system_proxy(false)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..fast_retry()
        })
        .build()
        .unwrap();
    c.call("crm.deal.list", json!({})).await.unwrap();
    let started = std::time::Instant::now();
    c.call("crm.deal.list", json!({})).await.unwrap();
    // reset 1 s after the first answer, plus the 1 s rounding margin.
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1800), "{waited:?}");
    assert_eq!(log.lock().unwrap().len(), 3);
}
