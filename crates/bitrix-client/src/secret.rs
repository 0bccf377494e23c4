//! Secrets and the redaction of URLs that carry them.
//!
//! A webhook URL is a password: `/rest/{user}/{secret}/`. OAuth tokens, client secrets and
//! event application tokens are too. They live in [`Secret`], whose `Debug` prints nothing
//! of the value and which has no `Display`, and every URL that reaches a log or an error goes
//! through [`redact_url`] first.

use std::fmt;

/// A value that must never be printed. Read it with [`Secret::expose`], on purpose.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, e.g. to store a refreshed token.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

/// Compares two byte strings in time that depends only on their lengths, so that a forged
/// token cannot be guessed byte by byte from response times.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let len = a.len().max(b.len());
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    diff == 0
}

/// The text shown for a URL: the webhook secret (the path segment after `/rest/{user}/`) is
/// replaced by `***`, and the query string (which may hold `auth=` or a refresh token) is
/// cut. Text that does not parse as a URL is reduced to `<url>`.
pub fn redact_url(url: &str) -> String {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return "<url>".to_string();
    };
    let mut out = format!("{}://", parsed.scheme());
    out.push_str(parsed.host_str().unwrap_or(""));
    if let Some(port) = parsed.port() {
        out.push_str(&format!(":{port}"));
    }
    let segments: Vec<&str> = parsed.path().split('/').collect();
    let mut redacted = Vec::with_capacity(segments.len());
    let mut i = 0;
    while i < segments.len() {
        redacted.push(segments[i]);
        // `/rest/{user}/{secret}/...`: the segment after a numeric user id is the secret.
        let is_webhook = segments[i] == "rest"
            && segments
                .get(i + 1)
                .is_some_and(|u| !u.is_empty() && u.bytes().all(|b| b.is_ascii_digit()))
            && segments.get(i + 2).is_some_and(|s| !s.is_empty());
        if is_webhook {
            redacted.push(segments[i + 1]);
            redacted.push("***");
            i += 3;
        } else {
            i += 1;
        }
    }
    out.push_str(&redacted.join("/"));
    if parsed.query().is_some() {
        out.push_str("?…");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_secret_is_replaced() {
        assert_eq!(
            redact_url("https://portal.example/rest/1/abc123secret/crm.deal.get.json"),
            "https://portal.example/rest/1/***/crm.deal.get.json"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:8080/moved/rest/17/s3cr3t/"),
            "http://127.0.0.1:8080/moved/rest/17/***/"
        );
    }

    #[test]
    fn oauth_paths_keep_the_method_and_lose_the_query() {
        assert_eq!(
            redact_url("https://portal.example/rest/crm.deal.get?auth=tok"),
            "https://portal.example/rest/crm.deal.get?…"
        );
        assert_eq!(redact_url("not a url"), "<url>");
    }

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
