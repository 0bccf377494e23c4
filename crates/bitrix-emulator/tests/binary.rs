//! The `bitrix-emulator` binary: prints the webhook URL first, serves it, refuses
//! non-loopback addresses.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bitrix-emulator");

#[test]
fn serve_prints_the_webhook_url_first_and_answers_on_it() {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--deals",
            "3",
            "--seed",
            "1",
            "--secret",
            "clisecret",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().to_owned();
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_once('/').unwrap();
    assert!(addr.starts_with("127.0.0.1:"), "{url}");
    assert_eq!(path, "rest/1/clisecret/");

    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request = format!(
        "GET /{path}crm.deal.list?select%5B%5D=ID HTTP/1.1\r\n\
         host: {addr}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    // Stop the child we started, by its handle.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""total":3"#), "{answer}");
}

#[test]
fn non_loopback_addresses_are_refused() {
    let out = Command::new(BIN)
        .args(["serve", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a loopback address"), "{err}");
    assert!(err.contains("--allow-non-loopback"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn out_of_range_options_are_refused() {
    for (arg, bad) in [
        ("--fault-rate=2", "2"),
        ("--fault-rate=-0.5", "-0.5"),
        ("--addr=nowhere", "nowhere"),
    ] {
        let out = Command::new(BIN).args(["serve", arg]).output().unwrap();
        assert!(!out.status.success(), "{arg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("`{bad}`")), "{arg}: {err}");
    }
}

#[test]
fn help_lists_the_options() {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--addr",
        "--portal",
        "--deals",
        "--seed",
        "--rate",
        "--burst",
        "--no-quirks",
        "--latency-ms",
        "--fault-rate",
    ] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}
