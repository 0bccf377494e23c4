//! The TOML schema file users commit (`bitrix.toml`).
//!
//! [`render`] writes the canonical text of a schema; [`parse`] reads it back, refusing bad
//! input with `file:line:col`; [`update`] refreshes an existing file from fresh metadata while
//! keeping the user's own settings (`rust_name`, `skip`) and comments. The layout is
//! documented in `docs/schema-format.md`.
//!
//! Canonical text is a fixed point: `render(&parse(text)?) == text` for any text `render`
//! produced, so pulling twice from an unchanged portal gives an identical file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::model::*;
use crate::naming;

/// Why a schema file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid schema.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads and parses a schema file.
pub fn read(path: &Path) -> Result<Schema, FileError> {
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text, &path.display().to_string())
}

/// Writes `schema` to `path` in canonical form; when the file exists, it is updated in place
/// instead (see [`update`]) so the user's comments survive. Returns whether the file changed.
pub fn write(path: &Path, schema: &Schema) -> Result<bool, FileError> {
    let io = |source| FileError::Io {
        path: path.display().to_string(),
        source,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(existing) => {
            let updated = update(&existing, &path.display().to_string(), schema)?;
            if updated == existing {
                return Ok(false);
            }
            updated
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => render(schema),
        Err(e) => return Err(io(e)),
    };
    std::fs::write(path, text).map_err(io)?;
    Ok(true)
}

const HEADER: &str = "\
# Bitrix24 CRM schema. `bitrix-codegen pull` refreshes what the portal reports and keeps
# `rust_name`, `skip` and comments. Format: docs/schema-format.md
";

/// The canonical text of a schema.
pub fn render(schema: &Schema) -> String {
    let mut schema = schema.clone();
    schema.normalize();
    let mut out = String::new();
    out.push_str(HEADER);
    let _ = writeln!(out, "version = {FORMAT_VERSION}");
    for entity in &schema.entities {
        render_entity(&mut out, entity);
    }
    for (id, list) in &schema.status_lists {
        let _ = writeln!(out, "\n[status_lists.{}]", key(id));
        opt_str(&mut out, "name", &list.name);
        opt_str(&mut out, "rust_name", &list.rust_name);
        render_statuses(&mut out, "items", &list.items);
    }
    out
}

fn entity_path(kind: EntityKind) -> String {
    match kind {
        EntityKind::Smart { entity_type_id, .. } => format!("smart.{entity_type_id}"),
        classic => classic.classic_name().unwrap_or_default().to_string(),
    }
}

fn render_entity(out: &mut String, entity: &Entity) {
    let path = entity_path(entity.kind);
    let _ = writeln!(out, "\n[{path}]");
    if let EntityKind::Smart { type_id, .. } = entity.kind {
        let _ = writeln!(out, "type_id = {type_id}");
    }
    opt_str(out, "title", &entity.title);
    opt_str(out, "code", &entity.code.clone().filter(|c| !c.is_empty()));
    opt_str(out, "rust_name", &entity.rust_name);
    for field in &entity.fields {
        let _ = writeln!(out, "\n[{path}.fields.{}]", key(&field.name));
        render_field(out, entity.kind, field);
    }
    for category in &entity.categories {
        let _ = writeln!(out, "\n[[{path}.categories]]");
        let _ = writeln!(out, "id = {}", category.id);
        let _ = writeln!(out, "name = {}", quote(&category.name));
        let _ = writeln!(out, "sort = {}", category.sort);
        flag(out, "default", category.is_default);
        let _ = writeln!(out, "stage_list = {}", quote(&category.stage_list));
        opt_str(out, "rust_name", &category.rust_name);
        render_statuses(out, "stages", &category.stages);
    }
}

fn render_field(out: &mut String, kind: EntityKind, f: &Field) {
    opt_str(out, "item", &f.item_name);
    opt_str(out, "item_upper", &f.item_upper_name);
    if kind.is_classic() && !f.in_classic {
        let _ = writeln!(out, "classic = false");
    }
    let _ = writeln!(out, "type = {}", quote(f.ty.as_str()));
    opt_str(
        out,
        "item_type",
        &f.item_ty.as_ref().map(|t| t.as_str().to_string()),
    );
    opt_str(out, "label", &f.label);
    opt_str(out, "list_label", &f.list_label);
    opt_str(out, "form_label", &f.form_label);
    opt_str(out, "filter_label", &f.filter_label);
    flag(out, "required", f.required);
    flag(out, "read_only", f.read_only);
    flag(out, "immutable", f.immutable);
    flag(out, "multiple", f.multiple);
    flag(out, "deprecated", f.deprecated);
    opt_str(out, "status_type", &f.status_type);
    if let Some(link) = &f.link {
        if let Some(etid) = link.parent_entity_type_id {
            let _ = writeln!(out, "link_entity_type_id = {etid}");
        }
        if !link.targets.is_empty() {
            let targets: Vec<String> = link.targets.iter().map(|t| quote(t)).collect();
            let _ = writeln!(out, "link_targets = [{}]", targets.join(", "));
        }
        flag(out, "my_company", link.my_company);
    }
    if let Some(p) = f.precision {
        let _ = writeln!(out, "precision = {p}");
    }
    opt_str(out, "rust_name", &f.rust_name);
    flag(out, "skip", f.skip);
    if !f.items.is_empty() {
        out.push_str("items = [\n");
        for item in &f.items {
            let mut parts = vec![
                format!("id = {}", item.id),
                format!("label = {}", quote(&item.label)),
            ];
            if let Some(x) = &item.xml_id {
                parts.push(format!("xml_id = {}", quote(x)));
            }
            if item.default {
                parts.push("default = true".into());
            }
            parts.push(format!("sort = {}", item.sort));
            if let Some(r) = &item.rust_name {
                parts.push(format!("rust_name = {}", quote(r)));
            }
            let _ = writeln!(out, "    {{ {} }},", parts.join(", "));
        }
        out.push_str("]\n");
    }
}

fn render_statuses(out: &mut String, name: &str, items: &[Status]) {
    if items.is_empty() {
        let _ = writeln!(out, "{name} = []");
        return;
    }
    let _ = writeln!(out, "{name} = [");
    for s in items {
        let mut parts = vec![
            format!("id = {}", quote(&s.id)),
            format!("name = {}", quote(&s.name)),
            format!("sort = {}", s.sort),
        ];
        if let Some(sem) = s.semantics {
            parts.push(format!("semantics = {}", quote(sem.as_str())));
        }
        if let Some(r) = &s.rust_name {
            parts.push(format!("rust_name = {}", quote(r)));
        }
        let _ = writeln!(out, "    {{ {} }},", parts.join(", "));
    }
    out.push_str("]\n");
}

fn opt_str(out: &mut String, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        let _ = writeln!(out, "{name} = {}", quote(v));
    }
}

