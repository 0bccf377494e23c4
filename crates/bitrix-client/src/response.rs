//! The answer of one call: `result`, the list fields `total`/`next`, and the `time` block.

use std::fmt;

use serde_json::{Map, Value};

use crate::error::{ApiError, Error};

/// The `time` block every answer carries. The set of keys varies between portals and
/// versions (older answers lack `operating*`), so every field is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeInfo {
    /// Unix seconds (with fraction) on the portal's clock.
    pub start: Option<f64>,
    pub finish: Option<f64>,
    pub duration: Option<f64>,
    pub processing: Option<f64>,
    pub date_start: Option<String>,
    pub date_finish: Option<String>,
    /// Unix seconds when this method's oldest operating-time charge leaves the window.
    pub operating_reset_at: Option<f64>,
    /// Seconds of execution time this call was charged.
    pub operating: Option<f64>,
}

impl TimeInfo {
    pub fn from_value(value: &Value) -> Option<TimeInfo> {
        let map = value.as_object()?;
        let num = |k: &str| map.get(k).and_then(number);
        let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
        Some(TimeInfo {
            start: num("start"),
            finish: num("finish"),
            duration: num("duration"),
            processing: num("processing"),
            date_start: text("date_start"),
            date_finish: text("date_finish"),
            operating_reset_at: num("operating_reset_at"),
            operating: num("operating"),
        })
    }

    /// Seconds from this answer until `operating_reset_at`, measured on the portal's own
    /// clock so that a skewed local clock does not matter. `operating_reset_at` is a whole
    /// second, possibly rounded down, so one second is added: waking up early would only
    /// earn another refusal.
    pub fn seconds_until_reset(&self) -> Option<f64> {
        let reset = self.operating_reset_at?;
        let now = self.finish.or(self.start)?;
        Some((reset - now).max(0.0) + 1.0)
    }
}

/// Numbers arrive as JSON numbers or, from some methods, as strings.
pub(crate) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A non-negative integer that may arrive as a number or a string (`"ID": "410"`).
pub(crate) fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A successful answer.
///
/// `Debug` describes `result` instead of printing it: records can hold file links that carry
/// access tokens.
#[derive(Clone, PartialEq)]
pub struct Response {
    pub result: Value,
    /// Lists: how many records match (0 when the count was skipped with `start=-1`).
    pub total: Option<u64>,
    /// Lists: the `start` of the next page, when there is one.
    pub next: Option<u64>,
    pub time: Option<TimeInfo>,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("result", &bitrix_schema::value::describe(&self.result))
            .field("total", &self.total)
            .field("next", &self.next)
            .field("time", &self.time)
            .finish()
    }
}

impl Response {
    /// Reads a whole answer body: `{"result": ..., "total": ..., "next": ..., "time": ...}`.
    pub(crate) fn from_body(method: &str, body: Map<String, Value>) -> Result<Response, Error> {
        let mut body = body;
        let Some(result) = body.remove("result") else {
            return Err(Error::unexpected(method, "the answer has no `result`"));
        };
        Ok(Response {
            result,
            total: body.get("total").and_then(unsigned),
            next: body.get("next").and_then(unsigned),
            time: body.get("time").and_then(TimeInfo::from_value),
        })
    }
}

/// What one HTTP answer turned out to be.
#[derive(Debug)]
pub(crate) enum Answer {
    Ok(Response),
    /// The portal's error, with the `time` block when the body had one (OPERATION_TIME_LIMIT
    /// answers carry `operating_reset_at` there).
    Err(ApiError, Option<TimeInfo>),
}

