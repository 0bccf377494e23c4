//! Turns a schema and its [`Plan`] into Rust tokens.
//!
//! Every path in the output is absolute (`::std::option::Option`, `::bitrix_schema::...`) so
//! the code compiles whatever the including module defines.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use bitrix_schema::{Entity, EntityKind, Field, FieldType, Schema, Status, StatusList};

use crate::plan::{EntityPlan, EnumPlan, FieldPlan, Plan, UNKNOWN};

pub struct Emitter<'a> {
    pub schema: &'a Schema,
    pub plan: &'a Plan,
    /// The runtime crate's path, `::bitrix_schema` unless overridden.
    pub rt: TokenStream,
}

/// An identifier that may be raw (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Text for a doc attribute: one paragraph, with Markdown and HTML characters escaped so
/// that a label can neither break the rustdoc nor form a link.
pub fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// A Markdown code span; backslash escapes do not work inside one, so backticks in the
/// text are fenced with a longer run instead.
pub fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let fence = if text.contains('`') { "``" } else { "`" };
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// How a field travels: its Rust type, the codec when it is not the type's default, or the
/// multifield kind for classic `PHONE`/`EMAIL`/... (crm.item `fm`).
struct Mapping {
    ty: TokenStream,
    codec: Option<TokenStream>,
    multifield: Option<TokenStream>,
    /// Readable description of the wire format, for the rustdoc.
    format: &'static str,
}

