//! `equalis workforce wres|wdes|pay-gap|dashboard`: the workforce equality returns of one
//! organisation (`--org`) or the whole ICS, at a 31 March snapshot, as a text table, CSV,
//! JSON or an Excel workbook. The returns are built by `equalis_app::workforce`; this module
//! turns the flags into its options and writes the format asked for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use equalis_app::workforce::{self, By, ReturnKind, View, WorkforceOptions};

/// Arguments of `equalis workforce`.
#[derive(Debug, clap::Args)]
pub struct WorkforceArgs {
    #[command(subcommand)]
    command: WorkforceCommand,
}

#[derive(Debug, clap::Subcommand)]
enum WorkforceCommand {
    /// Workforce Race Equality Standard, indicators 1-9
    Wres(Common),
    /// Workforce Disability Equality Standard, metrics 1-10
    Wdes(Common),
    /// Pay gap by sex (statutory), ethnicity or disability
    PayGap(PayGapArgs),
    /// Quarterly workforce dashboard, representativeness and parity targets
    Dashboard(DashboardArgs),
}

#[derive(Debug, clap::Args)]
struct Common {
    /// Workspace directory
    #[arg(long)]
    workspace: PathBuf,
    /// One organisation (ODS code); the whole ICS when absent
    #[arg(long)]
    org: Option<String>,
    /// Reporting year: the 31 March snapshot of that year
    #[arg(long, conflicts_with = "snapshot")]
    year: Option<i16>,
    /// Snapshot date (YYYY-MM-DD); the latest 31 March in the staff data when absent
    #[arg(long)]
    snapshot: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: OutFormat,
    /// Output file (standard output when absent; required for xlsx)
    #[arg(long)]
    out: Option<PathBuf>,
    /// Which figures: `published` (safe to publish: small counts withheld, other counts
    /// rounded to 5) or `return` (exact counts and rates, for submission to NHS England and
    /// the organisation's own use; not for publication)
    #[arg(long, value_enum, default_value = "published")]
    view: ViewArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutFormat {
    Table,
    Csv,
    Json,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ByArg {
    Sex,
    Ethnicity,
    Disability,
}

#[derive(Debug, clap::Args)]
struct PayGapArgs {
    #[command(flatten)]
    common: Common,
    /// Which pay gap
    #[arg(long, value_enum, default_value = "sex")]
    by: ByArg,
}

#[derive(Debug, clap::Args)]
struct DashboardArgs {
    #[command(flatten)]
    common: Common,
    /// ICB (ODS code like QK1, or E54…) whose local authorities are the local population
    #[arg(long)]
    ics: Option<String>,
}

/// `--view`: the views of [`View`], named for the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ViewArg {
    /// Safe to publish: the NHS Digital 2018 rules, with the pay gap measures of SI 2017/353
    /// exact and the board rows of WRES 9 and WDES 10 as NHS England publishes them.
    Published,
    /// The return as submitted to NHS England and used inside the organisation: exact counts
    /// and rates, counts of 1 to 7 included. Not for publication.
    Return,
}

impl From<ViewArg> for View {
    fn from(v: ViewArg) -> View {
        match v {
            ViewArg::Published => View::Published,
            ViewArg::Return => View::Return,
        }
    }
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> By {
        match b {
            ByArg::Sex => By::Sex,
            ByArg::Ethnicity => By::Ethnicity,
            ByArg::Disability => By::Disability,
        }
    }
}

/// Runs `equalis workforce`.
pub fn run(args: WorkforceArgs) -> anyhow::Result<ExitCode> {
    let (common, kind, ics) = match &args.command {
        WorkforceCommand::Wres(c) => (c, ReturnKind::Wres, None),
        WorkforceCommand::Wdes(c) => (c, ReturnKind::Wdes, None),
        WorkforceCommand::PayGap(p) => (&p.common, ReturnKind::PayGap(p.by.into()), None),
        WorkforceCommand::Dashboard(d) => (&d.common, ReturnKind::Dashboard, d.ics.clone()),
    };
    if common.format == OutFormat::Xlsx && common.out.is_none() {
        bail!("--format xlsx writes a workbook: give its path with --out FILE");
    }
    let ws = crate::cmd::open_workspace(&common.workspace)
        .with_context(|| format!("opening workspace {}", common.workspace.display()))?;
    let view = View::from(common.view);
    let opts = WorkforceOptions {
        org: common.org.clone(),
        year: common.year,
        snapshot: common.snapshot.clone(),
        view,
        ics,
    };
    if view == View::Return {
        eprintln!(
            "equalis: the return view gives exact counts, including counts of 1 to 7: it is for \
             submission to NHS England and the organisation's own use, not for publication"
        );
    }
    let doc = workforce::build(&ws, kind, &opts)?;
    let out = common.out.as_deref();
    match common.format {
        OutFormat::Table => emit(out, doc.report.table().as_bytes())?,
        OutFormat::Csv => emit(out, &doc.report.csv()?)?,
        OutFormat::Json => {
            let mut s = serde_json::to_string_pretty(&doc.json)?;
            s.push('\n');
            emit(out, s.as_bytes())?;
        }
        OutFormat::Xlsx => {
            let path = out.ok_or_else(|| anyhow!("--format xlsx needs --out FILE"))?;
            doc.report.xlsx(path)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes text or bytes to `--out` or standard output.
fn emit(out: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display())),
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes)?;
            o.flush()?;
            Ok(())
        }
    }
}
