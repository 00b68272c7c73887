//! The web application without the command line, for the latency benchmark
//! (`scripts/bench-serve.sh`).
//!
//! `equalis serve` links the query engine (the binary computes results too), and a release
//! build of DataFusion takes about 50 minutes on 2 cores; this example serves a workspace with
//! the same `equalis_web` code in a release build of minutes. Usage:
//! `bench_server WORKSPACE [ADDR]`.

use std::net::SocketAddr;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let workspace = PathBuf::from(args.next().ok_or("usage: bench_server WORKSPACE [ADDR]")?);
    let addr: SocketAddr = match args.next() {
        Some(a) => a.to_str().ok_or("ADDR is not text")?.parse()?,
        None => "127.0.0.1:8090".parse()?,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let state = equalis_web::AppState::open(&workspace, None, &addr).await?;
        eprintln!(
            "bench_server: serving {} at http://{addr}/",
            workspace.display()
        );
        equalis_web::serve(addr, state).await?;
        Ok(())
    })
}
