//! Running the same plans on an Apache DataFusion Ballista cluster (cargo feature `ballista`,
//! issue 17): the session's queries are planned here and executed by the cluster's executors,
//! which read the workspace's Parquet files by the same paths (so the workspace must be on
//! storage every executor sees). Only the grouped counts come back; the roll-ups and the
//! statistics stay in this process, in `equalis-stats`, exactly as for a local compute.

use ballista::prelude::SessionContextExt;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::prelude::SessionContext;

use crate::EngineError;

/// A session whose queries run on Ballista: on the scheduler at `scheduler` (`HOST:PORT`), or
/// on a scheduler and an executor started in this process (standalone, for tests and trials).
pub(crate) async fn session(scheduler: Option<&str>) -> Result<SessionContext, EngineError> {
    let state = SessionStateBuilder::new()
        .with_config(crate::session_config())
        .with_default_features()
        .build();
    match scheduler {
        Some(address) => {
            let url = if address.contains("://") {
                address.to_owned()
            } else {
                format!("df://{address}")
            };
            SessionContext::remote_with_state(&url, state)
                .await
                .map_err(|e| {
                    EngineError::engine(
                        format!("connecting to the Ballista scheduler at `{address}` (hint: start one with `ballista-scheduler`, see docs/SCALE.md)"),
                        e,
                    )
                })
        }
        None => SessionContext::standalone_with_state(state)
            .await
            .map_err(|e| {
                EngineError::engine("starting a standalone Ballista scheduler and executor", e)
            }),
    }
}
