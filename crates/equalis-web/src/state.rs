//! What every handler shares: the workspace, the store, the results cache and the options.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use equalis_store::{Database, Store, StoreConfig, StoreError};
use equalis_workspace::{Workspace, WorkspaceError};

use crate::results::Cache;

/// How the server behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Anyone may see the published pages and API without signing in (the workspace's
    /// `public_pages` setting). Off by default.
    pub public_pages: bool,
    /// Cookies carry `Secure` (and the session cookie the `__Host-` prefix).
    ///
    /// On for every address but loopback: a browser talking to a server on this machine over
    /// plain `http://` would not send a `Secure` cookie back, so sign-in would not work; off the
    /// machine the server must be behind TLS, and a cookie must never travel in clear.
    pub secure_cookies: bool,
}

impl Options {
    /// The options for a server bound to `addr` in a workspace with `public_pages`.
    pub fn for_addr(addr: &SocketAddr, public_pages: bool) -> Options {
        Options {
            public_pages,
            secure_cookies: !crate::is_loopback(addr),
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The workspace could not be opened.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address could not be listened on.
    #[error(
        "could not listen on {addr}: {source}\n\nhint: another program may be using the port; choose another with --addr"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// The state shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    workspace: PathBuf,
    store: Store,
    options: Options,
    results: Cache,
    workforce: crate::workforce::Built,
    /// The Citizens' Panel pages computed (see `dashboards::PanelCache`).
    panel: crate::dashboards::PanelCache,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("workspace", &self.inner.workspace)
            .field("store", &self.inner.store)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an opened store.
    pub fn new(workspace: PathBuf, store: Store, options: Options) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                workspace,
                store,
                options,
                results: Cache::default(),
                workforce: crate::workforce::Built::default(),
                panel: crate::dashboards::PanelCache::default(),
            }),
        }
    }

    /// Opens the workspace `dir` and its store (`database`, or the workspace's SQLite file),
    /// for a server bound to `addr`: what `equalis serve` does.
    pub async fn open(
        dir: &Path,
        database: Option<&str>,
        addr: &SocketAddr,
    ) -> Result<AppState, ServeError> {
        let workspace = Workspace::open(dir)?;
        let db = match database {
            Some(url) => Database::from_url(url)?,
            None => Database::for_workspace(dir),
        };
        let store = Store::open(&db, StoreConfig::default()).await?;
        let options = Options::for_addr(addr, workspace.config().public_pages);
        Ok(AppState::new(dir.to_path_buf(), store, options))
    }

    /// The workspace directory.
    pub fn workspace(&self) -> &Path {
        &self.inner.workspace
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    pub(crate) fn results(&self) -> &Cache {
        &self.inner.results
    }

    /// The workforce returns built so far.
    pub(crate) fn workforce(&self) -> &crate::workforce::Built {
        &self.inner.workforce
    }

    /// The Citizens' Panel pages computed.
    pub(crate) fn panel(&self) -> &crate::dashboards::PanelCache {
        &self.inner.panel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_off_loopback_only() {
        let local: SocketAddr = "127.0.0.1:8080".parse().expect("addr");
        let local6: SocketAddr = "[::1]:8080".parse().expect("addr");
        let any: SocketAddr = "0.0.0.0:8080".parse().expect("addr");
        let lan: SocketAddr = "10.1.2.3:443".parse().expect("addr");
        assert!(!Options::for_addr(&local, false).secure_cookies);
        assert!(!Options::for_addr(&local6, false).secure_cookies);
        assert!(Options::for_addr(&any, false).secure_cookies);
        assert!(Options::for_addr(&lan, true).secure_cookies);
        assert!(Options::for_addr(&lan, true).public_pages);
    }
}
