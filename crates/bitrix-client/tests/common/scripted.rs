//! A tiny HTTP server on 127.0.0.1 that answers from a script, for answers the emulator
//! cannot produce (OVERLOAD_LIMIT, redirect loops) and for event handlers.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub location: Option<String>,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: body.into(),
            location: None,
        }
    }

    pub fn html(status: u16) -> Reply {
        Reply {
            status,
            content_type: "text/html",
            body: format!("<html><body><h1>{status}</h1></body></html>"),
            location: None,
        }
    }

    pub fn redirect(location: impl Into<String>) -> Reply {
        Reply {
            status: 302,
            content_type: "text/html",
            body: String::new(),
            location: Some(location.into()),
        }
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

pub type Log = Arc<Mutex<Vec<Seen>>>;

/// Answers with `script` in order, then with `fallback` forever.
pub async fn serve(script: Vec<Reply>, fallback: Reply) -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let script = Arc::new(Mutex::new(VecDeque::from(script)));
    let seen = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (seen, script, fallback) = (seen.clone(), script.clone(), fallback.clone());
            tokio::spawn(async move {
                let Some(request) = read_request(&mut stream).await else {
                    return;
                };
                seen.lock().unwrap().push(request);
                let reply = script.lock().unwrap().pop_front().unwrap_or(fallback);
                let mut head = format!(
                    "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\n\
                     connection: close\r\n",
                    reply.status,
                    reply.content_type,
                    reply.body.len()
                );
                if let Some(location) = &reply.location {
                    head.push_str(&format!("location: {location}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(reply.body.as_bytes()).await;
            });
        }
    });
    (addr, log)
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_string();
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        if buf.len() < end + 4 + len {
            continue;
        }
        let mut first = head.lines().next()?.split(' ');
        return Some(Seen {
            method: first.next()?.to_string(),
            path: first.next()?.to_string(),
            body: buf[end + 4..end + 4 + len].to_vec(),
        });
    }
}
