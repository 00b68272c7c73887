//! Checks of a printed PDF with Debian's poppler-utils (`.ci/run` installs them): tagged, its
//! structure tree read back element by element (`pdfinfo -struct-text`), and its first page
//! rendered to PNG (`pdftoppm`) and decoded to see that something is drawn on it.

use std::path::Path;
use std::process::Command;

/// Whether the PDF tests must run: Chromium is installed, or CI requires the browser tests.
pub fn pdf_expected() -> bool {
    let require = std::env::var_os("EQUALIS_REQUIRE_BROWSER").is_some_and(|v| v == "1");
    require
        || std::env::var_os("EQUALIS_CHROMIUM")
            .filter(|v| !v.is_empty())
            .map_or_else(
                || Path::new("/usr/bin/chromium").is_file(),
                |p| Path::new(&p).is_file(),
            )
}

fn run(cmd: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (poppler-utils) is needed to check PDFs: {e}"));
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One element of the structure tree: its role (`H1`, `TH`, `Figure`…), its attributes'
/// lines (`/Scope /Column`) and the text of everything under it.
#[derive(Debug)]
pub struct Element {
    pub role: String,
    pub attributes: Vec<String>,
    pub text: String,
}

/// The structure tree as `pdfinfo -struct-text` prints it: an element per line at its depth
/// (two spaces a level), attributes under it (starting with `/`), text in quotes.
pub fn structure(pdf: &Path) -> Vec<Element> {
    let out = run(
        "pdfinfo",
        &[std::ffi::OsStr::new("-struct-text"), pdf.as_os_str()],
    );
    let mut elements: Vec<(usize, Element)> = Vec::new();
    // Indices of the open elements, deepest last.
    let mut open: Vec<usize> = Vec::new();
    for line in out.lines() {
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(text) = t.strip_prefix('"') {
            let text = text.strip_suffix('"').unwrap_or(text);
            for &i in &open {
                let e = &mut elements[i].1;
                if !e.text.is_empty() {
                    e.text.push(' ');
                }
                e.text.push_str(text);
            }
        } else if t.starts_with('/') {
            if let Some(&i) = open.last() {
                elements[i].1.attributes.push(t.to_string());
            }
        } else {
            while open.last().is_some_and(|&i| elements[i].0 >= depth) {
                open.pop();
            }
            let role = t.split([' ', ':']).next().unwrap_or_default().to_string();
            elements.push((
                depth,
                Element {
                    role,
                    attributes: Vec::new(),
                    text: String::new(),
                },
            ));
            open.push(elements.len() - 1);
        }
    }
    elements.into_iter().map(|(_, e)| e).collect()
}

/// Checks `pdf` is tagged, has `title` as its one `H1` and each of `headings` as an `H2`,
/// table headers with their scope, and a text alternative for each of the page's `images`
/// (its SVG charts); renders page 1 to PNG and checks it is not blank. Returns the
/// structure tree.
pub fn check_tagged_pdf(pdf: &Path, title: &str, headings: &[&str], images: usize) -> Vec<Element> {
    let bytes = std::fs::read(pdf).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF"), "{} is not a PDF", pdf.display());
    let info = run("pdfinfo", &[pdf.as_os_str()]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.trim_end().ends_with("yes")),
        "not tagged: {info}"
    );
    let tree = structure(pdf);
    let with = |role: &'static str| tree.iter().filter(move |e| e.role == role);
    let h1: Vec<&str> = with("H1").map(|e| e.text.as_str()).collect();
    assert_eq!(h1, vec![title], "one H1, the title");
    let h2: Vec<&str> = with("H2").map(|e| e.text.as_str()).collect();
    for h in headings {
        assert!(h2.contains(h), "no H2 {h:?} in the structure tree: {h2:?}");
    }
    let th: Vec<&Element> = with("TH").collect();
    assert!(!th.is_empty(), "no table header cells (TH)");
    assert!(
        th.iter()
            .all(|e| e.attributes.iter().any(|a| a.starts_with("/Scope"))),
        "a table header without its scope"
    );
    assert!(with("Caption").count() > 0, "tables without captions");
    // Chromium writes each image's text alternative (the SVG's title) as the /Alt of its
    // Figure element (an HTML <figure> around it is a Figure of its own, without one).
    let alts = bytes.windows(6).filter(|w| w == b"/Alt (").count();
    assert!(images > 0 && with("Figure").count() >= images);
    assert_eq!(alts, images, "{images} images but {alts} text alternatives");

    // Page 1 as a PNG at 50 dpi: not one colour.
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-png".as_ref(),
            "-r".as_ref(),
            "50".as_ref(),
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            "1".as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let png = std::fs::read_dir(dir.path())
        .expect("listed")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("pdftoppm wrote page 1");
    let (mean, variance) = luminance(&png);
    assert!(
        variance > 100.0,
        "page 1 looks blank: mean luminance {mean:.1}, variance {variance:.1}"
    );
    tree
}

/// Whether an element of `role` reads `text` (whitespace aside: a line wrapped inside a table
/// cell is joined without a space in the structure tree).
pub fn has_element(tree: &[Element], role: &str, text: &str) -> bool {
    let squash = |t: &str| t.split_whitespace().collect::<String>();
    let want = squash(text);
    tree.iter()
        .any(|e| e.role == role && squash(&e.text) == want)
}

/// The mean and variance of a PNG's luminance (0–255).
pub fn luminance(png: &Path) -> (f64, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png).expect("the PNG"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(frame.bit_depth, png::BitDepth::Eight, "8-bit pages");
    let channels = frame.color_type.samples();
    let pixels: Vec<f64> = buf[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| match p {
            [r, g, b, ..] => 0.299 * f64::from(*r) + 0.587 * f64::from(*g) + 0.114 * f64::from(*b),
            [y, ..] => f64::from(*y),
            [] => 0.0,
        })
        .collect();
    let n = pixels.len() as f64;
    let mean = pixels.iter().sum::<f64>() / n;
    let variance = pixels.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, variance)
}

#[test]
fn a_blank_page_is_seen_as_blank() {
    // The not-blank check must be able to fail: a white PNG has no variance.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("white.png");
    let file = std::fs::File::create(&path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), 20, 10);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[255u8; 20 * 10 * 3]).unwrap();
    w.finish().unwrap();
    let (mean, variance) = luminance(&path);
    assert!((mean - 255.0).abs() < 1e-9 && variance == 0.0);
}
