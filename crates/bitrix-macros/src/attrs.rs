//! Reading `#[bitrix(...)]` attributes: each key at most once, unknown keys refused with the
//! list of known ones, and every problem recorded without stopping at the first.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitInt, LitStr, Token};

use crate::ctxt::Errors;
use crate::types::CodecSpec;

/// A value given in an attribute, with the tokens to point at when it is wrong.
pub struct Given<T> {
    pub value: T,
    pub span: TokenStream,
}

/// Calls `each` with the key and the parser for every entry of every `#[bitrix(...)]` in
/// `attrs`. An `Err` from `each` is recorded and the entry's remaining tokens skipped, so
/// the entries after it are still read.
pub fn for_each(
    attrs: &[Attribute],
    errors: &mut Errors,
    mut each: impl FnMut(&str, &ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("bitrix")) {
        let mut inner = Vec::new();
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_else(|| meta.path.to_token_stream().to_string());
            if let Err(e) = each(&key, &meta) {
                inner.push(e);
                // The key's value may be half read; skip to the next entry.
                while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                    meta.input.parse::<proc_macro2::TokenTree>()?;
                }
            }
            Ok(())
        });
        for e in inner {
            errors.push(e);
        }
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
}

/// The error for a key this attribute does not have.
pub fn unknown(meta: &ParseNestedMeta<'_>, key: &str, known: &[&str]) -> syn::Error {
    let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    meta.error(format!(
        "unknown attribute `bitrix({key})`; expected one of {}",
        list.join(", ")
    ))
}

/// Stores a value once; a repeated key is an error at its second occurrence.
pub fn once<T>(
    slot: &mut Option<Given<T>>,
    value: T,
    span: TokenStream,
    key: &str,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new_spanned(
            span,
            format!("`bitrix({key})` is given twice; keep one"),
        ));
    }
    *slot = Some(Given { value, span });
    Ok(())
}

/// `key = "string"`.
pub fn string(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    meta.value()?.parse::<LitStr>()
}

