//! Errors: the library's own (`EmulatorError`) and the API answers (`ApiError`) that a
//! client of the emulated portal receives as `{"error": .., "error_description": ..}`.

use std::net::SocketAddr;

use crate::portal::PortalError;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}; pick a free port or use port 0")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A non-loopback address without `allow_non_loopback`.
    #[error(
        "refusing to listen on {addr}: it is not a loopback address; the emulator is for \
         local tests (use 127.0.0.1, or allow it explicitly: `--allow-non-loopback` on the \
         command line, `EmulatorBuilder::allow_non_loopback(true)` in code)"
    )]
    NonLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The portal description cannot be used.
    #[error("portal description is unusable: {0}")]
    Portal(#[from] PortalError),
    /// SQLite failed.
    #[error("storage error: {0}")]
    Storage(#[from] rusqlite::Error),
    /// The blocking variant could not start its thread or runtime.
    #[error("cannot start the emulator's runtime thread: {0}")]
    Runtime(std::io::Error),
    /// The blocking variant's thread ended before it started the server.
    #[error("the emulator thread stopped before it reported its address")]
    ThreadGone,
}

/// An error answer of the emulated REST API.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) description: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &str, description: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            description: description.into(),
        }
    }

    /// Classic `crm.deal.*` methods answer 400 with an empty code.
    pub(crate) fn classic(description: impl Into<String>) -> Self {
        Self::new(400, "", description)
    }

    pub(crate) fn item_not_found() -> Self {
        Self::new(400, "NOT_FOUND", "Element not found")
    }

    pub(crate) fn type_not_found() -> Self {
        Self::new(400, "NOT_FOUND", "Smart process not found")
    }

    pub(crate) fn method_not_found() -> Self {
        Self::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
    }

    pub(crate) fn invalid_arg(description: impl Into<String>) -> Self {
        Self::new(400, "INVALID_ARG_VALUE", description)
    }

    pub(crate) fn value_not_valid(description: impl Into<String>) -> Self {
        Self::new(400, "CRM_FIELD_ERROR_VALUE_NOT_VALID", description)
    }

    pub(crate) fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": self.code, "error_description": self.description})
    }
}
