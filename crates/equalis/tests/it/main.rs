//! End-to-end tests of the real `equalis` binary, in one test binary: each module is one
//! command's suite. One binary links the whole tree once instead of once per suite, which on a
//! 2-core machine is minutes of CI (ripgrep's `autotests = false` pattern).

mod annual;
mod board_pack;
mod browser;
mod common;
mod demo;
mod directory;
mod engine;
mod ingest;
mod outreach;
mod panel;
mod partial;
mod pdfcheck;
mod serve;
mod stats;
mod synth;
mod users;
mod workforce;
