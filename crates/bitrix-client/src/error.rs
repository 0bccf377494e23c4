//! Errors: what the portal refused (with its code and description), what went wrong on the
//! way to it, and what the client itself found wrong in an answer.
//!
//! Every error names the REST method involved. URLs in errors are redacted (see
//! [`redact_url`](crate::redact_url)); values are described, not quoted.

use std::fmt;
use std::time::Duration;

/// What an error from the portal means for the caller; decides whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `QUERY_LIMIT_EXCEEDED` (503): the portal's request bucket is full. Retried.
    RateLimited,
    /// `OPERATION_TIME_LIMIT` (429): this method used its execution-time budget. The method
    /// is paused until `operating_reset_at`, then retried.
    OperationTimeLimit,
    /// `OVERLOAD_LIMIT` (503): REST is blocked on the portal by hand. Not retried.
    Overload,
    /// `expired_token` (401): the OAuth access token expired. Refreshed once, then retried.
    ExpiredToken,
    /// Bad webhook secret or token (`INVALID_CREDENTIALS`, `NO_AUTH_FOUND`, other 401s).
    InvalidCredentials,
    /// Missing rights or scope (`ACCESS_DENIED`, `insufficient_scope`, `user_access_error`,
    /// `allowed_only_intranet_user`, other 403s).
    AccessDenied,
    /// The record, smart process or method does not exist (`NOT_FOUND`,
    /// `ERROR_METHOD_NOT_FOUND`, 404).
    NotFound,
    /// The parameters are wrong (`INVALID_ARG_VALUE`, the classic methods' empty code with
    /// 400, `CRM_FIELD_ERROR_*`, batch length errors). Not retried.
    BadRequest,
    /// The portal failed (5xx that is not one of the above, HTML error pages). Retried when
    /// the call is safe to repeat.
    Server,
    /// `PORTAL_DELETED`.
    PortalDeleted,
    /// Anything else the portal answered with an error code.
    Other,
}

impl ErrorKind {
    /// Classifies an error code (compared case-insensitively, since the portal mixes
    /// `expired_token` and `QUERY_LIMIT_EXCEEDED`) and, when the code says nothing, the HTTP
    /// status.
    pub fn classify(code: &str, status: u16) -> ErrorKind {
        let by_code = match code.to_ascii_uppercase().as_str() {
            "QUERY_LIMIT_EXCEEDED" => Some(ErrorKind::RateLimited),
            "OPERATION_TIME_LIMIT" => Some(ErrorKind::OperationTimeLimit),
            "OVERLOAD_LIMIT" => Some(ErrorKind::Overload),
            "EXPIRED_TOKEN" => Some(ErrorKind::ExpiredToken),
            "INVALID_CREDENTIALS" | "NO_AUTH_FOUND" | "INVALID_TOKEN" | "WRONG_AUTH_TYPE" => {
                Some(ErrorKind::InvalidCredentials)
            }
            "ACCESS_DENIED"
            | "INSUFFICIENT_SCOPE"
            | "USER_ACCESS_ERROR"
            | "ALLOWED_ONLY_INTRANET_USER"
            | "AUTHORIZATION_ERROR" => Some(ErrorKind::AccessDenied),
            "NOT_FOUND" | "ERROR_METHOD_NOT_FOUND" | "ERROR_NOT_FOUND" => Some(ErrorKind::NotFound),
            "INVALID_ARG_VALUE"
            | "INVALID_REQUEST"
            | "ERROR_ARGUMENT"
            | "ERROR_CORE"
            | "ERROR_BATCH_LENGTH_EXCEEDED"
            | "ERROR_BATCH_METHOD_NOT_ALLOWED"
            | "ENTITY_TYPE_NOT_SUPPORTED"
            | "CREATE_DYNAMIC_ITEM_RESTRICTED" => Some(ErrorKind::BadRequest),
            c if c.starts_with("CRM_FIELD_ERROR") => Some(ErrorKind::BadRequest),
            "PORTAL_DELETED" => Some(ErrorKind::PortalDeleted),
            "INTERNAL_SERVER_ERROR" | "ERROR_UNEXPECTED_ANSWER" => Some(ErrorKind::Server),
            _ => None,
        };
        by_code.unwrap_or(match status {
            401 => ErrorKind::InvalidCredentials,
            403 => ErrorKind::AccessDenied,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::OperationTimeLimit,
            400 | 405 | 422 => ErrorKind::BadRequest,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        })
    }

