//! Opening the web application's store for the `user` and `audit` commands: the workspace's
//! SQLite file, or PostgreSQL by `--database URL`.

use std::future::Future;
use std::path::PathBuf;

use anyhow::Context;
use equalis_store::{Database, Store, StoreConfig};
use equalis_workspace::Workspace;

/// Where the store is: shared by every command that uses it.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// The workspace whose store (`WORKSPACE/equalis.db`) to use.
    #[arg(long, required_unless_present = "database")]
    pub workspace: Option<PathBuf>,
    /// A PostgreSQL URL (postgres://USER@HOST/DB, or postgres:///DB?host=/var/run/postgresql)
    /// to use instead of the workspace's SQLite store, for shared deployments.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

impl StoreArgs {
    /// The database these arguments name.
    pub fn database(&self) -> anyhow::Result<Database> {
        if let Some(dir) = &self.workspace {
            // A store only inside a real workspace: a mistyped path must not create one.
            Workspace::open(dir)?;
        }
        match (&self.database, &self.workspace) {
            (Some(url), _) => Ok(Database::from_url(url)?),
            (None, Some(dir)) => Ok(Database::for_workspace(dir)),
            (None, None) => anyhow::bail!("give --workspace DIR or --database URL"),
        }
    }

    /// Opens the store (creating or upgrading its schema).
    pub async fn open(&self) -> anyhow::Result<Store> {
        let db = self.database()?;
        Store::open(&db, StoreConfig::default())
            .await
            .with_context(|| format!("opening the store {}", db.describe()))
    }
}

/// Runs an async store operation to completion on a runtime of its own: the command line is
/// synchronous, the store's API async (for the web server).
pub fn block_on<F: Future>(f: F) -> anyhow::Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(rt.block_on(f))
}
