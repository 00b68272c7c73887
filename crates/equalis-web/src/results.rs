//! The workspace's results, read once per results version and published once.
//!
//! The raw rows stay private to this module: handlers get published rows, or, through
//! [`Snapshot::analyst_rows`], the unsuppressed view after its audit entry is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use equalis_results::{IndicatorInfo, Metadata, PublishedRow, Results, ResultsError, View};
use equalis_store::{Actor, Store, User};
use serde_json::json;

use crate::error::WebError;

/// The audit action of a view of unsuppressed results.
pub(crate) const AUDIT_UNSUPPRESSED: &str = "results.viewed_unsuppressed";

/// One results version, published.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// The version's name (`v3`).
    pub version: String,
    /// What the results were computed from.
    pub metadata: Metadata,
    /// The results read, whose rows leave only published: only [`Snapshot::analyst_rows`]
    /// asks for the analyst view.
    results: Results,
    /// The published figures, by indicator.
    published: BTreeMap<String, Vec<PublishedRow>>,
}

impl Snapshot {
    fn new(version: String, results: Results) -> Snapshot {
        // Each indicator is published whole, as `equalis results` does: secondary disclosure
        // control reads each breakdown with its total, so a slice must never be published on
        // its own; filters pick from the published rows afterwards.
        let published = results.published_by_indicator();
        Snapshot {
            version,
            metadata: results.metadata.clone(),
            results,
            published,
        }
    }

    /// The indicators, in id order.
    pub fn indicators(&self) -> impl Iterator<Item = &IndicatorInfo> {
        self.metadata.indicators.values()
    }

    /// An indicator, or a 404 listing the valid ids.
    pub fn indicator(&self, id: &str) -> Result<&IndicatorInfo, WebError> {
        self.metadata
            .indicators
            .get(id)
            .ok_or_else(|| WebError::NotFound {
                what: format!("There is no indicator `{id}`."),
                kind: "indicators",
                valid: self.metadata.indicators.keys().cloned().collect(),
            })
    }

    /// An indicator's published rows.
    pub fn published(&self, id: &str) -> &[PublishedRow] {
        self.published.get(id).map_or(&[], Vec::as_slice)
    }

    /// An indicator's unsuppressed rows for `user`, after writing the audit entry that says
    /// who saw what (`detail`). Refused to any role but analyst and admin.
    pub async fn analyst_rows(
        &self,
        store: &Store,
        user: &User,
        id: &str,
        detail: serde_json::Value,
    ) -> Result<Vec<PublishedRow>, WebError> {
        if !crate::auth::may_see_unsuppressed(user.role) {
            return Err(WebError::Forbidden(format!(
                "The unsuppressed (analyst) view is for the analyst and admin roles; you are signed in as {}.",
                user.role
            )));
        }
        // Recorded before anything is shown: a view that cannot be audited is not given.
        store
            .record(
                &Actor::User(user.email.clone()),
                AUDIT_UNSUPPRESSED,
                &format!("indicator:{id}"),
                json!({ "results_version": self.version, "request": detail }),
            )
            .await?;
        Ok(self.results.publish_indicator(&View::Analyst, id).0)
    }

    /// The periods of an indicator, oldest first.
    pub fn periods(&self, id: &str) -> Vec<String> {
        let mut p: Vec<String> = self
            .published(id)
            .iter()
            .map(|r| r.period.clone())
            .collect();
        p.sort();
        p.dedup();
        p
    }

    /// The breakdowns of an indicator: `all` first, then in the order computed.
    pub fn breakdowns(&self, id: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.published(id) {
            if !out.contains(&r.breakdown) {
                out.push(r.breakdown.clone());
            }
        }
        out.sort_by_key(|b| b != "all");
        out
    }
}

/// The cache of the current results version.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    current: RwLock<Option<Arc<Snapshot>>>,
}

impl Cache {
    /// The current results, read again when `results/CURRENT` names another version; `None`
    /// when the workspace has none yet.
    pub async fn get(&self, workspace: &Path) -> Result<Option<Arc<Snapshot>>, WebError> {
        let dir = workspace.to_path_buf();
        let version = match blocking(dir.clone(), |w| equalis_results::current_version(&w)).await {
            Ok(v) => v,
            Err(ResultsError::NoResults(_)) => return Ok(None),
            Err(e) => return Err(WebError::internal(e)),
        };
        if let Some(s) = self.read().as_ref()
            && s.version == version
        {
            return Ok(Some(s.clone()));
        }
        let results = match blocking(dir, |w| equalis_results::read_results(&w)).await {
            Ok(r) => r,
            Err(ResultsError::NoResults(_)) => return Ok(None),
            Err(e) => return Err(WebError::internal(e)),
        };
        // The version read may be newer than the one named above if a compute committed in
        // between; it is named by its own directory.
        let version = results
            .dir()
            .file_name()
            .map_or(version, |n| n.to_string_lossy().into_owned());
        let snapshot = Arc::new(Snapshot::new(version, results));
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot.clone());
        Ok(Some(snapshot))
    }

    fn read(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Runs file-system work off the async threads.
async fn blocking<T: Send + 'static>(
    workspace: PathBuf,
    f: impl FnOnce(PathBuf) -> Result<T, ResultsError> + Send + 'static,
) -> Result<T, ResultsError> {
    match tokio::task::spawn_blocking(move || f(workspace)).await {
        Ok(r) => r,
        Err(e) => Err(ResultsError::Io {
            action: "reading the results (the reading task failed)",
            path: PathBuf::new(),
            source: std::io::Error::other(e.to_string()),
        }),
    }
}
