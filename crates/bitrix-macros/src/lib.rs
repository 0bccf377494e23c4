//! `#[derive(CrmEntity)]` and `#[derive(CrmEnum)]` for hand-written Bitrix24 CRM types.
//!
//! Use them through `bitrix-schema` with its `derive` feature (`bitrix_schema::CrmEntity`),
//! the way serde re-exports serde_derive: the expansion names the runtime crate by absolute
//! path (`::bitrix_schema`, or the path given with `#[bitrix(crate = "...")]`).
//!
//! A derived type expands to the same trait impls and the same wire output as the type
//! `bitrix-codegen` generates for the same field, so the two can be mixed freely. With
//! `#[bitrix(schema = "bitrix.toml")]` the committed schema file is read at compile time:
//! names come from it, and a field or item the schema does not know, or a Rust type that
//! cannot hold the field, is a compile error at the token at fault.
//!
//! See the `bitrix_schema` documentation of [`CrmEntity`](macro@CrmEntity) and
//! [`CrmEnum`](macro@CrmEnum) for the attributes.

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

// The schema model, the TOML reader and the naming rules are bitrix-schema's own source
// files, compiled into this crate as well: bitrix-schema depends on this crate (its `derive`
// feature), so this crate cannot depend on bitrix-schema, and a copy would let the derive
// and the generator disagree on a name. The module layout mirrors bitrix-schema's (`model`
// glob-imported at the root, `naming` and `file` beside it) because those files refer to
// each other through `crate::`. Only part of each file is used here.
#[allow(dead_code)]
#[path = "../../bitrix-schema/src/file.rs"]
mod file;
#[allow(dead_code)]
#[path = "../../bitrix-schema/src/ident.rs"]
mod ident;
#[allow(dead_code)]
#[path = "../../bitrix-schema/src/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "../../bitrix-schema/src/naming.rs"]
mod naming;

#[allow(unused_imports)]
use model::*;

mod attrs;
mod ctxt;
mod entity;
mod enums;
mod schema;
mod types;

/// Implements `bitrix_schema::entity::CrmEntity` for a struct of `Option` fields; documented
/// in `bitrix_schema` (feature `derive`).
#[proc_macro_derive(CrmEntity, attributes(bitrix))]
pub fn derive_crm_entity(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    entity::expand(&input).into()
}

/// Implements `bitrix_schema::value::EnumValue` or `StatusValue` (and `FieldValue`) for an
/// open enum; documented in `bitrix_schema` (feature `derive`).
#[proc_macro_derive(CrmEnum, attributes(bitrix))]
pub fn derive_crm_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    enums::expand(&input).into()
}