impl Emitter<'_> {
    pub fn file(&self) -> TokenStream {
        let mut items = TokenStream::new();
        for (id, plan) in &self.plan.status_lists {
            let list = &self.schema.status_lists[id];
            items.extend(self.status_list_enum(id, list, plan));
        }
        for entity_plan in &self.plan.entities {
            let entity = &self.schema.entities[entity_plan.index];
            items.extend(self.entity(entity, entity_plan));
        }
        items
    }

    fn status_list_enum(&self, id: &str, list: &StatusList, plan: &EnumPlan) -> TokenStream {
        let doc = format!(
            "Status list {}{} (`crm.status.list` with `ENTITY_ID = {}`).",
            code(id),
            list.name
                .as_deref()
                .map(|n| format!(": {}", doc_text(n)))
                .unwrap_or_default(),
            id.replace('`', ""),
        );
        self.status_enum(&doc, plan, &list.items)
    }

    /// An open enum over `crm.status` IDs.
    fn status_enum(&self, doc: &str, plan: &EnumPlan, statuses: &[Status]) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&plan.name);
        let unknown = ident(UNKNOWN);
        let variants: Vec<Ident> = plan.variants.iter().map(|v| ident(v)).collect();
        let ids: Vec<&str> = statuses.iter().map(|s| s.id.as_str()).collect();
        let labels: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
        let by_id = lookup(&ids, &variants, &name);
        let by_label = lookup(&labels, &variants, &name);
        let docs: Vec<String> = statuses
            .iter()
            .map(|s| format!("{} ({})", doc_text(&s.name), code(&s.id)))
            .collect();
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub enum #name {
                #( #[doc = #docs] #variants, )*
                /// A status ID this schema does not know; kept as it came and written back
                /// unchanged.
                #unknown(::std::string::String),
            }

            impl #name {
                /// Every known status, in the portal's order.
                pub const ALL: &'static [#name] = &[ #( #name::#variants, )* ];

                /// The known status with this ID.
                pub fn from_known_id(key: &str) -> ::std::option::Option<#name> {
                    #by_id
                }

                /// The known status with this label (the first, if two share it).
                pub fn from_label(key: &str) -> ::std::option::Option<#name> {
                    #by_label
                }
            }

            impl #rt::value::StatusValue for #name {
                fn id(&self) -> &str {
                    match self {
                        #( #name::#variants => #ids, )*
                        #name::#unknown(id) => id,
                    }
                }

                fn from_id(id: &str) -> Self {
                    match #name::from_known_id(id) {
                        ::std::option::Option::Some(known) => known,
                        ::std::option::Option::None => #name::#unknown(id.to_string()),
                    }
                }

                fn label(&self) -> ::std::option::Option<&'static str> {
                    match self {
                        #( #name::#variants => ::std::option::Option::Some(#labels), )*
                        #name::#unknown(_) => ::std::option::Option::None,
                    }
                }
            }

            impl #rt::value::FieldValue for #name {
                type Codec = #rt::value::codec::Status;
            }
        }
    }

    fn enumeration(&self, entity: &Entity, field: &Field, plan: &EnumPlan) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&plan.name);
        let unknown = ident(UNKNOWN);
        let variants: Vec<Ident> = plan.variants.iter().map(|v| ident(v)).collect();
        let ids: Vec<u64> = field.items.iter().map(|i| i.id).collect();
        let labels: Vec<&str> = field.items.iter().map(|i| i.label.as_str()).collect();
        let by_id = lookup(&ids, &variants, &name);
        let by_label = lookup(&labels, &variants, &name);
        let docs: Vec<String> = field
            .items
            .iter()
            .map(|i| {
                let default = if i.default { ", the default" } else { "" };
                format!("{} (ID {}{default})", doc_text(&i.label), i.id)
            })
            .collect();
        let doc = format!(
            "Items of the {} field {}{}.",
            entity.kind,
            wire_names_doc(field),
            field
                .label
                .as_deref()
                .map(|l| format!(" ({})", doc_text(l)))
                .unwrap_or_default()
        );
        quote! {
            #[doc = #doc]
            ///
            /// The portal accepts only item IDs on write; a label written instead is silently
            /// dropped. These variants always write their ID.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #( #[doc = #docs] #variants, )*
                /// An item ID this schema does not know; kept as it came and written back
                /// unchanged.
                #unknown(u64),
            }

            impl #name {
                /// Every known item, in the portal's order.
                pub const ALL: &'static [#name] = &[ #( #name::#variants, )* ];

                /// The known item with this ID.
                pub fn from_known_id(key: u64) -> ::std::option::Option<#name> {
                    #by_id
                }

                /// The known item with this label (the first, if two share it).
                pub fn from_label(key: &str) -> ::std::option::Option<#name> {
                    #by_label
                }
            }

            impl #rt::value::EnumValue for #name {
                fn id(&self) -> u64 {
                    match self {
                        #( #name::#variants => #ids, )*
                        #name::#unknown(id) => *id,
                    }
                }

                fn from_id(id: u64) -> Self {
                    match #name::from_known_id(id) {
                        ::std::option::Option::Some(known) => known,
                        ::std::option::Option::None => #name::#unknown(id),
                    }
                }

                fn label(&self) -> ::std::option::Option<&'static str> {
                    match self {
                        #( #name::#variants => ::std::option::Option::Some(#labels), )*
                        #name::#unknown(_) => ::std::option::Option::None,
                    }
                }
            }

            impl #rt::value::FieldValue for #name {
                type Codec = #rt::value::codec::Enumeration;
            }
        }
    }

    /// The per-pipeline stage enums and, for several pipelines, the enum over all of them.
    fn stages(&self, entity: &Entity, plan: &EntityPlan) -> TokenStream {
        let rt = &self.rt;
        let mut out = TokenStream::new();
        for stage in &plan.stages {
            let category = &entity.categories[stage.category];
            let doc = format!(
                "Stages of the {} pipeline {} (ID {}, status list {}).",
                entity.kind,
                doc_text(&category.name),
                category.id,
                code(&category.stage_list)
            );
            out.extend(self.status_enum(&doc, &stage.enum_plan, &category.stages));
        }
        let Some(stage_enum) = &plan.stage_enum else {
            return out;
        };
        let name = ident(stage_enum);
        let unknown = ident(UNKNOWN);
        let wrappers: Vec<Ident> = plan
            .stages
            .iter()
            .map(|s| ident(&s.wrapper_variant))
            .collect();
        let inner: Vec<Ident> = plan
            .stages
            .iter()
            .map(|s| ident(&s.enum_plan.name))
            .collect();
        let docs: Vec<String> = plan
            .stages
            .iter()
            .map(|s| {
                let c = &entity.categories[s.category];
                format!("A stage of pipeline {} (ID {}).", doc_text(&c.name), c.id)
            })
            .collect();
        let doc = format!(
            "A stage of any {} pipeline. Stage IDs carry their pipeline's prefix, so each ID \
             belongs to exactly one variant.",
            entity.kind
        );
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub enum #name {
                #( #[doc = #docs] #wrappers(#inner), )*
                /// A stage ID of no pipeline this schema knows.
                #unknown(::std::string::String),
            }

            #(
                impl ::std::convert::From<#inner> for #name {
                    fn from(stage: #inner) -> Self {
                        #name::#wrappers(stage)
                    }
                }
            )*

            impl #rt::value::StatusValue for #name {
                fn id(&self) -> &str {
                    match self {
                        #( #name::#wrappers(stage) => #rt::value::StatusValue::id(stage), )*
                        #name::#unknown(id) => id,
                    }
                }

                fn from_id(id: &str) -> Self {
                    #(
                        if let ::std::option::Option::Some(stage) = #inner::from_known_id(id) {
                            return #name::#wrappers(stage);
                        }
                    )*
                    #name::#unknown(id.to_string())
                }

                fn label(&self) -> ::std::option::Option<&'static str> {
                    match self {
                        #( #name::#wrappers(stage) => #rt::value::StatusValue::label(stage), )*
                        #name::#unknown(_) => ::std::option::Option::None,
                    }
                }
            }

            impl #rt::value::FieldValue for #name {
                type Codec = #rt::value::codec::Status;
            }
        });
        out
    }

    fn mapping(&self, entity: &Entity, plan: &EntityPlan, fp: &FieldPlan) -> Mapping {
        let rt = &self.rt;
        let field = &entity.fields[fp.index];
        let plain = |ty: TokenStream, format| Mapping {
            ty,
            codec: None,
            multifield: None,
            format,
        };
        let with = |ty: TokenStream, codec: TokenStream, format| Mapping {
            ty,
            codec: Some(codec),
            multifield: None,
            format,
        };
        let mapping = match &field.ty {
            FieldType::CrmMultifield => {
                let kind = match field.name.as_str() {
                    "PHONE" => Some(quote!(Phone)),
                    "EMAIL" => Some(quote!(Email)),
                    "WEB" => Some(quote!(Web)),
                    "IM" => Some(quote!(Im)),
                    "LINK" => Some(quote!(Link)),
                    _ => None,
                };
                if let Some(kind) = kind {
                    return Mapping {
                        ty: quote!(::std::vec::Vec<#rt::value::Multifield>),
                        codec: None,
                        multifield: Some(quote!(#rt::value::MultifieldType::#kind)),
                        format: "multifield rows (classic) / `fm` entries (crm.item)",
                    };
                }
                plain(quote!(#rt::serde_json::Value), "raw JSON")
            }
            FieldType::Integer if field.name == "ID" => plain(quote!(u64), "integer"),
            FieldType::Integer => plain(quote!(i64), "integer"),
            FieldType::Double if field.user_field => plain(quote!(f64), "number"),
            FieldType::Double => plain(quote!(#rt::rust_decimal::Decimal), "exact decimal number"),
            FieldType::Char | FieldType::Boolean if !field.user_field => {
                plain(quote!(bool), "`Y`/`N` flag")
            }
            FieldType::Boolean => with(
                quote!(bool),
                quote!(#rt::value::codec::UfBool),
                "boolean user field",
            ),
            FieldType::String | FieldType::Text | FieldType::Char | FieldType::CrmCurrency => {
                plain(quote!(::std::string::String), "text")
            }
            FieldType::Date => plain(quote!(#rt::chrono::NaiveDate), "date"),
            FieldType::DateTime => plain(
                quote!(#rt::chrono::DateTime<#rt::chrono::FixedOffset>),
                "date and time with offset",
            ),
            FieldType::Money => plain(quote!(#rt::value::Money), "money `amount|CUR`"),
            FieldType::Url => plain(quote!(#rt::value::Url), "URL"),
            FieldType::Address => plain(quote!(#rt::value::Address), "address"),
            FieldType::File => plain(quote!(#rt::value::File), "file"),
            FieldType::Employee | FieldType::User => plain(quote!(#rt::value::UserId), "user ID"),
            FieldType::Enumeration => {
                let name = ident(&fp.enumeration.as_ref().expect("planned").name);
                plain(quote!(#name), "enumeration item ID")
            }
            FieldType::CrmStatus => match self.status_type_enum(field, plan) {
                Some(name) => plain(quote!(#name), "status ID"),
                None => plain(quote!(::std::string::String), "status ID"),
            },
            FieldType::Crm => match field.single_link_target() {
                Some(etid) => with(
                    quote!(#rt::value::CrmRef),
                    quote!(#rt::value::codec::CrmLinkOf<#etid>),
                    "CRM link (bare ID of its one target kind)",
                ),
                None => plain(
                    quote!(#rt::value::CrmRef),
                    "CRM link (`D_12`, `CO_3`, `T9c_5`)",
                ),
            },
            FieldType::CrmCategory => plain(quote!(u64), "pipeline ID"),
            FieldType::CrmCompany
            | FieldType::CrmContact
            | FieldType::CrmLead
            | FieldType::CrmDeal
            | FieldType::CrmQuote
            | FieldType::CrmEntity => with(
                quote!(u64),
                quote!(#rt::value::codec::LinkId),
                "linked record ID",
            ),
            _ => plain(
                quote!(#rt::serde_json::Value),
                "raw JSON (type not modelled)",
            ),
        };
        if !field.multiple {
            return mapping;
        }
        let Mapping {
            ty, codec, format, ..
        } = mapping;
        let vec_ty = quote!(::std::vec::Vec<#ty>);
        match codec {
            Some(codec) => Mapping {
                ty: vec_ty,
                codec: Some(quote!(#rt::value::codec::Multiple<#codec>)),
                multifield: None,
                format,
            },
            None => Mapping {
                ty: vec_ty,
                codec: None,
                multifield: None,
                format,
            },
        }
    }

    /// The generated enum a `crm_status` field holds: its status list's, or its pipelines'
    /// stages.
    fn status_type_enum(&self, field: &Field, plan: &EntityPlan) -> Option<Ident> {
        let list = field.status_type.as_deref()?;
        if let Some(p) = self.plan.status_lists.get(list) {
            return Some(ident(&p.name));
        }
        if !bitrix_schema::ingest::is_stage_list(list) {
            return None;
        }
        match (&plan.stage_enum, plan.stages.as_slice()) {
            (Some(name), _) => Some(ident(name)),
            (None, [only]) => Some(ident(&only.enum_plan.name)),
            _ => None,
        }
    }

    fn entity(&self, entity: &Entity, plan: &EntityPlan) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&plan.name);
        let field_enum = ident(&plan.field_enum);
        let mut out = TokenStream::new();
        for fp in &plan.fields {
            if let Some(e) = &fp.enumeration {
                out.extend(self.enumeration(entity, &entity.fields[fp.index], e));
            }
        }
        out.extend(self.stages(entity, plan));

        let mut struct_fields = Vec::new();
        let mut consts = Vec::new();
        let mut const_names = Vec::new();
        let mut reads = Vec::new();
        let mut writes = Vec::new();
        let mut record_writes = Vec::new();
        let mut multifields = Vec::new();
        let mut clear_arms = Vec::new();
        let mut clear_variants = Vec::new();

        for fp in &plan.fields {
            let field = &entity.fields[fp.index];
            let m = self.mapping(entity, plan, fp);
            let rust = ident(&fp.rust_name);
            let constant = ident(&fp.constant);
            let ty = &m.ty;
            let mut doc = vec![format!(
                "{}",
                field
                    .label
                    .as_deref()
                    .map(doc_text)
                    .unwrap_or_else(|| doc_text(&field.name))
            )];
            doc.push(String::new());
            doc.push(format!(
                "{}; {}{}.",
                wire_names_doc(field),
                m.format,
                flags_doc(field)
            ));
            struct_fields.push(quote! {
                #( #[doc = #doc] )*
                pub #rust: ::std::option::Option<#ty>,
            });

            if let Some(kind) = &m.multifield {
                multifields.push(kind.clone());
                reads.push(quote!(#rust: r.multifield(#kind),));
                if !field.read_only {
                    writes.push(quote!(w.multifield(#kind, &self.#rust);));
                }
                record_writes.push(quote!(w.multifield(#kind, &self.#rust);));
                continue;
            }

            let (classic, item) = wire_names(entity.kind, field);
            let field_name = match (classic, item) {
                (Some(c), Some(i)) => quote!(#rt::entity::FieldName::new(#c, #i)),
                (Some(c), None) => quote!(#rt::entity::FieldName::classic_only(#c)),
                (None, Some(i)) => quote!(#rt::entity::FieldName::item_only(#i)),
                (None, None) => unreachable!("a schema field has a name in some family"),
            };
            let const_doc = format!("Wire names of `{}`.", fp.rust_name);
            consts.push(quote! {
                #[doc = #const_doc]
                pub const #constant: #rt::entity::FieldName = #field_name;
            });
            const_names.push(constant.clone());
            let (read, write) = match &m.codec {
                Some(codec) => (
                    quote!(r.field_with::<#codec, _>(#name::#constant)),
                    quote!(w.field_with::<#codec, _>(#name::#constant, &self.#rust);),
                ),
                None => (
                    quote!(r.field(#name::#constant)),
                    quote!(w.field(#name::#constant, &self.#rust);),
                ),
            };
            reads.push(quote!(#rust: #read,));
            record_writes.push(write.clone());
            if !field.read_only {
                writes.push(write);
                let variant = ident(&fp.variant);
                let variant_doc = format!("`{}`", fp.rust_name);
                clear_variants.push(quote!(#[doc = #variant_doc] #variant,));
                clear_arms.push(quote! {
                    #field_enum::#variant => {
                        self.#rust = ::std::option::Option::None;
                        #name::#constant
                    }
                });
            }
        }

        let entity_type_id = entity.kind.entity_type_id();
        let classic_prefix = match entity.kind.classic_name() {
            Some(n) => {
                let prefix = format!("crm.{n}");
                quote!(::std::option::Option::Some(#prefix))
            }
            None => quote!(::std::option::Option::None),
        };
        let id_expr = match entity
            .field("ID")
            .or_else(|| entity.field_by_item_name("id"))
        {
            Some(f) if !f.skip => {
                let fp = plan
                    .fields
                    .iter()
                    .find(|p| p.index == entity.fields.iter().position(|x| x == f).unwrap())
                    .expect("kept field is planned");
                let rust = ident(&fp.rust_name);
                quote!(self.#rust)
            }
            _ => quote!(::std::option::Option::None),
        };
        let n_fields = const_names.len();
        let struct_doc = entity_doc(entity);
        let enum_doc = format!(
            "The fields of [`{}`] that [`{}::clear`] can empty (writable, non-multifield).",
            plan.name, plan.name
        );
        let clear_body = if clear_arms.is_empty() {
            quote!(match field {})
        } else {
            quote! {
                let name = match field { #( #clear_arms )* };
                #rt::entity::Extra::clear(&mut self.extra, name);
            }
        };
        // An entity without fields (a smart process whose fields were not pulled) must not
        // leave an unused `mut` behind.
        let mut_kw = |used: bool| if used { quote!(mut) } else { quote!() };
        let w_record = mut_kw(!record_writes.is_empty());
        let w_fields = mut_kw(!writes.is_empty());
        let r_mut = mut_kw(!reads.is_empty());
        let select_body = quote! {
            #rt::entity::select(target, &#name::FIELDS, &[ #( #multifields ),* ])
        };

        out.extend(quote! {
            #[doc = #struct_doc]
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct #name {
                #( #struct_fields )*
                /// Keys the portal sent that this struct has no field for, values that did not
                /// read, and the fields marked for clearing.
                pub extra: #rt::entity::Extra,
            }

            impl #name {
                #( #consts )*

                /// Every field's wire names, in schema order.
                pub const FIELDS: [#rt::entity::FieldName; #n_fields] =
                    [ #( #name::#const_names ),* ];

                /// Every field that is set, in `target`'s names and formats, read-only fields
                /// included (what a record looks like on the wire, not what a write may send;
                /// writes use [`CrmEntity::to_fields`](#rt::entity::CrmEntity::to_fields)).
                pub fn to_record(
                    &self,
                    target: #rt::value::Target,
                ) -> #rt::serde_json::Map<::std::string::String, #rt::serde_json::Value> {
                    let #w_record w = #rt::entity::Writer::new(target, &self.extra);
                    #( #record_writes )*
                    w.finish()
                }
            }

            #[doc = #enum_doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #field_enum {
                #( #clear_variants )*
            }

            impl #rt::entity::CrmEntity for #name {
                const ENTITY_TYPE_ID: u32 = #entity_type_id;
                const CLASSIC_PREFIX: ::std::option::Option<&'static str> = #classic_prefix;
                type Field = #field_enum;

                fn select(target: #rt::value::Target) -> ::std::vec::Vec<&'static str> {
                    #select_body
                }

                fn to_fields(
                    &self,
                    target: #rt::value::Target,
                ) -> #rt::serde_json::Map<::std::string::String, #rt::serde_json::Value> {
                    let #w_fields w = #rt::entity::Writer::new(target, &self.extra);
                    #( #writes )*
                    w.finish()
                }

                fn from_fields(
                    map: &#rt::serde_json::Map<::std::string::String, #rt::serde_json::Value>,
                    target: #rt::value::Target,
                ) -> #rt::entity::Read<Self> {
                    let #r_mut r = #rt::entity::Reader::new(map, target);
                    let mut value = #name {
                        #( #reads )*
                        extra: ::std::default::Default::default(),
                    };
                    let (extra, problems) = r.finish();
                    value.extra = extra;
                    #rt::entity::Read { value, problems }
                }

                fn id(&self) -> ::std::option::Option<u64> {
                    #id_expr
                }

                fn clear(&mut self, field: #field_enum) {
                    #clear_body
                }

                fn extra(&self) -> &#rt::entity::Extra {
                    &self.extra
                }
            }
        });
        out
    }
}

/// The body of a lookup function whose argument is named after what it looks up (`id`,
/// `label`): a `match` over the keys, the first variant winning when keys repeat, so that no
/// arm is unreachable.
fn lookup<K>(keys: &[K], variants: &[Ident], name: &Ident) -> TokenStream
where
    K: quote::ToTokens + PartialEq,
{
    let mut arms = Vec::new();
    for (i, (key, variant)) in keys.iter().zip(variants).enumerate() {
        if keys[..i].contains(key) {
            continue;
        }
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

/// The classic and crm.item names of a field, as the schema stores them.
fn wire_names(kind: EntityKind, field: &Field) -> (Option<&str>, Option<&str>) {
    let classic = (kind.is_classic() && field.in_classic).then_some(field.name.as_str());
    (classic, field.item_name.as_deref())
}

fn wire_names_doc(field: &Field) -> String {
    match (field.in_classic, field.item_name.as_deref()) {
        (true, Some(item)) => format!("{} / {}", code(&field.name), code(item)),
        (true, None) => format!("{} (classic methods only)", code(&field.name)),
        (false, Some(item)) => format!("{} (crm.item only)", code(item)),
        (false, None) => code(&field.name),
    }
}

fn flags_doc(field: &Field) -> String {
    let mut flags = Vec::new();
    if field.required {
        flags.push("required");
    }
    if field.read_only {
        flags.push("read-only");
    }
    if field.immutable {
        flags.push("set on create only");
    }
    if field.multiple {
        flags.push("multiple");
    }
    if field.deprecated {
        flags.push("deprecated");
    }
    if flags.is_empty() {
        String::new()
    } else {
        format!("; {}", flags.join(", "))
    }
}

fn entity_doc(entity: &Entity) -> String {
    let etid = entity.kind.entity_type_id();
    match entity.kind {
        EntityKind::Smart { type_id, .. } => format!(
            "Smart process {}(`crm.item.*` with entityTypeId {etid}; user fields \
             `UF_CRM_{type_id}_*`).",
            entity
                .title
                .as_deref()
                .map(|t| format!("{} ", doc_text(t)))
                .unwrap_or_default()
        ),
        classic => format!(
            "A {} record: `crm.{}.*` or `crm.item.*` with entityTypeId {etid}.",
            classic,
            classic.classic_name().unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_neutralises_markdown_and_html() {
        assert_eq!(
            doc_text("Price [USD] <b>*bold*</b>\nnext"),
            r"Price \[USD\] \<b\>\*bold\*\</b\> next"
        );
        assert_eq!(doc_text("`code` # h"), r"\`code\` \# h");
    }

    #[test]
    fn raw_identifiers_are_built_raw() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("title").to_string(), "title");
    }
}
