//! Who is heard in the Citizens' Panel's pool, through HTTP: the volunteers' ethnic groups and
//! deprivation quintiles against the footprint's residents, checked against a computation
//! written out here from the volunteers' own file (rounding to 5, Wilson limits, the ratio).

use axum::http::StatusCode;
use equalis_refdata::{Feature, RefData};
use equalis_store::Role;

use crate::fixture::{App, Who};

/// The NHS Digital 2018 rule, written out: 0 stays 0, 1–7 withheld, others to the nearest 5.
fn publish(c: u64) -> Option<u64> {
    match c {
        0 => Some(0),
        1..=7 => None,
        _ => Some(((c + 2) / 5 * 5).max(10)),
    }
}

/// Wilson's score interval (Newcombe 1998, method 3).
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let p = x / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let d = 1.0 + z * z / n;
    ((centre - half) / d, (centre + half) / d)
}

#[tokio::test]
async fn the_pools_representation_matches_an_independent_computation() {
    let app = App::with_workforce(false).await;
    let r = app.get("/panel/heard", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "signed-out users sign in");
    let who = app.as_role(Role::Viewer).await;
    // The workspace has no population data: the ICB is named.
    let page = app.get("/panel/heard", &who).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("name the ICB above"));
    let r = app.get("/panel/heard?icb=XYZ", &who).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("unknown ICB"), "{}", r.body);
    let page = app.get("/panel/heard?icb=QK1", &who).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("compared with the residents of NHS Leicester"),
        "the footprint is named: {}",
        page.body
    );

    // The volunteers as the fixture wrote them.
    let mut file = csv::Reader::from_path(
        app.dir
            .path()
            .join("synthetic-panel")
            .join("volunteers.csv"),
    )
    .unwrap();
    let head: Vec<String> = file.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<Vec<String>> = file
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert!(rows.len() > 100, "a pool worth comparing");

    let mut checked = 0;
    let mut under = Vec::new();
    for (column, feature, heading) in [
        ("ethnic_group", Feature::EthnicGroup, "Ethnic group"),
        (
            "imd_quintile",
            Feature::ImdQuintile,
            "IMD quintile (1 = most deprived)",
        ),
    ] {
        let k = head.iter().position(|h| h == column).unwrap();
        let pop = RefData::get()
            .footprint_counts("QK1", &feature, 16)
            .unwrap();
        let total: f64 = pop.values.iter().map(|(_, n)| n).sum();
        let count = |g: &str| rows.iter().filter(|r| r[k] == g).count() as u64;
        let compared: u64 = pop.values.iter().map(|(g, _)| count(g)).sum();
        let section = page
            .body
            .split(&format!("<h2 id=\"{column}\">{heading}</h2>"))
            .nth(1)
            .unwrap_or_else(|| panic!("no {heading} section"))
            .split("</table>")
            .next()
            .unwrap();
        if section.contains("Withheld: a small group") {
            continue;
        }
        let n = publish(compared).expect("enough volunteers state a group") as f64;
        for (group, residents) in &pop.values {
            let Some(x) = publish(count(group)) else {
                continue;
            };
            let share = residents / total;
            let x = x as f64;
            let (lo, hi) = wilson(x, n);
            let expected = format!(
                "{:.2} ({:.2} to {:.2})",
                x / n / share,
                lo / share,
                hi / share
            );
            assert!(
                section.contains(&expected),
                "{heading} {group}: {expected} not in {section}"
            );
            checked += 1;
            if hi / share < 1.0 {
                under.push(format!("{heading}: <strong>{group}</strong>"));
            }
        }
    }
    assert!(checked >= 6, "only {checked} groups compared");
    // Every group found under-heard here is listed as such on the page.
    for u in &under {
        assert!(
            page.body.contains(u.as_str()),
            "{u} not listed as under-heard"
        );
    }
    // Every count on the page is 0 or at least 8.
    for cell in page.body.split("nhsuk-table__cell--numeric\">").skip(1) {
        let v = cell.split('<').next().unwrap();
        if let Ok(c) = v.parse::<u64>() {
            assert!(c == 0 || c >= 8, "a count of {c} published");
        }
    }
    // The panel page links to it.
    let panel = app.get("/panel", &who).await;
    assert!(panel.body.contains("href=\"/panel/heard\""));
}

#[tokio::test]
async fn without_volunteers_the_pool_page_says_what_is_needed() {
    let app = App::new(true).await;
    let r = app.get("/panel/heard", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("equalis ingest --dataset volunteers FILE"));
}
