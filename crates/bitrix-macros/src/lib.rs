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

/// Implements `bitrix_schema::entity::CrmEntity` for a struct with one `Option` per CRM
/// field and one `Extra`, in the shape bitrix-codegen generates: the same trait impl, a
/// `<Name>Field` enum for `clear`, a `FieldName` constant per field (named after its UPPER
/// name), `FIELDS`, and `to_record`.
///
/// ```rust,ignore
/// use bitrix_schema::entity::Extra;
/// use bitrix_schema::{CrmEntity, CrmEnum};
///
/// #[derive(CrmEntity, Debug, Default, Clone, PartialEq)]
/// #[bitrix(entity = "deal", schema = "bitrix.toml")]
/// struct MyDeal {
///     #[bitrix(field = "TITLE")]
///     title: Option<String>,
///     #[bitrix(field = "UF_CRM_DELIVERY")]
///     delivery: Option<Delivery>,
///     #[bitrix(field = "UF_CRM_1700000002", codec = "uf_bool_numeric")]
///     paid: Option<bool>,
///     #[bitrix(skip)]
///     local_note: String,
///     #[bitrix(extra)]
///     extra: Extra,
/// }
/// ```
///
/// On the struct:
/// - `entity = "deal"` (required): `lead`, `deal`, `contact`, `company` or
///   `smart:<entityTypeId>`.
/// - `schema = "bitrix.toml"`: the committed schema file, relative to the directory of the
///   crate's `Cargo.toml`. Names then come from the file (the portal's names win), and every
///   field is checked: a name the file does not have, a Rust type that cannot hold the field
///   (`String` for a list, `bool` for money), a single value for a multiple field or a list for
///   a single one, and a codec that does not fit are compile errors at the token at fault.
///   Editing the file makes the next build check again.
/// - `crate = "path::to::bitrix_schema"`: where the runtime is, when not at `::bitrix_schema`.
/// - `field_enum = "Name"`: the name of the clear enum, `<Name>Field` by default.
///
/// On a field:
/// - `field = "UF_CRM_..."`: the UPPER name (the classic name; for a smart process the
///   `upperName`). Without a schema the crm.item name follows the portal's naming rules
///   (`bitrix_schema::naming`), applied to this struct's fields only.
/// - `item = "ufCrm..."`: the crm.item name, when the rules would get it wrong (without a
///   schema only; with one it must agree with the file).
/// - `codec = "..."`: how the value travels when its Rust type alone does not say: `flag`,
///   `uf_bool`, `uf_bool_numeric`, `number`, `link_id`, `user`, `text`, `date`, `datetime`,
///   `money`, `enumeration`, `status`, `crm_link`, `crm_link_of(<entityTypeId>)`, `url`,
///   `address`, `file`, `raw`. For a `Vec` field it names the elements' codec. With a schema
///   the codec generated code would use is chosen for you (`link_id` for linked record IDs,
///   `uf_bool` for boolean user fields); name one only to pick an alternative.
/// - `read_only` (without a schema; with one the file says): left out of `to_fields` and of
///   the clear enum.
/// - `classic_only` (without a schema): a field crm.item does not have.
/// - `skip`: not a CRM field; it is never written and reads as `Default::default()`.
/// - `extra` (exactly one field, of type `bitrix_schema::entity::Extra`): unknown keys, values
///   that did not read, and the fields marked for clearing.
///
/// Types are recognised by the last segment of their path, so an alias of a known type needs
/// `codec = "..."` to pass the schema check.
///
/// The examples here are not compiled where they stand; bitrix-schema's
/// `tests/derive_without_schema.rs` and `tests/derive_equivalence.rs` compile the same shapes.
#[proc_macro_derive(CrmEntity, attributes(bitrix))]
pub fn derive_crm_entity(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    entity::expand(&input).into()
}

/// Implements `bitrix_schema::value::EnumValue` (list items, `id = N`) or `StatusValue`
/// (statuses, `status = "..."`) and `FieldValue` for an open enum, with `ALL`,
/// `from_known_id` and `from_label` as generated enums have.
///
/// ```rust,ignore
/// use bitrix_schema::CrmEnum;
///
/// #[derive(CrmEnum, Debug, Clone, Copy, PartialEq, Eq)]
/// #[bitrix(schema = "bitrix.toml", entity = "deal", field = "UF_CRM_DELIVERY")]
/// enum Delivery {
///     #[bitrix(id = 42)]
///     Courier,
///     #[bitrix(id = 44)]
///     Pickup,
///     #[bitrix(unknown)]
///     Other(u64),
/// }
///
/// #[derive(CrmEnum, Debug, Clone, PartialEq, Eq)]
/// #[bitrix(schema = "bitrix.toml", status_list = "SOURCE")]
/// enum Source {
///     #[bitrix(status = "CALL")]
///     Call,
///     #[bitrix(unknown)]
///     Other(String),
/// }
/// ```
///
/// The `#[bitrix(unknown)]` catch-all (`u64` for items, `String` for statuses) is required: an
/// ID the enum does not know is kept and written back unchanged.
///
/// With `schema = "..."` and either `entity` + `field` (an `enumeration` or `crm_status` field)
/// or `status_list`, every variant's ID must be in the file, and labels come from it;
/// without, `label = "..."` gives a variant's label.
#[proc_macro_derive(CrmEnum, attributes(bitrix))]
pub fn derive_crm_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    enums::expand(&input).into()
}
