//! Helpers shared by the integration tests: a started emulator, HTTP calls through reqwest on
//! 127.0.0.1, and shape comparison against the real example responses in `fixtures/`.

#![allow(dead_code)]

use bitrix_emulator::{Emulator, EmulatorBuilder, Quirks};
use serde_json::Value;

/// Small data and no limits unless a test asks for them, so that tests stay fast and
/// independent of each other's request counts.
pub fn builder() -> EmulatorBuilder {
    let quirks = Quirks {
        rate_limit: None,
        operating_limit: None,
        ..Quirks::default()
    };
    Emulator::builder()
        .seed(7)
        .secret("testsecret")
        .quirks(quirks)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// POSTs JSON to `{webhook}{method}` and returns status and body.
pub async fn call(emu: &Emulator, method: &str, params: Value) -> (u16, Value) {
    let url = format!("{}{}", emu.webhook_url(), method);
    let resp = client()
        .post(url)
        .json(&params)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.json::<Value>().await.expect("json body");
    (status, body)
}

/// Like [`call`] but requires HTTP 200 and returns the whole body.
pub async fn ok(emu: &Emulator, method: &str, params: Value) -> Value {
    let (status, body) = call(emu, method, params).await;
    assert_eq!(status, 200, "{method}: {body}");
    body
}

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks that `actual` has the shape of the real example `expected`: every key the example
/// has (except `skip`) is present, with the same JSON type (`null` in the example matches
/// anything; `null` in ours matches a string or number the example shows, since our record
/// may simply not have that value). Arrays compare their first elements.
pub fn assert_shape(actual: &Value, expected: &Value, skip: &[&str], path: &str) {
    match (actual, expected) {
        (_, Value::Null) => {}
        (Value::Null, Value::String(_) | Value::Number(_) | Value::Object(_)) => {}
        (Value::Object(a), Value::Object(e)) => {
            for (key, ev) in e {
                if skip.contains(&key.as_str()) {
                    continue;
                }
                let av = a.get(key).unwrap_or_else(|| {
                    let text = actual.to_string();
                    panic!("{path}.{key} missing in {}", &text[..text.len().min(400)])
                });
                assert_shape(av, ev, skip, &format!("{path}.{key}"));
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if let (Some(a0), Some(e0)) = (a.first(), e.first()) {
                assert_shape(a0, e0, skip, &format!("{path}[0]"));
            }
        }
        // Empty objects print as [] in PHP.
        (Value::Array(a), Value::Object(_)) if a.is_empty() => {}
        (Value::Object(a), Value::Array(e)) if e.is_empty() && !a.is_empty() => {}
        _ => assert_eq!(
            kind(actual),
            kind(expected),
            "{path}: ours {actual} vs example {expected}"
        ),
    }
}

/// The keys of the `time` block of the example `time.json`.
pub fn assert_time_block(body: &Value) {
    assert_shape(&body["time"], &fixture("time.json")["time"], &[], "time");
    let start = body["time"]["start"].as_f64().expect("start");
    let finish = body["time"]["finish"].as_f64().expect("finish");
    assert!(finish >= start && start > 1.6e9, "{}", body["time"]);
}
