//! `file` fields: stored files as read, uploads as written.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use super::codec;
use super::{Codec, FieldValue, Target, Url, ValueError, is_empty};

/// A file field value: a file the portal already stores, or a new one to upload.
///
/// `Debug` never prints URL query strings (download links carry `auth=` tokens, and
/// crm.item's `urlMachine` may embed a webhook token) nor upload contents.
#[derive(Clone, PartialEq, Eq)]
pub enum File {
    /// A stored file, as returned by `get`/`list`. Written back as `{"id": N}`, which keeps it.
    Stored {
        id: u64,
        /// Classic `showUrl`, crm.item `url`: a link for a browser session.
        show_url: Option<Url>,
        /// Classic `downloadUrl`, crm.item `urlMachine`: a link for REST clients.
        download_url: Option<Url>,
    },
    /// A file to upload: its name and its bytes (sent base64-encoded).
    Upload { name: String, content: Vec<u8> },
}

impl File {
    /// A file to upload.
    pub fn upload(name: impl Into<String>, content: impl Into<Vec<u8>>) -> Self {
        File::Upload {
            name: name.into(),
            content: content.into(),
        }
    }

    /// A reference to a stored file, to keep it in a multiple field on update.
    pub fn keep(id: u64) -> Self {
        File::Stored {
            id,
            show_url: None,
            download_url: None,
        }
    }

    /// The stored file's ID; `None` for uploads.
    pub fn id(&self) -> Option<u64> {
        match self {
            File::Stored { id, .. } => Some(*id),
            File::Upload { .. } => None,
        }
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            File::Stored {
                id,
                show_url,
                download_url,
            } => f
                .debug_struct("Stored")
                .field("id", id)
                .field("show_url", show_url)
                .field("download_url", download_url)
                .finish(),
            File::Upload { name, content } => f
                .debug_struct("Upload")
                .field("name", name)
                .field("bytes", &content.len())
                .finish(),
        }
    }
}

const FILE_SHAPES: &str = "a file object {id, showUrl, downloadUrl} or {id, url, urlMachine}";

fn url_at(map: &Map<String, Value>, key: &str) -> Option<Url> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(Url::new)
}

fn file_id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

impl Codec<File> for codec::File {
    fn read(value: &Value, _: Target) -> Result<Option<File>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::Bool(false) => Ok(None),
            // Both families' shapes are accepted in both: they differ only in key names.
            Value::Object(map) => {
                let id = map
                    .get("id")
                    .or_else(|| map.get("ID"))
                    .and_then(file_id)
                    .ok_or_else(|| ValueError::new(FILE_SHAPES, value))?;
                Ok(Some(File::Stored {
                    id,
                    show_url: url_at(map, "showUrl").or_else(|| url_at(map, "url")),
                    download_url: url_at(map, "downloadUrl").or_else(|| url_at(map, "urlMachine")),
                }))
            }
            Value::Number(_) | Value::String(_) => file_id(value)
                .map(|id| Some(File::keep(id)))
                .ok_or_else(|| ValueError::new(FILE_SHAPES, value)),
            other => Err(ValueError::new(FILE_SHAPES, other)),
        }
    }

    fn write(value: &File, target: Target) -> Value {
        match value {
            File::Stored { id, .. } => json!({ "id": id }),
            File::Upload { name, content } => {
                let pair = json!([name, BASE64.encode(content)]);
                match target {
                    Target::Classic => json!({ "fileData": pair }),
                    Target::Item => pair,
                }
            }
        }
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for File {
    type Codec = codec::File;
}
