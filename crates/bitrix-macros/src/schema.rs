//! The committed schema file, read at compile time, and lookups in it that explain what is
//! missing.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

use crate::file;
use crate::model::{Entity, EntityKind, Field, Schema};

/// A schema read for one derive, with the tokens that make rustc rebuild when it changes.
pub struct Loaded {
    pub schema: Schema,
    /// The path as the user wrote it, for messages.
    pub shown: String,
    /// `const _: &[u8] = include_bytes!("<absolute path>");` — rustc tracks files read by
    /// `include_bytes!`, so editing the schema re-runs the derive and its checks.
    pub track: TokenStream,
}

/// Reads and parses the schema at `lit`, relative to the crate's `Cargo.toml` directory.
pub fn load(lit: &LitStr) -> Result<Loaded, syn::Error> {
    let shown = lit.value();
    let error = |message: String| syn::Error::new_spanned(lit, message);
    let base = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let path = match &base {
        Some(dir) => dir.join(&shown),
        None => PathBuf::from(&shown),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        error(format!(
            "cannot read the schema file `{shown}`: {e}; the path is relative to the \
             directory of this crate's Cargo.toml (create the file with `bitrix-codegen \
             pull`, or fix the path)"
        ))
    })?;
    let Some(absolute) = path.to_str() else {
        return Err(error(format!(
            "the schema file's path `{}` is not valid UTF-8, which `include_bytes!` needs to \
             track it; move the file",
            path.display()
        )));
    };
    let schema =
        file::parse(&text, &shown).map_err(|e| error(format!("invalid schema file: {e}")))?;
    Ok(Loaded {
        schema,
        shown,
        track: quote! {
            const _: &[u8] = ::core::include_bytes!(#absolute);
        },
    })
}

/// The kind named by `entity = "..."`: `lead`, `deal`, `contact`, `company` or
/// `smart:<entityTypeId>`. A smart process's type id is not known without the schema and is
/// left 0; nothing in a derive without a schema depends on it.
pub fn parse_kind(text: &str) -> Result<EntityKind, String> {
    if let Some(kind) = EntityKind::from_classic_name(text) {
        return Ok(kind);
    }
    if let Some(id) = text.strip_prefix("smart:") {
        return match id.parse::<u32>() {
            Ok(entity_type_id) => Ok(EntityKind::Smart {
                entity_type_id,
                type_id: 0,
            }),
            Err(_) => Err(format!(
                "`smart:{id}`: a smart process is named by its numeric entityTypeId, e.g. \
                 `smart:1268`"
            )),
        };
    }
    Err(format!(
        "unknown entity `{text}`; expected `lead`, `deal`, `contact`, `company` or \
         `smart:<entityTypeId>` (e.g. `smart:1268`)"
    ))
}

/// The schema's entity of this kind, or a message saying which entities the file has.
pub fn entity(loaded: &Loaded, kind: EntityKind) -> Result<&Entity, String> {
    let found = match kind {
        EntityKind::Smart { entity_type_id, .. } => loaded.schema.entity_by_type_id(entity_type_id),
        classic => loaded.schema.entity(classic),
    };
    found.ok_or_else(|| {
        let have: Vec<String> = loaded
            .schema
            .entities
            .iter()
            .map(|e| format!("`{}`", e.kind))
            .collect();
        format!(
            "the schema file `{}` has no `{kind}` entity (it has {}); pull it with \
             `bitrix-codegen pull`, or drop `schema = ...` to derive without the check",
            loaded.shown,
            if have.is_empty() {
                "none".to_string()
            } else {
                have.join(", ")
            }
        )
    })
}

