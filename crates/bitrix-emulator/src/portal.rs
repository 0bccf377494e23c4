//! The portal description: a folder of metadata responses shaped like the real ones.
//!
//! Files (each a whole response body, `{"result": ..., "time": ...}`):
//! `crm.<entity>.fields.json` for deal/lead/contact/company, `crm.item.fields.<entityTypeId>.json`
//! for every entity type, `crm.<entity>.userfield.list.json`, `userfieldconfig.list.json`,
//! `crm.type.list.json`, `crm.status.list.json`, `crm.status.entity.types.json` and
//! `crm.category.list.<entityTypeId>.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A portal description: file name → JSON text.
///
/// [`Portal::default`] is the portal shipped with the crate (embedded, so the binary works
/// from any directory): deals with two pipelines, leads, contacts, companies, two smart
/// processes (entityTypeId 177 with two pipelines, 1268 with one) and user fields of the
/// common types.
#[derive(Clone)]
pub struct Portal {
    files: BTreeMap<String, String>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal")
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Why a portal description could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// A file or the directory could not be read.
    #[error("cannot read portal file {path}: {source}; check the --portal directory")]
    Read {
        /// What was read.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A file is not JSON.
    #[error(
        "portal file {file} is not valid JSON at {file}:{line}:{column}: {message}; \
         fix the file or regenerate it with tools/make_portal.py"
    )]
    Json {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A required file is absent.
    #[error("portal file {file} is missing; every portal needs it (see the crate README)")]
    Missing {
        /// File name.
        file: String,
    },
    /// A file does not have the shape of the real response.
    #[error("portal file {file}: {what}; the file must have the shape of the real response")]
    Shape {
        /// File name.
        file: String,
        /// What is wrong.
        what: String,
    },
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../portal/", $name)))),*]
    };
}

const DEFAULT_FILES: &[(&str, &str)] = embedded!(
    "crm.category.list.1268.json",
    "crm.category.list.177.json",
    "crm.category.list.2.json",
    "crm.company.fields.json",
    "crm.company.userfield.list.json",
    "crm.contact.fields.json",
    "crm.contact.userfield.list.json",
    "crm.deal.fields.json",
    "crm.deal.userfield.list.json",
    "crm.item.fields.1.json",
    "crm.item.fields.1268.json",
    "crm.item.fields.177.json",
    "crm.item.fields.2.json",
    "crm.item.fields.3.json",
    "crm.item.fields.4.json",
    "crm.lead.fields.json",
    "crm.lead.userfield.list.json",
    "crm.status.entity.types.json",
    "crm.status.list.json",
    "crm.type.list.json",
    "userfieldconfig.list.json",
);

impl Default for Portal {
    fn default() -> Self {
        Self {
            files: DEFAULT_FILES
                .iter()
                .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
                .collect(),
        }
    }
}

impl Portal {
    /// Reads every `*.json` file of `dir`. Files the directory lacks are taken from the
    /// default portal, so a directory may override only what a test cares about.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, PortalError> {
        let dir = dir.as_ref();
        let mut portal = Self::default();
        let entries = std::fs::read_dir(dir).map_err(|source| PortalError::Read {
            path: dir.to_owned(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| PortalError::Read {
                path: dir.to_owned(),
                source,
            })?;
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|source| PortalError::Read {
                path: path.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            portal.files.insert(name, text);
        }
        Ok(portal)
    }

    /// Replaces or adds one file (a whole response body).
    pub fn with_file(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.files.insert(name.into(), json.into());
        self
    }

    /// The names of the files this description holds.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The parsed `result` member of a file.
    pub(crate) fn result(&self, name: &str) -> Result<Value, PortalError> {
        let text = self.files.get(name).ok_or_else(|| PortalError::Missing {
            file: name.to_owned(),
        })?;
        let mut body: Value = serde_json::from_str(text).map_err(|e| PortalError::Json {
            file: name.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        match body.get_mut("result") {
            Some(result) => Ok(result.take()),
            None => Err(PortalError::Shape {
                file: name.to_owned(),
                what: "it has no top-level \"result\" member".to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_portal_files_parse() {
        let portal = Portal::default();
        for name in portal.file_names().map(str::to_owned).collect::<Vec<_>>() {
            portal.result(&name).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(portal.has("crm.item.fields.177.json"));
    }

    #[test]
    fn json_errors_name_file_line_and_column() {
        let portal = Portal::default().with_file("crm.type.list.json", "{\n  \"result\": [,]\n}");
        let err = portal.result("crm.type.list.json").unwrap_err().to_string();
        assert!(err.contains("crm.type.list.json:2:"), "{err}");
    }

    #[test]
    fn a_directory_overrides_only_the_files_it_has() {
        let dir =
            std::env::temp_dir().join(format!("bitrix-emulator-portal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let types = r#"{"result": {"types": []}, "total": 0}"#;
        std::fs::write(dir.join("crm.type.list.json"), types).unwrap();
        std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
        let portal = Portal::from_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            portal.result("crm.type.list.json").unwrap()["types"],
            serde_json::json!([])
        );
        assert!(
            portal.has("crm.deal.fields.json"),
            "other files come from the default"
        );
        assert!(!portal.has("notes.txt"));
        let missing = Portal::from_dir(dir.join("nope")).unwrap_err();
        assert!(matches!(missing, PortalError::Read { .. }), "{missing}");
    }

    #[test]
    fn missing_result_is_a_shape_error() {
        let portal = Portal::default().with_file("x.json", "{\"time\": {}}");
        let err = portal.result("x.json").unwrap_err();
        assert!(matches!(err, PortalError::Shape { .. }), "{err}");
    }
}
