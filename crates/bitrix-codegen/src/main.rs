//! The `bitrix-codegen` command: pull a portal's metadata into `bitrix.toml`, check it for
//! drift in CI, diff two schema files, generate code, and translate field names.
//!
//! Exit codes: 0 success (or no drift), 2 drift or a stale generated file, 1 any error, so that
//! an outage is never mistaken for drift.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bitrix_codegen::pull::{self, PullStats, Selection};
use bitrix_codegen::report::{self, Format};
use bitrix_codegen::{Options, generate_code, write_if_changed};
use bitrix_schema::diff::diff;
use bitrix_schema::{EntityKind, Schema, file, naming};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "bitrix-codegen",
    version,
    about = "Typed Bitrix24 CRM integrations: pull a portal's field metadata into bitrix.toml, \
             check it for drift, generate Rust code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch the portal's field metadata and write (or update) the schema file.
    Pull(PullArgs),
    /// Compare the schema file with the live portal; exit 2 on drift.
    Check(CheckArgs),
    /// Compare two schema files; exit 2 when they differ.
    Diff(DiffArgs),
    /// Generate Rust code from the schema file.
    Generate(GenerateArgs),
    /// Translate a field name between classic (`UF_CRM_*`) and crm.item (`ufCrm*`) names.
    Name(NameArgs),
}

#[derive(Args)]
struct PortalArgs {
    /// Incoming webhook URL (`https://portal/rest/1/SECRET/`); defaults to
    /// BITRIX_WEBHOOK_URL.
    #[arg(long, env = "BITRIX_WEBHOOK_URL", hide_env_values = true)]
    webhook: Option<String>,
    /// Entities to pull: lead, deal, contact, company, smart:<entityTypeId>, or `all`.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    entity: Vec<String>,
}

#[derive(Args)]
struct PullArgs {
    #[command(flatten)]
    portal: PortalArgs,
    /// The schema file to write; an existing file is updated, keeping your edits.
    #[arg(short, long, default_value = "bitrix.toml")]
    output: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Github,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Allow {
    /// Accept additive changes (new fields, items, stages); fail only on breaking ones.
    Additive,
}

#[derive(Args)]
struct ReportArgs {
    /// How to print the report.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Changes to accept without failing.
    #[arg(long, value_enum)]
    allow: Option<Allow>,
}

#[derive(Args)]
struct CheckArgs {
    /// The committed schema file.
    #[arg(default_value = "bitrix.toml")]
    schema: PathBuf,
    #[command(flatten)]
    portal: PortalArgs,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args)]
struct DiffArgs {
    /// The old schema file.
    old: PathBuf,
    /// The new schema file.
    new: PathBuf,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args)]
struct GenerateArgs {
    /// The schema file.
    #[arg(default_value = "bitrix.toml")]
    schema: PathBuf,
    /// Where to write the code.
    #[arg(short, long)]
    output: PathBuf,
    /// Entities to generate (default: all in the schema).
    #[arg(long, value_delimiter = ',')]
    entity: Vec<String>,
    /// Do not write; exit 2 when the file is missing or differs from what would be generated.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct NameArgs {
    /// A field name in either convention: `UF_CRM_1721244707107` or `ufCrm_1721244707107`.
    name: String,
    /// Look the name up in this schema first (names the portal reported win).
    #[arg(long)]
    schema: Option<PathBuf>,
    /// The entity to look in (lead, deal, contact, company, smart:<entityTypeId>).
    #[arg(long, default_value = "deal")]
    entity: String,
}

/// A failure the user must act on; printed to stderr, exit code 1.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

type Outcome = Result<ExitCode, Failure>;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BITRIX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .init();
    // clap exits with 2 on a usage error, the code that means drift here: a typo in a CI job
    // must fail as an error (1), not as drift.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let outcome = match cli.command {
        Command::Pull(args) => pull(args),
        Command::Check(args) => check(args),
        Command::Diff(args) => diff_files(args),
        Command::Generate(args) => generate(args),
        Command::Name(args) => name(args),
    };
    match outcome {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn read_schema(path: &Path) -> Result<(Schema, String), Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let schema = file::parse(&text, &path.display().to_string())?;
    Ok((schema, text))
}

fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Github => Format::Github,
    }
}

/// Prints the report and chooses the exit code; the last line says what fixes the drift.
fn report_drift(
    old: &Schema,
    new: &Schema,
    args: &ReportArgs,
    schema_path: &Path,
    schema_text: &str,
    fix: &str,
) -> ExitCode {
    let d = diff(old, new);
    let format = format_of(args.format);
    let path = schema_path.display().to_string();
    emit(&report::render(&d, format, &path, schema_text));
    let drift = report::is_drift(&d, args.allow == Some(Allow::Additive));
    if !drift {
        if !d.is_empty() {
            eprintln!("additive changes only, accepted by --allow additive");
        }
        return ExitCode::SUCCESS;
    }
    eprintln!("{}", d.summary());
    if format != Format::Json {
        emit(&format!("to accept these changes, run: {fix}\n"));
    }
    ExitCode::from(2)
}

fn diff_files(args: DiffArgs) -> Outcome {
    let (old, old_text) = read_schema(&args.old)?;
    let (new, _) = read_schema(&args.new)?;
    let fix = format!("cp {} {}", args.new.display(), args.old.display());
    Ok(report_drift(
        &old,
        &new,
        &args.report,
        &args.old,
        &old_text,
        &fix,
    ))
}

fn generate(args: GenerateArgs) -> Outcome {
    let (schema, _) = read_schema(&args.schema)?;
    let options = Options {
        entities: args.entity.clone(),
        source_name: args.schema.display().to_string(),
        ..Options::default()
    };
    let code = generate_code(&schema, &options)?;
    if args.check {
        let current = match std::fs::read_to_string(&args.output) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Failure(format!("{}: {e}", args.output.display()))),
        };
        match current {
            Some(text) if text == code => return Ok(ExitCode::SUCCESS),
            Some(_) => eprintln!(
                "{} is stale: it differs from what {} generates",
                args.output.display(),
                args.schema.display()
            ),
            None => eprintln!("{} does not exist", args.output.display()),
        }
        let mut regenerate = format!(
            "bitrix-codegen generate {} -o {}",
            args.schema.display(),
            args.output.display()
        );
        if !args.entity.is_empty() {
            regenerate.push_str(&format!(" --entity {}", args.entity.join(",")));
        }
        emit(&format!("to regenerate it, run: {regenerate}\n"));
        return Ok(ExitCode::from(2));
    }
    let changed = write_if_changed(&args.output, &code)?;
    eprintln!(
        "{} {}",
        if changed { "wrote" } else { "unchanged:" },
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn name(args: NameArgs) -> Outcome {
    let kind = parse_kind(&args.entity)?;
    let mut table = naming::NameTable::new(kind);
    if let Some(path) = &args.schema {
        let (schema, _) = read_schema(path)?;
        let entity = schema
            .entities
            .iter()
            .find(|e| same_entity(e.kind, kind))
            .ok_or_else(|| {
                Failure(format!(
                    "{} has no entity {}; pass --entity with one it has",
                    path.display(),
                    args.entity
                ))
            })?;
        table = naming::NameTable::from_schema_entity(entity);
    }
    let name = args.name.trim();
    let camel = name.chars().any(|c| c.is_ascii_lowercase());
    if camel {
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(Failure(format!(
                "`{name}` is not a crm.item field name: those start with a lowercase letter \
                 and hold only ASCII letters, digits and `_` (e.g. ufCrm_1721244707107)"
            )));
        }
    } else {
        naming::validate_field_code(name)
            .map_err(|e| Failure(format!("`{name}` is not a field code: {e}")))?;
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(Failure(format!(
                "`{name}` is not a field code: codes start with a letter \
                 (e.g. UF_CRM_1721244707107)"
            )));
        }
    }
    let converted = if camel {
        table.to_classic(name)
    } else {
        table.to_item(name)
    };
    emit(&format!("{converted}\n"));
    Ok(ExitCode::SUCCESS)
}

