//! The workspace's results, read once per results version and published once.
//!
//! The raw rows stay private to this module: handlers get published rows, or, through
//! [`Snapshot::analyst_rows`], the unsuppressed view after its audit entry is written.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;

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
    /// Each indicator's periods and breakdowns, worked out once here: the list pages and the
    /// API ask for them for every indicator on every request.
    shapes: BTreeMap<String, Shape>,
    /// Rendered published bodies of this version (see [`Bodies`]): they go with the snapshot,
    /// so a new results version starts with none.
    pub bodies: Bodies,
}

/// An indicator's periods (oldest first) and breakdowns (`all` first, then as computed).
#[derive(Debug, Default)]
struct Shape {
    periods: Vec<String>,
    breakdowns: Vec<String>,
}

impl Shape {
    fn of(rows: &[PublishedRow]) -> Shape {
        let mut periods: Vec<String> = rows.iter().map(|r| r.period.clone()).collect();
        periods.sort();
        periods.dedup();
        let mut seen = std::collections::HashSet::new();
        let mut breakdowns: Vec<String> = rows
            .iter()
            .filter(|r| seen.insert(r.breakdown.as_str()))
            .map(|r| r.breakdown.clone())
            .collect();
        // Stable: the breakdowns keep the order computed after `all`.
        breakdowns.sort_by_key(|b| b != "all");
        Shape {
            periods,
            breakdowns,
        }
    }
}

/// A rendered published body: an HTML page's main content (the layout, which names who is
/// signed in, is wrapped around it on each request), or a whole CSV or JSON document.
#[derive(Debug)]
pub(crate) struct Body {
    /// The page's title (HTML only).
    pub title: String,
    /// The bytes.
    pub bytes: Bytes,
    /// The download's file name (CSV only).
    pub filename: Option<String>,
}

/// The published bodies of one results version, by what was asked (route, path and query).
///
/// Published figures are the same for everyone who may see them, so each page, CSV and JSON
/// document is rendered once per version rather than on every request. Bounded: past
/// [`Bodies::CAPACITY`] entries new bodies are served but not kept, so odd queries cannot
/// grow it without end. The unsuppressed (analyst) view is never put here.
#[derive(Debug, Default)]
pub(crate) struct Bodies {
    map: Mutex<HashMap<String, Arc<Body>>>,
}

impl Body {
    /// An HTML page's main content.
    pub fn html(title: impl Into<String>, html: String) -> Body {
        Body {
            title: title.into(),
            bytes: Bytes::from(html),
            filename: None,
        }
    }

    /// A JSON document.
    pub fn json(value: &serde_json::Value) -> Body {
        Body {
            title: String::new(),
            bytes: Bytes::from(value.to_string()),
            filename: None,
        }
    }

    /// A download named `filename`, every character but ASCII letters, digits and `-_.` made
    /// `_` (a breakdown like `ethnic_group x sex` or an ODS code must not break the header).
    pub fn download(bytes: Vec<u8>, filename: &str) -> Body {
        let filename = filename
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Body {
            title: String::new(),
            bytes: Bytes::from(bytes),
            filename: Some(filename),
        }
    }
}

impl Bodies {
    /// The most bodies kept per version.
    pub const CAPACITY: usize = 2048;

