//! The tables indicator SQL sees: the committed dataset versions, registered with DataFusion
//! as `*_raw`, and views that attach each person's attributes (deprivation, ethnicity, age,
//! sex, PLUS flags, practice and PCN) from `population` to every row of `events`,
//! `admissions` and `waiting_list`, so that every indicator can be broken down the same way.
//!
//! `events` and `admissions` are read by many scans of a compute (each subquery of a
//! vaccination or blood-pressure indicator, for every period that cannot share a scan). Their
//! join to `population` is therefore done **once per compute** and written to a scratch Parquet
//! file in the workspace ([`Scratch`]), which the `events` and `admissions` tables then are: a
//! scan reads only the columns it uses and no longer builds a hash table of the whole
//! population (issue 17; the figures are in `docs/BENCHMARKS.md`). The waiting list, read by two
//! scans, keeps a view.
//!
//! Every dataset is optional. Without `population`, an empty table of its stored schema stands
//! in for it, so the views keep their columns: a waiting-list row's own demographics (the data
//! contract lets an extract carry them) are used as they are, and what only `population` has
//! (practice, PCN, PLUS flags) is unrecorded; indicators that read `population` itself are
//! skipped with that reason.

use std::collections::BTreeMap;
use std::path::Path;

use std::sync::Arc;

use datafusion::common::config::TableParquetOptions;
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::SessionContext;
use equalis_results::DatasetRef;
use equalis_workspace::Workspace;

use crate::EngineError;

/// The datasets the engine reads.
pub const DATASETS: [&str; 4] = ["population", "waiting_list", "admissions", "events"];

/// Person attributes taken from `population`, as `p.<column>`: these, then the person flag
/// columns (inclusion groups and registers) as the vocabulary lists them, then `extract_date`.
const PERSON: &[&str] = &[
    "household_id",
    "age",
    "age_band",
    "sex",
    "ethnic_category",
    "ethnic_group",
    "lsoa_code",
    "lsoa21_code",
    "imd_decile",
    "imd_quintile",
    "imd_edition",
    "core20",
    "la_code",
    "local_authority",
    "sub_icb_code",
    "place",
    "gp_practice_code",
    "pcn_code",
    "registration_date",
];

/// Every person attribute the views attach, in order.
fn person_columns() -> impl Iterator<Item = &'static str> {
    PERSON
        .iter()
        .copied()
        .chain(equalis_vocab::person_flag_columns())
        .chain(["extract_date"])
}

/// Attributes a waiting-list row may carry itself; the person's are used when it does not.
const WL_OWN: &[&str] = &[
    "age",
    "age_band",
    "sex",
    "ethnic_category",
    "ethnic_group",
    "lsoa_code",
    "lsoa21_code",
    "imd_decile",
    "imd_quintile",
    "imd_edition",
    "core20",
    "la_code",
    "local_authority",
    "sub_icb_code",
    "place",
    "learning_disability",
];

/// The tables an indicator's SQL may read.
pub const TABLES_READ: [&str; 4] = ["population", "events", "admissions", "waiting_list"];

/// A compute's scratch directory in the workspace (`.compute-pidNNN`; the letters keep the
/// digits of a process id from reading as an NHS number in messages): the joined `events` and
/// `admissions`, and DataFusion's spill files. Removed when the compute ends, however it ends.
#[derive(Debug)]
pub struct Scratch {
    dir: std::path::PathBuf,
}

impl Scratch {
    /// Creates the directory (and any parent missing).
    pub fn create(ws: &Path) -> Result<Scratch, EngineError> {
        let dir = ws.join(format!(".compute-pid{}", std::process::id()));
        // A directory of this process's id is a leftover of an earlier process that had it.
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| EngineError::io("removing an old scratch directory", &dir, e))?;
        }
        std::fs::create_dir_all(&dir)
            .map_err(|e| EngineError::io("creating the scratch directory", &dir, e))?;
        Ok(Scratch { dir })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Nothing to report to: a directory left behind is swept by the next compute of a
        // process with the same id, and holds no results.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What was registered.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Dataset name → version and rows, for the datasets present.
    pub datasets: BTreeMap<String, DatasetRef>,
    /// The IoD edition of the population's deprivation fields.
    pub iod_edition: String,
    /// The share of the real population the data hold (the workspace's `population_scale`;
    /// 1 for real extracts): population estimates are scaled by it.
    pub population_scale: f64,
}

impl Loaded {
    /// Whether a dataset is loaded.
    pub fn has(&self, dataset: &str) -> bool {
        self.datasets.contains_key(dataset)
    }
}

