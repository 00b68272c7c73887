//! HTML to a tagged PDF, printed by headless Chromium: the published impact assessments'
//! PDFs (issue 13) and, later, the annual equality report's (issue 16).
//!
//! Chromium prints what a browser shows, so the PDF reads as the page does, and it writes a
//! *tagged* PDF (headings, lists and tables in a structure tree a screen reader follows;
//! `pdfinfo` says `Tagged: yes`) with a document outline from the headings. The page is given
//! as a whole HTML document and written to a private temporary directory; Chromium runs
//! with a throwaway profile, no network services of its own, and a time limit.
//!
//! This blocks for as long as Chromium takes (about a second): call it from a blocking thread
//! (`tokio::task::spawn_blocking`) in a server.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the Chromium binary.
pub const CHROMIUM_ENV: &str = "EQUALIS_CHROMIUM";
/// The Chromium binary when [`CHROMIUM_ENV`] is not set (Debian's package).
pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// How long a print may take before it is stopped.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How to print.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// How long a print may take.
    pub timeout: Duration,
}

impl PdfOptions {
    /// Chromium from [`CHROMIUM_ENV`], else [`DEFAULT_CHROMIUM`], with [`DEFAULT_TIMEOUT`].
    pub fn from_env() -> PdfOptions {
        PdfOptions {
            chromium: std::env::var_os(CHROMIUM_ENV)
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from(DEFAULT_CHROMIUM), PathBuf::from),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Why no PDF was made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Chromium is not installed where it was looked for.
    #[error(
        "PDFs are printed by Chromium, which was not found at `{0}`; install Chromium (Debian: apt-get install chromium) or set {CHROMIUM_ENV} to its path"
    )]
    ChromiumMissing(PathBuf),
    /// Chromium ran past the time limit and was stopped.
    #[error("Chromium took longer than {0:?} to print the PDF and was stopped")]
    TimedOut(Duration),
    /// Chromium failed or printed nothing.
    #[error("Chromium could not print the PDF: {0}")]
    Failed(String),
    /// The temporary files could not be written or read.
    #[error("could not prepare the PDF's temporary files: {0}")]
    Io(#[from] std::io::Error),
}

/// Prints the HTML document `html` to PDF bytes with Chromium. Links to other files are not
/// followed (the page is printed from a temporary directory): give the document its styles
/// inline.
pub fn html_to_pdf(html: &str, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    if !options.chromium.is_file() {
        return Err(PdfError::ChromiumMissing(options.chromium.clone()));
    }
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("page.html");
    let out = dir.path().join("page.pdf");
    std::fs::write(&page, html)?;
    let mut child = Command::new(&options.chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            // A tagged PDF (headless Chromium's default since 123; said, so it stays so) with
            // an outline from the headings.
            "--export-tagged-pdf",
            "--generate-pdf-document-outline",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                PdfError::ChromiumMissing(options.chromium.clone())
            }
            _ => PdfError::Io(e),
        })?;
    // Chromium's log goes to stderr; read it on a thread so a full pipe cannot stall it.
    let mut stderr = child.stderr.take();
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_string(&mut text);
        }
        text
    });
    let deadline = Instant::now() + options.timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PdfError::TimedOut(options.timeout));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let log = log.join().unwrap_or_default();
    let bytes = std::fs::read(&out).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF") {
        let last = log
            .lines()
            .rev()
            .find(|l| !l.contains("dbus"))
            .unwrap_or("no output");
        return Err(PdfError::Failed(format!("{status}; {last}")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_chromium_says_where_it_was_looked_for_and_how_to_fix_it() {
        let options = PdfOptions {
            chromium: PathBuf::from("/nonexistent/chromium"),
            timeout: DEFAULT_TIMEOUT,
        };
        let e = html_to_pdf("<p>x</p>", &options).unwrap_err();
        assert!(matches!(e, PdfError::ChromiumMissing(_)));
        let text = e.to_string();
        assert!(text.contains("/nonexistent/chromium") && text.contains(CHROMIUM_ENV));
    }

    #[test]
    fn a_browser_that_fails_is_an_error_not_an_empty_pdf() {
        // `false` runs and fails at once, printing nothing.
        let options = PdfOptions {
            chromium: PathBuf::from("/bin/false"),
            timeout: DEFAULT_TIMEOUT,
        };
        let e = html_to_pdf("<p>x</p>", &options).unwrap_err();
        assert!(matches!(e, PdfError::Failed(_)), "{e}");
    }
}
