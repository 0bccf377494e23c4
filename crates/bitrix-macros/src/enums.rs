//! `#[derive(CrmEnum)]`: open enums over enumeration item IDs (`EnumValue`) or `crm.status`
//! IDs (`StatusValue`), in the shape `bitrix-codegen` generates.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attrs::{self, EnumAttrs, Given};
use crate::ctxt::Errors;
use crate::model::{Field, FieldType, Status};
use crate::schema::{self, Loaded};
use crate::types::{self, Class};

/// Which trait the enum implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Enumeration user fields: numeric item IDs.
    Enum,
    /// `crm_status` fields: string status IDs.
    Status,
}

impl Mode {
    fn key_name(self) -> &'static str {
        match self {
            Mode::Enum => "id",
            Mode::Status => "status",
        }
    }

    fn unknown_type(self) -> &'static str {
        match self {
            Mode::Enum => "u64",
            Mode::Status => "String",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Id(u64),
    Status(String),
}

impl Key {
    fn mode(&self) -> Mode {
        match self {
            Key::Id(_) => Mode::Enum,
            Key::Status(_) => Mode::Status,
        }
    }

    fn tokens(&self) -> TokenStream {
        match self {
            Key::Id(id) => quote!(#id),
            Key::Status(s) => quote!(#s),
        }
    }
}

struct Variant {
    ident: Ident,
    key: Key,
    key_at: TokenStream,
    label: Option<Given<String>>,
}

pub fn expand(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let attrs = attrs::enum_attrs(&input.attrs, &mut errors);
    let rt = attrs::runtime(&attrs.krate);
    let name = &input.ident;

    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        errors.at(
            &input.generics,
            "a CrmEnum cannot be generic: its variants are the portal's list items",
        );
    }
    let data = match &input.data {
        Data::Enum(data) => Some(data),
        Data::Struct(s) => {
            errors.at(
                s.struct_token,
                "CrmEnum is for enums; for a CRM record derive `CrmEntity`",
            );
            None
        }
        Data::Union(u) => {
            errors.at(u.union_token, "CrmEnum is for enums");
            None
        }
    };

    let mut variants = Vec::new();
    let mut unknown: Option<(Ident, Type)> = None;
    for v in data.iter().flat_map(|d| d.variants.iter()) {
        let va = attrs::variant_attrs(&v.attrs, &mut errors);
        if let Some(at) = &va.unknown {
            for (given, key) in [
                (va.id.as_ref().map(|g| &g.span), "id"),
                (va.status.as_ref().map(|g| &g.span), "status"),
                (va.label.as_ref().map(|g| &g.span), "label"),
            ] {
                if let Some(span) = given {
                    errors.at(span, format!("the catch-all variant takes no `{key}`"));
                }
            }
            let field = match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => Some(f.unnamed[0].ty.clone()),
                _ => None,
            };
            match (field, &unknown) {
                (_, Some((first, _))) => errors.at(
                    &at.span,
                    format!("`{first}` is already the catch-all variant; keep one"),
                ),
                (None, None) => errors.at(
                    &v.ident,
                    format!(
                        "the catch-all variant keeps the ID it read: write it with one field, \
                         `{}(u64)` for list items or `{}(String)` for statuses",
                        v.ident, v.ident
                    ),
                ),
                (Some(ty), None) => unknown = Some((v.ident.clone(), ty)),
            }
            continue;
        }
        if !matches!(v.fields, Fields::Unit) {
            errors.at(
                &v.fields,
                format!(
                    "only the `#[bitrix(unknown)]` catch-all carries data; `{}` stands for one \
                     item and has no fields",
                    v.ident
                ),
            );
        }
        let key = match (va.id, va.status) {
            (Some(id), None) => (Key::Id(id.value), id.span),
            (None, Some(status)) => (Key::Status(status.value), status.span),
            (Some(id), Some(_)) => {
                errors.at(
                    &id.span,
                    "a variant has either `id` (an enumeration item) or `status` (a status \
                     ID), not both",
                );
                continue;
            }
            (None, None) => {
                errors.at(
                    &v.ident,
                    format!(
                        "variant `{}` needs `#[bitrix(id = <item ID>)]` (enumeration fields) or \
                         `#[bitrix(status = \"<STATUS_ID>\")]` (status fields), or \
                         `#[bitrix(unknown)]` for the catch-all",
                        v.ident
                    ),
                );
                continue;
            }
        };
        variants.push(Variant {
            ident: v.ident.clone(),
            key: key.0,
            key_at: key.1,
            label: va.label,
        });
    }

