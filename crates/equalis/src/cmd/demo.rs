//! `equalis demo`: the main job on the built-in synthetic ICS, end to end.
//!
//! It generates the synthetic ICS, creates a workspace, ingests every dataset of the data
//! contract through the same door as real extracts, computes every indicator and the
//! waiting-list dashboard, writes the HTML report, seeds the store with one demo account per
//! role (printed with their passwords once), the example decisions and the engagement
//! project, and (unless `--no-serve`) serves the dashboards.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use equalis_ingest::{Dataset, Options};
use equalis_workspace::Workspace;

use crate::cmd::ingest::{run_ingest, thousands};

/// A file in a demo directory that marks it as made by `equalis demo`, so that a second
/// run may replace it without ever deleting a directory it did not create.
const MARKER: &str = ".equalis-demo";

/// Arguments of `equalis demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where to put the synthetic data (`synthetic/`) and the workspace (`workspace/`).
    #[arg(long, default_value = "equalis-demo")]
    pub dir: PathBuf,
    /// Do not start the web server at the end (for scripts).
    #[arg(long)]
    pub no_serve: bool,
    /// Where the web server listens at the end (loopback: sign-in works over plain HTTP).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// The ICB to synthesise (ODS code such as QK1, or ONS code E54…).
    #[arg(long, default_value = "QK1")]
    pub ics: String,
    /// Population scale: 1.0 is the ICB's real population.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Runs `equalis demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    prepare_dir(&args.dir)?;
    let synthetic = args.dir.join("synthetic");
    let started = Instant::now();

    eprintln!(
        "Generating the synthetic ICS {} at scale {} (seed {})…",
        args.ics, args.scale, args.seed
    );
    let config = equalis_synth::SynthConfig {
        icb: args.ics.clone(),
        scale: args.scale,
        seed: args.seed,
        out: synthetic.clone(),
        only: Vec::new(),
    };
    let summary = equalis_synth::generate(&config, &|_| {})?;
    eprintln!(
        "  {} people in {} ({:.1} s)",
        thousands(summary.people),
        summary.icb_name,
        started.elapsed().as_secs_f64()
    );

    let ws_dir = args.dir.join("workspace");
    let mut ws = Workspace::init(&ws_dir)?;
    // The organisations' names for the report, and the synthetic ICS's scale so that
    // population estimates (the GP registration gap) are compared like for like.
    let mut settings = ws.config().clone();
    settings.organisations = summary.organisations.iter().cloned().collect();
    settings.population_scale = (args.scale != 1.0).then_some(args.scale);
    ws.set_config(settings)?;
    let quiet = !std::io::stderr().is_terminal();
    println!("Loaded into workspace `{}`:", ws_dir.display());
    println!(
        "  {:20}  {:>12}  {:>12}  {:>9}",
        "dataset", "rows read", "accepted", "rejected"
    );
    let mut rejected_total = 0;
    for (dataset, _) in &summary.files {
        let Some(d) = Dataset::parse(dataset.name()) else {
            bail!(
                "the synthetic ICS wrote `{}`, which is not a contract dataset; this is a bug in equalis",
                dataset.name()
            );
        };
        let file = synthetic.join(format!("{}.csv", d.name()));
        let t = Instant::now();
        // A tiny synthetic ICS may have no rows of a small dataset (employee relations): that
        // is the data, not a wrong file, so an empty version is committed.
        let opts = Options {
            allow_empty: true,
            ..Options::default()
        };
        let report = run_ingest(&ws, d, &[file], &opts)
            .with_context(|| format!("ingesting the synthetic `{}`", d.name()))?;
        let (read, accepted, rejected) = report.files.iter().fold((0, 0, 0), |(r, a, j), f| {
            (r + f.read, a + f.accepted, j + f.rejected)
        });
        rejected_total += rejected;
        println!(
            "  {:20}  {:>12}  {:>12}  {:>9}{}",
            d.name(),
            thousands(read),
            thousands(accepted),
            thousands(rejected),
            if quiet {
                String::new()
            } else {
                format!("   ({:.1} s)", t.elapsed().as_secs_f64())
            }
        );
    }
    if rejected_total > 0 {
        bail!(
            "{rejected_total} synthetic rows were rejected; this is a bug in equalis (see `{}`)",
            ws.rejects_dir().display()
        );
    }
    let t = Instant::now();
    let computed =
        crate::cmd::compute::compute(&ws_dir, &equalis_engine::ComputeOptions::default())
            .context("computing the indicators of the synthetic ICS")?;
    println!(
        "Computed {} indicators and dashboards: {} result rows{}",
        computed
            .steps
            .iter()
            .filter(|s| s.skipped.is_none())
            .count(),
        thousands(computed.rows as u64),
        if quiet {
            String::new()
        } else {
            format!(" ({:.1} s)", t.elapsed().as_secs_f64())
        }
    );
    import_directory(&ws_dir, &synthetic, &args)?;
    let report_dir = args.dir.join("report");
    let title = format!("Health inequalities in {}", summary.icb_name);
    let written = crate::cmd::report::report(
        &ws_dir,
        &report_dir,
        &title,
        None,
        Some(equalis_synth::PANEL_SIZE as u32),
    )?;
    println!(
        "Wrote the report: {} pages, {} charts: {}",
        written.pages,
        written.charts,
        report_dir.join("index.html").display()
    );
    seed_store(&ws_dir, &args, &summary.icb_name)?;
    eprintln!("Done in {:.1} s.", started.elapsed().as_secs_f64());
    let ws = ws_dir.display();
    let syn = synthetic.display();
    // The commands as they can be typed here: `equalis` when it is on the PATH, else the
    // binary's own path (after `cargo run`, it is under target/).
    let (bin, on_path) = program();
    eprintln!("Try next:");
    eprintln!("  {bin} status --workspace {ws}");
    eprintln!(
        "  {bin} results --workspace {ws} --indicator smi_health_check --breakdown imd_quintile"
    );
    eprintln!(
        "  {bin} results --workspace {ws} --indicator wl_gap_core20_over_18_weeks --breakdown provider --period latest"
    );
    eprintln!("  {bin} workforce wres --workspace {ws} --org RWE");
    eprintln!("  {bin} workforce pay-gap --workspace {ws} --by sex");
    eprintln!(
        "  {bin} panel select --volunteers {syn}/volunteers.csv --quotas {syn}/quotas.csv --size {} --seed 1",
        equalis_synth::PANEL_SIZE
    );
    if !on_path {
        eprintln!(
            "To type `equalis` instead of the path: `cargo install --path crates/equalis` (from the source directory)."
        );
    }
    eprintln!(
        "The inequalities planted in the synthetic data, with their sizes: {syn}/planted_effects.json"
    );
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    crate::cmd::serve::serve_workspace(&ws_dir, args.addr, None)
}

