//! Turns `results.json` and criterion's estimates into `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::path::Path;

use crate::results::{ExportRun, Machine, Results};

/// Criterion's median estimate of one benchmark, in nanoseconds.
pub fn criterion_median_ns(criterion_dir: &Path, group: &str, bench: &str) -> Option<f64> {
    let path = criterion_dir
        .join(group)
        .join(bench)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("median")?.get("point_estimate")?.as_f64()
}

/// The machine as `nproc`, `/proc/cpuinfo` and `/proc/meminfo` describe it.
pub fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".to_owned());
    let run = |cmd: &str, args: &[&str]| {
        std::process::Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    Machine {
        nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu,
        memory,
        date: run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        rustc: run("rustc", &["--version"]),
    }
}

fn secs(s: f64) -> String {
    if s.is_nan() {
        "–".to_owned()
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}

fn ratio(value: f64, baseline: f64) -> String {
    if value.is_nan() || baseline.is_nan() || baseline == 0.0 {
        "–".to_owned()
    } else {
        format!("{:.2}×", value / baseline)
    }
}

fn mark(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

fn export_status(r: &ExportRun) -> String {
    if let Some(f) = &r.failure {
        let short: String = f.chars().take(140).collect();
        let more = if short.len() < f.len() { "…" } else { "" };
        return format!("failed: {}{more}", short.replace('|', "/"));
    }
    if r.capped {
        return match r.projected_seconds() {
            Some(p) => format!(
                "capped at {:.0} s; projection ≥ {} (linear in records)",
                r.cap_seconds,
                secs(p)
            ),
            None => format!("capped at {:.0} s before any record", r.cap_seconds),
        };
    }
    if r.unique_ids != r.deals as u64 {
        return format!("incomplete: {} of {} deals", r.unique_ids, r.deals);
    }
    "complete".to_owned()
}

fn machine_block(out: &mut String, m: &Machine, command: &str, total: f64) {
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| date | {} |", m.date);
    let _ = writeln!(out, "| command | `{command}` |");
    let _ = writeln!(
        out,
        "| machine | {} × {} (`nproc`), {} RAM |",
        m.nproc, m.cpu, m.memory
    );
    let _ = writeln!(out, "| toolchain | {} |", m.rustc);
    let _ = writeln!(out, "| run time | {} (builds excluded) |\n", secs(total));
}

fn mapping_section(out: &mut String, criterion: &Path) {
    out.push_str("## 4. Mapping cost (criterion, in process)\n\n");
    out.push_str(
        "One 60-field deal (`bench/schema/deal60.toml`: 15 system and 45 user fields of every \
         common kind), per family. *generated*: the type bitrix-codegen generates in \
         `bench/build.rs`; *hand*: a hand-written `serde_json::Value` mapping into plain Rust \
         types (`bench/src/mapping/hand.rs`); *floor*: `#[derive(Serialize, Deserialize)]` \
         structs with fixed names and the wire's own value types, no conversion \
         (`bench/src/mapping/floor.rs`). Medians; ratios are against the floor of the same \
         row. Target: generated within 1.5× the floor.\n\n",
    );
    out.push_str(
        "| operation | generated | hand | floor | generated / floor | hand / floor | target |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (group, label) in [
        ("write_classic", "write (`to_fields`), classic"),
        ("write_item", "write (`to_fields`), crm.item"),
        ("read_classic", "read (`from_fields`), classic"),
        ("read_item", "read (`from_fields`), crm.item"),
    ] {
        let get = |b: &str| criterion_median_ns(criterion, group, b).unwrap_or(f64::NAN);
        let (g, h, f) = (get("generated"), get("hand"), get("floor"));
        let us = |ns: f64| {
            if ns.is_nan() {
                "–".to_owned()
            } else {
                format!("{:.2} µs", ns / 1000.0)
            }
        };
        let within = !g.is_nan() && !f.is_nan() && g <= 1.5 * f;
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} | {} |",
            us(g),
            us(h),
            us(f),
            ratio(g, f),
            ratio(h, f),
            mark(within)
        );
    }
    out.push('\n');
}