fn flag(out: &mut String, name: &str, value: bool) {
    if value {
        let _ = writeln!(out, "{name} = true");
    }
}

/// A TOML basic string: always one line, so any label reads the same in every editor.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A table key: bare when TOML allows it, quoted otherwise.
fn key(s: &str) -> String {
    let bare = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { s.to_string() } else { quote(s) }
}

// ---------------------------------------------------------------------------------------
// Parsing

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    version: Spanned<u32>,
    lead: Option<EntityToml>,
    deal: Option<EntityToml>,
    contact: Option<EntityToml>,
    company: Option<EntityToml>,
    #[serde(default)]
    smart: BTreeMap<Spanned<String>, SmartToml>,
    #[serde(default)]
    status_lists: BTreeMap<Spanned<String>, StatusListToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityToml {
    title: Option<String>,
    code: Option<String>,
    rust_name: Option<Spanned<String>>,
    #[serde(default)]
    fields: BTreeMap<Spanned<String>, FieldToml>,
    #[serde(default)]
    categories: Vec<CategoryToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmartToml {
    type_id: u32,
    title: Option<String>,
    code: Option<String>,
    rust_name: Option<Spanned<String>>,
    #[serde(default)]
    fields: BTreeMap<Spanned<String>, FieldToml>,
    #[serde(default)]
    categories: Vec<CategoryToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldToml {
    item: Option<Spanned<String>>,
    item_upper: Option<String>,
    classic: Option<bool>,
    #[serde(rename = "type")]
    ty: String,
    item_type: Option<String>,
    label: Option<String>,
    list_label: Option<String>,
    form_label: Option<String>,
    filter_label: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    immutable: bool,
    #[serde(default)]
    multiple: bool,
    #[serde(default)]
    deprecated: bool,
    status_type: Option<String>,
    link_entity_type_id: Option<u32>,
    #[serde(default)]
    link_targets: Vec<String>,
    #[serde(default)]
    my_company: bool,
    precision: Option<u32>,
    rust_name: Option<Spanned<String>>,
    #[serde(default)]
    skip: bool,
    #[serde(default)]
    items: Vec<ItemToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemToml {
    id: Spanned<u64>,
    label: String,
    xml_id: Option<String>,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    sort: i64,
    rust_name: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryToml {
    id: Spanned<u32>,
    name: String,
    #[serde(default)]
    sort: i64,
    #[serde(default)]
    default: bool,
    stage_list: String,
    rust_name: Option<Spanned<String>>,
    #[serde(default)]
    stages: Vec<StatusToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusListToml {
    name: Option<String>,
    rust_name: Option<Spanned<String>>,
    #[serde(default)]
    items: Vec<StatusToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusToml {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    sort: i64,
    semantics: Option<Spanned<String>>,
    rust_name: Option<Spanned<String>>,
}

/// Parses schema text; `origin` names the file in error messages.
pub fn parse(text: &str, origin: &str) -> Result<Schema, FileError> {
    let raw: FileToml = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = explain_toml_error(e.message());
        if message == "duplicate key" {
            let key = text.get(span.clone()).unwrap_or("").trim();
            message = format!(
                "duplicate key `{key}`: a field, entity, list or setting may appear only once; \
                 remove or merge the second one"
            );
        }
        invalid(text, origin, span.start, message)
    })?;
    let mut p = Parser {
        text,
        origin,
        schema: Schema::default(),
    };
    if *raw.version.get_ref() != FORMAT_VERSION {
        return Err(p.error(
            raw.version.span().start,
            format!(
                "unsupported schema format version {}; this tool reads version \
                 {FORMAT_VERSION}. Upgrade bitrix-codegen, or re-create the file with \
                 `bitrix-codegen pull`",
                raw.version.get_ref()
            ),
        ));
    }
    let classic = [
        (EntityKind::Lead, raw.lead),
        (EntityKind::Deal, raw.deal),
        (EntityKind::Contact, raw.contact),
        (EntityKind::Company, raw.company),
    ];
    for (kind, entity) in classic {
        if let Some(e) = entity {
            let mut entity = Entity::new(kind);
            entity.title = e.title;
            entity.code = e.code;
            entity.rust_name = p.type_name(e.rust_name, "entity")?;
            p.fields(&mut entity, e.fields)?;
            entity.categories = p.categories(e.categories)?;
            p.schema.entities.push(entity);
        }
    }
    for (etid, s) in raw.smart {
        let entity_type_id = etid.get_ref().parse::<u32>().map_err(|_| {
            p.error(
                etid.span().start,
                format!(
                    "`smart.{}`: a smart process is keyed by its numeric entityTypeId, e.g. \
                     `[smart.1256]`",
                    etid.get_ref()
                ),
            )
        })?;
        let kind = EntityKind::Smart {
            entity_type_id,
            type_id: s.type_id,
        };
        let mut entity = Entity::new(kind);
        entity.title = s.title;
        entity.code = s.code;
        entity.rust_name = p.type_name(s.rust_name, "entity")?;
        p.fields(&mut entity, s.fields)?;
        entity.categories = p.categories(s.categories)?;
        p.schema.entities.push(entity);
    }
    for (id, list) in raw.status_lists {
        let items = p.statuses(list.items)?;
        p.schema.status_lists.insert(
            id.into_inner(),
            StatusList {
                name: list.name,
                items,
                rust_name: p.type_name(list.rust_name, "status list")?,
            },
        );
    }
    let mut schema = p.schema;
    schema.normalize();
    Ok(schema)
}

struct Parser<'a> {
    text: &'a str,
    origin: &'a str,
    schema: Schema,
}

impl Parser<'_> {
    fn error(&self, offset: usize, message: String) -> FileError {
        invalid(self.text, self.origin, offset, message)
    }

    /// A user-chosen type or variant name must be usable as it is: generated code compiles
    /// under `deny(warnings)`, so it must be an UpperCamelCase identifier, not a keyword, and
    /// not `Unknown`, the catch-all variant's name.
    fn type_name(
        &self,
        name: Option<Spanned<String>>,
        what: &str,
    ) -> Result<Option<String>, FileError> {
        let Some(name) = name else {
            return Ok(None);
        };
        let text = name.get_ref();
        let legal = crate::ident::sanitize_type_ident(text, "") == *text
            && text.starts_with(|c: char| c.is_ascii_uppercase());
        if !legal {
            return Err(self.error(
                name.span().start,
                format!(
                    "{what} rust_name `{text}` is not a Rust type name: use UpperCamelCase \
                     ASCII letters and digits, starting with a capital letter, and no keyword \
                     (e.g. `Courier`)"
                ),
            ));
        }
        if text == "Unknown" && (what == "enumeration item" || what == "status") {
            return Err(self.error(
                name.span().start,
                format!(
                    "{what} rust_name `Unknown` is taken: generated enums use it for IDs the \
                     schema does not know; choose another name"
                ),
            ));
        }
        Ok(Some(name.into_inner()))
    }

    /// A user-chosen struct field name: a snake_case identifier that is not a keyword and not
    /// `extra`, the struct's own field.
    fn check_field_name(&self, name: &Spanned<String>) -> Result<(), FileError> {
        let text = name.get_ref();
        let legal = crate::ident::sanitize_field_ident(text, "") == *text
            && !text.chars().any(|c| c.is_ascii_uppercase());
        let message = if !legal {
            format!(
                "field rust_name `{text}` is not a Rust field name: use snake_case ASCII \
                 letters, digits and `_`, not starting with a digit, and no keyword \
                 (e.g. `delivery_date`)"
            )
        } else if text == "extra" {
            "field rust_name `extra` is taken: generated structs keep unknown and odd values in \
             a field of that name; choose another name"
                .to_string()
        } else {
            return Ok(());
        };
        Err(self.error(name.span().start, message))
    }

    fn fields(
        &self,
        entity: &mut Entity,
        fields: BTreeMap<Spanned<String>, FieldToml>,
    ) -> Result<(), FileError> {
        let mut item_names: BTreeMap<String, String> = BTreeMap::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for (name, f) in fields {
            let at = name.span().start;
            let name = name.into_inner();
            naming::validate_field_code(&name)
                .map_err(|e| self.error(at, format!("field `{name}`: {e}")))?;
            let ty = FieldType::parse(&f.ty);
            if let Some(item) = &f.item {
                let shared_fm = ty == FieldType::CrmMultifield && item.get_ref() == "fm";
                if let Some(other) = item_names.get(item.get_ref()).filter(|_| !shared_fm) {
                    return Err(self.error(
                        item.span().start,
                        format!(
                            "field `{name}`: crm.item name `{}` is already used by field \
                             `{other}`; each crm.item name belongs to one field",
                            item.get_ref()
                        ),
                    ));
                }
                item_names.insert(item.get_ref().clone(), name.clone());
            }
            if let Some(rust) = &f.rust_name {
                self.check_field_name(rust)?;
                if let Some(other) = rust_names.get(rust.get_ref()) {
                    return Err(self.error(
                        rust.span().start,
                        format!(
                            "field `{name}`: rust_name `{}` is already used by field `{other}`",
                            rust.get_ref()
                        ),
                    ));
                }
                rust_names.insert(rust.get_ref().clone(), name.clone());
            }
            let mut seen = BTreeSet::new();
            let mut item_names = BTreeSet::new();
            let mut items = Vec::with_capacity(f.items.len());
            for item in f.items {
                if let Some(rust) = &item.rust_name
                    && !item_names.insert(rust.get_ref().clone())
                {
                    return Err(self.error(
                        rust.span().start,
                        format!(
                            "field `{name}`: two items are named `{}`; each item's rust_name \
                             must be unique within its field",
                            rust.get_ref()
                        ),
                    ));
                }
                if !seen.insert(*item.id.get_ref()) {
                    return Err(self.error(
                        item.id.span().start,
                        format!(
                            "field `{name}`: enumeration item ID {} appears twice; item IDs \
                             must be unique",
                            item.id.get_ref()
                        ),
                    ));
                }
                items.push(EnumItem {
                    id: item.id.into_inner(),
                    label: item.label,
                    xml_id: item.xml_id,
                    default: item.default,
                    sort: item.sort,
                    rust_name: self.type_name(item.rust_name, "enumeration item")?,
                });
            }
            let link =
                (f.link_entity_type_id.is_some() || !f.link_targets.is_empty() || f.my_company)
                    .then_some(LinkSettings {
                        parent_entity_type_id: f.link_entity_type_id,
                        targets: f.link_targets,
                        my_company: f.my_company,
                    });
            entity.fields.push(Field {
                user_field: name.starts_with("UF_"),
                in_classic: entity.kind.is_classic() && f.classic.unwrap_or(true),
                item_name: f.item.map(Spanned::into_inner),
                item_upper_name: f.item_upper,
                ty,
                item_ty: f.item_type.as_deref().map(FieldType::parse),
                label: f.label,
                list_label: f.list_label,
                form_label: f.form_label,
                filter_label: f.filter_label,
                required: f.required,
                read_only: f.read_only,
                immutable: f.immutable,
                multiple: f.multiple,
                deprecated: f.deprecated,
                items,
                status_type: f.status_type,
                link,
                precision: f.precision,
                rust_name: f.rust_name.map(Spanned::into_inner),
                skip: f.skip,
                name,
            });
        }
        Ok(())
    }

    fn categories(&self, categories: Vec<CategoryToml>) -> Result<Vec<Category>, FileError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(categories.len());
        for c in categories {
            if !seen.insert(*c.id.get_ref()) {
                return Err(self.error(
                    c.id.span().start,
                    format!("category {} appears twice", c.id.get_ref()),
                ));
            }
            out.push(Category {
                id: c.id.into_inner(),
                name: c.name,
                sort: c.sort,
                is_default: c.default,
                stage_list: c.stage_list,
                stages: self.statuses(c.stages)?,
                rust_name: self.type_name(c.rust_name, "pipeline")?,
            });
        }
        Ok(out)
    }

    fn statuses(&self, items: Vec<StatusToml>) -> Result<Vec<Status>, FileError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(items.len());
        for s in items {
            if !seen.insert(s.id.get_ref().clone()) {
                return Err(self.error(
                    s.id.span().start,
                    format!("status `{}` appears twice in this list", s.id.get_ref()),
                ));
            }
            let semantics = match s.semantics {
                None => None,
                Some(sem) => Some(Semantics::parse(sem.get_ref()).ok_or_else(|| {
                    self.error(
                        sem.span().start,
                        format!(
                            "unknown semantics `{}`; expected one of `process`, `success`, \
                             `failure`, `apology`",
                            sem.get_ref()
                        ),
                    )
                })?),
            };
            out.push(Status {
                id: s.id.into_inner(),
                name: s.name,
                sort: s.sort,
                semantics,
                rust_name: self.type_name(s.rust_name, "status")?,
            });
        }
        Ok(out)
    }
}

