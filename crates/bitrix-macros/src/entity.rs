//! `#[derive(CrmEntity)]`: the `CrmEntity` impl, the field enum, the `FieldName` constants
//! and `to_record`, in the shape `bitrix-codegen` generates.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attrs::{self, FieldAttrs, Given, located_at};
use crate::ctxt::Errors;
use crate::ident;
use crate::model::{Entity, EntityKind};
use crate::naming::{self, NameTable};
use crate::schema::{self, Loaded};
use crate::types::{self, Access, Class, Problem};

/// A struct field that travels on the wire.
struct Mapped {
    ident: Ident,
    /// The type inside `Option<...>`.
    ty: Type,
    /// The UPPER name (`field = "..."`), also the constant's name.
    upper: String,
    /// Where `field = "..."` was written.
    upper_at: TokenStream,
    item: Option<Given<String>>,
    classic_only: bool,
    /// Names in the two families, once resolved.
    classic: Option<String>,
    item_name: Option<String>,
    access: Access,
    read_only: bool,
}

enum Slot {
    Mapped(Box<Mapped>),
    Skip(Ident),
    Extra(Ident, Box<Type>),
}

pub fn expand(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let attrs = attrs::entity_attrs(&input.attrs, &mut errors);
    let rt = attrs::runtime(&attrs.krate);
    let name = &input.ident;
    let field_enum = attrs
        .field_enum
        .as_ref()
        .map(|g| g.value.clone())
        .unwrap_or_else(|| format_ident!("{}Field", name));

    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        errors.at(
            &input.generics,
            "a CrmEntity struct cannot be generic: a CRM record's fields are fixed by the portal",
        );
    }

    let kind = match &attrs.entity {
        Some(given) => match schema::parse_kind(&given.value) {
            Ok(kind) => Some(kind),
            Err(message) => {
                errors.at(&given.span, message);
                None
            }
        },
        None => {
            errors.at(
                name,
                "missing `#[bitrix(entity = \"...\")]`: name the CRM entity, e.g. \
                 `#[bitrix(entity = \"deal\")]` or `#[bitrix(entity = \"smart:1268\")]`",
            );
            None
        }
    };

    let loaded = attrs
        .schema
        .as_ref()
        .and_then(|given| match schema::load(&given.value) {
            Ok(loaded) => Some(loaded),
            Err(e) => {
                errors.push(e);
                None
            }
        });
    let entity: Option<&Entity> = match (&loaded, kind, &attrs.entity) {
        (Some(loaded), Some(kind), Some(given)) => match schema::entity(loaded, kind) {
            Ok(entity) => Some(entity),
            Err(message) => {
                errors.at(&given.span, message);
                None
            }
        },
        _ => None,
    };
    let kind = entity.map(|e| e.kind).or(kind);

    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(named),
            other => {
                errors.at(
                    other,
                    "CrmEntity needs named fields, one per CRM field: `title: Option<String>`",
                );
                None
            }
        },
        Data::Enum(e) => {
            errors.at(
                e.enum_token,
                "CrmEntity is for structs; for a list field's values derive `CrmEnum`",
            );
            None
        }
        Data::Union(u) => {
            errors.at(u.union_token, "CrmEntity is for structs");
            None
        }
    };

    let mut slots = Vec::new();
    if let Some(named) = named {
        for field in &named.named {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let fa = attrs::field_attrs(&field.attrs, &mut errors);
            if let Some(slot) = slot(&mut errors, ident, &field.ty, fa, kind, entity, &loaded) {
                slots.push(slot);
            }
        }
    }

    let extras: Vec<(Ident, Type)> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Extra(ident, ty) => Some((ident.clone(), (**ty).clone())),
            _ => None,
        })
        .collect();
    if named.is_some() && extras.is_empty() {
        errors.at(
            name,
            "a CrmEntity struct needs one `#[bitrix(extra)] extra: bitrix_schema::entity::Extra` \
             field: it keeps what the portal sent that the struct has no field for, and which \
             fields are marked for clearing",
        );
    }
    for (second, _) in extras.iter().skip(1) {
        errors.at(second, "only one field can be `#[bitrix(extra)]`");
    }

    if entity.is_none()
        && let Some(kind) = kind
    {
        derive_names(&mut errors, kind, &mut slots);
    }
    check_unique(&mut errors, &slots);

    let track = loaded.as_ref().map(|l| l.track.clone());
    if let Err(all) = errors.finish() {
        return stub(all, name, &field_enum, &input.vis, &rt, &slots);
    }
    let (Some(kind), Some((extra, extra_ty))) = (kind, extras.first()) else {
        // Both are reported above when missing.
        return TokenStream::new();
    };
    generate(&Generate {
        name,
        vis: &input.vis,
        field_enum: &field_enum,
        rt: &rt,
        kind,
        extra,
        extra_ty,
        slots: &slots,
        track,
    })
}

