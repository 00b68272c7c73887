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
    serve_workspace(&args.workspace, args.addr, args.database.as_deref(), None)
}

/// Serves `workspace` on `addr` until the process is stopped. For the demo (`demo`), first
/// makes one account per role when the store has none and prints them with their passwords,
/// seeds the example decisions when the store has none, then the demo's engagement project
/// (its organiser is the demo's administrator).
pub(crate) fn serve_workspace(
    workspace: &Path,
    addr: SocketAddr,
    database: Option<&str>,
    demo: Option<&super::demo::DemoArgs>,
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
        if let Some(demo) = demo {
            let accounts = equalis_web::create_demo_accounts(state.store()).await?;
            print_demo_accounts(addr, &accounts);
            if equalis_web::seed_demo_decisions(state.store())
                .await?
                .is_some()
            {
                println!(
                    "Example decisions at http://{addr}/decisions: one published, one screened out, one overdue for review."
                );
            }
            super::demo::seed_engagement(state.store(), demo).await?;
        }
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

/// The demo's address and accounts, on stdout: the passwords are printed this once.
fn print_demo_accounts(addr: SocketAddr, accounts: &[equalis_web::DemoAccount]) {
    println!("The dashboards are at http://{addr}/");
    if accounts.is_empty() {
        println!("Sign in with this workspace's accounts (equalis user list).");
        return;
    }
    println!(
        "Sign in with one of these demo accounts. The passwords are shown only now and are not kept anywhere (the store keeps a hash); make other accounts with `equalis user add`:"
    );
    println!("  {:10}  {:24}  password", "role", "email");
    for a in accounts {
        println!("  {:10}  {:24}  {}", a.role.name(), a.email, a.password);
    }
}
