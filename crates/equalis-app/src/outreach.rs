//! The outreach cohort, re-identification and the GP registration gap, as `compute` stored
//! them in the results.
//!
//! The cohort is an operational list for the ICB's own outreach team, in pseudonyms only (not
//! a published statistic; its counts are per household). [`reidentify`] is the one way back
//! from pseudonyms to NHS numbers: only the key holder may run it, with their original
//! extract, and every run, refused or not, is recorded in `WORKSPACE/audit.log` (never with an
//! NHS number). The registration gap is the ranked LSOA table through disclosure control.

use crate::error::{invalid, not_found};
use std::collections::{BTreeSet, HashMap};
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use arrow_array::{
    Array, BooleanArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use equalis_disclosure::{Cell, Publishable};
use equalis_results::{ResultsError, View, publish_shortfall, read_table_named};
use equalis_workspace::Workspace;

use crate::output::{Table, number, show};

/// The compute step that writes the outreach cohort, as the results' metadata names it when
/// it was skipped (`equalis_engine::OUTREACH`; the binary's tests hold the two equal).
pub const OUTREACH_STEP: &str = "outreach cohort";
/// The compute step of the registration gap (`equalis_engine::registration::ID`).
pub const REGISTRATION_GAP_STEP: &str = "gp_registration_gap";

// ---- reading results tables ---------------------------------------------------------

fn read(workspace: &Path, name: &str) -> anyhow::Result<Vec<RecordBatch>> {
    match read_table_named(workspace, name) {
        Ok((_, batches)) => Ok(batches),
        Err(ResultsError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            // Not computed from this workspace's data: say what it needs.
            let step = match name {
                "outreach" => OUTREACH_STEP,
                "registration_gap" => REGISTRATION_GAP_STEP,
                other => other,
            };
            if let Ok(meta) = equalis_results::read_metadata(workspace)
                && let Some(why) = meta.skipped.get(step)
            {
                return Err(not_found!(
                    "the {} was not computed from this workspace's data: it {why}\n\nhint: then run `equalis compute --workspace {}` again",
                    step.replace('_', " "),
                    workspace.display()
                ));
            }
            Err(not_found!(
                "the results in `{}` have no `{name}` table (computed by an older equalis)\n\nhint: run `equalis compute --workspace {}`",
                workspace.display(),
                workspace.display()
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Typed columns of a results table, with errors naming the column.
fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> anyhow::Result<&'a T> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .with_context(|| format!("results table column `{name}` is missing or of the wrong type"))
}

fn int(a: &Int64Array, i: usize) -> Option<i64> {
    a.is_valid(i).then(|| a.value(i))
}

fn float(a: &Float64Array, i: usize) -> Option<f64> {
    a.is_valid(i).then(|| a.value(i))
}

/// Creates a new file readable by its owner only.
pub fn create_private(path: &Path, overwrite: bool) -> crate::Result<std::fs::File> {
    create_private_any(path, overwrite).map_err(crate::Error::from)
}
fn create_private_any(path: &Path, overwrite: bool) -> anyhow::Result<std::fs::File> {
    let mut o = OpenOptions::new();
    o.write(true).mode(0o600);
    if overwrite {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    let file = o
        .open(path)
        .with_context(|| format!("creating `{}`", path.display()))?;
    // An existing file keeps its old mode when truncated; make sure it is private.
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("setting the mode of `{}`", path.display()))?;
    Ok(file)
}

// ---- outreach ----------------------------------------------------------------------------

/// One household of the cohort, as stored.
pub struct Member {
    pub rank: i64,
    pub household_id: String,
    pub members: i64,
    pub score: f64,
    pub reasons: String,
    pub core20: bool,
    pub plus_members: i64,
    pub register_conditions: i64,
    pub emergency_admissions: i64,
    pub long_waiters: i64,
}

/// The stored outreach cohort by rank, the first `top` households when given.
pub fn cohort(workspace: &Path, top: Option<usize>) -> crate::Result<Vec<Member>> {
    cohort_any(workspace, top).map_err(crate::Error::from)
}
fn cohort_any(workspace: &Path, top: Option<usize>) -> anyhow::Result<Vec<Member>> {
    let mut out = Vec::new();
    for b in read(workspace, "outreach")? {
        let rank = col::<Int64Array>(&b, "rank")?;
        let id = col::<StringArray>(&b, "household_id")?;
        let members = col::<Int64Array>(&b, "members")?;
        let score = col::<Float64Array>(&b, "score")?;
        let reasons = col::<StringArray>(&b, "reasons")?;
        let core20 = col::<BooleanArray>(&b, "core20")?;
        let plus = col::<Int64Array>(&b, "plus_members")?;
        let registers = col::<Int64Array>(&b, "register_conditions")?;
        let emergency = col::<Int64Array>(&b, "emergency_admissions")?;
        let waits = col::<Int64Array>(&b, "long_waiters")?;
        for i in 0..b.num_rows() {
            out.push(Member {
                rank: rank.value(i),
                household_id: id.value(i).to_owned(),
                members: members.value(i),
                score: score.value(i),
                reasons: reasons.value(i).to_owned(),
                core20: core20.value(i),
                plus_members: plus.value(i),
                register_conditions: registers.value(i),
                emergency_admissions: emergency.value(i),
                long_waiters: waits.value(i),
            });
        }
    }
    out.sort_by_key(|m| m.rank);
    if let Some(n) = top {
        out.truncate(n);
    }
    Ok(out)
}

/// The columns of the cohort listing.
const OUTREACH_COLUMNS: [&str; 10] = [
    "rank",
    "household_id",
    "members",
    "score",
    "core20",
    "plus_members",
    "register_conditions",
    "emergency_admissions",
    "long_waiters",
    "reasons",
];

/// The cohort as a listing: pseudonyms and per-household counts.
pub fn cohort_table(cohort: &[Member]) -> Table {
    let rows: Vec<Vec<String>> = cohort
        .iter()
        .map(|m| {
            vec![
                m.rank.to_string(),
                m.household_id.clone(),
                m.members.to_string(),
                number(m.score),
                if m.core20 { "yes" } else { "no" }.to_owned(),
                m.plus_members.to_string(),
                m.register_conditions.to_string(),
                m.emergency_admissions.to_string(),
                m.long_waiters.to_string(),
                m.reasons.clone(),
            ]
        })
        .collect();
    let numeric = [
        true, false, true, true, false, true, true, true, true, false,
    ];
    Table {
        columns: OUTREACH_COLUMNS.map(str::to_owned).to_vec(),
        numeric: numeric.to_vec(),
        rows,
    }
}

// ---- reidentify --------------------------------------------------------------------------

/// What a re-identification is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReidentifyOptions {
    /// The workspace directory, where `audit.log` is.
    pub workspace: PathBuf,
    /// The original extract as ingested (CSV with `nhs_number` and `household_id`).
    pub source: PathBuf,
    /// The dataset the extract is (only `population`).
    pub dataset: String,
    /// The caller confirmed that they hold the pseudonymisation key and may see NHS numbers.
    pub i_am_the_key_holder: bool,
    /// Only the first N households of the cohort.
    pub top: Option<usize>,
    /// Where to write the NHS numbers (created with mode 0600; must not exist yet and must be
    /// outside the workspace).
    pub out: PathBuf,
}

/// What a re-identification wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reidentified {
    /// People written.
    pub people: usize,
    /// Households of the cohort found in the extract.
    pub households: usize,
    /// Households in the cohort.
    pub cohort: usize,
    /// Rows of the extract without a valid NHS number (skipped, as ingest rejected them).
    pub invalid: usize,
    /// The audit log that records the run.
    pub log: PathBuf,
}

/// A second record of every re-identification, besides `WORKSPACE/audit.log`: the command
/// line gives the web application's store, so that its audit log (`/admin/audit`, `equalis
/// audit verify`) shows who re-identified whom. Each step is recorded in the file first, then
/// here; a step that cannot be recorded here stops the re-identification as one the file
/// cannot record does.
pub trait Recorder {
    /// Records one step: `outcome` is `refused: …`, `writing`, `written` or `failed`, and
    /// `entry` the line written to `audit.log` (what was asked, how many households and
    /// people; never an NHS number). The error says why it could not be recorded.
    fn record(&self, outcome: &str, entry: &serde_json::Value) -> Result<(), String>;
}

/// The store's audit log as a [`Recorder`] (the second record of a re-identification, after
/// `audit.log`), on a runtime of its own: the store's connections belong to the runtime that
/// opened them, and a re-identification is blocking work.
pub struct StoreRecorder {
    rt: tokio::runtime::Runtime,
    store: equalis_store::Store,
    actor: equalis_store::Actor,
}

impl StoreRecorder {
    /// Records as `actor` into `store`, which was opened on `rt`.
    pub fn new(
        rt: tokio::runtime::Runtime,
        store: equalis_store::Store,
        actor: equalis_store::Actor,
    ) -> StoreRecorder {
        StoreRecorder { rt, store, actor }
    }
}

impl Recorder for StoreRecorder {
    fn record(&self, outcome: &str, entry: &serde_json::Value) -> Result<(), String> {
        // The action says what happened, so the audit page can be read at a glance.
        let action = match outcome {
            "written" => "outreach.reidentified",
            "writing" => "outreach.reidentify_started",
            "failed" => "outreach.reidentify_failed",
            _ => "outreach.reidentify_refused",
        };
        let subject = entry["out"].as_str().unwrap_or_default();
        self.rt
            .block_on(
                self.store
                    .record(&self.actor, action, subject, entry.clone()),
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

impl Drop for StoreRecorder {
    fn drop(&mut self) {
        // SQLite checkpoints its write-ahead log when closed cleanly.
        self.rt.block_on(self.store.close());
    }
}

/// One line of `audit.log`.
struct Audit<'a> {
    args: &'a ReidentifyOptions,
    /// Where each line is recorded too.
    recorder: Option<&'a dyn Recorder>,
    households: usize,
    people: usize,
    /// Lines written by this run, for the fault injection of the tests.
    lines: std::cell::Cell<u32>,
}

impl Audit<'_> {
    /// Appends the line (JSON), synced to disk, and returns its path. An audit that cannot be
    /// written stops the command: a re-identification must never go unrecorded.
    fn write(&self, outcome: &str) -> anyhow::Result<PathBuf> {
        let path = self.args.workspace.join("audit.log");
        let line = serde_json::json!({
            "at": jiff::Timestamp::now().to_string(),
            "command": "reidentify",
            "user": std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
            "outcome": outcome,
            "dataset": self.args.dataset,
            "source": self.args.source.display().to_string(),
            "top": self.args.top,
            "households": self.households,
            "people": self.people,
            "out": self.args.out.display().to_string(),
        });
        self.lines.set(self.lines.get() + 1);
        // Fault injection for the tests: the Nth line of this run fails as a full disk would.
        let fail_at: Option<u32> = std::env::var("EQUALIS_FAULT_AUDIT_FAIL_AT")
            .ok()
            .and_then(|v| v.parse().ok());
        let written = if fail_at == Some(self.lines.get()) {
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
        } else {
            OpenOptions::new()
                .append(true)
                .create(true)
                .mode(0o600)
                .open(&path)
                .and_then(|mut file| {
                    writeln!(file, "{line}")?;
                    file.sync_all()
                })
        };
        written.with_context(|| format!("writing the audit log `{}`", path.display()))?;
        if let Some(r) = self.recorder {
            r.record(outcome, &line).map_err(|e| {
                anyhow::anyhow!("recording the re-identification in the store's audit log: {e}")
            })?;
        }
        Ok(path)
    }
}

/// Re-identifies the cohort of `ws` from the key holder's extract into `args.out`.
///
/// The order keeps every NHS number written on the record: the cohort is matched in memory,
/// the audit line saying what is about to be written is appended and synced, only then is
/// the file created; and if the closing line cannot be written the file is removed again.
pub fn reidentify(ws: &Workspace, args: &ReidentifyOptions) -> crate::Result<Reidentified> {
    reidentify_any(ws, args, None).map_err(crate::Error::from)
}

/// [`reidentify`], recording each step with `recorder` too (after `audit.log`): a step it
/// cannot record stops the re-identification, and removes a file of NHS numbers that could
/// not be recorded as written.
pub fn reidentify_recorded(
    ws: &Workspace,
    args: &ReidentifyOptions,
    recorder: &dyn Recorder,
) -> crate::Result<Reidentified> {
    reidentify_any(ws, args, Some(recorder)).map_err(crate::Error::from)
}

fn reidentify_any(
    ws: &Workspace,
    args: &ReidentifyOptions,
    recorder: Option<&dyn Recorder>,
) -> anyhow::Result<Reidentified> {
    let mut audit = Audit {
        args,
        recorder,
        households: 0,
        people: 0,
        lines: std::cell::Cell::new(0),
    };
    let refuse = |audit: &Audit<'_>, outcome: &str, why: &str| -> anyhow::Result<Reidentified> {
        let log = audit.write(&format!("refused: {outcome}"))?;
        Err(invalid!(
            "{why}\n\n(this refusal is recorded in `{}`)",
            log.display()
        ))
    };
    if !args.i_am_the_key_holder {
        return refuse(
            &audit,
            "no --i-am-the-key-holder",
            "refused: re-identification turns pseudonyms back into NHS numbers and is for the key holder only\n\nhint: if you hold the workspace key and may see NHS numbers, add --i-am-the-key-holder",
        );
    }
    if args.dataset != "population" {
        return refuse(
            &audit,
            "dataset is not population",
            &format!(
                "refused: the cohort is re-identified from the `population` extract, not `{}`\n\nhint: --dataset population",
                args.dataset
            ),
        );
    }
    // The workspace holds no NHS number (a tested invariant of ingest); keep it so.
    let root = std::fs::canonicalize(ws.root()).unwrap_or_else(|_| ws.root().to_path_buf());
    let out_parent = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(parent) = std::fs::canonicalize(out_parent)
        && parent.starts_with(&root)
    {
        return refuse(
            &audit,
            "--out is inside the workspace",
            "refused: --out is inside the workspace, which must never hold NHS numbers\n\nhint: write the file somewhere only the key holder can read",
        );
    }
    if std::fs::symlink_metadata(&args.out).is_ok() {
        return refuse(
            &audit,
            "--out already exists",
            &format!(
                "refused: `{}` already exists; re-identified files are never overwritten\n\nhint: give a new file name with --out",
                args.out.display()
            ),
        );
    }
    let matched = match match_cohort(ws, args) {
        Ok(m) => m,
        Err(e) => {
            let log = audit.write("failed")?;
            return Err(e.context(format!("(this failure is recorded in `{}`)", log.display())));
        }
    };
    audit.households = matched.households;
    audit.people = matched.found.len();
    // On the record before a single number is written.
    audit.write("writing")?;
    if let Err(e) = write_numbers(&args.out, &matched.found) {
        let log = audit.write("failed")?;
        return Err(e.context(format!("(this failure is recorded in `{}`)", log.display())));
    }
    if let Err(e) = audit.write("written") {
        // An unrecorded file of NHS numbers must not stand.
        let removed = match std::fs::remove_file(&args.out) {
            Ok(()) => format!("`{}` was removed", args.out.display()),
            Err(r) => format!(
                "`{}` could NOT be removed ({r}): delete it yourself",
                args.out.display()
            ),
        };
        return Err(e.context(format!(
            "the re-identification could not be recorded as finished, so {removed}"
        )));
    }
    Ok(Reidentified {
        people: matched.found.len(),
        households: matched.households,
        cohort: matched.cohort,
        invalid: matched.invalid,
        log: args.workspace.join("audit.log"),
    })
}

/// The cohort's people found in the key holder's extract, in memory.
struct Matched {
    /// (rank, household pseudonym, NHS number as written in the extract), by rank.
    found: Vec<(i64, String, String)>,
    /// Households of the cohort found.
    households: usize,
    /// Households in the cohort.
    cohort: usize,
    /// Rows of the extract without a valid NHS number.
    invalid: usize,
}

/// Matches the extract to the cohort by re-pseudonymising it with the workspace key.
fn match_cohort(ws: &Workspace, args: &ReidentifyOptions) -> anyhow::Result<Matched> {
    let cohort = cohort(ws.root(), args.top)?;
    let ranks: HashMap<&str, i64> = cohort
        .iter()
        .map(|m| (m.household_id.as_str(), m.rank))
        .collect();
    let pseudonyms = equalis_ingest::Repseudonymiser::open(ws)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(&args.source)
        .with_context(|| format!("opening `{}`", args.source.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of `{}`", args.source.display()))?
        .clone();
    let find = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let Some(nhs_col) = find("nhs_number") else {
        return Err(invalid!(
            "`{}` has no `nhs_number` column: re-identification needs the NHS numbers as ingested (CSV)",
            args.source.display()
        ));
    };
    let household_col = find("household_id");
    let mut found: Vec<(i64, String, String)> = Vec::new();
    let mut invalid = 0usize;
    for record in reader.records() {
        let record = record.with_context(|| format!("reading `{}`", args.source.display()))?;
        let text = record.get(nhs_col).unwrap_or("").trim();
        // A row ingest rejected is not in the workspace; its number is never echoed.
        let Ok(person) = pseudonyms.nhs_number(text) else {
            invalid += 1;
            continue;
        };
        let household = household_col
            .and_then(|c| record.get(c))
            .and_then(|h| pseudonyms.household(h))
            .unwrap_or_else(|| format!("person:{person}"));
        if let Some(&rank) = ranks.get(household.as_str()) {
            found.push((rank, household, text.to_owned()));
        }
    }
    // Stable: members of a household stay in extract order.
    found.sort_by_key(|(rank, _, _)| *rank);
    let households = found
        .iter()
        .map(|(_, h, _)| h.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    Ok(Matched {
        found,
        households,
        cohort: cohort.len(),
        invalid,
    })
}

/// Writes the NHS numbers to a new owner-only file, synced; a file it could not finish is
/// removed (it never overwrites: the file must not exist).
fn write_numbers(out: &Path, found: &[(i64, String, String)]) -> anyhow::Result<()> {
    let mut file = create_private(out, false).context(
        "the output file must not exist yet (re-identified files are never overwritten)",
    )?;
    let written = (|| -> anyhow::Result<()> {
        let mut w = csv::Writer::from_writer(&mut file);
        w.write_record(["rank", "household_id", "nhs_number"])?;
        for (rank, household, nhs) in found {
            w.write_record([rank.to_string().as_str(), household, nhs])?;
        }
        w.flush()?;
        drop(w);
        file.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(out);
        return Err(e.context(format!("writing `{}` (removed)", out.display())));
    }
    Ok(())
}

// ---- registration gap --------------------------------------------------------------------

const GAP_COLUMNS: [&str; 13] = [
    "rank",
    "lsoa21_code",
    "lsoa_name",
    "imd_decile",
    "local_authority",
    "ons_population",
    "registered",
    "unregistered",
    "rate",
    "lowercl",
    "uppercl",
    "census_not_white_pct",
    "note",
];

/// The registration gap by LSOA in rank order (the first `top` when given), every count
/// published.
pub fn registration_gap(workspace: &Path, top: Option<usize>) -> crate::Result<Table> {
    registration_gap_any(workspace, top).map_err(crate::Error::from)
}
fn registration_gap_any(workspace: &Path, top: Option<usize>) -> anyhow::Result<Table> {
    let mut rows: Vec<(i64, Vec<String>)> = Vec::new();
    for b in read(workspace, "registration_gap")? {
        let rank = col::<Int64Array>(&b, "rank")?;
        let code = col::<StringArray>(&b, "lsoa21_code")?;
        let name = col::<StringArray>(&b, "lsoa_name")?;
        let decile = col::<Int32Array>(&b, "imd_decile")?;
        let la = col::<StringArray>(&b, "local_authority")?;
        let ons = col::<Int64Array>(&b, "ons_population")?;
        let registered = col::<Int64Array>(&b, "registered")?;
        let share = col::<Float64Array>(&b, "census_not_white_pct")?;
        let note = col::<StringArray>(&b, "note")?;
        for i in 0..b.num_rows() {
            let as_f = |x: Option<i64>| x.map(|v| v as f64);
            // Every count passes the small-number rule (the three are linked: one small one
            // withholds all), and the rate and its limits are computed from the published
            // estimate and count, so no digit of them gives an exact count away (the stored
            // rate and limits, from exact counts, are not read here).
            let published = publish_shortfall(
                &View::Published,
                as_f(int(ons, i)),
                as_f(int(registered, i)),
            );
            let note = if published.withheld {
                "withheld: a count from 1 to 7 (NHS Digital small-number rule)".to_owned()
            } else if note.is_valid(i) {
                note.value(i).to_owned()
            } else {
                String::new()
            };
            let round1 = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.1}"));
            rows.push((
                rank.value(i),
                vec![
                    rank.value(i).to_string(),
                    code.value(i).to_owned(),
                    name.value(i).to_owned(),
                    if decile.is_valid(i) {
                        decile.value(i).to_string()
                    } else {
                        String::new()
                    },
                    la.value(i).to_owned(),
                    show(&published.estimate),
                    show(&published.counted),
                    show(&published.missing),
                    round_shown(&published.value),
                    round_shown(&published.lowercl),
                    round_shown(&published.uppercl),
                    // Census shares are published ONS figures.
                    round1(float(share, i)),
                    note,
                ],
            ));
        }
    }
    rows.sort_by_key(|(r, _)| *r);
    let mut rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
    if let Some(n) = top {
        rows.truncate(n);
    }
    let numeric = [
        true, false, false, true, false, true, true, true, true, true, true, true, false,
    ];
    Ok(Table {
        columns: GAP_COLUMNS.map(str::to_owned).to_vec(),
        numeric: numeric.to_vec(),
        rows,
    })
}

/// A rate or limit to one decimal place (the limits of a few hundred people are not more
/// precise than that).
fn round_shown(c: &Publishable<Cell>) -> String {
    match c.get() {
        Cell::Value(v) | Cell::Percentage(v) => format!("{v:.1}"),
        _ => show(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Records outcomes, failing from the `fail_at`th on.
    struct Steps {
        seen: RefCell<Vec<(String, serde_json::Value)>>,
        fail_at: Option<usize>,
    }

    impl Recorder for Steps {
        fn record(&self, outcome: &str, entry: &serde_json::Value) -> Result<(), String> {
            let mut seen = self.seen.borrow_mut();
            if self.fail_at.is_some_and(|n| seen.len() + 1 >= n) {
                return Err("the store is unreachable".to_owned());
            }
            seen.push((outcome.to_owned(), entry.clone()));
            Ok(())
        }
    }

    fn options(ws: &Path, key_holder: bool) -> ReidentifyOptions {
        ReidentifyOptions {
            workspace: ws.to_path_buf(),
            source: ws.join("population.csv"),
            dataset: "population".to_owned(),
            i_am_the_key_holder: key_holder,
            top: None,
            out: ws.parent().expect("parent").join("numbers.csv"),
        }
    }

    #[test]
    fn a_refusal_is_recorded_in_the_file_and_by_the_recorder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("ws");
        let ws = Workspace::init(&dir).expect("workspace");
        let steps = Steps {
            seen: RefCell::new(Vec::new()),
            fail_at: None,
        };
        let e = reidentify_recorded(&ws, &options(&dir, false), &steps).expect_err("refused");
        assert!(e.to_string().contains("key holder"), "{e}");
        let seen = steps.seen.borrow();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0, "refused: no --i-am-the-key-holder");
        // The same line as the file's.
        let file = std::fs::read_to_string(dir.join("audit.log")).expect("audit.log");
        let line: serde_json::Value = serde_json::from_str(file.trim()).expect("JSON");
        assert_eq!(line, seen[0].1);
        assert_eq!(seen[0].1["outcome"], "refused: no --i-am-the-key-holder");
    }

    #[test]
    fn a_step_the_recorder_cannot_record_stops_the_run_saying_so() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("ws");
        let ws = Workspace::init(&dir).expect("workspace");
        let steps = Steps {
            seen: RefCell::new(Vec::new()),
            fail_at: Some(1),
        };
        // Asked by the key holder, but the source is missing: a failure, which must be
        // recorded; the recorder refuses, and the error says the store could not record it.
        let e = reidentify_recorded(&ws, &options(&dir, true), &steps).expect_err("stopped");
        let text = format!("{e:?} {}", e.message);
        assert!(
            text.contains("store's audit log") && text.contains("unreachable"),
            "{text}"
        );
        assert!(!dir.parent().expect("parent").join("numbers.csv").exists());
    }
}
