//! The one error type of the vocabulary: a value that is not what its rule accepts.

/// A value failed its rule. The message says what was expected, so ingest can put it
/// straight into a rejects file beside the column name and the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VocabError(pub String);

impl VocabError {
    pub(crate) fn new(msg: impl Into<String>) -> Self {
        VocabError(msg.into())
    }
}
