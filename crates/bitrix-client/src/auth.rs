//! How calls are authorised: an incoming webhook (the secret is in the URL path) or an OAuth
//! access token (sent as the `auth` parameter) that is renewed when it expires.

use std::fmt;
use std::sync::Arc;

use reqwest::Url;

use crate::error::Error;
use crate::secret::{Secret, redact_url};

/// Credentials for a portal.
#[derive(Clone)]
pub enum Auth {
    /// `https://{portal}/rest/{user}/{secret}/`: calls go to `{that}{method}`.
    Webhook(Webhook),
    /// An application's OAuth tokens.
    OAuth(OAuth),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Webhook(w) => f.debug_tuple("Webhook").field(w).finish(),
            Auth::OAuth(o) => f.debug_tuple("OAuth").field(o).finish(),
        }
    }
}

impl Auth {
    /// An incoming webhook URL, e.g. `https://portal.example/rest/1/abc123/`.
    pub fn webhook(url: &str) -> Result<Auth, Error> {
        Webhook::parse(url).map(Auth::Webhook)
    }
}

/// An incoming webhook. `Debug` shows the URL with the secret replaced by `***`.
#[derive(Clone)]
pub struct Webhook {
    pub(crate) base: Url,
}

impl Webhook {
    /// Checks the shape `http(s)://host[/prefix]/rest/{user}/{secret}/` (a trailing slash is
    /// added when missing; a method name or query string is refused).
    pub fn parse(url: &str) -> Result<Webhook, Error> {
        let bad = |why: &str| {
            Error::Config(format!(
                "webhook URL {}: {why}; expected https://PORTAL/rest/USER_ID/SECRET/ as shown \
                 in the webhook's settings",
                redact_url(url)
            ))
        };
        let mut parsed = Url::parse(url.trim()).map_err(|_| bad("not a URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("the scheme must be https (or http for a local portal)"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad("it must not have a query string or fragment"));
        }
        let path = parsed.path().trim_end_matches('/').to_string();
        let segments: Vec<&str> = path.split('/').collect();
        let n = segments.len();
        let shaped = n >= 4
            && segments[n - 3] == "rest"
            && !segments[n - 2].is_empty()
            && segments[n - 2].bytes().all(|b| b.is_ascii_digit())
            && !segments[n - 1].is_empty();
        if !shaped {
            return Err(bad("the path must end in /rest/USER_ID/SECRET/"));
        }
        parsed.set_path(&format!("{path}/"));
        Ok(Webhook { base: parsed })
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Webhook({})", redact_url(self.base.as_str()))
    }
}

/// A pair of OAuth tokens, as issued by the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: Secret,
    pub refresh_token: Secret,
}

/// Called with the new tokens after every refresh, so that they can be stored: a refresh
/// token can be used only once.
pub type OnRefresh = Arc<dyn Fn(&TokenPair) + Send + Sync>;

/// An application's OAuth access to one portal.
#[derive(Clone)]
pub struct OAuth {
    pub(crate) client_endpoint: Url,
    pub(crate) token_url: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) tokens: TokenPair,
    pub(crate) on_refresh: Option<OnRefresh>,
}

impl OAuth {
    /// - `client_endpoint`: the portal's `https://{portal}/rest/` (from the install event or
    ///   a token answer).
    /// - `token_url`: the OAuth server's token endpoint, as given in the Bitrix24 OAuth
    ///   documentation (there is no default, so that tests can point it at an emulator and
    ///   nothing is ever sent to an address the caller did not name).
    pub fn new(
        client_endpoint: &str,
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        tokens: TokenPair,
    ) -> Result<OAuth, Error> {
        let parse = |what: &str, text: &str| {
            let url = Url::parse(text).map_err(|_| {
                Error::Config(format!("OAuth {what} {} is not a URL", redact_url(text)))
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(Error::Config(format!(
                    "OAuth {what} {} must be an http(s) URL",
                    redact_url(text)
                )));
            }
            Ok(url)
        };
        let mut client_endpoint = parse("client endpoint", client_endpoint)?;
        if !client_endpoint.path().ends_with('/') {
            let path = format!("{}/", client_endpoint.path());
            client_endpoint.set_path(&path);
        }
        Ok(OAuth {
            client_endpoint,
            token_url: parse("token URL", token_url)?,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            tokens,
            on_refresh: None,
        })
    }

    /// Registers a callback for refreshed tokens.
    pub fn on_refresh(mut self, callback: impl Fn(&TokenPair) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(callback));
        self
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field(
                "client_endpoint",
                &redact_url(self.client_endpoint.as_str()),
            )
            .field("token_url", &redact_url(self.token_url.as_str()))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_url_shapes() {
        let w = Webhook::parse("https://portal.example/rest/1/abc123").unwrap();
        assert_eq!(w.base.as_str(), "https://portal.example/rest/1/abc123/");
        let w = Webhook::parse("http://127.0.0.1:9/moved/rest/12/s/").unwrap();
        assert_eq!(w.base.path(), "/moved/rest/12/s/");

        for bad in [
            "https://portal.example/rest/crm.deal.get",
            "https://portal.example/rest/x/abc/",
            "https://portal.example/rest/1/abc/?auth=1",
            "ftp://portal.example/rest/1/abc/",
            "no url",
        ] {
            assert!(Webhook::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn errors_and_debug_never_show_the_secret() {
        let err = Webhook::parse("https://portal.example/rest/1/topsecret/?x=1").unwrap_err();
        assert!(!err.to_string().contains("topsecret"), "{err}");
        let w = Auth::webhook("https://portal.example/rest/1/topsecret/").unwrap();
        let debug = format!("{w:?}");
        assert!(!debug.contains("topsecret"), "{debug}");
        assert!(debug.contains("/rest/1/***/"), "{debug}");

        let oauth = OAuth::new(
            "https://portal.example/rest/",
            "http://127.0.0.1:1/oauth/token/",
            "app.1",
            "client-secret-value",
            TokenPair {
                access_token: Secret::new("access-value"),
                refresh_token: Secret::new("refresh-value"),
            },
        )
        .unwrap();
        let debug = format!("{oauth:?}");
        for secret in ["client-secret-value", "access-value", "refresh-value"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains("app.1"));
    }
}