fn same_entity(a: EntityKind, b: EntityKind) -> bool {
    a.entity_type_id() == b.entity_type_id()
}

fn parse_kind(name: &str) -> Result<EntityKind, Failure> {
    if let Some(kind) = EntityKind::from_classic_name(name) {
        return Ok(kind);
    }
    name.strip_prefix("smart:")
        .and_then(|id| id.parse().ok())
        .map(|entity_type_id| EntityKind::Smart {
            entity_type_id,
            type_id: 0,
        })
        .ok_or_else(|| {
            Failure(format!(
                "`{name}` is not an entity; use lead, deal, contact, company or \
                 smart:<entityTypeId>"
            ))
        })
}

/// Pulls the live schema of `selection` from the portal behind `webhook`.
fn pull_live(
    webhook: Option<String>,
    selection: &Selection,
) -> Result<(Schema, PullStats), Failure> {
    let webhook = webhook.filter(|w| !w.trim().is_empty()).ok_or_else(|| {
        Failure(
            "no webhook URL: pass --webhook https://<portal>/rest/<user>/<secret>/ or set \
             BITRIX_WEBHOOK_URL"
                .into(),
        )
    })?;
    let auth = bitrix_client::Auth::webhook(webhook.trim())?;
    let client = bitrix_client::Client::builder(auth).build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let show_progress = std::io::stderr().is_terminal();
    let progress = |step: &str| {
        if show_progress {
            eprintln!("pull: {step}...");
        }
    };
    let source = pull::ClientSource::new(client);
    let (schema, stats) = runtime.block_on(pull::pull(&source, selection, progress))?;
    tracing::info!(
        requests = stats.requests,
        commands = stats.commands,
        "pulled metadata"
    );
    Ok((schema, stats))
}

fn selection_of(names: &[String]) -> Result<Selection, Failure> {
    Selection::parse(names).map_err(Failure)
}

fn pull(args: PullArgs) -> Outcome {
    let selection = selection_of(&args.portal.entity)?;
    let (fresh, stats) = pull_live(args.portal.webhook, &selection)?;
    // With --entity, only those entities are refreshed; the rest of an existing file stays.
    let schema = match std::fs::read_to_string(&args.output) {
        Ok(text) if selection != Selection::All => {
            let existing = file::parse(&text, &args.output.display().to_string())?;
            pull::merge_pulled(&existing, &fresh, &selection)
        }
        _ => fresh,
    };
    let changed = file::write(&args.output, &schema)?;
    eprintln!(
        "{} {} ({} entities, {} HTTP requests)",
        if changed { "wrote" } else { "unchanged:" },
        args.output.display(),
        schema.entities.len(),
        stats.requests
    );
    Ok(ExitCode::SUCCESS)
}

/// The entities a committed schema holds, so that `check` compares like with like.
fn selection_of_schema(schema: &Schema) -> Selection {
    let mut classic = Vec::new();
    let mut smart = Vec::new();
    for entity in &schema.entities {
        match entity.kind {
            EntityKind::Smart { entity_type_id, .. } => smart.push(entity_type_id),
            kind => classic.push(kind),
        }
    }
    Selection::Only { classic, smart }
}

fn check(args: CheckArgs) -> Outcome {
    let (committed, text) = read_schema(&args.schema)?;
    let explicit = args.portal.entity.iter().any(|e| e != "all");
    let selection = if explicit {
        selection_of(&args.portal.entity)?
    } else {
        selection_of_schema(&committed)
    };
    let (live, _) = pull_live(args.portal.webhook, &selection)?;
    let mut fix = format!("bitrix-codegen pull -o {}", args.schema.display());
    if explicit {
        fix.push_str(&format!(" --entity {}", args.portal.entity.join(",")));
    }
    let committed = pull::restrict(&committed, &selection);
    Ok(report_drift(
        &committed,
        &live,
        &args.report,
        &args.schema,
        &text,
        &fix,
    ))
}