/// Classifies an HTTP answer. JSON with `error` is the portal's error whatever the status;
/// JSON with `result` and a 2xx status is a success; anything else (HTML pages from a proxy,
/// empty bodies) is classified by the status.
pub(crate) fn classify(
    method: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Answer, Error> {
    let parsed: Option<Map<String, Value>> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    if let Some(map) = parsed {
        if let Some(code) = map.get("error") {
            let code = match code {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            let description = map
                .get("error_description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let time = map.get("time").and_then(TimeInfo::from_value);
            return Ok(Answer::Err(
                ApiError::new(method, status, code, description),
                time,
            ));
        }
        if (200..300).contains(&status) {
            return Response::from_body(method, map).map(Answer::Ok);
        }
        let description = format!("HTTP {status} with a JSON body that has no `error`");
        return Ok(Answer::Err(
            ApiError::new(method, status, "", description),
            None,
        ));
    }
    if (200..300).contains(&status) {
        return Err(Error::unexpected(
            method,
            format!(
                "HTTP {status} with a body that is not a JSON object ({}, {} bytes)",
                kind_of(content_type),
                body.len()
            ),
        ));
    }
    let description = format!(
        "HTTP {status} with a non-JSON body ({}, {} bytes)",
        kind_of(content_type),
        body.len()
    );
    Ok(Answer::Err(
        ApiError::new(method, status, "", description),
        None,
    ))
}

fn kind_of(content_type: &str) -> &str {
    let main = content_type.split(';').next().unwrap_or("").trim();
    if main.is_empty() {
        "no content type"
    } else {
        main
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn error_of(name: &str, status: u16) -> ApiError {
        match classify("m", status, "application/json", &fixture(name)).unwrap() {
            Answer::Err(e, _) => e,
            Answer::Ok(_) => panic!("{name} read as success"),
        }
    }

    #[test]
    fn fixture_errors_are_classified() {
        let cases = [
            (
                "error.QUERY_LIMIT_EXCEEDED.json",
                503,
                ErrorKind::RateLimited,
            ),
            (
                "error.OPERATION_TIME_LIMIT.json",
                429,
                ErrorKind::OperationTimeLimit,
            ),
            ("error.OVERLOAD_LIMIT.json", 503, ErrorKind::Overload),
            ("error.expired_token.json", 401, ErrorKind::ExpiredToken),
            (
                "error.INVALID_CREDENTIALS.json",
                401,
                ErrorKind::InvalidCredentials,
            ),
            ("error.ACCESS_DENIED.json", 403, ErrorKind::AccessDenied),
            (
                "error.insufficient_scope.webhook.json",
                401,
                ErrorKind::AccessDenied,
            ),
            (
                "error.crm.item.get.NOT_FOUND.json",
                400,
                ErrorKind::NotFound,
            ),
            (
                "error.crm.item.list.INVALID_ARG_VALUE.json",
                400,
                ErrorKind::BadRequest,
            ),
            (
                "error.crm.deal.list.empty-code.json",
                400,
                ErrorKind::BadRequest,
            ),
        ];
        for (name, status, kind) in cases {
            let e = error_of(name, status);
            assert_eq!(e.kind, kind, "{name}");
            assert_eq!(e.status, status);
        }
        let e = error_of("error.expired_token.json", 401);
        assert_eq!(e.code, "expired_token");
        assert_eq!(e.description, "The access token provided has expired.");
    }

    #[test]
    fn html_error_pages_are_classified_by_status() {
        let html = b"<html><head><title>502 Bad Gateway</title></head></html>";
        let Answer::Err(e, None) = classify("crm.deal.get", 502, "text/html", html).unwrap() else {
            panic!("not an error");
        };
        assert_eq!(e.kind, ErrorKind::Server);
        assert_eq!(e.code, "");
        assert!(e.description.contains("text/html"), "{}", e.description);
        assert!(e.maybe_executed);

        let Answer::Err(e, _) = classify("x", 403, "", b"Forbidden").unwrap() else {
            panic!("not an error");
        };
        assert_eq!(e.kind, ErrorKind::AccessDenied);
    }

    #[test]
    fn time_block_from_the_fixture() {
        let body: Value = serde_json::from_slice(&fixture("time.json")).unwrap();
        let t = TimeInfo::from_value(&body["time"]).unwrap();
        assert_eq!(t.operating_reset_at, Some(1757425271.0));
        assert_eq!(t.date_start.as_deref(), Some("2025-09-09T16:31:11+03:00"));
        let wait = t.seconds_until_reset().unwrap();
        assert!(
            (wait - (1757425271.0 - 1757424672.203906 + 1.0)).abs() < 1e-6,
            "{wait}"
        );
    }

    #[test]
    fn list_answer_keeps_total_and_next() {
        let body = fixture("crm.lead.list.json");
        let Answer::Ok(r) = classify("crm.lead.list", 200, "application/json", &body).unwrap()
        else {
            panic!("not a success");
        };
        assert_eq!(r.total, Some(654));
        assert_eq!(r.next, Some(50));
        assert!(r.result.is_array());
        assert!(r.time.unwrap().start.is_some());
    }

    #[test]
    fn ids_as_strings_or_numbers() {
        assert_eq!(unsigned(&Value::String("410".into())), Some(410));
        assert_eq!(unsigned(&serde_json::json!(342)), Some(342));
        assert_eq!(unsigned(&serde_json::json!(-1)), None);
        assert_eq!(unsigned(&serde_json::json!("x")), None);
    }
}
