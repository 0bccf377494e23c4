//! Which codec a field travels through, and whether its Rust type can hold what the schema
//! says the field holds.
//!
//! A derive sees types only as tokens, so Rust types are recognised by the last segment of
//! their path (`String`, `std::string::String` and `bitrix_schema::value::Money` all count).
//! A type alias or a user type is not recognised; such fields name their codec with
//! `codec = "..."`, and the compiler then checks that the codec can carry the type.
//!
//! The choice of codec follows `bitrix-codegen`'s `emit::mapping` field type by field type,
//! so a derived field and a generated one read and write the same JSON.

use std::fmt;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{GenericArgument, PathArguments, Type};

use crate::model::{Field, FieldType};
use crate::naming::MULTIFIELD_CLASSIC_NAMES;

/// A codec named in `#[bitrix(codec = "...")]`; one per marker type in
/// `bitrix_schema::value::codec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecSpec {
    Flag,
    UfBool,
    UfBoolNumeric,
    Number,
    LinkId,
    User,
    Text,
    Date,
    DateTime,
    Money,
    Enumeration,
    Status,
    CrmLink,
    CrmLinkOf(u32),
    Url,
    Address,
    File,
    Raw,
}

const SIMPLE_CODECS: &[(&str, CodecSpec)] = &[
    ("flag", CodecSpec::Flag),
    ("uf_bool", CodecSpec::UfBool),
    ("uf_bool_numeric", CodecSpec::UfBoolNumeric),
    ("number", CodecSpec::Number),
    ("link_id", CodecSpec::LinkId),
    ("user", CodecSpec::User),
    ("text", CodecSpec::Text),
    ("date", CodecSpec::Date),
    ("datetime", CodecSpec::DateTime),
    ("money", CodecSpec::Money),
    ("enumeration", CodecSpec::Enumeration),
    ("status", CodecSpec::Status),
    ("crm_link", CodecSpec::CrmLink),
    ("url", CodecSpec::Url),
    ("address", CodecSpec::Address),
    ("file", CodecSpec::File),
    ("raw", CodecSpec::Raw),
];

impl CodecSpec {
    /// `"uf_bool"`, `"crm_link_of(2)"`.
    pub fn parse(text: &str) -> Result<CodecSpec, String> {
        if let Some((_, spec)) = SIMPLE_CODECS.iter().find(|(n, _)| *n == text) {
            return Ok(*spec);
        }
        if let Some(arg) = text
            .strip_prefix("crm_link_of(")
            .and_then(|r| r.strip_suffix(')'))
        {
            return arg
                .trim()
                .parse::<u32>()
                .map(CodecSpec::CrmLinkOf)
                .map_err(|_| {
                    format!(
                        "`crm_link_of` takes the target's entityTypeId, e.g. `crm_link_of(2)` for \
                     deals; `{arg}` is not a number"
                    )
                });
        }
        let names: Vec<String> = SIMPLE_CODECS
            .iter()
            .map(|(n, _)| format!("`{n}`"))
            .chain(["`crm_link_of(<entityTypeId>)`".to_string()])
            .collect();
        Err(format!(
            "unknown codec `{text}`; expected one of {}",
            names.join(", ")
        ))
    }