/// A bare flag such as `skip`; `skip = ...` is refused.
pub fn flag(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<TokenStream> {
    if meta.input.peek(Token![=]) || (!meta.input.is_empty() && !meta.input.peek(Token![,])) {
        return Err(meta.error(format!("`bitrix({key})` takes no value; write it alone")));
    }
    Ok(meta.path.to_token_stream())
}

/// The runtime crate's path from `crate = "..."`.
pub fn crate_path(lit: &LitStr) -> syn::Result<syn::Path> {
    lit.parse::<syn::Path>().map_err(|_| {
        syn::Error::new_spanned(
            lit,
            format!(
                "`crate = \"{}\"` is not a path; give the path under which bitrix_schema is \
                 reachable, e.g. `crate = \"my_reexport::bitrix_schema\"`",
                lit.value()
            ),
        )
    })
}

/// The runtime crate's path as tokens: the given one, or `::bitrix_schema`.
pub fn runtime(given: &Option<Given<syn::Path>>) -> TokenStream {
    match given {
        Some(g) => g.value.to_token_stream(),
        None => quote!(::bitrix_schema),
    }
}

/// Attributes of a struct deriving `CrmEntity`.
#[derive(Default)]
pub struct EntityAttrs {
    pub entity: Option<Given<String>>,
    pub schema: Option<Given<LitStr>>,
    pub krate: Option<Given<syn::Path>>,
    pub field_enum: Option<Given<syn::Ident>>,
}

const ENTITY_KEYS: &[&str] = &["entity", "schema", "crate", "field_enum"];

pub fn entity_attrs(attrs: &[Attribute], errors: &mut Errors) -> EntityAttrs {
    let mut out = EntityAttrs::default();
    for_each(attrs, errors, |key, meta| match key {
        "entity" => {
            let lit = string(meta)?;
            once(&mut out.entity, lit.value(), lit.to_token_stream(), key)
        }
        "schema" => {
            let lit = string(meta)?;
            once(&mut out.schema, lit.clone(), lit.to_token_stream(), key)
        }
        "crate" => {
            let lit = string(meta)?;
            let path = crate_path(&lit)?;
            once(&mut out.krate, path, lit.to_token_stream(), key)
        }
        "field_enum" => {
            let lit = string(meta)?;
            let ident = lit.parse::<syn::Ident>().map_err(|_| {
                syn::Error::new_spanned(
                    &lit,
                    format!("`field_enum = \"{}\"` is not a type name", lit.value()),
                )
            })?;
            once(&mut out.field_enum, ident, lit.to_token_stream(), key)
        }
        other => Err(unknown(meta, other, ENTITY_KEYS)),
    });
    out
}

/// Attributes of one field of a struct deriving `CrmEntity`.
#[derive(Default)]
pub struct FieldAttrs {
    pub field: Option<Given<String>>,
    pub item: Option<Given<String>>,
    pub codec: Option<Given<CodecSpec>>,
    pub skip: Option<Given<()>>,
    pub extra: Option<Given<()>>,
    pub read_only: Option<Given<()>>,
    pub classic_only: Option<Given<()>>,
    /// Whether any `#[bitrix]` attribute was present.
    pub any: bool,
}

const FIELD_KEYS: &[&str] = &[
    "field",
    "item",
    "codec",
    "read_only",
    "classic_only",
    "skip",
    "extra",
];

pub fn field_attrs(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs {
        any: attrs.iter().any(|a| a.path().is_ident("bitrix")),
        ..FieldAttrs::default()
    };
    for_each(attrs, errors, |key, meta| match key {
        "field" => {
            let lit = string(meta)?;
            once(&mut out.field, lit.value(), lit.to_token_stream(), key)
        }
        "item" => {
            let lit = string(meta)?;
            once(&mut out.item, lit.value(), lit.to_token_stream(), key)
        }
        "codec" => {
            let lit = string(meta)?;
            let spec =
                CodecSpec::parse(&lit.value()).map_err(|e| syn::Error::new_spanned(&lit, e))?;
            once(&mut out.codec, spec, lit.to_token_stream(), key)
        }
        "skip" => {
            let at = flag(meta, key)?;
            once(&mut out.skip, (), at, key)
        }
        "extra" => {
            let at = flag(meta, key)?;
            once(&mut out.extra, (), at, key)
        }
        "read_only" => {
            let at = flag(meta, key)?;
            once(&mut out.read_only, (), at, key)
        }
        "classic_only" => {
            let at = flag(meta, key)?;
            once(&mut out.classic_only, (), at, key)
        }
        other => Err(unknown(meta, other, FIELD_KEYS)),
    });
    out
}

/// Attributes of an enum deriving `CrmEnum`.
#[derive(Default)]
pub struct EnumAttrs {
    pub schema: Option<Given<LitStr>>,
    pub entity: Option<Given<String>>,
    pub field: Option<Given<String>>,
    pub status_list: Option<Given<String>>,
    pub krate: Option<Given<syn::Path>>,
}

const ENUM_KEYS: &[&str] = &["schema", "entity", "field", "status_list", "crate"];

pub fn enum_attrs(attrs: &[Attribute], errors: &mut Errors) -> EnumAttrs {
    let mut out = EnumAttrs::default();
    for_each(attrs, errors, |key, meta| match key {
        "schema" => {
            let lit = string(meta)?;
            once(&mut out.schema, lit.clone(), lit.to_token_stream(), key)
        }
        "entity" => {
            let lit = string(meta)?;
            once(&mut out.entity, lit.value(), lit.to_token_stream(), key)
        }
        "field" => {
            let lit = string(meta)?;
            once(&mut out.field, lit.value(), lit.to_token_stream(), key)
        }
        "status_list" => {
            let lit = string(meta)?;
            once(
                &mut out.status_list,
                lit.value(),
                lit.to_token_stream(),
                key,
            )
        }
        "crate" => {
            let lit = string(meta)?;
            let path = crate_path(&lit)?;
            once(&mut out.krate, path, lit.to_token_stream(), key)
        }
        other => Err(unknown(meta, other, ENUM_KEYS)),
    });
    out
}

/// Attributes of one variant of an enum deriving `CrmEnum`.
#[derive(Default)]
pub struct VariantAttrs {
    pub id: Option<Given<u64>>,
    pub status: Option<Given<String>>,
    pub label: Option<Given<String>>,
    pub unknown: Option<Given<()>>,
}

const VARIANT_KEYS: &[&str] = &["id", "status", "label", "unknown"];

pub fn variant_attrs(attrs: &[Attribute], errors: &mut Errors) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    for_each(attrs, errors, |key, meta| match key {
        "id" => {
            let lit = meta.value()?.parse::<LitInt>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "`id` is the item's numeric ID, e.g. `id = 42` (no quotes)",
                )
            })?;
            let id = lit.base10_parse::<u64>()?;
            if id == 0 {
                // The enumeration codec reads 0 as "no value", so a variant with ID 0 could
                // be written but never read back.
                return Err(syn::Error::new_spanned(
                    &lit,
                    "item ID 0 means \"no value\" on the wire; portal item IDs start at 1",
                ));
            }
            once(&mut out.id, id, lit.to_token_stream(), key)
        }
        "status" => {
            let lit = string(meta)?;
            if lit.value().is_empty() {
                return Err(syn::Error::new_spanned(
                    &lit,
                    "an empty status ID means \"no value\" on the wire; give the STATUS_ID",
                ));
            }
            once(&mut out.status, lit.value(), lit.to_token_stream(), key)
        }
        "label" => {
            let lit = string(meta)?;
            once(&mut out.label, lit.value(), lit.to_token_stream(), key)
        }
        "unknown" => {
            let at = flag(meta, key)?;
            once(&mut out.unknown, (), at, key)
        }
        other => Err(unknown(meta, other, VARIANT_KEYS)),
    });
    out
}

/// A span for generated tokens that resolve at the call site but point at `at` in errors.
pub fn located_at(at: Span) -> Span {
    Span::call_site().located_at(at)
}