    /// What the person reading the error should do.
    fn advice(self) -> &'static str {
        match self {
            ErrorKind::RateLimited => {
                "the portal's request bucket stayed full through every retry; lower the request \
                 rate (share one RateLimiter between clients of the same portal) or allow more \
                 retry time"
            }
            ErrorKind::OperationTimeLimit => {
                "this method used its execution-time budget; wait until operating_reset_at or \
                 make its calls cheaper (filters, smaller selects, ID cursors instead of offsets)"
            }
            ErrorKind::Overload => {
                "REST is blocked on this portal by its operator; retrying does not help, contact \
                 the portal's support"
            }
            ErrorKind::ExpiredToken => {
                "the access token expired and could not be renewed; check the refresh token and \
                 the OAuth client settings"
            }
            ErrorKind::InvalidCredentials => {
                "check the webhook URL (user id and secret) or the OAuth tokens"
            }
            ErrorKind::AccessDenied => {
                "give the webhook or application the scope and the user the CRM rights this \
                 method needs"
            }
            ErrorKind::NotFound => "check the record ID, the entityTypeId or the method name",
            ErrorKind::BadRequest => "fix the parameters named in the description",
            ErrorKind::Server => {
                "the portal failed; retries were exhausted or the call was not safe to repeat"
            }
            ErrorKind::PortalDeleted => "the portal no longer exists; check its address",
            ErrorKind::Other => "see the portal's description",
        }
    }
}

/// An error the portal answered, for one method.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The REST method, e.g. `crm.deal.update`; for a command of a batch, the command's method.
    pub method: String,
    /// The HTTP status (for a batch command, the status of the batch answer, usually 200).
    pub status: u16,
    /// The portal's code as sent (may be empty: classic CRM methods send `""`).
    pub code: String,
    pub description: String,
    pub kind: ErrorKind,
    /// Attempts made, retries included.
    pub attempts: u32,
    /// True when the request may have been carried out although it failed (a server error
    /// after the request was sent). Matters for calls that are not safe to repeat.
    pub maybe_executed: bool,
}

impl ApiError {
    pub fn new(
        method: impl Into<String>,
        status: u16,
        code: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        let code = code.into();
        let kind = ErrorKind::classify(&code, status);
        ApiError {
            method: method.into(),
            status,
            kind,
            maybe_executed: kind == ErrorKind::Server,
            code,
            description: description.into(),
            attempts: 1,
        }
    }

    /// Compares the portal's code case-insensitively.
    pub fn is_code(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = if self.code.is_empty() {
            "(empty code)"
        } else {
            &self.code
        };
        write!(
            f,
            "`{}` failed with {code}: \"{}\" (HTTP {}",
            self.method, self.description, self.status
        )?;
        if self.attempts > 1 {
            write!(f, ", after {} attempts", self.attempts)?;
        }
        write!(f, "); {}", self.kind.advice())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("method", &self.method)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("description", &self.description)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .field("maybe_executed", &self.maybe_executed)
            .finish()
    }
}

impl std::error::Error for ApiError {}

/// How a request failed before an answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection could be made; the request was not sent.
    Connect,
    /// No answer in time; the request may have been carried out.
    Timeout,
    /// The connection closed before the answer was complete; the request may have been
    /// carried out.
    Dropped,
    /// Redirects went in a circle, too far, or to a plain-HTTP address from HTTPS.
    Redirect,
    /// The answer could not be read.
    Body,
    /// The TLS handshake failed (an `https://` URL for a plain-HTTP server, or a certificate
    /// the system does not trust); the request was not sent, and sending it again cannot
    /// help.
    Tls,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Dropped => "the connection dropped",
            TransportKind::Redirect => "bad redirect",
            TransportKind::Body => "the answer could not be read",
            TransportKind::Tls => "the TLS handshake failed",
        })
    }
}

/// A request that got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub method: String,
    /// The address, redacted.
    pub url: String,
    pub kind: TransportKind,
    /// The underlying error, with URLs removed.
    pub detail: String,
    pub attempts: u32,
}

impl TransportError {
    /// True when the request may have reached the portal and been carried out.
    pub fn maybe_executed(&self) -> bool {
        matches!(self.kind, TransportKind::Timeout | TransportKind::Dropped)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: {} ({}) calling {} after {} attempt(s); ",
            self.method, self.kind, self.detail, self.url, self.attempts
        )?;
        f.write_str(match self.kind {
            TransportKind::Connect => "check the portal address and the network",
            TransportKind::Timeout | TransportKind::Dropped => {
                "the portal may have carried out the call; check before repeating a create"
            }
            TransportKind::Redirect => "update the portal address to where it moved",
            TransportKind::Body => "retry later; if it persists, report the method",
            TransportKind::Tls => {
                "check the URL's scheme (https for a cloud portal, http for a local emulator) \
                 and that the portal's certificate is trusted"
            }
        })
    }
}

impl std::error::Error for TransportError {}

/// A field whose stored value differs from what an update sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The wire name in the family that was written.
    pub field: String,
    /// A description of what was sent (values are described, not quoted).
    pub sent: String,
    /// A description of what the re-read record holds, or `absent from the answer`.
    pub stored: String,
}

/// An update the portal accepted but did not store as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The update method, e.g. `crm.item.update`.
    pub method: String,
    pub entity_type_id: u32,
    pub id: u64,
    pub mismatches: Vec<Mismatch>,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` (entityTypeId {}, id {}) reported success but {} field(s) hold other values \
             than were sent: ",
            self.method,
            self.entity_type_id,
            self.id,
            self.mismatches.len()
        )?;
        for (i, m) in self.mismatches.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{}` (sent {}, stored {})", m.field, m.sent, m.stored)?;
        }
        f.write_str(
            "; the portal drops values it does not accept without an error (an enumeration ID \
             that is not in the list, a malformed value): check them against the field's \
             definition, and regenerate the schema if the portal changed",
        )
    }
}