    let mode = decide_mode(&mut errors, name, &variants, &unknown, data.is_some());
    if let Some(mode) = mode {
        check_keys(&mut errors, mode, &variants);
        if let Some((ident, ty)) = &unknown {
            let fits = match (mode, types::classify(ty)) {
                (Mode::Enum, Class::Int(n)) => n == "u64",
                (Mode::Status, Class::Str) => true,
                _ => false,
            };
            if !fits {
                errors.at(
                    ty,
                    format!(
                        "the catch-all of a {} enum keeps a `{}`: write `{ident}({})`",
                        if mode == Mode::Enum {
                            "list item"
                        } else {
                            "status"
                        },
                        mode.unknown_type(),
                        mode.unknown_type()
                    ),
                );
            }
        } else if data.is_some() {
            errors.at(
                name,
                format!(
                    "add a catch-all variant `#[bitrix(unknown)] Other({})`: lists change on the \
                     portal, and an ID this enum does not know must survive a read and be \
                     written back unchanged",
                    mode.unknown_type()
                ),
            );
        }
    }

    let track = match mode {
        Some(mode) => check_schema(&mut errors, &attrs, mode, &mut variants),
        None => None,
    };

    let unknown_ident = unknown.as_ref().map(|(i, _)| i.clone());
    if let Err(all) = errors.finish() {
        return stub(all, name, &rt, mode.unwrap_or(Mode::Enum));
    }
    let (Some(mode), Some(unknown)) = (mode, unknown_ident) else {
        // Both are reported above when missing.
        return TokenStream::new();
    };
    generate(name, &rt, mode, &unknown, &variants, track)
}

/// The mode the keyed variants agree on, else the catch-all's type's.
fn decide_mode(
    errors: &mut Errors,
    name: &Ident,
    variants: &[Variant],
    unknown: &Option<(Ident, Type)>,
    is_enum: bool,
) -> Option<Mode> {
    if let Some(first) = variants.first() {
        let mode = first.key.mode();
        for v in variants.iter().filter(|v| v.key.mode() != mode) {
            errors.at(
                &v.key_at,
                format!(
                    "`{}` has `{}`, but `{}` has `{}`: an enum is either enumeration items \
                     (`id`) or statuses (`status`)",
                    v.ident,
                    v.key.mode().key_name(),
                    first.ident,
                    mode.key_name()
                ),
            );
        }
        return Some(mode);
    }
    let from_unknown = unknown
        .as_ref()
        .and_then(|(_, ty)| match types::classify(ty) {
            Class::Int(n) if n == "u64" => Some(Mode::Enum),
            Class::Str => Some(Mode::Status),
            _ => None,
        });
    if from_unknown.is_none() && unknown.is_some() && is_enum {
        errors.at(
            name,
            "cannot tell whether this enum holds list items or statuses: give its variants \
             `id = ...` or `status = \"...\"`, or its catch-all a `u64` or `String`",
        );
    }
    if unknown.is_none() && is_enum {
        errors.at(
            name,
            "a CrmEnum needs variants with `#[bitrix(id = ...)]` or `#[bitrix(status = \
             \"...\")]` and a `#[bitrix(unknown)]` catch-all",
        );
    }
    from_unknown
}

