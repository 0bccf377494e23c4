//! The model of a Bitrix24 portal's CRM fields, the TOML schema file users commit, the rules
//! that pair classic `UF_CRM_*` names with `crm.item` `ufCrm*` names, the schema diff, and the
//! runtime value types that generated and derived code use.
//!
//! This crate does no I/O beyond reading and writing the schema file, and never touches the
//! network: it is safe to use from a `build.rs`.

pub mod diff;
pub mod entity;
pub mod file;
pub mod ident;
pub mod ingest;
pub mod model;
pub mod naming;
pub mod value;

pub use model::*;

#[cfg(feature = "derive")]
pub use bitrix_macros::{CrmEntity, CrmEnum};

// Generated and derived code names these through `bitrix_schema`, so a user's crate needs no
// direct dependency on them, and the versions always match the runtime's.
pub use chrono;
pub use rust_decimal;
pub use serde_json;
