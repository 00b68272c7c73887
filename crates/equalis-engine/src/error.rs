//! Errors of the engine, each naming what was being done and how to fix it.

use std::path::{Path, PathBuf};

use crate::catalogue::DefinitionError;

/// Why a compute failed. A failed compute writes nothing: the previous results stay current.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// An indicator definition is invalid (bad TOML, unknown statistic, unknown column, bad
    /// SQL); the file is named.
    #[error("{0}")]
    Definition(DefinitionError),
    /// A settings file of the workspace (e.g. `outreach.toml`) is invalid; the file and key are
    /// named.
    #[error("settings file `{path}`: {message}")]
    Settings {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key, and how to fix it.
        message: String,
    },
    /// A dataset the compute needs is not loaded.
    #[error("{0}")]
    MissingData(String),
    /// A loaded dataset breaks a rule the computation relies on (a person on two rows of
    /// `population`); the message names it and the fix.
    #[error("{0}")]
    InvalidData(String),
    /// The workspace could not be read.
    #[error(transparent)]
    Workspace(#[from] equalis_workspace::WorkspaceError),
    /// The results could not be written.
    #[error(transparent)]
    Results(#[from] equalis_results::ResultsError),
    /// The query engine failed.
    #[error("{context}: {message}")]
    Engine {
        /// What equalis was doing.
        context: String,
        /// DataFusion's message.
        message: String,
    },
    /// The query engine needed more memory than [`crate::ComputeOptions::memory_limit`] allows
    /// for something it cannot spill to disk.
    #[error(
        "{context}: the query engine needed more memory than the limit of {limit} allows ({message})\n\nhint: run again with a larger limit (`equalis compute --memory-limit 4GiB`), or on a machine with more memory; nothing was written and the previous results are unchanged"
    )]
    MemoryLimit {
        /// What equalis was doing.
        context: String,
        /// The limit, as people read it.
        limit: String,
        /// DataFusion's message.
        message: String,
    },
    /// A statistic could not be computed from the data (a bug or corrupt data).
    #[error("{context}: {message}")]
    Statistic {
        /// The indicator and group.
        context: String,
        /// The statistics crate's message.
        message: String,
    },
    /// The blocking [`crate::compute`] was called from inside an async runtime, where it
    /// cannot start its own.
    #[error(
        "the blocking compute was called from inside an async runtime\n\nhint: await `equalis_engine::compute_async` there instead"
    )]
    InsideRuntime,
    /// A file system error.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What equalis was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl EngineError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        EngineError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn engine(context: impl Into<String>, e: impl std::fmt::Display) -> Self {
        let message = e.to_string();
        // DataFusion's words when its memory pool refuses a reservation; the limit is in the
        // message ("… with N bytes available"), the pool's size is set by the caller.
        if message.contains("Resources exhausted") {
            return EngineError::MemoryLimit {
                context: context.into(),
                // Filled in by `compute_async`, which knows the limit.
                limit: "the memory pool".to_owned(),
                message,
            };
        }
        EngineError::Engine {
            context: context.into(),
            message,
        }
    }

    pub(crate) fn statistic(context: impl Into<String>, e: impl std::fmt::Display) -> Self {
        EngineError::Statistic {
            context: context.into(),
            message: e.to_string(),
        }
    }
}
