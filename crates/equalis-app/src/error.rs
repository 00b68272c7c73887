//! The error of every use case, with a kind that says who must act, so that each edge answers
//! it properly: the command line with its message and hint, a web handler with 400, 404, 409 or
//! 500.
//!
//! Inside the crate the code returns `anyhow` errors (moved from the binary with the code);
//! where a request names something that does not exist or is malformed, it raises an [`Error`]
//! of that kind inside them, and the public functions turn the whole chain into one [`Error`]
//! at the boundary ([`From<anyhow::Error>`]), keeping the innermost kind found. Errors of the
//! library crates below are classified there too. Anything not classified is a fault.

/// An `anyhow` error carrying an [`Error`] of [`ErrorKind::NotFound`], from `format!` arguments.
macro_rules! not_found {
    ($($t:tt)*) => {
        anyhow::Error::new($crate::Error::not_found(format!($($t)*)))
    };
}

/// An `anyhow` error carrying an [`Error`] of [`ErrorKind::Invalid`], from `format!` arguments.
macro_rules! invalid {
    ($($t:tt)*) => {
        anyhow::Error::new($crate::Error::invalid(format!($($t)*)))
    };
}

pub(crate) use {invalid, not_found};

/// Who must act on an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or refused: a bad date, flag value or file (HTTP 400/422).
    Invalid,
    /// The request names something that is not there: an organisation, indicator, period,
    /// breakdown, ICB or dataset, or results not yet computed (HTTP 404). The hint names what
    /// is there.
    NotFound,
    /// The request clashes with work in progress: another compute or ingest is writing the
    /// same results or dataset now (HTTP 409). Trying again when it finishes succeeds.
    Conflict,
    /// Something failed that the request could not have avoided: an unreadable or damaged
    /// store, a bug (HTTP 500).
    Fault,
}

/// An error of a use case: what went wrong, and what to do about it. It reads as the
/// message, then the hint as its own paragraph: the command line prints exactly this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", .hint.as_ref().map(|h| format!("{HINT}{h}")).unwrap_or_default())]
pub struct Error {
    /// Who must act.
    pub kind: ErrorKind,
    /// What went wrong, with its context (`opening …: reading …: …`).
    pub message: String,
    /// What to do about it (the valid names, the command to run), when known.
    pub hint: Option<String>,
}

/// The result of a use case.
pub type Result<T> = std::result::Result<T, Error>;

/// How a hint is written after a message in the texts of the command line.
const HINT: &str = "\n\nhint: ";

impl Error {
    /// An error of `kind`; a `hint:` paragraph in `text` becomes the hint.
    pub fn new(kind: ErrorKind, text: impl Into<String>) -> Error {
        let text = text.into();
        match text.split_once(HINT) {
            Some((message, hint)) => Error {
                kind,
                message: message.to_owned(),
                hint: Some(hint.to_owned()),
            },
            None => Error {
                kind,
                message: text,
                hint: None,
            },
        }
    }

    /// A malformed or refused request.
    pub fn invalid(text: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, text)
    }

    /// A request for something that is not there.
    pub fn not_found(text: impl Into<String>) -> Error {
        Error::new(ErrorKind::NotFound, text)
    }

    /// The error, as a mistake of the caller's unless it is already classified otherwise:
    /// for the reading of files the caller names, whose every failure is theirs to mend.
    pub(crate) fn callers(mut self) -> Error {
        if self.kind == ErrorKind::Fault {
            self.kind = ErrorKind::Invalid;
        }
        self
    }
}

/// The kind of one error of a chain, when it has one.
fn kind_of(e: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    use equalis_results::ResultsError;
    use equalis_workspace::WorkspaceError;
    if let Some(e) = e.downcast_ref::<Error>() {
        return Some(e.kind);
    }
    if let Some(e) = e.downcast_ref::<ResultsError>() {
        return Some(match e.kind() {
            equalis_results::ErrorKind::NotFound => ErrorKind::NotFound,
            equalis_results::ErrorKind::Conflict => ErrorKind::Conflict,
            equalis_results::ErrorKind::Fault => ErrorKind::Fault,
        });
    }
    if let Some(e) = e.downcast_ref::<WorkspaceError>() {
        return Some(match e {
            WorkspaceError::NotAWorkspace(_) => ErrorKind::NotFound,
            WorkspaceError::NotEmpty(_) | WorkspaceError::Config { .. } => ErrorKind::Invalid,
            WorkspaceError::Busy(_) => ErrorKind::Conflict,
            _ => ErrorKind::Fault,
        });
    }
    if e.downcast_ref::<equalis_sortition::SortitionError>()
        .is_some()
    {
        // The volunteers or quotas given cannot make a panel: the caller's to change.
        return Some(ErrorKind::Invalid);
    }
    None
}

impl From<anyhow::Error> for Error {
    /// The whole chain as one message (as `{:#}` prints it), of the innermost kind found.
    fn from(e: anyhow::Error) -> Error {
        let kind = e
            .chain()
            .filter_map(kind_of)
            .last()
            .unwrap_or(ErrorKind::Fault);
        Error::new(kind, format!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn the_hint_is_a_field_and_the_text_is_unchanged() {
        let text = "no indicator `x` in the results\n\nhint: one of a, b";
        let e = Error::not_found(text);
        assert_eq!(e.message, "no indicator `x` in the results");
        assert_eq!(e.hint.as_deref(), Some("one of a, b"));
        assert_eq!(e.to_string(), text);
        let plain = Error::invalid("--size must be at least 1");
        assert_eq!(plain.hint, None);
        assert_eq!(plain.to_string(), "--size must be at least 1");
    }

    #[test]
    fn a_chain_keeps_its_context_and_its_innermost_kind() {
        let inner: anyhow::Result<()> =
            Err(Error::not_found("no organisation `RX9`\n\nhint: RWE, RX1").into());
        let e = Error::from(inner.context("building the WRES").unwrap_err());
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.message, "building the WRES: no organisation `RX9`");
        assert_eq!(e.hint.as_deref(), Some("RWE, RX1"));

        let missing = equalis_results::ResultsError::NoResults("ws/results".into());
        let e = Error::from(anyhow::Error::new(missing).context("reading"));
        assert_eq!(e.kind, ErrorKind::NotFound);

        let busy = equalis_results::ResultsError::Busy("ws".into());
        let e = Error::from(anyhow::Error::new(busy).context("computing"));
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert_eq!(
            e.message,
            "computing: another compute is writing results in `ws` now"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("wait for it to finish, then run this again")
        );
        let ingest = equalis_workspace::WorkspaceError::Busy("population".into());
        assert_eq!(
            Error::from(anyhow::Error::new(ingest)).kind,
            ErrorKind::Conflict
        );

        let e = Error::from(anyhow::anyhow!("a column of the wrong type"));
        assert_eq!(e.kind, ErrorKind::Fault);
    }
}