/// Seeds the demo's accounts, example decisions, engagement project, equality objectives and
/// EDS 2022 into the workspace's store (`equalis_app::demo::seed`, the same step whether the
/// demo then serves or not, so a later `equalis serve` shows them too), and prints the
/// accounts with their passwords (this once) and where to find the rest.
fn seed_store(ws_dir: &Path, args: &DemoArgs, icb_name: &str) -> anyhow::Result<()> {
    // The objectives' measures follow figures the workspace publishes, read before the
    // store's runtime starts (the returns are built by the query engine).
    let ws = Workspace::open(ws_dir)?;
    let plan = equalis_app::assurance_demo::plan(Some(&ws), icb_name)?;
    let voices: Option<Vec<_>> =
        equalis_synth::engage::participants(&args.ics, args.seed).map(|voices| {
            voices
                .into_iter()
                .map(|v| (v.nickname, v.answers))
                .collect()
        });
    let store = crate::cmd::store::StoreArgs {
        workspace: Some(ws_dir.to_path_buf()),
        database: None,
    };
    let seeded = crate::cmd::store::block_on(async {
        let store = store.open().await?;
        let seeded = equalis_app::demo::seed(&store, &args.ics, voices.as_deref(), &plan).await;
        store.close().await;
        anyhow::Ok(seeded?)
    })??;
    let addr = args.addr;
    if args.no_serve {
        let (bin, _) = program();
        println!(
            "Serve the dashboards with `{bin} serve --workspace {} --addr {addr}`, then open http://{addr}/",
            ws_dir.display()
        );
    } else {
        println!("The dashboards are at http://{addr}/");
    }
    print_demo_accounts(&seeded.accounts);
    if seeded.decisions.is_some() {
        println!(
            "Example decisions at http://{addr}/decisions: one published, one screened out, one overdue for review."
        );
    }
    match seeded.engagement {
        Some(made) => println!(
            "Engagement: \"{}\" with {} participants: http://{addr}/engage/{} (who is heard: /engage/{}/heard, signed in)",
            equalis_app::engage_demo::DEMO_PROJECT_TITLE,
            made.participants,
            made.project_id,
            made.project_id
        ),
        None if voices.is_none() => println!(
            "No demo engagement project: the reference data has no areas for {}.",
            args.ics
        ),
        None => {}
    }
    if let Some(made) = &seeded.assurance {
        let year = equalis_app::assurance_demo::demo_year();
        if !made.objectives.is_empty() {
            println!(
                "Equality objectives: {} with {} measures following published figures: http://{addr}/objectives",
                made.objectives.len(),
                made.measures
            );
            for why in &plan.missing {
                println!("  {why}");
            }
        }
        if made.eds {
            println!(
                "EDS 2022 for {year}, every outcome rated: http://{addr}/eds/{slug} (its report: /eds/{slug}/report); the annual equality report: http://{addr}/annual-report/{slug}",
                slug = year.slug()
            );
        }
    }
    Ok(())
}

