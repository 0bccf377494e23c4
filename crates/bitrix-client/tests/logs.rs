//! Secrets never reach the logs: every client log line at TRACE level is captured while
//! the calls that log URLs, tokens' refreshes and retries run.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix_client::{Auth, Client, OAuth, Secret, TokenPair};
use bitrix_emulator::Faults;
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

use common::{SECRET, client_for, portal};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn logs_never_carry_secrets() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("bitrix_client=trace")
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = portal()
        .deals(5)
        .token_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = client_for(&emu);
    emu.set_moved_to(Some("/moved"));
    emu.set_faults(Faults {
        seed: 2,
        error_rate: 0.2,
        drop_rate: 0.2,
        ..Faults::none()
    });
    for id in 1..=5 {
        client
            .call("crm.deal.get", json!({"id": id}))
            .await
            .unwrap();
    }
    emu.set_faults(Faults::none());

    let first = emu.issue_oauth_tokens();
    emu.set_token_lifetime(Duration::from_secs(3600));
    let app = emu.oauth_client();
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
    .unwrap();
    let app_client = Client::builder(Auth::OAuth(oauth))
        .system_proxy(false)
        .build()
        .unwrap();
    app_client
        .call("crm.deal.get", json!({"id": 1}))
        .await
        .unwrap();
    let refreshed = app_client.tokens().await.unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture works: the move, the retries and the refresh were logged.
    assert!(text.contains("portal moved"), "{text}");
    assert!(text.contains("/moved/rest/1/***/"), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("OAuth access token refreshed"), "{text}");
    for secret in [
        SECRET,
        &first.access_token,
        &first.refresh_token,
        &app.client_secret,
        refreshed.access_token.expose(),
        refreshed.refresh_token.expose(),
    ] {
        assert!(!text.contains(secret), "a secret is in the logs:\n{text}");
    }
}