/// A table of Parquet files, exactly those named.
async fn parquet_table(
    ctx: &SessionContext,
    paths: &[std::path::PathBuf],
    context: &(dyn Fn() -> String + Sync),
) -> Result<Arc<ListingTable>, EngineError> {
    let urls = paths
        .iter()
        .map(|p| ListingTableUrl::parse(p.to_string_lossy()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| EngineError::engine(context(), e))?;
    let listing =
        ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
    let config = ListingTableConfig::new_with_multi_paths(urls)
        .with_listing_options(listing)
        .infer_schema(&ctx.state())
        .await
        .map_err(|e| EngineError::engine(context(), e))?;
    Ok(Arc::new(
        ListingTable::try_new(config).map_err(|e| EngineError::engine(context(), e))?,
    ))
}

/// Replaces the view `name` by its rows, written once to `scratch`: later scans read the
/// joined rows instead of joining `population` again.
async fn materialise(ctx: &SessionContext, name: &str, scratch: &Path) -> Result<(), EngineError> {
    let context = || format!("joining `{name}` to `population` once for the compute");
    let path = scratch.join(format!("{name}.parquet"));
    let df = ctx
        .table(name)
        .await
        .map_err(|e| EngineError::engine(context(), e))?;
    // Uncompressed: the file lives for one compute, and the codecs are not all built in.
    let mut parquet = TableParquetOptions::default();
    parquet.global.compression = Some("uncompressed".into());
    df.write_parquet(
        &path.to_string_lossy(),
        DataFrameWriteOptions::new().with_single_file_output(true),
        Some(parquet),
    )
    .await
    .map_err(|e| EngineError::engine(context(), e))?;
    let table = parquet_table(ctx, &[path], &context).await?;
    ctx.deregister_table(name)
        .map_err(|e| EngineError::engine(context(), e))?;
    ctx.register_table(name, table)
        .map_err(|e| EngineError::engine(context(), e))?;
    Ok(())
}

/// Registers the current version of each dataset and the views over them; with `scratch`,
/// `events` and `admissions` are joined to `population` once, into it.
pub async fn register(
    ctx: &SessionContext,
    ws: &Workspace,
    scratch: Option<&Path>,
) -> Result<Loaded, EngineError> {
    let mut loaded = Loaded {
        iod_edition: ws.config().iod_edition.label().to_owned(),
        population_scale: ws.config().population_scale.unwrap_or(1.0),
        ..Loaded::default()
    };
    for name in DATASETS {
        let Some(version) = ws.current(name)? else {
            continue;
        };
        // Exactly the bytes that were committed: a part changed since (a swapped dictionary
        // value reads as another ethnic group) would otherwise give wrong figures quietly.
        version.verify_parts()?;
        // The manifest lists the version's parts (an appended version reuses earlier parts),
        // so the table is exactly those files, never a directory listing.
        let context = || {
            format!(
                "reading dataset `{name}` version {}",
                version.manifest.version
            )
        };
        let table = parquet_table(ctx, &version.part_paths(), &context).await?;
        ctx.register_table(format!("{name}_raw"), table)
            .map_err(|e| EngineError::engine(context(), e))?;
        loaded.datasets.insert(
            name.to_owned(),
            DatasetRef {
                version: version.manifest.version,
                rows: version.manifest.rows,
            },
        );
    }
    if !loaded.has("population") {
        // An empty stand-in with the stored schema: the joins below keep their columns and
        // find nobody, so a row's own attributes are used and the rest are unrecorded.
        let schema = equalis_ingest::stored_schema(equalis_ingest::Dataset::Population);
        let empty = MemTable::try_new(schema, vec![vec![]])
            .map_err(|e| EngineError::engine("standing in for `population`", e))?;
        ctx.register_table("population_raw", Arc::new(empty))
            .map_err(|e| EngineError::engine("standing in for `population`", e))?;
    }
    check_one_row_per_person(ctx, &loaded).await?;
    let person = |alias: &str| {
        person_columns()
            .map(|c| format!("{alias}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let views = [
        (
            "population",
            Some("population"),
            "SELECT *, pcn_code AS pcn FROM population_raw".to_owned(),
        ),
        (
            "events",
            Some("events"),
            format!(
                "SELECT e.person_id, e.event_date, e.event_type, e.value, {}, p.pcn_code AS pcn \
                 FROM events_raw e LEFT JOIN population_raw p ON e.person_id = p.person_id",
                person("p")
            ),
        ),
        (
            "admissions",
            Some("admissions"),
            // Ages are held at the population extract date; age at admission is that less the
            // whole years between, which can be a year out near a birthday.
            format!(
                "SELECT a.spell_id, a.person_id, a.admission_date, a.admission_method, \
                 a.admission_method_kind, a.primary_diagnosis, a.primary_procedure, \
                 a.provider_code, a.provider_code AS provider, {}, p.pcn_code AS pcn, \
                 p.age - CAST(floor((CAST(p.extract_date AS INT) - CAST(a.admission_date AS INT)) / 365.25) AS INT) AS age_at_admission \
                 FROM admissions_raw a LEFT JOIN population_raw p ON a.person_id = p.person_id",
                person("p")
            ),
        ),
        ("waiting_list", Some("waiting_list"), waiting_list_view()),
    ];
    for (view, needs, sql) in views {
        if needs.is_some_and(|d| !loaded.has(d)) {
            continue;
        }
        let df = ctx
            .sql(&sql)
            .await
            .map_err(|e| EngineError::engine(format!("building the `{view}` view"), e))?;
        ctx.register_table(view, df.into_view())
            .map_err(|e| EngineError::engine(format!("registering the `{view}` view"), e))?;
    }
    if let Some(scratch) = scratch {
        for name in ["events", "admissions"] {
            if loaded.has(name) {
                materialise(ctx, name, scratch).await?;
            }
        }
    }
    Ok(loaded)
}

/// The views join `population` to every event, admission and pathway by `person_id`: a
/// person on two rows would count each of their events twice. Ingest refuses such rows
/// (one row per person per version), but a version made before it did, or by `--append` of
/// the same extract twice, may hold them; nothing is computed from it. One aggregation over
/// the identifiers, a small part of a compute (`docs/BENCHMARKS.md`).
async fn check_one_row_per_person(
    ctx: &SessionContext,
    loaded: &Loaded,
) -> Result<(), EngineError> {
    use datafusion::arrow::array::{Array, Int64Array};
    let context = "checking that `population` has one row per person";
    let batches = ctx
        .sql(
            "SELECT count(*) AS people, sum(n) AS rows FROM \
             (SELECT count(*) AS n FROM population_raw GROUP BY person_id HAVING count(*) > 1)",
        )
        .await
        .map_err(|e| EngineError::engine(context, e))?
        .collect()
        .await
        .map_err(|e| EngineError::engine(context, e))?;
    let value = |col: usize| {
        batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .and_then(|b| b.column(col).as_any().downcast_ref::<Int64Array>().cloned())
            .filter(|a| a.is_valid(0))
            .map_or(0, |a| a.value(0))
    };
    let (people, rows) = (value(0), value(1));
    if people == 0 {
        return Ok(());
    }
    let version = loaded.datasets.get("population").map_or(0, |d| d.version);
    Err(EngineError::InvalidData(format!(
        "dataset `population` version {version} has {people} people on more than one row ({rows} rows between them): joined to events, admissions and the waiting list they would be counted more than once, so nothing was computed and the previous results are unchanged\n\nhint: ingest the population extract again without --append; equalis now rejects a second row for a person at ingest"
    )))
}

fn waiting_list_view() -> String {
    let own: Vec<String> = WL_OWN
        .iter()
        .map(|c| format!("coalesce(w.{c}, p.{c}) AS {c}"))
        .collect();
    let from_person: Vec<String> = person_columns()
        .filter(|c| !WL_OWN.contains(c))
        .map(|c| format!("p.{c}"))
        .collect();
    format!(
        "SELECT w.pathway_id, w.person_id, w.snapshot_date, w.provider_code, \
         w.provider_code AS provider, w.treatment_function_code, w.treatment_function, \
         w.priority, w.rtt_start_date, w.days_waited, w.weeks_waited, {}, {}, p.pcn_code AS pcn \
         FROM waiting_list_raw w LEFT JOIN population_raw p ON w.person_id = p.person_id",
        own.join(", "),
        from_person.join(", ")
    )
}

/// The date column that places a table's rows in a period (none for `population`).
pub fn date_column(table: &str) -> Option<&'static str> {
    match table {
        "events" => Some("event_date"),
        "admissions" => Some("admission_date"),
        "waiting_list" => Some("snapshot_date"),
        _ => None,
    }
}

/// Whether the workspace has the data a table needs: the table's own dataset (`population`
/// only for the `population` table; the other tables take people's attributes from it when it
/// is loaded, and from their own rows otherwise).
pub fn available(loaded: &Loaded, table: &str) -> bool {
    loaded.has(table)
}

/// The directory of a workspace's results, for messages.
pub fn results_dir(ws: &Path) -> std::path::PathBuf {
    ws.join("results")
}
