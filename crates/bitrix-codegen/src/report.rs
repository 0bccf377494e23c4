//! Drift reports for the `check` and `diff` commands: text, JSON, and GitHub workflow
//! annotations that point at the schema file's lines.

use bitrix_schema::EntityKind;
use bitrix_schema::diff::{Change, SchemaDiff, Scope, Severity};

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// `::error file=...,line=...::message` lines that GitHub Actions shows on the pull
    /// request's diff, followed by the text report.
    Github,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Whether a diff fails the check: breaking changes always do; additive ones unless allowed.
pub fn is_drift(diff: &SchemaDiff, allow_additive: bool) -> bool {
    diff.has_breaking() || (!allow_additive && !diff.is_empty())
}

/// The report for `diff` between the committed schema file (`schema_path`, whose text is
/// `schema_text`) and the other side.
pub fn render(diff: &SchemaDiff, format: Format, schema_path: &str, schema_text: &str) -> String {
    match format {
        Format::Text => diff.render_text(),
        Format::Json => {
            let mut json = diff.render_json();
            if !json.ends_with('\n') {
                json.push('\n');
            }
            json
        }
        Format::Github => {
            let mut out = String::new();
            for change in &diff.changes {
                let level = match change.severity {
                    Severity::Breaking => "error",
                    _ => "warning",
                };
                let line = line_of(schema_text, change);
                out.push_str(&format!(
                    "::{level} file={},line={line},title={}::{}\n",
                    escape_property(schema_path),
                    escape_property(&format!("{} schema drift", change.severity.as_str())),
                    escape_data(&format!("{}: {}", change.path, change.message)),
                ));
            }
            out.push_str(&diff.render_text());
            out
        }
    }
}

/// The 1-based line of the schema file a change concerns: the item, field or list when the
/// file has it, its entity's table otherwise, and line 1 for what the file lacks entirely.
pub fn line_of(text: &str, change: &Change) -> usize {
    let table = match &change.scope {
        Scope::Entity(kind) => entity_table(*kind),
        Scope::StatusList(id) => format!("status_lists.{id}"),
    };
    let mut segments = change.path.split('.').skip(1);
    let header_line = |header: &str| {
        text.lines()
            .position(|l| l.trim_end() == header)
            .map(|i| i + 1)
    };
    let entity_line = header_line(&format!("[{table}]")).unwrap_or(1);
    let Some(first) = segments.next() else {
        return entity_line;
    };
    if matches!(change.scope, Scope::StatusList(_)) {
        return entity_line;
    }
    if first == "categories" {
        return header_line(&format!("[[{table}.categories]]")).unwrap_or(entity_line);
    }
    let Some(field_line) = header_line(&format!("[{table}.fields.{first}]")) else {
        return entity_line;
    };
    // An enumeration item: the line of its `id = N` inside the field's table.
    if let (Some("items"), Some(id)) = (segments.next(), segments.next()) {
        let needle = format!("id = {id},");
        let item = text
            .lines()
            .enumerate()
            .skip(field_line)
            .take_while(|(_, l)| !l.starts_with('['))
            .find(|(_, l)| l.contains(&needle));
        if let Some((i, _)) = item {
            return i + 1;
        }
    }
    field_line
}

fn entity_table(kind: EntityKind) -> String {
    match kind {
        EntityKind::Smart { entity_type_id, .. } => format!("smart.{entity_type_id}"),
        classic => classic.classic_name().unwrap_or_default().to_string(),
    }
}

/// Workflow-command escaping of a property value (`file=`, `title=`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Workflow-command escaping of the message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_schema::diff::diff;
    use bitrix_schema::file;

    const TEXT: &str = "version = 1\n\n[deal]\n\n[deal.fields.TITLE]\nitem = \"title\"\n\
        type = \"string\"\n\n[deal.fields.UF_CRM_1]\nitem = \"ufCrm_1\"\ntype = \"enumeration\"\n\
        items = [\n    { id = 1, label = \"A\", sort = 10 },\n    \
        { id = 2, label = \"B\", sort = 20 },\n]\n";

    #[test]
    fn annotations_point_at_the_item_field_and_entity() {
        let old = file::parse(TEXT, "bitrix.toml").unwrap();
        let mut new = old.clone();
        let deal = &mut new.entities[0];
        deal.fields[1].items.remove(1);
        deal.fields.remove(0);
        let d = diff(&old, &new);
        let lines: Vec<(String, usize)> = d
            .changes
            .iter()
            .map(|c| (c.path.clone(), line_of(TEXT, c)))
            .collect();
        assert_eq!(
            lines,
            [
                ("deal.TITLE".to_string(), 5),
                ("deal.UF_CRM_1.items.2".to_string(), 14)
            ]
        );
        let out = render(&d, Format::Github, "config/bitrix.toml", TEXT);
        assert!(
            out.starts_with("::error file=config/bitrix.toml,line=5,title=breaking schema drift::"),
            "{out}"
        );
        assert!(out.contains("line=14"), "{out}");
    }

    #[test]
    fn additive_drift_can_be_allowed() {
        let old = file::parse(TEXT, "bitrix.toml").unwrap();
        let mut new = old.clone();
        new.entities[0].fields[1]
            .items
            .push(bitrix_schema::EnumItem {
                id: 3,
                label: "C".into(),
                ..Default::default()
            });
        let d = diff(&old, &new);
        assert!(is_drift(&d, false));
        assert!(!is_drift(&d, true));
        assert!(!is_drift(&diff(&old, &old), false));
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
