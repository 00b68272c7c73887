//! End-to-end tests of the web application: the real router driven with
//! `tower::ServiceExt::oneshot`, on a temporary workspace whose results are written with
//! `ResultsWriter` (with small counts, so that suppression is exercised) and a SQLite store
//! on a `ManualClock`. No DataFusion.

mod api;
mod assurance;
mod assurance_figures;
mod assurance_refusals;
mod assurance_snapshots;
mod auth;
mod board_pack;
mod dashboards;
mod decisions;
mod directory_edit;
mod directory_search;
mod disclosure;
mod engage;
mod engage_export;
mod engage_limits;
mod engage_postcode;
mod engage_snapshots;
mod engage_surveys;
mod fixture;
mod oruk;
mod pages;
mod panel_heard;
mod roles;
mod tokens;
mod workforce;
