//! The PDFs the pages offer (an impact assessment, the annual report, the board pack): the page's
//! HTML printed to a tagged PDF by headless Chromium (`equalis_app::pdf`), off the async threads,
//! and answered as a download.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

/// Prints `html` and answers it as the download `file_name`. Without Chromium the answer is a
/// 503 that says why and that `what` (e.g. "the report") can be read on its web page.
pub(crate) async fn pdf_download(
    html: String,
    what: &str,
    file_name: &str,
) -> Result<Response, WebError> {
    let options = equalis_app::pdf::PdfOptions::from_env();
    let printed =
        tokio::task::spawn_blocking(move || equalis_app::pdf::html_to_pdf(&html, &options))
            .await
            .map_err(WebError::internal)?;
    let bytes = match printed {
        Ok(b) => b,
        Err(e @ equalis_app::pdf::PdfError::ChromiumMissing(_)) => {
            tracing::error!("{e}");
            return Err(WebError::UnavailableBecause(format!(
                "The PDF cannot be made on this server: {e}. {what} can be read on its web page."
            )));
        }
        Err(e) => return Err(WebError::internal(e)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