impl std::error::Error for VerifyError {}

/// Everything this crate can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The portal refused the call.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// No usable answer arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The answer does not have the documented shape.
    #[error(
        "`{method}`: unexpected answer: {what}; the portal may have changed, report the method \
         and this message"
    )]
    UnexpectedAnswer { method: String, what: String },
    /// The client was set up or called wrongly.
    #[error("{0}")]
    Config(String),
    /// An OAuth token refresh was refused or failed.
    #[error(
        "refreshing the OAuth access token failed: {code} \"{description}\" (HTTP {status}); \
         check the client id, client secret and refresh token (a refresh token is valid 180 days \
         and can be used once)"
    )]
    Refresh {
        status: u16,
        code: String,
        description: String,
    },
    /// A batch command was skipped because an earlier one failed under `halt`.
    #[error(
        "batch command `{command}` (`{method}`) was not run: an earlier command failed and the \
         batch was sent with halt; fix that command's error and send the batch again"
    )]
    NotRun { command: String, method: String },
    /// A list export stopped because the ID cursor did not move forward.
    #[error(
        "`{method}`: the ID cursor did not advance (after ID {cursor} the portal returned ID \
         {got}); the export stopped instead of looping: the method may not support ordering \
         and filtering by `{id_key}`, or the filter conflicts with the cursor"
    )]
    CursorStuck {
        method: String,
        id_key: String,
        cursor: u64,
        got: u64,
    },
    /// An update was answered with success but stored other values.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// An OPERATION_TIME_LIMIT pause would be longer than allowed.
    #[error(
        "`{method}` is blocked by the portal's operation time limit for another {wait:?}, longer \
         than the allowed pause of {max:?}; call it again after that or raise \
         RetryPolicy::max_operating_pause"
    )]
    Paused {
        method: String,
        wait: Duration,
        max: Duration,
    },
    /// An event post could not be accepted.
    #[error(transparent)]
    Event(#[from] crate::events::EventError),
}

impl Error {
    /// The portal's error, when the portal answered one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// True when the failed call may nevertheless have been carried out: a create that failed
    /// like this must be checked before it is repeated.
    pub fn maybe_executed(&self) -> bool {
        match self {
            Error::Api(e) => e.maybe_executed,
            Error::Transport(e) => e.maybe_executed(),
            _ => false,
        }
    }

    pub(crate) fn unexpected(method: &str, what: impl Into<String>) -> Error {
        Error::UnexpectedAnswer {
            method: method.to_string(),
            what: what.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_compared_case_insensitively() {
        assert_eq!(
            ErrorKind::classify("expired_token", 401),
            ErrorKind::ExpiredToken
        );
        assert_eq!(
            ErrorKind::classify("EXPIRED_TOKEN", 401),
            ErrorKind::ExpiredToken
        );
        assert_eq!(
            ErrorKind::classify("query_limit_exceeded", 503),
            ErrorKind::RateLimited
        );
        assert_eq!(
            ErrorKind::classify("Insufficient_Scope", 401),
            ErrorKind::AccessDenied
        );
    }

    #[test]
    fn overload_is_not_a_server_error() {
        // Both arrive as 503; only one may be retried.
        assert_eq!(
            ErrorKind::classify("OVERLOAD_LIMIT", 503),
            ErrorKind::Overload
        );
        assert_eq!(ErrorKind::classify("", 503), ErrorKind::Server);
    }

    #[test]
    fn empty_codes_fall_back_to_the_status() {
        assert_eq!(ErrorKind::classify("", 400), ErrorKind::BadRequest);
        assert_eq!(ErrorKind::classify("", 401), ErrorKind::InvalidCredentials);
        assert_eq!(ErrorKind::classify("", 403), ErrorKind::AccessDenied);
        assert_eq!(ErrorKind::classify("", 404), ErrorKind::NotFound);
        assert_eq!(ErrorKind::classify("", 502), ErrorKind::Server);
        assert_eq!(
            ErrorKind::classify("CRM_FIELD_ERROR_VALUE_NOT_VALID", 400),
            ErrorKind::BadRequest
        );
        assert_eq!(
            ErrorKind::classify("ERROR_HANDLER_ALREADY_EXIST", 400),
            ErrorKind::BadRequest
        );
        assert_eq!(
            ErrorKind::classify("ERROR_HANDLER_ALREADY_EXIST", 200),
            ErrorKind::Other
        );
    }

    #[test]
    fn api_error_message_names_method_code_and_advice() {
        let e = ApiError::new(
            "crm.deal.list",
            400,
            "",
            "Parameter 'filter' must be array.",
        );
        let text = e.to_string();
        assert!(
            text.starts_with("`crm.deal.list` failed with (empty code)"),
            "{text}"
        );
        assert!(text.contains("Parameter 'filter' must be array."), "{text}");
        assert!(text.contains("fix the parameters"), "{text}");
        assert!(!e.maybe_executed);
        assert!(ApiError::new("crm.deal.add", 500, "", "x").maybe_executed);
    }
}
