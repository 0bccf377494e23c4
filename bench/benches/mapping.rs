//! Mapping cost of one 60-field deal, per family: generated types vs a hand-written
//! `serde_json::Value` mapping vs plain serde derives with fixed names (the floor).
//! Results land in `target/criterion/`; `bitrix-bench report` reads them into BENCHMARKS.md.

use std::hint::black_box;

use bitrix_bench::generated::Deal;
use bitrix_bench::mapping::Inputs;
use bitrix_bench::mapping::hand::HandDeal;
use bitrix_schema::entity::CrmEntity;
use bitrix_schema::value::Target;
use criterion::{Criterion, criterion_group, criterion_main};

fn family(c: &mut Criterion, target: Target, label: &str) {
    let inputs = match Inputs::new(target) {
        Ok(i) => i,
        Err(e) => panic!("the benchmark's sample record does not parse: {e}"),
    };

    let mut write = c.benchmark_group(format!("write_{label}"));
    write.bench_function("generated", |b| {
        b.iter(|| black_box(&inputs.generated).to_fields(target))
    });
    write.bench_function("hand", |b| {
        b.iter(|| black_box(&inputs.hand).to_fields(target))
    });
    write.bench_function("floor", |b| {
        b.iter(|| black_box(&inputs).floor_write().ok())
    });
    write.finish();

    let mut read = c.benchmark_group(format!("read_{label}"));
    read.bench_function("generated", |b| {
        b.iter(|| Deal::from_fields(black_box(&inputs.record), target))
    });
    read.bench_function("hand", |b| {
        b.iter(|| HandDeal::from_fields(black_box(&inputs.record), target))
    });
    read.bench_function("floor", |b| b.iter(|| black_box(&inputs).floor_read().ok()));
    read.finish();
}

fn mapping(c: &mut Criterion) {
    family(c, Target::Classic, "classic");
    family(c, Target::Item, "item");
}

criterion_group!(benches, mapping);
criterion_main!(benches);
