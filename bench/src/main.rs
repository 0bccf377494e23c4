//! `bitrix-bench`: runs the end-to-end benchmarks (`run`) and writes BENCHMARKS.md
//! (`report`). `bench/run.sh` is the one command that does both, with the criterion benches.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bitrix_bench::export::{self, Caps, Python};
use bitrix_bench::portal::PortalShape;
use bitrix_bench::results::Results;
use bitrix_bench::{codegen, pull, report, update};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "bitrix-bench",
    about = "Benchmarks against the emulator on 127.0.0.1"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the end-to-end scenarios and write their results as JSON.
    Run(RunArgs),
    /// Write BENCHMARKS.md from the JSON results and criterion's estimates.
    Report(ReportArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Where to write the results.
    #[arg(long, default_value = "target/bench/results.json")]
    out: PathBuf,
    /// Scenarios to run.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "pull,export,update,generate"
    )]
    only: Vec<String>,
    /// Portal sizes for the export, in deals.
    #[arg(long, value_delimiter = ',', default_value = "100000,250000")]
    deals: Vec<usize>,
    /// Added latencies for the export, in milliseconds.
    #[arg(long, value_delimiter = ',', default_value = "0,100")]
    latency_ms: Vec<u64>,
    /// Python interpreter of a venv with fast-bitrix24; without it fast-bitrix24 is skipped.
    #[arg(long)]
    python: Option<PathBuf>,
    /// Caps, in seconds, per export run.
    #[arg(long, default_value_t = 300)]
    cap_ours: u64,
    #[arg(long, default_value_t = 150)]
    cap_fast_bitrix24: u64,
    #[arg(long, default_value_t = 60)]
    cap_naive: u64,
    /// Deals in the update portal, and updates made.
    #[arg(long, default_value_t = 10_000)]
    update_deals: usize,
    #[arg(long, default_value_t = 10_000)]
    updates: usize,
    /// Fields of the generation schema, spread over 25 entities.
    #[arg(long, default_value_t = 5_000)]
    generate_fields: usize,
    /// Also compile the generated code (cargo check of a throwaway crate).
    #[arg(long)]
    compile: bool,
    /// The command line to print in the report.
    #[arg(long, default_value = "bench/run.sh")]
    command_line: String,
}

#[derive(clap::Args)]
struct ReportArgs {
    #[arg(long, default_value = "target/bench/results.json")]
    results: PathBuf,
    #[arg(long, default_value = "target/criterion")]
    criterion: PathBuf,
    /// Notes appended to the report (per missed target).
    #[arg(long, default_value = "bench/NOTES.md")]
    notes: PathBuf,
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: PathBuf,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Cmd::Run(args) => run(args),
        Cmd::Report(args) => write_report(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bitrix-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn step(what: &str) {
    eprintln!("bitrix-bench: {what}");
}

fn save(path: &PathBuf, results: &Results) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(results).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: RunArgs) -> Result<(), String> {
    let started = Instant::now();
    let wants = |s: &str| args.only.iter().any(|o| o == s);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let mut results = Results {
        machine: Some(report::machine()),
        command: args.command_line.clone(),
        ..Results::default()
    };

    if wants("pull") {
        step("schema pull (20 smart processes x 30 user fields, 20 ms latency)");
        let r = runtime.block_on(pull::run(
            PortalShape::default(),
            Duration::from_millis(20),
            Duration::from_secs(300),
        ))?;
        results.pull = Some(r);
        save(&args.out, &results)?;
    }

    if wants("export") {
        let python = args.python.as_ref().map(|p| Python {
            interpreter: p.clone(),
            script: export::default_script(),
        });
        if python.is_none() {
            results
                .exports_skipped
                .push("fast-bitrix24 (no --python venv given)".to_owned());
        }
        let caps = Caps {
            ours: Duration::from_secs(args.cap_ours),
            fast_bitrix24: Duration::from_secs(args.cap_fast_bitrix24),
            naive: Duration::from_secs(args.cap_naive),
        };
        for &deals in &args.deals {
            step(&format!("export: generating {deals} deals"));
            let emu = runtime.block_on(export::emulator(deals))?;
            for &latency in &args.latency_ms {
                step(&format!("export: {deals} deals, {latency} ms latency"));
                let runs = runtime.block_on(export::run_setting(
                    &emu,
                    deals,
                    Duration::from_millis(latency),
                    &caps,
                    python.as_ref(),
                ));
                results.exports.extend(runs);
                save(&args.out, &results)?;
            }
            runtime.block_on(emu.shutdown());
        }
    }

    if wants("update") {
        step(&format!("update: {} deals", args.updates));
        let r = runtime.block_on(update::run(
            args.update_deals,
            args.updates,
            Duration::from_secs(600),
        ))?;
        results.update = Some(r);
        save(&args.out, &results)?;
    }

    if wants("generate") {
        step(&format!("generation: {} fields", args.generate_fields));
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(PathBuf::from)
            .ok_or("the bench crate has no parent directory")?;
        let setup = codegen::CompileSetup {
            workspace,
            work_dir: std::env::temp_dir().join(format!("bitrix-bench-{}", std::process::id())),
            cap: Duration::from_secs(900),
        };
        let entities = 25;
        let per_entity = args.generate_fields.div_ceil(entities);
        let r = codegen::run(entities, per_entity, args.compile.then_some(&setup));
        let _ = std::fs::remove_dir_all(&setup.work_dir);
        results.generation = Some(r?);
    }

    results.total_seconds = started.elapsed().as_secs_f64();
    save(&args.out, &results)?;
    step(&format!("results written to {}", args.out.display()));
    Ok(())
}

fn write_report(args: ReportArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.results).map_err(|e| {
        format!(
            "{}: {e}; run `bitrix-bench run` first",
            args.results.display()
        )
    })?;
    let results: Results =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", args.results.display()))?;
    let notes = std::fs::read_to_string(&args.notes).unwrap_or_default();
    let md = report::render(&results, &args.criterion, &notes);
    std::fs::write(&args.out, md).map_err(|e| format!("{}: {e}", args.out.display()))?;
    step(&format!("wrote {}", args.out.display()));
    Ok(())
}