/// The demo's accounts, on stdout: the passwords are printed this once.
fn print_demo_accounts(accounts: &[equalis_app::demo::DemoAccount]) {
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

/// Imports the synthetic ICS's directory of services into the workspace's store, through
/// the same use case as `equalis directory import` (the file is kept beside the synthetic
/// extracts). Where equalis cannot place services (it ships every postcode only for some
/// ICBs), says so and goes on.
fn import_directory(ws_dir: &Path, synthetic: &Path, args: &DemoArgs) -> anyhow::Result<()> {
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let day = equalis_synth::dates::day(
        i32::from(today.year()),
        today.month() as u32,
        today.day() as u32,
    );
    let Some(directory) = equalis_synth::directory::directory(&args.ics, args.seed, day) else {
        println!(
            "No synthetic directory of services for {}: equalis ships every postcode only for {}.",
            args.ics,
            equalis_synth::directory::ICBS.join(", ")
        );
        return Ok(());
    };
    let file = synthetic.join(equalis_synth::directory::FILE);
    std::fs::write(&file, directory.to_json())
        .with_context(|| format!("writing `{}`", file.display()))?;
    let store = crate::cmd::store::StoreArgs {
        workspace: Some(ws_dir.to_path_buf()),
        database: None,
    };
    let report = crate::cmd::store::block_on(async {
        let store = store.open().await?;
        let report = equalis_app::directory::import_file(
            &store,
            &equalis_store::Actor::System,
            &file,
            None,
            true,
        )
        .await?;
        store.close().await;
        anyhow::Ok(report)
    })??;
    if report.rejected() > 0 {
        bail!(
            "the synthetic directory of services was refused; this is a bug in equalis:\n{}",
            report.to_text(&file.display().to_string())
        );
    }
    println!(
        "Directory of services: {} services in {} taxonomies imported from `{}`",
        directory.services.len(),
        directory.taxonomies.len(),
        file.display()
    );
    Ok(())
}

/// How to type this program: `equalis` if that name on the PATH is this binary, else the
/// binary's full path; and whether it is on the PATH.
fn program() -> (String, bool) {
    let Ok(me) = std::env::current_exe().and_then(|p| p.canonicalize()) else {
        return ("equalis".to_owned(), true);
    };
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            dir.join("equalis")
                .canonicalize()
                .is_ok_and(|found| found == me)
        })
    });
    if on_path {
        ("equalis".to_owned(), true)
    } else {
        (me.display().to_string(), false)
    }
}

/// Makes `dir` ready: new, empty, or made by an earlier demo (then replaced).
fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)?.next().is_none();
        if !empty {
            if !dir.join(MARKER).is_file() {
                bail!(
                    "`{}` exists and was not made by `equalis demo`; choose another directory with --dir",
                    dir.display()
                );
            }
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("removing the earlier demo in `{}`", dir.display()))?;
        }
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(MARKER), "made by `equalis demo`; safe to delete\n")?;
    Ok(())
}
