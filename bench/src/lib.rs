//! Benchmarks of the bitrix crates against the portal's limits and against other clients.
//! `bench/run.sh` runs them all and writes `BENCHMARKS.md`.

pub mod codegen;
pub mod export;
pub mod mapping;
pub mod portal;
pub mod pull;
pub mod report;
pub mod results;
pub mod update;

pub mod generated {
    //! The 60-field deal generated from `schema/deal60.toml` by `build.rs`.
    include!(concat!(env!("OUT_DIR"), "/bitrix.rs"));
}
