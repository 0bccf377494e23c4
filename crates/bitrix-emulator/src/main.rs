//! `bitrix-emulator serve`: a local Bitrix24 portal for tests and demos.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bitrix_emulator::{Emulator, Faults, Portal, Quirks, RateLimit};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "bitrix-emulator",
    version,
    about = "A local Bitrix24 portal that answers the CRM REST API like the real one"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the emulated portal; prints the webhook URL as the first line of stdout.
    Serve(Serve),
}

#[derive(clap::Args)]
struct Serve {
    /// Address to listen on (`127.0.0.1:PORT`; `localhost:PORT` means 127.0.0.1).
    #[arg(long, default_value = "127.0.0.1:0", value_parser = parse_addr)]
    addr: SocketAddr,
    /// Listen on a non-loopback address too (the emulator is meant for local tests).
    #[arg(long)]
    allow_non_loopback: bool,
    /// Portal description directory (files missing there come from the built-in portal).
    #[arg(long)]
    portal: Option<PathBuf>,
    #[arg(long, default_value_t = 0)]
    deals: usize,
    #[arg(long, default_value_t = 0)]
    leads: usize,
    #[arg(long, default_value_t = 0)]
    contacts: usize,
    #[arg(long, default_value_t = 0)]
    companies: usize,
    /// Items per smart process.
    #[arg(long, default_value_t = 0)]
    items: usize,
    /// Seed for generated records and injected faults.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Webhook secret (default: random).
    #[arg(long)]
    secret: Option<String>,
    /// Leaky-bucket drain per second (default 2).
    #[arg(long)]
    rate: Option<f64>,
    /// Leaky-bucket size (default 50).
    #[arg(long)]
    burst: Option<f64>,
    /// Switch every quirk and limit off (a --rate/--burst given as well still applies).
    #[arg(long)]
    no_quirks: bool,
    /// Latency added to every request.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of requests that fail, from 0 to 1 (HTML 500/503, dropped connection, lost
    /// answer).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    fault_rate: f64,
    /// Server UTC offset in hours.
    #[arg(long, default_value_t = 3, allow_hyphen_values = true)]
    utc_offset_hours: i32,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let Command::Serve(args) = Cli::parse().command;
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(args: Serve) -> ExitCode {
    let portal = match &args.portal {
        Some(dir) => match Portal::from_dir(dir) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => Portal::default(),
    };
    let mut quirks = if args.no_quirks {
        Quirks::none()
    } else {
        Quirks::default()
    };
    if args.rate.is_some() || args.burst.is_some() {
        let defaults = RateLimit::default();
        quirks.rate_limit = Some(RateLimit {
            drain_per_sec: args.rate.unwrap_or(defaults.drain_per_sec),
            burst: args.burst.unwrap_or(defaults.burst),
        });
    }
    let mut faults = Faults::with_rate(args.seed, args.fault_rate.clamp(0.0, 1.0));
    faults.latency = Duration::from_millis(args.latency_ms);
    let mut builder = Emulator::builder()
        .portal(portal)
        .seed(args.seed)
        .deals(args.deals)
        .leads(args.leads)
        .contacts(args.contacts)
        .companies(args.companies)
        .items(args.items)
        .addr(args.addr)
        .allow_non_loopback(args.allow_non_loopback)
        .quirks(quirks)
        .faults(faults)
        .utc_offset_secs(args.utc_offset_hours.saturating_mul(3600));
    if let Some(secret) = args.secret {
        builder = builder.secret(secret);
    }
    let emu = match builder.start().await {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    // The URL is the one thing a caller needs; printing it is the purpose of this line.
    if writeln!(stdout, "{}", emu.webhook_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("error: cannot write the webhook URL to stdout");
        return ExitCode::FAILURE;
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    emu.shutdown().await;
    ExitCode::SUCCESS
}

fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let resolved = match text.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => text.to_string(),
    };
    resolved
        .parse()
        .map_err(|_| format!("`{text}` is not an address; use 127.0.0.1:PORT or localhost:PORT"))
}

fn parse_share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "`{text}` is not a share: give a number from 0 to 1, e.g. 0.1"
        )),
    }
}