    /// The marker type's path under the runtime crate `rt`.
    pub fn tokens(self, rt: &TokenStream) -> TokenStream {
        let codec = quote!(#rt::value::codec);
        match self {
            CodecSpec::Flag => quote!(#codec::Flag),
            CodecSpec::UfBool => quote!(#codec::UfBool),
            CodecSpec::UfBoolNumeric => quote!(#codec::UfBoolNumeric),
            CodecSpec::Number => quote!(#codec::Number),
            CodecSpec::LinkId => quote!(#codec::LinkId),
            CodecSpec::User => quote!(#codec::User),
            CodecSpec::Text => quote!(#codec::Text),
            CodecSpec::Date => quote!(#codec::Date),
            CodecSpec::DateTime => quote!(#codec::DateTime),
            CodecSpec::Money => quote!(#codec::Money),
            CodecSpec::Enumeration => quote!(#codec::Enumeration),
            CodecSpec::Status => quote!(#codec::Status),
            CodecSpec::CrmLink => quote!(#codec::CrmLink),
            CodecSpec::CrmLinkOf(etid) => quote!(#codec::CrmLinkOf<#etid>),
            CodecSpec::Url => quote!(#codec::Url),
            CodecSpec::Address => quote!(#codec::Address),
            CodecSpec::File => quote!(#codec::File),
            CodecSpec::Raw => quote!(#codec::Raw),
        }
    }
}

impl fmt::Display for CodecSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecSpec::CrmLinkOf(etid) => write!(f, "crm_link_of({etid})"),
            other => {
                let name = SIMPLE_CODECS
                    .iter()
                    .find(|(_, s)| s == other)
                    .map_or("?", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

/// What a Rust type is, as far as its tokens tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    Bool,
    /// `u64`, `i64`, `u32`, `i32`.
    Int(String),
    Float,
    Decimal,
    Str,
    Date,
    DateTime,
    Money,
    Url,
    Address,
    File,
    UserId,
    CrmRef,
    Multifield,
    /// `serde_json::Value`: any JSON, accepted for every field.
    Raw,
    /// `Vec<T>`.
    Vec(Box<Class>),
    /// Anything else: an enum deriving `CrmEnum`, a generated enum, an alias.
    Custom,
}

/// The type inside `Option<...>`, if `ty` is an `Option`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    single_arg(ty, "Option")
}

fn single_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

pub fn classify(ty: &Type) -> Class {
    if let Some(inner) = single_arg(ty, "Vec") {
        return Class::Vec(Box::new(classify(inner)));
    }
    let Type::Path(path) = ty else {
        return Class::Custom;
    };
    let Some(last) = path.path.segments.last() else {
        return Class::Custom;
    };
    match last.ident.to_string().as_str() {
        "bool" => Class::Bool,
        name @ ("u64" | "i64" | "u32" | "i32") => Class::Int(name.to_string()),
        "f64" => Class::Float,
        "Decimal" => Class::Decimal,
        "String" => Class::Str,
        "NaiveDate" => Class::Date,
        "DateTime" => Class::DateTime,
        "Money" => Class::Money,
        "Url" => Class::Url,
        "Address" => Class::Address,
        "File" => Class::File,
        "UserId" => Class::UserId,
        "CrmRef" => Class::CrmRef,
        "Multifield" => Class::Multifield,
        "Value" => Class::Raw,
        _ => Class::Custom,
    }
}

/// A type as the user wrote it, spaced like rustfmt would (`Vec<String>`).
pub fn type_text(ty: &Type) -> String {
    let raw = ty.to_token_stream().to_string();
    let mut out = raw
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",");
    if out.starts_with(":: ") {
        out = out.replacen(":: ", "::", 1);
    }
    out
}

/// How a field is read and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Through the Rust type's `FieldValue` codec.
    Default,
    /// Through this codec (for each element of a `Vec` field).
    Codec(CodecSpec),
    /// A classic multifield (`PHONE`), the crm.item `fm` entries of that kind; the
    /// `MultifieldType` variant.
    Multifield(&'static str),
}

/// Where a problem with a field lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The Rust type cannot hold the field.
    Type(String),
    /// The codec named in `codec = "..."` does not fit the field.
    Codec(String),
}

/// The `MultifieldType` variant of a classic multifield name.
fn multifield_kind(upper: &str) -> Option<&'static str> {
    const KINDS: [&str; 5] = ["Phone", "Email", "Web", "Im", "Link"];
    MULTIFIELD_CLASSIC_NAMES
        .iter()
        .position(|n| *n == upper)
        .map(|i| KINDS[i])
}

const MULTIFIELD_TYPE: &str = "Vec<bitrix_schema::value::Multifield>";

/// The access of a field when no schema is checked: the type's own codec unless one is
/// named, and multifield handling for `Vec<Multifield>` under a multifield's name.
pub fn unchecked(upper: &str, ty: &Type, codec: Option<CodecSpec>) -> Result<Access, Problem> {
    let class = classify(ty);
    let rows = class == Class::Vec(Box::new(Class::Multifield));
    if rows || class == Class::Multifield {
        let kind = multifield_kind(upper).ok_or_else(|| {
            Problem::Type(format!(
                "`{}` holds multifield rows, which only the fields {} have; `{upper}` is not \
                 one of them",
                type_text(ty),
                quoted_list(&MULTIFIELD_CLASSIC_NAMES)
            ))
        })?;
        if !rows {
            return Err(Problem::Type(format!(
                "`{upper}` is a multifield, a list of rows; use `Option<{MULTIFIELD_TYPE}>`"
            )));
        }
        if codec.is_some() {
            return Err(Problem::Codec(format!(
                "`{upper}` is a multifield; multifields take no codec"
            )));
        }
        return Ok(Access::Multifield(kind));
    }
    Ok(codec.map_or(Access::Default, Access::Codec))
}

/// What the schema lets a field's Rust side be.
struct Rule {
    /// Whether an element (or scalar) of this class can hold the field.
    accepts: fn(&Class) -> bool,
    /// What to use instead, for the message.
    suggest: &'static str,
    /// The codec generated code uses.
    codec: Generated,
    /// Codecs that may be named for the field; `None` when any may.
    codecs: Option<&'static [CodecSpec]>,
}

/// The codec generated code uses for a field.
enum Generated {
    /// The Rust type's own (`FieldValue`).
    Own,
    Always(CodecSpec),
    /// This codec for an enum, the type's own for `String` (`crm_status` fields).
    ForEnums(CodecSpec),
}

fn rule(field: &Field) -> Rule {
    use CodecSpec as C;
    let plain = |accepts: fn(&Class) -> bool, suggest, codecs| Rule {
        accepts,
        suggest,
        codec: Generated::Own,
        codecs: Some(codecs),
    };
    match &field.ty {
        FieldType::Integer => plain(
            |c| matches!(c, Class::Int(_)),
            "`u64`, `i64`, `u32` or `i32`",
            &[C::Number, C::LinkId, C::Raw],
        ),
        FieldType::Double => plain(
            |c| matches!(c, Class::Float | Class::Decimal),
            "`f64` or `bitrix_schema::rust_decimal::Decimal`",
            &[C::Number, C::Raw],
        ),
        FieldType::Char if !field.user_field => plain(
            |c| matches!(c, Class::Bool | Class::Str),
            "`bool` (a `Y`/`N` flag) or `String`",
            &[C::Flag, C::Text, C::Raw],
        ),
        FieldType::Boolean if !field.user_field => {
            plain(|c| *c == Class::Bool, "`bool`", &[C::Flag, C::Raw])
        }
        FieldType::Boolean => Rule {
            accepts: |c| *c == Class::Bool,
            suggest: "`bool`",
            codec: Generated::Always(C::UfBool),
            codecs: Some(&[C::UfBool, C::UfBoolNumeric, C::Flag, C::Raw]),
        },
        FieldType::String | FieldType::Text | FieldType::Char | FieldType::CrmCurrency => {
            plain(|c| *c == Class::Str, "`String`", &[C::Text, C::Raw])
        }
        FieldType::Date => plain(
            |c| *c == Class::Date,
            "`bitrix_schema::chrono::NaiveDate`",
            &[C::Date, C::Raw],
        ),
        FieldType::DateTime => plain(
            |c| *c == Class::DateTime,
            "`bitrix_schema::chrono::DateTime<bitrix_schema::chrono::FixedOffset>`",
            &[C::DateTime, C::Raw],
        ),
        FieldType::Money => plain(
            |c| *c == Class::Money,
            "`bitrix_schema::value::Money`",
            &[C::Money, C::Raw],
        ),
        FieldType::Url => plain(
            |c| *c == Class::Url,
            "`bitrix_schema::value::Url`",
            &[C::Url, C::Text, C::Raw],
        ),
        FieldType::Address => plain(
            |c| *c == Class::Address,
            "`bitrix_schema::value::Address`",
            &[C::Address, C::Raw],
        ),
        FieldType::File => plain(
            |c| *c == Class::File,
            "`bitrix_schema::value::File`",
            &[C::File, C::Raw],
        ),
        FieldType::Employee | FieldType::User => plain(
            |c| *c == Class::UserId,
            "`bitrix_schema::value::UserId`",
            &[C::User, C::Raw],
        ),
        FieldType::Enumeration => Rule {
            accepts: |c| *c == Class::Custom,
            suggest: "an enum deriving `CrmEnum` with `#[bitrix(id = ...)]` variants",
            codec: Generated::Always(C::Enumeration),
            codecs: Some(&[C::Enumeration, C::Raw]),
        },
        FieldType::CrmStatus => Rule {
            accepts: |c| matches!(c, Class::Custom | Class::Str),
            suggest: "an enum deriving `CrmEnum` with `#[bitrix(status = ...)]` variants, or \
                      `String`",
            codec: Generated::ForEnums(C::Status),
            codecs: Some(&[C::Status, C::Text, C::Raw]),
        },
        FieldType::Crm => Rule {
            accepts: |c| *c == Class::CrmRef,
            suggest: "`bitrix_schema::value::CrmRef`",
            codec: match field.single_link_target() {
                Some(etid) => Generated::Always(C::CrmLinkOf(etid)),
                None => Generated::Own,
            },
            // Which `crm_link_of(N)` fits depends on the portal's settings; any may be named.
            codecs: None,
        },
        FieldType::CrmCategory => plain(
            |c| matches!(c, Class::Int(_)),
            "`u64`",
            &[C::Number, C::LinkId, C::Raw],
        ),
        FieldType::CrmCompany
        | FieldType::CrmContact
        | FieldType::CrmLead
        | FieldType::CrmDeal
        | FieldType::CrmQuote
        | FieldType::CrmEntity => Rule {
            // The link codec is for `u64` only.
            accepts: |c| *c == Class::Int("u64".into()),
            suggest: "`u64` (a linked record ID; 0 reads as no link)",
            codec: Generated::Always(C::LinkId),
            codecs: Some(&[C::LinkId, C::Number, C::Raw]),
        },
        // Types the runtime does not model: generated code keeps them as raw JSON; a user
        // type with its own `FieldValue` is as good.
        _ => Rule {
            accepts: |_| true,
            suggest: "`bitrix_schema::serde_json::Value`",
            codec: Generated::Own,
            codecs: None,
        },
    }
}

/// The access of a field the schema describes, or why its Rust type or codec does not fit.
pub fn checked(field: &Field, ty: &Type, codec: Option<CodecSpec>) -> Result<Access, Problem> {
    let class = classify(ty);
    let name = &field.name;

    if field.ty == FieldType::CrmMultifield
        && let Some(kind) = multifield_kind(name)
    {
        if class != Class::Vec(Box::new(Class::Multifield)) {
            return Err(Problem::Type(format!(
                "`{name}` is a multifield (schema type `crm_multifield`), a list of rows; \
                 `{}` cannot hold it: use `Option<{MULTIFIELD_TYPE}>`",
                type_text(ty)
            )));
        }
        if codec.is_some() {
            return Err(Problem::Codec(format!(
                "`{name}` is a multifield; multifields take no codec"
            )));
        }
        return Ok(Access::Multifield(kind));
    }

    let rule = rule(field);
    // Raw JSON holds any field whole, a list as much as one value.
    if class == Class::Raw && codec.is_none() {
        return Ok(Access::Default);
    }
    let element = match (&class, field.multiple) {
        (Class::Vec(inner), true) => (**inner).clone(),
        (_, true) => {
            return Err(Problem::Type(format!(
                "`{name}` is a multiple field (schema type `{}`, `multiple = true`); `{}` \
                 holds one value: use `Option<Vec<{}>>`",
                field.ty,
                type_text(ty),
                type_text(ty)
            )));
        }
        (Class::Vec(_), false) => {
            return Err(Problem::Type(format!(
                "`{name}` holds one value (schema type `{}`, not multiple); `{}` is a list: \
                 use `Option<{}>`",
                field.ty,
                type_text(ty),
                strip_plain(rule.suggest)
            )));
        }
        (other, false) => other.clone(),
    };

    if let Some(spec) = codec {
        if let Some(allowed) = rule.codecs
            && !allowed.contains(&spec)
        {
            let list: Vec<String> = allowed.iter().map(|c| format!("`{c}`")).collect();
            return Err(Problem::Codec(format!(
                "codec `{spec}` does not fit `{name}` (schema type `{}`); it takes {}",
                field.ty,
                or_list(&list)
            )));
        }
        return Ok(Access::Codec(spec));
    }

    if element == Class::Raw {
        return Ok(Access::Default);
    }
    if !(rule.accepts)(&element) {
        let what = if field.multiple {
            "each element"
        } else {
            "the value"
        };
        return Err(Problem::Type(format!(
            "`{name}` has schema type `{}`; `{}` cannot hold it: {what} should be {} (or \
             name a codec with `codec = \"...\"` if this type is an alias or has its own \
             codec)",
            field.ty,
            type_text(ty),
            rule.suggest
        )));
    }
    Ok(match rule.codec {
        Generated::Always(spec) => Access::Codec(spec),
        Generated::ForEnums(spec) if element == Class::Custom => Access::Codec(spec),
        Generated::ForEnums(_) | Generated::Own => Access::Default,
    })
}

/// The first suggestion of a rule without its backticks, for `Option<...>` in a message.
fn strip_plain(suggest: &str) -> &str {
    suggest
        .split('`')
        .nth(1)
        .filter(|s| !s.is_empty())
        .unwrap_or("...")
}

fn quoted_list(names: &[&str]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    or_list(&list)
}

/// `a`, `a or b`, `a, b or c`.
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumItem, LinkSettings};

    fn ty(text: &str) -> Type {
        syn::parse_str(text).unwrap()
    }

    fn field(name: &str, ty: FieldType, user_field: bool, multiple: bool) -> Field {
        Field {
            name: name.into(),
            ty,
            user_field,
            multiple,
            ..Field::default()
        }
    }

    #[test]
    fn types_are_recognised_by_their_last_segment() {
        assert_eq!(classify(&ty("::std::string::String")), Class::Str);
        assert_eq!(classify(&ty("bitrix_schema::value::Money")), Class::Money);
        assert_eq!(
            classify(&ty("Vec<serde_json::Value>")),
            Class::Vec(Box::new(Class::Raw))
        );
        assert_eq!(classify(&ty("i32")), Class::Int("i32".into()));
        assert_eq!(classify(&ty("Delivery")), Class::Custom);
        assert_eq!(classify(&ty("&str")), Class::Custom);
        assert_eq!(
            option_inner(&ty("std::option::Option<u64>")).map(type_text),
            Some("u64".to_string())
        );
        assert_eq!(option_inner(&ty("Vec<u64>")), None);
    }

    #[test]
    fn type_text_reads_like_source() {
        assert_eq!(
            type_text(&ty("::std::vec::Vec< Option<u64> >")),
            "::std::vec::Vec<Option<u64>>"
        );
    }

    #[test]
    fn codec_names_round_trip() {
        for (name, spec) in SIMPLE_CODECS {
            assert_eq!(CodecSpec::parse(name), Ok(*spec));
            assert_eq!(spec.to_string(), *name);
        }
        assert_eq!(
            CodecSpec::parse("crm_link_of(2)"),
            Ok(CodecSpec::CrmLinkOf(2))
        );
        assert_eq!(CodecSpec::CrmLinkOf(156).to_string(), "crm_link_of(156)");
        let err = CodecSpec::parse("bool").unwrap_err();
        assert!(
            err.starts_with("unknown codec `bool`; expected one of `flag`"),
            "{err}"
        );
        assert!(CodecSpec::parse("crm_link_of(x)").is_err());
    }

    #[test]
    fn generated_codecs_are_chosen_for_the_same_fields() {
        let uf_bool = field("UF_CRM_1", FieldType::Boolean, true, false);
        assert_eq!(
            checked(&uf_bool, &ty("bool"), None),
            Ok(Access::Codec(CodecSpec::UfBool))
        );
        let flag = field("OPENED", FieldType::Char, false, false);
        assert_eq!(checked(&flag, &ty("bool"), None), Ok(Access::Default));
        let link = field("COMPANY_ID", FieldType::CrmCompany, false, false);
        assert_eq!(
            checked(&link, &ty("u64"), None),
            Ok(Access::Codec(CodecSpec::LinkId))
        );
        let links = field("CONTACT_IDS", FieldType::CrmContact, false, true);
        assert_eq!(
            checked(&links, &ty("Vec<u64>"), None),
            Ok(Access::Codec(CodecSpec::LinkId))
        );
        let status = field("SOURCE_ID", FieldType::CrmStatus, false, false);
        assert_eq!(
            checked(&status, &ty("Source"), None),
            Ok(Access::Codec(CodecSpec::Status))
        );
        assert_eq!(checked(&status, &ty("String"), None), Ok(Access::Default));
        let mut crm = field("UF_CRM_2", FieldType::Crm, true, false);
        crm.link = Some(LinkSettings {
            targets: vec!["DEAL".into()],
            ..LinkSettings::default()
        });
        assert_eq!(
            checked(&crm, &ty("CrmRef"), None),
            Ok(Access::Codec(CodecSpec::CrmLinkOf(2)))
        );
        crm.link = Some(LinkSettings {
            targets: vec!["DYNAMIC_156".into()],
            ..LinkSettings::default()
        });
        assert_eq!(
            checked(&crm, &ty("CrmRef"), None),
            Ok(Access::Codec(CodecSpec::CrmLinkOf(156)))
        );
        crm.link = None;
        assert_eq!(checked(&crm, &ty("CrmRef"), None), Ok(Access::Default));
        let phone = field("PHONE", FieldType::CrmMultifield, false, true);
        assert_eq!(
            checked(&phone, &ty("Vec<Multifield>"), None),
            Ok(Access::Multifield("Phone"))
        );
    }

    #[test]
    fn types_that_cannot_hold_the_field_are_refused() {
        let mut list = field("UF_CRM_3", FieldType::Enumeration, true, false);
        list.items.push(EnumItem {
            id: 1,
            ..EnumItem::default()
        });
        let Err(Problem::Type(msg)) = checked(&list, &ty("String"), None) else {
            panic!("String accepted for an enumeration");
        };
        assert!(
            msg.contains("`UF_CRM_3` has schema type `enumeration`; `String` cannot"),
            "{msg}"
        );
        let money = field("UF_CRM_4", FieldType::Money, true, false);
        assert!(matches!(
            checked(&money, &ty("bool"), None),
            Err(Problem::Type(_))
        ));
        let multi = field("UF_CRM_5", FieldType::String, true, true);
        let Err(Problem::Type(msg)) = checked(&multi, &ty("String"), None) else {
            panic!("a scalar accepted for a multiple field");
        };
        assert!(msg.contains("is a multiple field"), "{msg}");
        let single = field("TITLE", FieldType::String, false, false);
        let Err(Problem::Type(msg)) = checked(&single, &ty("Vec<String>"), None) else {
            panic!("a list accepted for a single field");
        };
        assert!(msg.ends_with("use `Option<String>`"), "{msg}");
        let link = field("COMPANY_ID", FieldType::CrmCompany, false, false);
        assert!(checked(&link, &ty("i64"), None).is_err());
        // Raw JSON opts out of the check, whole.
        assert_eq!(checked(&multi, &ty("Value"), None), Ok(Access::Default));
    }

    #[test]
    fn named_codecs_must_fit_the_field_type() {
        let uf_bool = field("UF_CRM_1", FieldType::Boolean, true, false);
        assert_eq!(
            checked(&uf_bool, &ty("bool"), Some(CodecSpec::UfBoolNumeric)),
            Ok(Access::Codec(CodecSpec::UfBoolNumeric))
        );
        let Err(Problem::Codec(msg)) = checked(&uf_bool, &ty("bool"), Some(CodecSpec::Money))
        else {
            panic!("money codec accepted for a boolean");
        };
        assert!(
            msg.ends_with("it takes `uf_bool`, `uf_bool_numeric`, `flag` or `raw`"),
            "{msg}"
        );
        // A named codec lets an alias through; the compiler checks the codec carries it.
        let title = field("TITLE", FieldType::String, false, false);
        assert_eq!(
            checked(&title, &ty("Title"), Some(CodecSpec::Text)),
            Ok(Access::Codec(CodecSpec::Text))
        );
    }

    #[test]
    fn multifields_without_a_schema_need_their_names() {
        assert_eq!(
            unchecked("EMAIL", &ty("Vec<Multifield>"), None),
            Ok(Access::Multifield("Email"))
        );
        assert!(matches!(
            unchecked("TITLE", &ty("Vec<Multifield>"), None),
            Err(Problem::Type(_))
        ));
        assert_eq!(
            unchecked("UF_CRM_1", &ty("bool"), Some(CodecSpec::UfBool)),
            Ok(Access::Codec(CodecSpec::UfBool))
        );
        assert_eq!(unchecked("TITLE", &ty("String"), None), Ok(Access::Default));
    }
}
