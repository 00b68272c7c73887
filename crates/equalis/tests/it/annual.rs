//! `equalis annual-report`: the annual equality report regenerated from the demo workspace,
//! with objectives, EDS 2022 ratings and narrative seeded into its store, and its figures
//! checked against `equalis results` (no number typed here).

use std::process::Command;

use equalis_assure::eds::RatingInput;
use equalis_assure::eds::template::{CoverInput, DateInput, PlanActionInput, ThirdPartiesInput};
use equalis_assure::{FinancialYear, MeasureInput, ObjectiveInput};
use equalis_store::{Actor, Database, Store, StoreConfig};

use crate::common::demo;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
}

#[test]
fn the_annual_report_assembles_live_figures_objectives_and_eds() {
    let (_, dir) = demo();
    // A copy, so the shared demo's store is left as other suites expect it.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("workspace");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(dir.join("workspace"))
        .arg(&ws)
        .status()
        .unwrap();
    assert!(copied.success());
    // Without the demo's store: its engagement project was begun today, after the year
    // reported, so this test seeds its own as begun in the middle of that year.
    for store in ["equalis.db", "equalis.db-wal", "equalis.db-shm"] {
        let _ = std::fs::remove_file(ws.join(store));
    }

    // The published value of SMI health checks in the most deprived quintile, by period.
    let csv = bin()
        .args(["results", "--workspace"])
        .arg(&ws)
        .args([
            "--indicator",
            "smi_health_check",
            "--breakdown",
            "imd_quintile",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(
        csv.status.success(),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    let text = String::from_utf8(csv.stdout).unwrap();
    let (period, value) = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[3] == "1" && c[6] != "*")
        .map(|c| (c[1].to_string(), c[6].parse::<f64>().unwrap()))
        .max_by(|a, b| a.0.cmp(&b.0))
        .expect("a published value for quintile 1");
    let latest_year: FinancialYear = period.parse().unwrap();
    let year = latest_year;

    // The published year-on-year rows of the ICS's WRES and gender pay gap returns, from the
    // CLI's long CSV (`sheet,row,column,value`): their latest 31 March snapshot and value.
    let year_on_year = |args: &[&str], row_starts: &str| -> (FinancialYear, f64) {
        let o = bin()
            .arg("workforce")
            .args(args)
            .arg("--workspace")
            .arg(&ws)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.unwrap())
            .filter(|r| &r[0] == "Year on year" && r[1].starts_with(row_starts))
            .filter_map(|r| {
                let end: u16 = r[2].strip_suffix("-03-31")?.parse().ok()?;
                Some((FinancialYear::starting(end - 1), r[3].parse::<f64>().ok()?))
            })
            .max_by_key(|(y, _)| *y)
            .unwrap_or_else(|| panic!("a published year-on-year value of {row_starts}"))
    };
    let wres = year_on_year(&["wres"], "2: relative likelihood");
    let pay = year_on_year(
        &["pay-gap", "--by", "sex"],
        "Median gender pay gap in hourly pay",
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let heard = rt.block_on(async {
        let store = Store::open(&Database::for_workspace(&ws), StoreConfig::default())
            .await
            .unwrap();
        let by = Actor::User("edi.lead@example.nhs.uk".into());
        let o = store
            .create_objective(
                &by,
                &ObjectiveInput {
                    title: "Close the gap in SMI physical health checks".into(),
                    description: "Most deprived areas first.".into(),
                    owner: "Director of Population Health".into(),
                    start_year: year.to_string(),
                    end_year: FinancialYear::starting(year.start_year() + 3).to_string(),
                },
            )
            .await
            .unwrap();
        store
            .add_measure(
                &by,
                o.id,
                &MeasureInput {
                    name: "SMI health checks, most deprived quintile".into(),
                    figure: ["indicator", "smi_health_check", "imd_quintile", "1", ""]
                        .map(String::from),
                    direction: "higher".into(),
                    baseline: "1".into(),
                    baseline_year: FinancialYear::starting(year.start_year() - 1).to_string(),
                    target: "101".into(),
                    target_year: FinancialYear::starting(year.start_year() + 3).to_string(),
                },
            )
            .await
            .unwrap();
        for (name, figure) in [
            (
                "Shortlisting to appointment, WRES 2",
                ["wres", "2", "relative likelihood", "", ""],
            ),
            (
                "Median gender pay gap",
                ["pay_gap", "gender", "median", "", ""],
            ),
        ] {
            store
                .add_measure(
                    &by,
                    o.id,
                    &MeasureInput {
                        name: name.into(),
                        figure: figure.map(String::from),
                        direction: "lower".into(),
                        baseline: "90".into(),
                        baseline_year: FinancialYear::starting(year.start_year() - 2).to_string(),
                        target: "0".into(),
                        target_year: FinancialYear::starting(year.start_year() + 3).to_string(),
                    },
                )
                .await
                .unwrap();
        }
        for (code, service, group) in [
            ("1A", "Maternity", "patients_public"),
            ("1B", "Maternity", "patients_public"),
            ("1C", "Maternity", "community_groups"),
            ("1D", "Maternity", "patients_public"),
            ("2A", "", "staff"),
            ("2B", "", "staff"),
            ("2C", "", "staff_networks_unions"),
            ("2D", "", "staff"),
            ("3A", "", "independent_peer"),
            ("3B", "", "staff"),
            ("3C", "", "staff"),
        ] {
            let input = RatingInput {
                outcome: code.into(),
                service: service.into(),
                score: if code.starts_with('1') { "1" } else { "2" }.into(),
                rater_group: group.into(),
                evidence: "Panel of 12 March".into(),
                owner: if code == "2B" {
                    "People directorate, Head of Wellbeing".into()
                } else {
                    String::new()
                },
            };
            store.rate_eds(&by, year, &input).await.unwrap();
        }
        // The reporting template's other parts: the cover, Domain 3's third parties and one
        // row of the action plan, linked to the objective.
        let day = |d: &str, m: &str| DateInput {
            day: d.into(),
            month: m.into(),
            year: year.end_year().to_string(),
        };
        store
            .save_eds_cover(
                &by,
                year,
                &CoverInput {
                    organisation: "NHS Synthetic ICB".into(),
                    eds_lead: "Ama Mensah, Head of EDI".into(),
                    level: "individual".into(),
                    date_completed: day("20", "2"),
                    month_published: format!("February {}", year.end_year()),
                    board_sponsor: "Chief People Officer".into(),
                    ics_name: "Synthetic ICS".into(),
                    date_authorised: day("26", "2"),
                    authorised_by: "ICB Board".into(),
                    plan_years: year.to_string(),
                    ..CoverInput::default()
                },
            )
            .await
            .unwrap();
        store
            .save_eds_third_parties(
                &by,
                year,
                &ThirdPartiesInput {
                    trade_union_reps: "J Okafor (UNISON)".into(),
                    independent_evaluators: "P Reviewer, Synthetic Hospice".into(),
                },
            )
            .await
            .unwrap();
        store
            .add_eds_action(
                &by,
                year,
                &PlanActionInput {
                    outcome: "3A".into(),
                    objective_id: o.id.to_string(),
                    objective: String::new(),
                    action: "Board development session on health inequalities".into(),
                    completion: day("30", "3"),
                },
            )
            .await
            .unwrap();
        store
            .save_report_section(
                &by,
                year,
                "psed_statement",
                "Our own statement <of compliance>.",
            )
            .await
            .unwrap();
        // The demo's engagement project (seeded as `equalis demo` seeds it),
        // published as its who-is-heard page publishes it.
        store
            .create_user(
                &Actor::System,
                equalis_store::NewUser {
                    email: "admin@example.nhs.uk",
                    display_name: "Ada Admin",
                    role: equalis_store::Role::Admin,
                    password: "correct horse battery staple",
                },
            )
            .await
            .unwrap();
        let voices: Vec<_> = equalis_synth::engage::participants("QK1", 1)
            .expect("QK1 has areas")
            .into_iter()
            .map(|v| (v.nickname, v.answers))
            .collect();
        // Begun in the middle of the year reported (a project begun after it is left out).
        let mid_year = jiff::tz::TimeZone::UTC
            .to_timestamp(jiff::civil::date(year.start_year() as i16, 10, 1).at(12, 0, 0, 0))
            .unwrap();
        let then = store.with_clock(std::sync::Arc::new(equalis_store::ManualClock::new(
            mid_year,
        )));
        equalis_app::engage_demo::seed(&then, "QK1", &voices)
            .await
            .unwrap()
            .expect("seeded");
        let projects = store.engage_projects().await.unwrap();
        assert_eq!(projects.len(), 1, "the demo seeds one engagement project");
        let p = &projects[0];
        let (n, answers) = store.monitoring_answers(p.id).await.unwrap();
        let heard = equalis_app::engage::who_is_heard(&p.project.footprint, n, &answers).unwrap();
        store.close().await;
        (p.project.title.clone(), heard)
    });

    // The tagged PDF is printed by Chromium; where it is not installed (and CI does not
    // require it) the HTML alone is written.
    let with_pdf = crate::pdfcheck::pdf_expected();
    let out = tmp.path().join("annual");
    let mut cmd = bin();
    cmd.args(["annual-report", "--workspace"])
        .arg(&ws)
        .args(["--year", &year.to_string(), "--out"])
        .arg(&out);
    if !with_pdf {
        cmd.arg("--no-pdf");
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(out.join("style.css").exists());
    let sections = [
        "The population we serve",
        "Our workforce",
        "Health inequalities: Core20PLUS5 and waiting lists",
        "Equality objectives and progress",
        "Equality Delivery System 2022",
        "Equality and health inequalities impact assessments",
        "Engagement reach",
        "Public Sector Equality Duty compliance statement",
        "Data and methods",
    ];
    for heading in sections
        .iter()
        .chain(&["Workforce Race Equality Standard (WRES)"])
    {
        assert!(html.contains(heading), "the report lacks {heading}");
    }
    let pdf = out.join(format!("annual-report-{}.pdf", year.slug()));
    let pdf_tree = if with_pdf {
        let title = format!("Annual equality report {year}");
        let images = html.matches("<svg ").count();
        Some(crate::pdfcheck::check_tagged_pdf(
            &pdf, &title, &sections, images,
        ))
    } else {
        assert!(!pdf.exists(), "--no-pdf writes no PDF");
        None
    };
    // The measure's latest value is the one `equalis results` publishes; the path from 1 to
    // 101 over four years expects 26 a year on.
    let latest = format!("{} ({period})", (value * 10.0).round() / 10.0);
    assert!(html.contains(&latest), "{latest} not in the report");
    // Engagement reach: the project's published participants and its under-heard groups.
    let (title, heard) = &heard;
    let participants = match heard.participants.get() {
        equalis_disclosure::Cell::Count(n) => n.to_string(),
        other => panic!("160 participants are published as a count, not {other:?}"),
    };
    let title = title.replace('\'', "&#39;");
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&format!(">{title}</th>")))
        .unwrap_or_else(|| panic!("no row for the project {title}"));
    assert!(row.contains(&format!(">{participants}</td>")), "{row}");
    assert!(
        !heard.under_heard.is_empty(),
        "the demo's participants are skewed"
    );
    for u in &heard.under_heard {
        assert!(
            row.contains(&format!("{}: {}", u.characteristic, u.group)),
            "{row}"
        );
    }
    // The workforce measures' latest values are the returns' published year-on-year cells.
    for (what, (y, v)) in [("WRES 2", wres), ("median gender pay gap", pay)] {
        let latest = format!("{} ({y})", (v * 10.0).round() / 10.0);
        assert!(html.contains(&latest), "{what}: {latest} not in the report");
    }
    if let Some(tree) = &pdf_tree {
        use crate::pdfcheck::has_element;
        assert!(has_element(tree, "TD", &latest), "{latest} not in the PDF");
        assert!(has_element(
            tree,
            "P",
            "Overall rating: Developing (18 of 33)."
        ));
    }
    assert!(
        html.contains("<td>26</td>"),
        "the expected value on the path"
    );
    let status = if value >= 26.0 {
        "On track"
    } else {
        "Not on track"
    };
    assert!(html.contains(status), "{status}");
    // EDS: Domain 1 at 1 each (4), Domains 2 and 3 at 2 each (14): 18, Developing.
    assert!(
        html.contains("Overall rating: Developing (18 of 33)."),
        "EDS summary"
    );
    assert!(html.contains("Domain 1 was rated for each service: Maternity (4 of 12)"));
    // The reporting template's parts, in its order, within the EDS section.
    let eds = &html[html.find("Equality Delivery System 2022").unwrap()..];
    let mut at = 0;
    for text in [
        "Ama Mensah, Head of EDI",
        "Domain 2: Workforce health and well-being",
        "People directorate, Head of Wellbeing",
        "Third-party involvement in Domain 3 rating and review",
        "J Okafor (UNISON)",
        "EDS Organisation Rating",
        "Developing activity",
        "EDS Action Plan",
        "Close the gap in SMI physical health checks",
        "Board development session on health inequalities",
    ] {
        at += eds[at..]
            .find(text)
            .unwrap_or_else(|| panic!("{text:?} is not after byte {at} of the EDS section"));
    }
    // The saved narrative replaces the default, escaped; the unsaved keep theirs.
    assert!(html.contains("Our own statement &#60;of compliance&#62;."));
    assert!(
        html.contains("section 14Z35"),
        "the default health inequalities statement"
    );
    // A year that is not a financial year is refused, saying how to write one.
    let refusal = bin()
        .args(["annual-report", "--workspace"])
        .arg(&ws)
        .args(["--year", "2025/27", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!refusal.status.success());
    assert!(String::from_utf8_lossy(&refusal.stderr).contains("write it as 2025/26"));
}