pub fn render(results: &Results, criterion: &Path, notes: &str) -> String {
    let mut out = String::from("# Benchmarks\n\n");
    out.push_str(
        "Written by `bench/run.sh` from one run; do not edit by hand (the notes at the end \
         come from `bench/NOTES.md`). Everything talks to the in-process emulator \
         (`bitrix-emulator`) or to a subprocess on 127.0.0.1 only. Each figure is shown with \
         the baseline measured in the same run.\n\n",
    );
    if let Some(m) = &results.machine {
        machine_block(&mut out, m, &results.command, results.total_seconds);
    }

    if let Some(p) = &results.pull {
        let _ = writeln!(
            out,
            "## 1. Schema pull\n\nA portal with the four classic entities and {} smart processes \
             of {} user fields each (`bench/src/portal.rs`), default limits (2/s, burst 50), \
             {} ms added to every request. *ours*: `bitrix_codegen::pull::pull` through \
             `bitrix_client::Client::batch`; *naive*: the same metadata commands, one request \
             each. Target: ≤ 4 requests.\n",
            p.smart_processes, p.user_fields_each, p.latency_ms
        );
        out.push_str(
            "| contender | HTTP requests | commands | wall time | entities | fields | outcome |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|\n");
        for r in [&p.ours, &p.naive] {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.label,
                r.work.http_requests,
                r.work.commands,
                secs(r.seconds),
                r.entities,
                r.fields,
                r.failure.as_deref().unwrap_or("ok")
            );
        }
        let _ = writeln!(
            out,
            "\nOurs / naive: {} the requests, {} the wall time. Same schema from both: {}. \
             Target ≤ 4 requests: {}.\n",
            ratio(
                p.ours.work.http_requests as f64,
                p.naive.work.http_requests as f64
            ),
            ratio(p.ours.seconds, p.naive.seconds),
            if p.same_schema { "yes" } else { "**no**" },
            mark(p.ours.work.http_requests <= 4 && p.ours.failure.is_none())
        );
    }

    if !results.exports.is_empty() || !results.exports_skipped.is_empty() {
        out.push_str(
            "## 2. Bulk export\n\nAll deals of a generated portal, default limits (2/s, burst \
             50, operating time 480 s per method per 10 min). *ours*: `Client::list` (ID \
             cursor, `start=-1`, 50 pages chained per batch request); *fast-bitrix24*: \
             `get_all('crm.deal.list')`, version 1.8.14 from PyPI in a venv; *naive*: \
             `start=0,50,100,...`, one request per page, each with its COUNT. Work columns are \
             the emulator's counters. Ratios are against fast-bitrix24 in the same setting. A \
             capped run shows the records it got and a projection from its rate, a lower bound \
             for offset paging whose later pages cost more.\n\n",
        );
        out.push_str(concat!(
            "| deals | latency | contender | wall time | vs fast-bitrix24 | ",
            "requests | rows scanned | counts | refused (rate / operating) | ",
            "records | outcome |\n",
        ));
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for r in &results.exports {
            let fb = results.exports.iter().find(|o| {
                o.deals == r.deals && o.latency_ms == r.latency_ms && o.client.starts_with("fast")
            });
            let vs = fb.map_or("–".to_owned(), |fb| {
                if fb.complete() {
                    ratio(r.seconds, fb.seconds)
                } else {
                    "– (baseline incomplete)".to_owned()
                }
            });
            let _ = writeln!(
                out,
                "| {} | {} ms | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} |",
                r.deals,
                r.latency_ms,
                r.client,
                secs(r.seconds),
                vs,
                r.work.http_requests,
                r.work.rows_scanned,
                r.work.counts_run,
                r.work.refused_rate_limit,
                r.work.refused_operating_limit,
                r.records_received(),
                export_status(r)
            );
        }
        for s in &results.exports_skipped {
            let _ = writeln!(out, "\nNot run: {s}");
        }
        out.push_str("\nTargets, per setting (ours against fast-bitrix24):\n\n");
        out.push_str(concat!(
            "| deals | latency | no more requests | zero counts | less wall time | ",
            "no failure |\n|---|---|---|---|---|---|\n",
        ));
        for ours in results
            .exports
            .iter()
            .filter(|r| r.client.starts_with("ours"))
        {
            let fb = results.exports.iter().find(|o| {
                o.deals == ours.deals
                    && o.latency_ms == ours.latency_ms
                    && o.client.starts_with("fast")
            });
            let (fewer, faster) = match fb {
                Some(fb) if fb.complete() => (
                    mark(ours.work.http_requests <= fb.work.http_requests).to_owned(),
                    mark(ours.seconds < fb.seconds).to_owned(),
                ),
                Some(fb) => (
                    format!(
                        "{} (fast-bitrix24 incomplete after {} requests)",
                        mark(ours.work.http_requests <= fb.work.http_requests),
                        fb.work.http_requests
                    ),
                    format!("{} (fast-bitrix24 did not finish)", mark(ours.complete())),
                ),
                None => ("– (not run)".to_owned(), "– (not run)".to_owned()),
            };
            let _ = writeln!(
                out,
                "| {} | {} ms | {} | {} | {} | {} |",
                ours.deals,
                ours.latency_ms,
                fewer,
                mark(ours.work.counts_run == 0),
                faster,
                mark(ours.complete())
            );
        }
        out.push('\n');
    }

    if let Some(u) = &results.update {
        let _ = writeln!(
            out,
            "## 3. Bulk update\n\n{} `crm.deal.update` commands on a portal of {} deals, 50 per \
             `batch` request through `Client::batch`, default limits, no added latency. The \
             bound is what the portal's bucket allows: (requests − burst) / drain rate.\n",
            u.updates, u.deals
        );
        out.push_str(concat!(
            "| wall time | bound | wall / bound | requests | ",
            "refused (rate / operating) | commands executed | ",
            "read back: new value | read back: records | failed commands |\n",
        ));
        out.push_str("|---|---|---|---|---|---|---|---|---|\n");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} / {} | {} | {} of {} | {} of {} | {} |\n",
            secs(u.seconds),
            secs(u.bound_seconds),
            ratio(u.seconds, u.bound_seconds),
            u.work.http_requests,
            u.work.refused_rate_limit,
            u.work.refused_operating_limit,
            u.update_commands_executed,
            u.records_with_new_value,
            u.updates,
            u.records_total,
            u.deals,
            u.failures
        );
        let exact = u.failure.is_none()
            && u.failures == 0
            && u.records_with_new_value == u.updates as u64
            && u.records_total == u.deals as u64
            && u.update_commands_executed == u.updates as u64;
        let _ = writeln!(
            out,
            "No lost or doubled write (every update executed exactly once, every record read \
             back with its new value, no record added or lost): {}.{}\n",
            mark(exact),
            u.failure
                .as_ref()
                .map(|f| format!(" Failure: {f}."))
                .unwrap_or_default()
        );
    }

    mapping_section(&mut out, criterion);

    if let Some(g) = &results.generation {
        let _ = writeln!(
            out,
            "## 5. Generation\n\nA schema of {} fields on {} entities (`bench/src/codegen.rs`: a \
             deal and smart processes, every common field type, enumerations with items). \
             Generation is in process, formatting included (median of 3); its baseline formats \
             the same fields written as plain serde structs with prettyplease. Compiling runs \
             `{}` on a throwaway crate in a temporary directory with its own target directory: \
             cold (empty target directory, dependencies included) and warm (only the crate's \
             source changed); baseline: the plain serde structs compiled the same way.\n",
            g.fields, g.entities, g.compile_command
        );
        out.push_str("| step | generated | baseline | ratio |\n|---|---|---|---|\n");
        let _ = writeln!(
            out,
            "| generate + format | {} ({} lines) | {} ({} lines) | {} |",
            secs(g.generate_seconds),
            g.generated_lines,
            secs(g.floor_format_seconds),
            g.floor_lines,
            ratio(g.generate_seconds, g.floor_format_seconds)
        );
        let _ = writeln!(
            out,
            "| compile, cold | {} | {} | {} |",
            secs(g.generated.cold_seconds.unwrap_or(f64::NAN)),
            secs(g.floor.cold_seconds.unwrap_or(f64::NAN)),
            ratio(
                g.generated.cold_seconds.unwrap_or(f64::NAN),
                g.floor.cold_seconds.unwrap_or(f64::NAN)
            )
        );
        let _ = writeln!(
            out,
            "| compile, warm | {} | {} | {} |",
            secs(g.generated.warm_seconds.unwrap_or(f64::NAN)),
            secs(g.floor.warm_seconds.unwrap_or(f64::NAN)),
            ratio(
                g.generated.warm_seconds.unwrap_or(f64::NAN),
                g.floor.warm_seconds.unwrap_or(f64::NAN)
            )
        );
        for run in [&g.generated, &g.floor] {
            if let Some(f) = &run.failure {
                let _ = writeln!(out, "\nCompile of {}: {f}", run.label);
            }
        }
        out.push('\n');
    }

    if !notes.trim().is_empty() {
        out.push_str(notes.trim());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{UpdateResult, Work};

    #[test]
    fn capped_runs_show_their_projection_and_missed_targets_say_so() {
        let capped = ExportRun {
            client: "naive offset paging".into(),
            deals: 1000,
            latency_ms: 0,
            seconds: 10.0,
            records: 100,
            unique_ids: 100,
            work: Work::default(),
            cap_seconds: 10.0,
            capped: true,
            failure: None,
        };
        assert_eq!(
            export_status(&capped),
            "capped at 10 s; projection ≥ 100.0 s (linear in records)"
        );
        let results = Results {
            update: Some(UpdateResult {
                deals: 10,
                updates: 10,
                seconds: 2.0,
                work: Work {
                    commands: 11,
                    ..Work::default()
                },
                bound_seconds: 1.0,
                records_total: 10,
                records_with_new_value: 10,
                update_commands_executed: 11,
                failures: 0,
                failure: None,
            }),
            exports: vec![capped],
            ..Results::default()
        };
        let md = render(&results, Path::new("/nonexistent"), "");
        assert!(md.contains("| 2.0 s | 1.0 s | 2.00× |"), "{md}");
        assert!(md.contains("no record added or lost): **missed**"), "{md}");
        assert!(md.contains("capped at 10 s"), "{md}");
    }
}