/// Reads one field's attributes and checks it against the schema entry, if any.
fn slot(
    errors: &mut Errors,
    ident: Ident,
    ty: &Type,
    fa: FieldAttrs,
    kind: Option<EntityKind>,
    entity: Option<&Entity>,
    loaded: &Option<Loaded>,
) -> Option<Slot> {
    let others = |fa: &FieldAttrs| -> Vec<TokenStream> {
        [
            fa.field.as_ref().map(|g| g.span.clone()),
            fa.item.as_ref().map(|g| g.span.clone()),
            fa.codec.as_ref().map(|g| g.span.clone()),
            fa.read_only.as_ref().map(|g| g.span.clone()),
            fa.classic_only.as_ref().map(|g| g.span.clone()),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    if fa.extra.is_some() {
        for at in others(&fa) {
            errors.at(
                at,
                "the `extra` field is not a CRM field; it takes no other keys",
            );
        }
        if let Some(skip) = &fa.skip {
            errors.at(&skip.span, "a field cannot be both `extra` and `skip`");
        }
        return Some(Slot::Extra(ident, Box::new(ty.clone())));
    }
    if fa.skip.is_some() {
        for at in others(&fa) {
            errors.at(
                at,
                "a `skip` field does not travel on the wire; it takes no other keys",
            );
        }
        return Some(Slot::Skip(ident));
    }
    let Some(field) = fa.field else {
        let message = if fa.any {
            format!("field `{ident}` needs `field = \"UPPER_NAME\"` in its `#[bitrix(...)]`")
        } else {
            format!(
                "field `{ident}` is not mapped: add `#[bitrix(field = \"UPPER_NAME\")]`, or \
                 `#[bitrix(skip)]` to keep it off the wire (it then needs `Default`)"
            )
        };
        errors.at(&ident, message);
        return None;
    };
    let Some(inner) = types::option_inner(ty) else {
        errors.at(
            ty,
            format!(
                "`{ident}` must be an `Option<...>`: `None` leaves the field out of a write, \
                 which is what a record read without it must do; write `Option<{}>`",
                types::type_text(ty)
            ),
        );
        return None;
    };
    let upper = field.value.clone();
    let mut ok = true;
    if let Err(e) = naming::validate_field_code(&upper) {
        let message = match entity.and_then(|en| en.field_by_item_name(&upper)) {
            Some(f) => format!(
                "`{upper}` is the crm.item name of `{}`; `field` takes the UPPER name: \
                 `field = \"{}\"`",
                f.name, f.name
            ),
            None => format!("`{upper}` is not a field code: {e}"),
        };
        errors.at(&field.span, message);
        ok = false;
    } else if syn::parse_str::<Ident>(&upper).is_err() || upper == "FIELDS" {
        // The name becomes an associated constant, beside `FIELDS`.
        errors.at(
            &field.span,
            format!(
                "`{upper}` cannot name this field's constant; a field code starts with a \
                 letter and is not `FIELDS`"
            ),
        );
        ok = false;
    }
    if let Some(item) = &fa.item
        && item.value.is_empty()
    {
        errors.at(
            &item.span,
            "`item` is the crm.item name, e.g. `ufCrm_1721244707107`; it cannot be empty",
        );
        ok = false;
    }
    let codec = fa.codec.as_ref().map(|g| g.value);
    let codec_at = fa.codec.as_ref().map(|g| g.span.clone());
    let problem = |errors: &mut Errors, problem: Problem| match problem {
        Problem::Type(message) => errors.at(inner, message),
        Problem::Codec(message) => errors.at(
            codec_at.clone().unwrap_or_else(|| inner.to_token_stream()),
            message,
        ),
    };

    let mut mapped = Mapped {
        ident,
        ty: inner.clone(),
        upper,
        upper_at: field.span.clone(),
        item: fa.item,
        classic_only: fa.classic_only.is_some(),
        classic: None,
        item_name: None,
        access: Access::Default,
        read_only: fa.read_only.is_some(),
    };

    match (entity, loaded) {
        (Some(entity), Some(loaded)) => {
            if !ok {
                return None;
            }
            let schema_field = match schema::field(loaded, entity, &mapped.upper) {
                Ok(f) => f,
                Err(message) => {
                    errors.at(&field.span, message);
                    return None;
                }
            };
            mapped.classic = (entity.kind.is_classic() && schema_field.in_classic)
                .then(|| schema_field.name.clone());
            mapped.item_name = schema_field.item_name.clone();
            if let Some(item) = &mapped.item
                && mapped.item_name.as_deref() != Some(item.value.as_str())
            {
                let reported = match &mapped.item_name {
                    Some(n) => format!("the portal reported `{n}`"),
                    None => "the field has no crm.item name".to_string(),
                };
                errors.at(
                    &item.span,
                    format!(
                        "`item = \"{}\"` disagrees with the schema file `{}`: {reported}; drop \
                         `item`, names come from the schema",
                        item.value, loaded.shown
                    ),
                );
            }
            if let Some(at) = fa.classic_only.as_ref() {
                errors.at(
                    &at.span,
                    "`classic_only` is for derives without a schema; the schema file says \
                     which families know the field",
                );
            }
            mapped.read_only |= schema_field.read_only;
            // On a type problem the field is still kept, with its names, for the stub's
            // constants.
            match types::checked(schema_field, inner, codec) {
                Ok(access) => mapped.access = access,
                Err(p) => problem(errors, p),
            }
        }
        _ => {
            match types::unchecked(&mapped.upper, inner, codec) {
                Ok(access) => mapped.access = access,
                Err(p) => problem(errors, p),
            }
            if let Some(at) = fa.classic_only.as_ref()
                && matches!(kind, Some(EntityKind::Smart { .. }))
            {
                errors.at(
                    &at.span,
                    "a smart process has only crm.item methods; it has no classic-only fields",
                );
                return None;
            }
            if mapped.classic_only
                && let Some(item) = &mapped.item
            {
                errors.at(
                    &item.span,
                    "a `classic_only` field has no crm.item name; drop `item` or `classic_only`",
                );
                return None;
            }
            if !ok {
                return None;
            }
        }
    }
    if matches!(mapped.access, Access::Multifield(_))
        && let Some(item) = &mapped.item
    {
        errors.at(
            &item.span,
            "multifields have no crm.item name of their own: crm.item carries them in `fm`",
        );
    }
    Some(Slot::Mapped(Box::new(mapped)))
}

/// Names in both families for a derive without a schema: the given `item`s first, as the
/// portal would have reported them, then the naming rules in field order for the rest
/// (the portal's collision rule sees only this struct's fields).
fn derive_names(errors: &mut Errors, kind: EntityKind, slots: &mut [Slot]) {
    let mut table = NameTable::new(kind);
    let mut fields: Vec<&mut Box<Mapped>> = slots
        .iter_mut()
        .filter_map(|s| match s {
            Slot::Mapped(m) if !matches!(m.access, Access::Multifield(_)) => Some(m),
            _ => None,
        })
        .collect();
    for m in &fields {
        if let Some(item) = &m.item {
            table.insert(&m.upper, &item.value);
        }
    }
    for m in fields.iter_mut() {
        let item = match &m.item {
            Some(item) => Some(item.value.clone()),
            None if m.classic_only => None,
            None => Some(table.insert_derived(&m.upper)),
        };
        m.classic = kind.is_classic().then(|| m.upper.clone());
        m.item_name = item;
        if m.classic.is_none() && m.item_name.is_none() {
            errors.at(
                &m.upper_at,
                "this field has no name in either method family",
            );
        }
    }
}

/// Two fields may not share a wire name.
fn check_unique(errors: &mut Errors, slots: &[Slot]) {
    let mut uppers: BTreeMap<&str, &Ident> = BTreeMap::new();
    let mut items: BTreeMap<&str, &Ident> = BTreeMap::new();
    for slot in slots {
        let Slot::Mapped(m) = slot else {
            continue;
        };
        if let Some(first) = uppers.insert(&m.upper, &m.ident) {
            errors.at(
                &m.upper_at,
                format!("`{}` is already mapped by field `{first}`", m.upper),
            );
            uppers.insert(&m.upper, first);
        }
        // Multifields share crm.item's `fm`.
        if let Some(item) = m
            .item_name
            .as_ref()
            .filter(|_| !matches!(m.access, Access::Multifield(_)))
            && let Some(first) = items.insert(item, &m.ident)
        {
            let at = m.item.as_ref().map_or(&m.upper_at, |g| &g.span);
            errors.at(
                at,
                format!(
                    "field `{}` would have the crm.item name `{item}`, which field `{first}` \
                     already has; give one of them `item = \"...\"`",
                    m.ident
                ),
            );
            items.insert(item, first);
        }
    }
}

struct Generate<'a> {
    name: &'a Ident,
    vis: &'a syn::Visibility,
    field_enum: &'a Ident,
    rt: &'a TokenStream,
    kind: EntityKind,
    extra: &'a Ident,
    extra_ty: &'a Type,
    slots: &'a [Slot],
    track: Option<TokenStream>,
}

fn field_name_tokens(rt: &TokenStream, m: &Mapped) -> TokenStream {
    match (&m.classic, &m.item_name) {
        (Some(c), Some(i)) => quote!(#rt::entity::FieldName::new(#c, #i)),
        (Some(c), None) => quote!(#rt::entity::FieldName::classic_only(#c)),
        (None, Some(i)) => quote!(#rt::entity::FieldName::item_only(#i)),
        // Refused in `derive_names`, and a schema field always has a name.
        (None, None) => quote!(#rt::entity::FieldName::item_only("")),
    }
}

fn constant(m: &Mapped) -> Ident {
    Ident::new(&m.upper, proc_macro2::Span::call_site())
}

/// The codec path for a field read or written through a named codec.
fn codec_tokens(rt: &TokenStream, m: &Mapped) -> Option<TokenStream> {
    let Access::Codec(spec) = m.access else {
        return None;
    };
    let codec = spec.tokens(rt);
    Some(match types::classify(&m.ty) {
        Class::Vec(_) => quote!(#rt::value::codec::Multiple<#codec>),
        _ => codec,
    })
}

fn generate(g: &Generate<'_>) -> TokenStream {
    let Generate {
        name,
        vis,
        field_enum,
        rt,
        kind,
        extra,
        slots,
        ..
    } = g;
    let mut consts = Vec::new();
    let mut const_names = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut record_writes = Vec::new();
    let mut multifields = Vec::new();
    let mut clear_variants = Vec::new();
    let mut clear_arms = Vec::new();
    let mut id_expr = quote!(::std::option::Option::None);

    let mapped: Vec<&Mapped> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Mapped(m) => Some(&**m),
            _ => None,
        })
        .collect();
    // The same variant names the generator gives the same field names.
    let variants = ident::dedupe(
        mapped
            .iter()
            .map(|m| {
                let text = m.ident.to_string();
                let bare = text.strip_prefix("r#").unwrap_or(&text);
                ident::sanitize_type_ident(&ident::to_upper_camel(bare), "Field")
            })
            .collect(),
    );
    let variant_of: BTreeMap<String, String> = mapped
        .iter()
        .map(|m| m.ident.to_string())
        .zip(variants)
        .collect();

    for slot in slots.iter() {
        let m = match slot {
            Slot::Mapped(m) => m,
            Slot::Skip(ident) | Slot::Extra(ident, _) => {
                reads.push(quote!(#ident: ::std::default::Default::default(),));
                continue;
            }
        };
        let ident = &m.ident;
        let span = located_at(m.ty.span());
        if let Access::Multifield(kind) = m.access {
            let kind = format_ident!("{}", kind);
            let kind = quote!(#rt::value::MultifieldType::#kind);
            multifields.push(kind.clone());
            reads.push(quote!(#ident: r.multifield(#kind),));
            let write = quote!(w.multifield(#kind, &self.#ident););
            if !m.read_only {
                writes.push(write.clone());
            }
            record_writes.push(write);
            continue;
        }
        let constant = constant(m);
        let field_name = field_name_tokens(rt, m);
        let doc = format!("Wire names of `{ident}`.");
        consts.push(quote! {
            #[doc = #doc]
            pub const #constant: #rt::entity::FieldName = #field_name;
        });
        const_names.push(constant.clone());
        let (read, write) = match codec_tokens(rt, m) {
            Some(codec) => (
                quote_spanned!(span=> r.field_with::<#codec, _>(#name::#constant)),
                quote_spanned!(span=> w.field_with::<#codec, _>(#name::#constant, &self.#ident);),
            ),
            None => (
                quote_spanned!(span=> r.field(#name::#constant)),
                quote_spanned!(span=> w.field(#name::#constant, &self.#ident);),
            ),
        };
        reads.push(quote!(#ident: #read,));
        record_writes.push(write.clone());
        if !m.read_only {
            writes.push(write);
            let variant = format_ident!("{}", variant_of[&ident.to_string()]);
            let variant_doc = format!("`{ident}`");
            clear_variants.push(quote!(#[doc = #variant_doc] #variant,));
            clear_arms.push(quote! {
                #field_enum::#variant => {
                    self.#ident = ::std::option::Option::None;
                    #name::#constant
                }
            });
        }
        if m.upper == "ID" {
            id_expr = match types::classify(&m.ty) {
                Class::Int(n) if n == "u64" => quote!(self.#ident),
                // Other integer types convert; a negative ID is no ID.
                _ => quote_spanned! {span=>
                    self.#ident
                        .and_then(|id| ::std::convert::TryFrom::try_from(id).ok())
                },
            };
        }
    }

    let entity_type_id = kind.entity_type_id();
    let classic_prefix = match kind.classic_name() {
        Some(n) => {
            let prefix = format!("crm.{n}");
            quote!(::std::option::Option::Some(#prefix))
        }
        None => quote!(::std::option::Option::None),
    };
    let n_fields = const_names.len();
    let clear_body = if clear_arms.is_empty() {
        quote!(match field {})
    } else {
        quote! {
            let name = match field { #( #clear_arms )* };
            #rt::entity::Extra::clear(&mut self.#extra, name);
        }
    };
    let mut_kw = |used: bool| if used { quote!(mut) } else { quote!() };
    let w_record = mut_kw(!record_writes.is_empty());
    let w_fields = mut_kw(!writes.is_empty());
    let r_mut = mut_kw(!mapped.is_empty());
    let enum_doc = format!(
        "The fields of `{name}` that `CrmEntity::clear` can empty (writable, not multifields)."
    );
    let track = &g.track;
    // Spanned on the field's type, so a field that is not an `Extra` is reported there.
    let extra_ref = quote_spanned!(located_at(g.extra_ty.span())=> &self.#extra);
    let map_ty = quote!(#rt::serde_json::Map<::std::string::String, #rt::serde_json::Value>);

    quote! {
        #track

        #[allow(dead_code)]
        impl #name {
            #( #consts )*

            /// Every field's wire names, in the struct's order.
            pub const FIELDS: [#rt::entity::FieldName; #n_fields] = [ #( #name::#const_names ),* ];

            /// Every field that is set, in `target`'s names and formats, read-only fields
            /// included (what a record looks like on the wire; writes use
            /// `CrmEntity::to_fields`).
            pub fn to_record(&self, target: #rt::value::Target) -> #map_ty {
                let #w_record w = #rt::entity::Writer::new(target, &self.#extra);
                #( #record_writes )*
                w.finish()
            }
        }

        #[doc = #enum_doc]
        #[allow(dead_code, clippy::all)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #vis enum #field_enum {
            #( #clear_variants )*
        }

        #[automatically_derived]
        impl #rt::entity::CrmEntity for #name {
            const ENTITY_TYPE_ID: u32 = #entity_type_id;
            const CLASSIC_PREFIX: ::std::option::Option<&'static str> = #classic_prefix;
            type Field = #field_enum;

            fn select(target: #rt::value::Target) -> ::std::vec::Vec<&'static str> {
                #rt::entity::select(target, &#name::FIELDS, &[ #( #multifields ),* ])
            }

            fn to_fields(&self, target: #rt::value::Target) -> #map_ty {
                let #w_fields w = #rt::entity::Writer::new(target, &self.#extra);
                #( #writes )*
                w.finish()
            }

            fn from_fields(map: &#map_ty, target: #rt::value::Target) -> #rt::entity::Read<Self> {
                let #r_mut r = #rt::entity::Reader::new(map, target);
                let mut value = #name {
                    #( #reads )*
                };
                let (extra, problems) = r.finish();
                value.#extra = extra;
                #rt::entity::Read { value, problems }
            }

            fn id(&self) -> ::std::option::Option<u64> {
                #id_expr
            }

            fn clear(&mut self, field: #field_enum) {
                #clear_body
            }

            fn extra(&self) -> &#rt::entity::Extra {
                #extra_ref
            }
        }
    }
}

/// The compile errors, and an impl that keeps the rest of the user's code from failing too:
/// the field enum, the constants of the fields that were understood, and the trait. Its
/// bodies never run, because the errors stop the build.
fn stub(
    errors: syn::Error,
    name: &Ident,
    field_enum: &Ident,
    vis: &syn::Visibility,
    rt: &TokenStream,
    slots: &[Slot],
) -> TokenStream {
    let errors = errors.to_compile_error();
    let mut named = std::collections::BTreeSet::new();
    let consts: Vec<TokenStream> = slots
        .iter()
        .filter_map(|s| match s {
            // A name mapped twice is an error already; one constant is enough.
            Slot::Mapped(m)
                if !matches!(m.access, Access::Multifield(_)) && named.insert(&m.upper) =>
            {
                let constant = constant(m);
                let field_name = field_name_tokens(rt, m);
                Some(quote!(pub const #constant: #rt::entity::FieldName = #field_name;))
            }
            _ => None,
        })
        .collect();
    let map_ty = quote!(#rt::serde_json::Map<::std::string::String, #rt::serde_json::Value>);
    quote! {
        #errors

        #[allow(dead_code)]
        impl #name {
            #( #consts )*

            pub fn to_record(&self, _: #rt::value::Target) -> #map_ty {
                ::std::unreachable!()
            }
        }

        #[allow(dead_code)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #vis enum #field_enum {}

        impl #rt::entity::CrmEntity for #name {
            const ENTITY_TYPE_ID: u32 = 0;
            const CLASSIC_PREFIX: ::std::option::Option<&'static str> = ::std::option::Option::None;
            type Field = #field_enum;

            fn select(_: #rt::value::Target) -> ::std::vec::Vec<&'static str> {
                ::std::unreachable!()
            }

            fn to_fields(&self, _: #rt::value::Target) -> #map_ty {
                ::std::unreachable!()
            }

            fn from_fields(_: &#map_ty, _: #rt::value::Target) -> #rt::entity::Read<Self> {
                ::std::unreachable!()
            }

            fn id(&self) -> ::std::option::Option<u64> {
                ::std::unreachable!()
            }

            fn clear(&mut self, field: #field_enum) {
                match field {}
            }

            fn extra(&self) -> &#rt::entity::Extra {
                ::std::unreachable!()
            }
        }
    }
}