    /// The body kept for `key`, or the one `make` renders (kept if there is room). An error
    /// is returned and nothing kept.
    pub fn get_or_render<E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<Body, E>,
    ) -> Result<Arc<Body>, E> {
        if let Some(b) = self.lock().get(key) {
            return Ok(b.clone());
        }
        // Rendered outside the lock: two requests may render the same body at once, which
        // costs a little work but never blocks one request on another's rendering.
        let body = Arc::new(make()?);
        let mut map = self.lock();
        if map.len() < Self::CAPACITY {
            map.insert(key.to_owned(), body.clone());
        }
        Ok(body)
    }

    /// How many bodies are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Body>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Snapshot {
    fn new(version: String, results: Results) -> Snapshot {
        // Each indicator is published whole, as `equalis results` does: secondary disclosure
        // control reads each breakdown with its total, so a slice must never be published on
        // its own; filters pick from the published rows afterwards.
        let published = results.published_by_indicator();
        let shapes = published
            .iter()
            .map(|(id, rows)| (id.clone(), Shape::of(rows)))
            .collect();
        Snapshot {
            version,
            metadata: results.metadata.clone(),
            results,
            published,
            shapes,
            bodies: Bodies::default(),
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

    /// Every indicator's published rows, by indicator id.
    pub fn published_all(&self) -> &BTreeMap<String, Vec<PublishedRow>> {
        &self.published
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
    pub fn periods(&self, id: &str) -> &[String] {
        self.shapes.get(id).map_or(&[], |s| s.periods.as_slice())
    }

    /// The breakdowns of an indicator: `all` first, then in the order computed.
    pub fn breakdowns(&self, id: &str) -> &[String] {
        self.shapes.get(id).map_or(&[], |s| s.breakdowns.as_slice())
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

#[cfg(test)]
mod tests {
    use equalis_results::{ResultRow, ResultsWriter, Statistic};

    use super::*;

    /// Commits a results version with one count indicator whose figure is `n`.
    fn commit(dir: &Path, n: f64) {
        let mut row = ResultRow::new("wl", "2026-03-29", "all", "All", Statistic::Count, 1.0);
        row.numerator = Some(n);
        row.value = Some(n);
        let mut indicators = BTreeMap::new();
        indicators.insert(
            "wl".to_owned(),
            IndicatorInfo {
                id: "wl".to_owned(),
                name: "Waiting".to_owned(),
                area: "Elective care".to_owned(),
                description: String::new(),
                statistic: "count".to_owned(),
                unit: String::new(),
                direction: "lower_is_better".to_owned(),
                target: None,
                source: String::new(),
            },
        );
        let metadata = Metadata {
            indicators,
            ..Metadata::default()
        };
        let w = ResultsWriter::begin(dir, metadata).expect("writer");
        w.write_indicators(&[row]).expect("indicators");
        w.write_inequality(&[]).expect("inequality");
        w.write_spc(&[]).expect("spc");
        w.commit().expect("commit");
    }

    fn body(text: &str) -> Result<Body, WebError> {
        Ok(Body::html("t", text.to_owned()))
    }

    #[tokio::test]
    async fn bodies_are_dropped_when_the_results_version_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::default();
        assert!(cache.get(dir.path()).await.expect("get").is_none());
        commit(dir.path(), 100.0);
        let first = cache.get(dir.path()).await.expect("get").expect("results");
        first
            .bodies
            .get_or_render("k", || body("old"))
            .expect("body");
        // The same version: the body kept is served, not rendered again.
        let again = cache.get(dir.path()).await.expect("get").expect("results");
        let kept = again
            .bodies
            .get_or_render("k", || body("rendered again"))
            .expect("body");
        assert_eq!(&kept.bytes[..], b"old");
        commit(dir.path(), 200.0);
        let second = cache.get(dir.path()).await.expect("get").expect("results");
        assert_ne!(first.version, second.version);
        assert_eq!(
            second.bodies.len(),
            0,
            "a new version starts with no bodies"
        );
        let fresh = second
            .bodies
            .get_or_render("k", || body("new"))
            .expect("body");
        assert_eq!(&fresh.bytes[..], b"new");
        assert_eq!(second.published("wl").len(), 1);
    }

    #[test]
    fn bodies_are_bounded_and_errors_not_kept() {
        let bodies = Bodies::default();
        let failed: Result<_, WebError> =
            bodies.get_or_render("bad", || Err(WebError::BadRequest("no".to_owned())));
        assert!(failed.is_err());
        assert_eq!(bodies.len(), 0);
        for i in 0..Bodies::CAPACITY + 10 {
            bodies
                .get_or_render(&i.to_string(), || body("x"))
                .expect("body");
        }
        assert_eq!(bodies.len(), Bodies::CAPACITY);
        // Past the bound a body is still served.
        let over = bodies
            .get_or_render("over", || body("served"))
            .expect("body");
        assert_eq!(&over.bytes[..], b"served");
    }

    #[test]
    fn periods_and_breakdowns_are_worked_out_once() {
        let row = |period: &str, breakdown: &str, group: &str| {
            let mut r = ResultRow::new("x", period, breakdown, group, Statistic::Count, 1.0);
            r.numerator = Some(50.0);
            r.value = Some(50.0);
            r
        };
        let s = Snapshot::new(
            "v1".to_owned(),
            Results::new(
                PathBuf::from("results/v1"),
                Metadata::default(),
                vec![
                    row("2025/26", "sex", "Female"),
                    row("2024/25", "all", "All"),
                    row("2025/26", "all", "All"),
                    row("2025/26", "imd_quintile", "1"),
                    row("2024/25", "sex", "Male"),
                ],
                Vec::new(),
                Vec::new(),
            ),
        );
        assert_eq!(s.periods("x"), ["2024/25", "2025/26"]);
        assert_eq!(s.breakdowns("x"), ["all", "sex", "imd_quintile"]);
        assert!(s.periods("nothing").is_empty());
    }
}