/// The field named `name` (its UPPER name), or a message with the closest names.
pub fn field<'a>(loaded: &Loaded, entity: &'a Entity, name: &str) -> Result<&'a Field, String> {
    if let Some(f) = entity.field(name) {
        return Ok(f);
    }
    let mut message = format!(
        "the schema file `{}` has no field `{name}` in `{}`",
        loaded.shown, entity.kind
    );
    if let Some(f) = entity.field_by_item_name(name) {
        message.push_str(&format!(
            "; `{name}` is the crm.item name of `{}`: `field` takes the UPPER name",
            f.name
        ));
        return Err(message);
    }
    if let Some(f) = entity
        .fields
        .iter()
        .find(|f| f.item_upper_name.as_deref() == Some(name))
    {
        message.push_str(&format!(
            "; `{name}` is crm.item's upper name of `{}`: `field` takes the classic name",
            f.name
        ));
        return Err(message);
    }
    let mut near: Vec<(usize, &str)> = entity
        .fields
        .iter()
        .map(|f| (edit_distance(name, &f.name), f.name.as_str()))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .collect();
    near.sort();
    match near.first() {
        Some((_, n)) => message.push_str(&format!("; did you mean `{n}`?")),
        None => message.push_str(
            "; check the name on the portal and refresh the file with `bitrix-codegen pull`",
        ),
    }
    Err(message)
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            cur.push(substitute.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_schema() -> Loaded {
        let path = format!("{}/../../fixtures/bitrix.toml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        Loaded {
            schema: file::parse(&text, "bitrix.toml").unwrap(),
            shown: "bitrix.toml".into(),
            track: TokenStream::new(),
        }
    }

    #[test]
    fn loading_tracks_the_file_by_its_absolute_path() {
        // Tests run with CARGO_MANIFEST_DIR set to this crate's directory, as a build does.
        let lit = LitStr::new("../../fixtures/bitrix.toml", proc_macro2::Span::call_site());
        let loaded = load(&lit).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.schema.entity(EntityKind::Deal).is_some());
        assert_eq!(loaded.shown, "../../fixtures/bitrix.toml");
        let track = loaded.track.to_string();
        let absolute = format!("{}/../../fixtures/bitrix.toml", env!("CARGO_MANIFEST_DIR"));
        assert!(track.contains("include_bytes"), "{track}");
        assert!(track.contains(&format!("{absolute:?}")), "{track}");

        let missing = LitStr::new("no/such/schema.toml", proc_macro2::Span::call_site());
        let Err(error) = load(&missing) else {
            panic!("a missing file loaded");
        };
        assert!(
            error
                .to_string()
                .starts_with("cannot read the schema file `no/such/schema.toml`: "),
            "{error}"
        );
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(parse_kind("deal"), Ok(EntityKind::Deal));
        assert_eq!(
            parse_kind("smart:1268"),
            Ok(EntityKind::Smart {
                entity_type_id: 1268,
                type_id: 0
            })
        );
        assert!(
            parse_kind("smart:x")
                .unwrap_err()
                .contains("numeric entityTypeId")
        );
        assert!(
            parse_kind("Deal")
                .unwrap_err()
                .starts_with("unknown entity `Deal`")
        );
    }

    #[test]
    fn missing_fields_are_explained() {
        let loaded = fixture_schema();
        let deal = entity(&loaded, EntityKind::Deal).unwrap();
        assert_eq!(field(&loaded, deal, "TITLE").unwrap().name, "TITLE");
        let typo = field(&loaded, deal, "TITEL").unwrap_err();
        assert!(typo.ends_with("did you mean `TITLE`?"), "{typo}");
        let camel = field(&loaded, deal, "ufCrm_1724077760").unwrap_err();
        assert!(
            camel.ends_with("crm.item name of `UF_CRM_1724077760`: `field` takes the UPPER name"),
            "{camel}"
        );
        let upper = field(&loaded, deal, "CREATED_TIME").unwrap_err();
        assert!(upper.contains("upper name of `DATE_CREATE`"), "{upper}");
        let none = field(&loaded, deal, "UF_CRM_NOTHING_LIKE_IT").unwrap_err();
        assert!(none.ends_with("`bitrix-codegen pull`"), "{none}");
    }

    #[test]
    fn smart_processes_are_found_by_entity_type_id() {
        let loaded = fixture_schema();
        let kind = parse_kind("smart:1268").unwrap();
        let spa = entity(&loaded, kind).unwrap();
        // The type id comes from the file, not from `entity = "smart:1268"`.
        assert_eq!(
            spa.kind,
            EntityKind::Smart {
                entity_type_id: 1268,
                type_id: 44
            }
        );
        let missing = entity(
            &loaded,
            EntityKind::Smart {
                entity_type_id: 9999,
                type_id: 0,
            },
        )
        .unwrap_err();
        assert!(missing.contains("has no `smart:9999` entity"), "{missing}");
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("TITEL", "TITLE"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Курьер", "Курьеры"), 1);
    }
}
