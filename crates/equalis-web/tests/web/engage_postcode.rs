//! The monitoring form's postcode: looked up to its LSOA 2021, IMD quintile and place and not
//! kept; a postcode equalis cannot place is a field error that says what to do; and the
//! who-is-heard page's IMD-quintile row counts those who gave one, checked against an
//! independent computation from the reference data's tables.

use axum::http::StatusCode;
use equalis_refdata::{Feature, RefData};
use equalis_vocab::IodEdition;

use crate::engage::{Browser, start_project};
use crate::fixture::App;

/// Wilson's score interval (Newcombe 1998, method 3), written out again here.
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let p = x / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let d = 1.0 + z * z / n;
    ((centre - half) / d, (centre + half) / d)
}

/// The first `n` postcodes (in order) of the LE lookup whose LSOA lies in QK1's council
/// areas and has an IMD 2025 decile in `deciles`, read straight from the tables.
fn postcodes_in(deciles: [u8; 2], n: usize) -> Vec<String> {
    let r = RefData::get();
    let imd = r.imd_table(IodEdition::Iod2025);
    let qk1: Vec<_> = r.lsoas_in_icb("QK1").iter().map(|g| g.lsoa21).collect();
    let mut all: Vec<(&String, _)> = r.postcode_lsoa21_table().iter().collect();
    all.sort();
    all.into_iter()
        .filter(|(_, l)| qk1.contains(l) && deciles.contains(&imd[l].decile.get()))
        .take(n)
        .map(|(pc, _)| pc.clone())
        .collect()
}

#[tokio::test]
async fn postcodes_fill_the_imd_quintile_row_of_who_is_heard() {
    let app = App::new(false).await;
    let (p, lead) = start_project(&app, "post").await;
    let most = postcodes_in([1, 2], 10);
    let least = postcodes_in([9, 10], 10);
    assert_eq!((most.len(), least.len()), (10, 10));

    for (i, pc) in most.iter().chain(&least).enumerate() {
        let b = Browser::join(&app, p, &format!("resident {i}")).await;
        let path = format!("/engage/{p}/monitoring");
        if i == 0 {
            // A postcode outside the LE area: a field error saying what to do, the
            // postcode kept in the box, nothing saved.
            let r = b.post(&app, &path, &[("postcode", "SW1A 1AA")]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("href=\"#postcode\""), "{}", r.body);
            assert!(r.body.contains("We cannot look up postcode SW1A 1AA"));
            assert!(r.body.contains("choose your council area"));
            assert!(r.body.contains("value=\"SW1A 1AA\""));
            // Only the first half of a postcode.
            let r = b.post(&app, &path, &[("postcode", "LE1")]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("only the first part of a postcode"));
        }
        // Typed as people type them: lower case, no space.
        let typed = pc.replace(' ', "").to_lowercase();
        let r = b.post(&app, &path, &[("postcode", &typed)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{pc}: {}", r.body);
    }

    // Kept: the LSOA, quintile and place the tables give; never the postcode.
    let r = RefData::get();
    let (_, answers) = app.store.monitoring_answers(p).await.unwrap();
    assert_eq!(answers.len(), 20);
    for pc in most.iter().chain(&least) {
        let lsoa = r.postcode_lsoa21_table()[pc];
        let quintile = r.imd_table(IodEdition::Iod2025)[&lsoa]
            .decile
            .get()
            .div_ceil(2);
        let place = &r.geo2021()[&lsoa].la_name;
        assert!(
            answers
                .iter()
                .any(|a| a.lsoa.as_deref() == Some(lsoa.as_str())
                    && a.imd_quintile == Some(quintile)
                    && a.place.as_ref() == Some(place)),
            "{pc} → {lsoa}"
        );
        assert!(
            !format!("{answers:?}").contains(pc.as_str()),
            "the postcode {pc} was kept"
        );
    }

    // Who is heard: 10 in quintile 1 and 10 in quintile 5 of 20 who said, against QK1's
    // residents aged 16+ by quintile.
    let page = app.get(&format!("/engage/{p}/heard"), &lead).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let pop = r
        .footprint_counts("QK1", &Feature::ImdQuintile, 16)
        .unwrap();
    let total: f64 = pop.values.iter().map(|(_, n)| n).sum();
    let section = page
        .body
        .split("<table")
        .skip(1)
        .map(|t| t.split("</table>").next().unwrap())
        .find(|t| t.contains("Deprivation of home area"))
        .expect("the IMD quintile table");
    for (label, x) in [("1", 10.0), ("5", 10.0), ("3", 0.0)] {
        let share = pop.values.iter().find(|(l, _)| l == label).unwrap().1 / total;
        let (lo, hi) = wilson(x, 20.0);
        let expected = format!(
            "{:.2} ({:.2} to {:.2})",
            x / 20.0 / share,
            lo / share,
            hi / share
        );
        assert!(
            section.contains(&expected),
            "quintile {label}: {expected} not in {section}"
        );
    }
}
