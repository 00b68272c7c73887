//! `equalis serve`: the web application on a workspace (`equalis-web`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `equalis serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The workspace whose results to serve (and whose store, `WORKSPACE/equalis.db`, to use).
    #[arg(long)]
    pub workspace: PathBuf,
    /// The address to listen on. On loopback cookies are sent without `Secure` so that a
    /// browser on this machine can sign in over plain HTTP; on any other address put the
    /// server behind TLS.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// A PostgreSQL URL to use as the store instead of the workspace's SQLite file.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// Runs `equalis serve` until the process is stopped.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    super::open_workspace(&args.workspace)?;
    serve_workspace(&args.workspace, args.addr, args.database.as_deref())
}

/// Serves `workspace` on `addr` until the process is stopped (`equalis demo` seeds its store
/// first).
pub(crate) fn serve_workspace(
    workspace: &Path,
    addr: SocketAddr,
    database: Option<&str>,
) -> anyhow::Result<ExitCode> {
    // Faults inside request handlers are logged here (stderr), never shown to the browser.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let state = equalis_web::AppState::open(workspace, database, &addr).await?;
        let public = if state.options().public_pages {
            "published pages are public (public_pages = true)"
        } else {
            "sign-in required (accounts: equalis user add)"
        };
        eprintln!(
            "equalis is serving {} at http://{addr}/ ({public}); Ctrl-C stops it",
            workspace.display(),
        );
        equalis_web::serve(addr, state).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