fn invalid(text: &str, origin: &str, offset: usize, message: String) -> FileError {
    let (line, column) = line_col(text, offset);
    FileError::Invalid {
        path: origin.to_string(),
        line,
        column,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Adds a suggestion to serde's "unknown field" message when a known key is close.
fn explain_toml_error(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let best = candidates
        .iter()
        .map(|c| (edit_distance(unknown, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min();
    match best {
        Some((_, suggestion)) => format!("{message}; did you mean `{suggestion}`?"),
        None => message.to_string(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------
// Updating an existing file

/// Keys the user owns: an update never changes or removes them.
const USER_KEYS: [&str; 2] = ["rust_name", "skip"];

/// Refreshes `existing` (the text of a schema file) from `fresh` metadata. Portal-owned keys
/// are rewritten where they changed, fields and lists that disappeared are removed, new ones
/// are added; `rust_name`, `skip` and comments are kept. Enumeration items, stages and status
/// entries keep their `rust_name` as long as their ID survives.
pub fn update(existing: &str, origin: &str, fresh: &Schema) -> Result<String, FileError> {
    let old = parse(existing, origin)?;
    let mut merged = fresh.clone();
    carry_user_settings(&old, &mut merged);
    let target_text = render(&merged);

    let mut doc: toml_edit::DocumentMut = existing.parse().map_err(|e: toml_edit::TomlError| {
        let span = e.span().unwrap_or(0..0);
        invalid(existing, origin, span.start, e.message().to_string())
    })?;
    let target: toml_edit::DocumentMut = target_text
        .parse()
        .expect("rendered schema text is valid TOML");
    merge_table(doc.as_table_mut(), target.as_table(), 0);
    let text = doc.to_string();

    // The merge works on TOML structure; a re-parse proves that what it produced is exactly
    // the fresh schema, whatever the user's formatting was.
    match parse(&text, origin) {
        Ok(check)
            if check == {
                let mut m = merged.clone();
                m.normalize();
                m
            } =>
        {
            Ok(text)
        }
        // Layouts the structural merge cannot reconcile fall back to the canonical text, which
        // loses comments but never data.
        _ => {
            tracing::warn!(
                file = origin,
                "could not update the schema file in place; rewrote it in canonical form, \
                 which drops comments"
            );
            Ok(target_text)
        }
    }
}

fn carry_user_settings(old: &Schema, new: &mut Schema) {
    for entity in &mut new.entities {
        let Some(prev) = old.entity(entity.kind) else {
            continue;
        };
        entity.rust_name.clone_from(&prev.rust_name);
        for field in &mut entity.fields {
            let Some(pf) = prev.field(&field.name) else {
                continue;
            };
            field.rust_name.clone_from(&pf.rust_name);
            field.skip = pf.skip;
            for item in &mut field.items {
                if let Some(pi) = pf.items.iter().find(|i| i.id == item.id) {
                    item.rust_name.clone_from(&pi.rust_name);
                }
            }
        }
        for category in &mut entity.categories {
            let Some(pc) = prev.categories.iter().find(|c| c.id == category.id) else {
                continue;
            };
            category.rust_name.clone_from(&pc.rust_name);
            carry_status_names(&pc.stages, &mut category.stages);
        }
    }
    for (id, list) in &mut new.status_lists {
        if let Some(prev) = old.status_lists.get(id) {
            list.rust_name.clone_from(&prev.rust_name);
            carry_status_names(&prev.items, &mut list.items);
        }
    }
}

fn carry_status_names(old: &[Status], new: &mut [Status]) {
    for s in new {
        if let Some(p) = old.iter().find(|p| p.id == s.id) {
            s.rust_name.clone_from(&p.rust_name);
        }
    }
}

/// Makes `doc` hold the same data as `target`, touching only what differs so that comments
/// and formatting around unchanged parts survive.
fn merge_table(doc: &mut toml_edit::Table, target: &toml_edit::Table, depth: usize) {
    let stale: Vec<String> = doc
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !target.contains_key(k))
        .filter(|k| depth == 0 || !USER_KEYS.contains(&k.as_str()))
        .collect();
    for k in stale {
        doc.remove(&k);
    }
    for (k, target_item) in target.iter() {
        match (doc.get_mut(k), target_item) {
            (Some(toml_edit::Item::Table(d)), toml_edit::Item::Table(t)) => {
                merge_table(d, t, depth + 1);
            }
            (Some(toml_edit::Item::Value(d)), toml_edit::Item::Value(t)) => {
                if !same_value(d, t) {
                    let decor = d.decor().clone();
                    *d = t.clone();
                    *d.decor_mut() = decor;
                }
            }
            (Some(toml_edit::Item::ArrayOfTables(d)), toml_edit::Item::ArrayOfTables(t)) => {
                if d.len() == t.len() {
                    for (dt, tt) in d.iter_mut().zip(t.iter()) {
                        merge_table(dt, tt, depth + 1);
                    }
                } else {
                    *d = t.clone();
                }
            }
            (_, item) => {
                doc.insert(k, item.clone());
            }
        }
    }
}

fn same_value(a: &toml_edit::Value, b: &toml_edit::Value) -> bool {
    let strip = |v: &toml_edit::Value| {
        let mut v = v.clone();
        v.decor_mut().clear();
        normalize_value(&mut v);
        v.to_string()
    };
    strip(a) == strip(b)
}

fn normalize_value(v: &mut toml_edit::Value) {
    match v {
        toml_edit::Value::Array(a) => {
            a.set_trailing("");
            a.set_trailing_comma(false);
            for item in a.iter_mut() {
                item.decor_mut().clear();
                normalize_value(item);
            }
        }
        toml_edit::Value::InlineTable(t) => {
            t.set_preamble("");
            for (mut k, item) in t.iter_mut() {
                k.leaf_decor_mut().clear();
                k.dotted_decor_mut().clear();
                item.decor_mut().clear();
                normalize_value(item);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_what_toml_needs() {
        assert_eq!(quote("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(quote("\u{1}"), r#""\u0001""#);
        assert_eq!(quote("Курьер"), "\"Курьер\"");
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\nб = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        // `=` on the second line comes after a two-byte letter and a space.
        assert_eq!(line_col(text, text.find('=').unwrap()), (1, 3));
        let second = text.rfind('=').unwrap();
        assert_eq!(line_col(text, second), (2, 3));
    }

    #[test]
    fn misspelt_key_gets_a_suggestion() {
        let msg = explain_toml_error("unknown field `lable`, expected `type` or `label`");
        assert!(msg.ends_with("did you mean `label`?"), "{msg}");
        let msg = explain_toml_error("unknown field `zzzzzz`, expected `type` or `label`");
        assert!(!msg.contains("did you mean"), "{msg}");
    }
}