fn check_keys(errors: &mut Errors, mode: Mode, variants: &[Variant]) {
    let mut seen: BTreeMap<&Key, &Ident> = BTreeMap::new();
    for v in variants.iter().filter(|v| v.key.mode() == mode) {
        if let Some(first) = seen.insert(&v.key, &v.ident) {
            let key = match &v.key {
                Key::Id(id) => format!("item ID {id}"),
                Key::Status(s) => format!("status `{s}`"),
            };
            errors.at(
                &v.key_at,
                format!("{key} is already `{first}`; each ID belongs to one variant"),
            );
            seen.insert(&v.key, first);
        }
    }
}

/// Checks the variants against the schema when asked, filling in the portal's labels.
/// Returns the tokens that track the schema file.
fn check_schema(
    errors: &mut Errors,
    attrs: &EnumAttrs,
    mode: Mode,
    variants: &mut [Variant],
) -> Option<TokenStream> {
    let Some(schema_at) = &attrs.schema else {
        for given in [&attrs.entity, &attrs.field, &attrs.status_list]
            .into_iter()
            .flatten()
        {
            errors.at(
                &given.span,
                "this names what to check the variants against; it needs `schema = \"...\"`",
            );
        }
        return None;
    };
    let loaded = match schema::load(&schema_at.value) {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let track = Some(loaded.track.clone());
    let known: Vec<(Key, String)> = match known_items(errors, attrs, mode, &loaded) {
        Some(known) => known,
        None => return track,
    };
    let what = match (&attrs.status_list, &attrs.field) {
        (Some(list), _) => format!("status list `{}`", list.value),
        (None, Some(field)) => format!("`{}`", field.value),
        (None, None) => String::new(),
    };
    for v in variants.iter_mut().filter(|v| v.key.mode() == mode) {
        let Some((_, label)) = known.iter().find(|(k, _)| *k == v.key) else {
            errors.at(
                &v.key_at,
                format!(
                    "{} is not in {what} in the schema file `{}`; it has {}",
                    match &v.key {
                        Key::Id(id) => format!("item ID {id}"),
                        Key::Status(s) => format!("status `{s}`"),
                    },
                    loaded.shown,
                    describe_known(&known)
                ),
            );
            continue;
        };
        match &v.label {
            Some(given) if given.value != *label => errors.at(
                &given.span,
                format!(
                    "the schema file `{}` labels this item `{label}`; drop `label` (the \
                     portal's label is used) or make it match",
                    loaded.shown
                ),
            ),
            Some(_) => {}
            None => {
                v.label = Some(Given {
                    value: label.clone(),
                    span: v.key_at.clone(),
                });
            }
        }
    }
    track
}

/// The items (or statuses) with their labels that the schema knows for the named field or
/// status list.
fn known_items(
    errors: &mut Errors,
    attrs: &EnumAttrs,
    mode: Mode,
    loaded: &Loaded,
) -> Option<Vec<(Key, String)>> {
    let schema_at = attrs.schema.as_ref().map(|g| g.span.clone());
    if let Some(list) = &attrs.status_list {
        for given in [&attrs.entity, &attrs.field].into_iter().flatten() {
            errors.at(
                &given.span,
                "give either `status_list` or `entity` and `field`, not both",
            );
        }
        if mode != Mode::Status {
            errors.at(
                &list.span,
                "a status list holds status IDs; its variants take `status = \"...\"`",
            );
            return None;
        }
        let Some(found) = loaded.schema.status_lists.get(&list.value) else {
            let have: Vec<String> = loaded
                .schema
                .status_lists
                .keys()
                .map(|k| format!("`{k}`"))
                .collect();
            errors.at(
                &list.span,
                format!(
                    "the schema file `{}` has no status list `{}`; it has {}",
                    loaded.shown,
                    list.value,
                    types::or_list(&have)
                ),
            );
            return None;
        };
        return Some(statuses(&found.items));
    }
    let (Some(entity_at), Some(field_at)) = (&attrs.entity, &attrs.field) else {
        errors.at(
            schema_at.unwrap_or_default(),
            "name what to check against: `entity = \"deal\", field = \"UF_CRM_...\"`, or \
             `status_list = \"SOURCE\"` for a status list",
        );
        return None;
    };
    let kind = match schema::parse_kind(&entity_at.value) {
        Ok(kind) => kind,
        Err(message) => {
            errors.at(&entity_at.span, message);
            return None;
        }
    };
    let entity = match schema::entity(loaded, kind) {
        Ok(entity) => entity,
        Err(message) => {
            errors.at(&entity_at.span, message);
            return None;
        }
    };
    let field: &Field = match schema::field(loaded, entity, &field_at.value) {
        Ok(field) => field,
        Err(message) => {
            errors.at(&field_at.span, message);
            return None;
        }
    };
    match (mode, &field.ty) {
        (Mode::Enum, FieldType::Enumeration) => Some(
            field
                .items
                .iter()
                .map(|i| (Key::Id(i.id), i.label.clone()))
                .collect(),
        ),
        (Mode::Status, FieldType::CrmStatus) if field.is_stage() => Some(
            entity
                .categories
                .iter()
                .flat_map(|c| statuses(&c.stages))
                .collect(),
        ),
        (Mode::Status, FieldType::CrmStatus) => {
            let list = field
                .status_type
                .as_ref()
                .and_then(|t| loaded.schema.status_lists.get(t));
            match list {
                Some(list) => Some(statuses(&list.items)),
                None => {
                    errors.at(
                        &field_at.span,
                        format!(
                            "the schema file `{}` does not have the status list of `{}` ({}); \
                             refresh it with `bitrix-codegen pull`",
                            loaded.shown,
                            field.name,
                            field.status_type.as_deref().unwrap_or("no status_type")
                        ),
                    );
                    None
                }
            }
        }
        (mode, ty) => {
            let hint = match ty {
                FieldType::Enumeration => "its values are item IDs: use `#[bitrix(id = ...)]`",
                FieldType::CrmStatus => {
                    "its values are status IDs: use `#[bitrix(status = \"...\")]`"
                }
                _ => "a CrmEnum is for `enumeration` and `crm_status` fields",
            };
            errors.at(
                &field_at.span,
                format!(
                    "`{}` has schema type `{ty}`, not {}; {hint}",
                    field.name,
                    match mode {
                        Mode::Enum => "an `enumeration`",
                        Mode::Status => "a `crm_status`",
                    }
                ),
            );
            None
        }
    }
}

fn statuses(items: &[Status]) -> Vec<(Key, String)> {
    items
        .iter()
        .map(|s| (Key::Status(s.id.clone()), s.name.clone()))
        .collect()
}

fn describe_known(known: &[(Key, String)]) -> String {
    if known.is_empty() {
        return "no items".to_string();
    }
    let items: Vec<String> = known
        .iter()
        .map(|(key, label)| match key {
            Key::Id(id) => format!("{id} ({label})"),
            Key::Status(s) => format!("`{s}` ({label})"),
        })
        .collect();
    items.join(", ")
}

/// The body of a lookup by `key`: the first variant wins when keys repeat, so no arm is
/// unreachable.
fn lookup(name: &Ident, pairs: &[(TokenStream, &Ident)]) -> TokenStream {
    let mut seen: Vec<String> = Vec::new();
    let mut arms = Vec::new();
    for (key, variant) in pairs {
        let text = key.to_string();
        if seen.contains(&text) {
            continue;
        }
        seen.push(text);
        arms.push(quote!(#key => ::std::option::Option::Some(#name::#variant),));
    }
    if arms.is_empty() {
        return quote! {
            let _ = key;
            ::std::option::Option::None
        };
    }
    quote! {
        match key {
            #( #arms )*
            _ => ::std::option::Option::None,
        }
    }
}

fn generate(
    name: &Ident,
    rt: &TokenStream,
    mode: Mode,
    unknown: &Ident,
    variants: &[Variant],
    track: Option<TokenStream>,
) -> TokenStream {
    let idents: Vec<&Ident> = variants.iter().map(|v| &v.ident).collect();
    let keys: Vec<TokenStream> = variants.iter().map(|v| v.key.tokens()).collect();
    let labels: Vec<TokenStream> = variants
        .iter()
        .map(|v| match &v.label {
            Some(l) => {
                let l = &l.value;
                quote!(::std::option::Option::Some(#l))
            }
            None => quote!(::std::option::Option::None),
        })
        .collect();
    let by_id = lookup(
        name,
        &keys
            .iter()
            .cloned()
            .zip(idents.iter().copied())
            .collect::<Vec<_>>(),
    );
    let by_label = lookup(
        name,
        &variants
            .iter()
            .filter_map(|v| {
                let label = &v.label.as_ref()?.value;
                Some((quote!(#label), &v.ident))
            })
            .collect::<Vec<_>>(),
    );
    let (key_ty, trait_path, codec, id_ret, unknown_id, unknown_from) = match mode {
        Mode::Enum => (
            quote!(u64),
            quote!(#rt::value::EnumValue),
            quote!(#rt::value::codec::Enumeration),
            quote!(u64),
            quote!(*id),
            quote!(id),
        ),
        Mode::Status => (
            quote!(&str),
            quote!(#rt::value::StatusValue),
            quote!(#rt::value::codec::Status),
            quote!(&str),
            quote!(id),
            quote!(::std::string::ToString::to_string(id)),
        ),
    };
    let what = match mode {
        Mode::Enum => "item",
        Mode::Status => "status",
    };
    let all_doc = format!("Every known {what}, in declaration order.");
    let id_doc = format!("The known {what} with this ID.");
    let label_doc = format!("The known {what} with this label (the first, if two share it).");
    quote! {
        #track

        #[allow(dead_code)]
        impl #name {
            #[doc = #all_doc]
            pub const ALL: &'static [#name] = &[ #( #name::#idents, )* ];

            #[doc = #id_doc]
            pub fn from_known_id(key: #key_ty) -> ::std::option::Option<#name> {
                #by_id
            }

            #[doc = #label_doc]
            pub fn from_label(key: &str) -> ::std::option::Option<#name> {
                #by_label
            }
        }

        #[automatically_derived]
        impl #trait_path for #name {
            fn id(&self) -> #id_ret {
                match self {
                    #( #name::#idents => #keys, )*
                    #name::#unknown(id) => #unknown_id,
                }
            }

            fn from_id(id: #key_ty) -> Self {
                match #name::from_known_id(id) {
                    ::std::option::Option::Some(known) => known,
                    ::std::option::Option::None => #name::#unknown(#unknown_from),
                }
            }

            fn label(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #( #name::#idents => #labels, )*
                    #name::#unknown(_) => ::std::option::Option::None,
                }
            }
        }

        #[automatically_derived]
        impl #rt::value::FieldValue for #name {
            type Codec = #codec;
        }
    }
}

/// The compile errors, and impls that keep uses of the enum from failing too. Their bodies
/// never run, because the errors stop the build.
fn stub(errors: syn::Error, name: &Ident, rt: &TokenStream, mode: Mode) -> TokenStream {
    let errors = errors.to_compile_error();
    let (key_ty, trait_path, codec) = match mode {
        Mode::Enum => (
            quote!(u64),
            quote!(#rt::value::EnumValue),
            quote!(#rt::value::codec::Enumeration),
        ),
        Mode::Status => (
            quote!(&str),
            quote!(#rt::value::StatusValue),
            quote!(#rt::value::codec::Status),
        ),
    };
    quote! {
        #errors

        #[allow(dead_code)]
        impl #name {
            pub const ALL: &'static [#name] = &[];

            pub fn from_known_id(_: #key_ty) -> ::std::option::Option<#name> {
                ::std::unreachable!()
            }

            pub fn from_label(_: &str) -> ::std::option::Option<#name> {
                ::std::unreachable!()
            }
        }

        impl #trait_path for #name {
            fn id(&self) -> #key_ty {
                ::std::unreachable!()
            }

            fn from_id(_: #key_ty) -> Self {
                ::std::unreachable!()
            }

            fn label(&self) -> ::std::option::Option<&'static str> {
                ::std::unreachable!()
            }
        }

        impl #rt::value::FieldValue for #name {
            type Codec = #codec;
        }
    }
}
