//! Just enough SVG for the report's charts: escaping, a linear scale, "nice" axis ticks and a
//! writer that opens every chart as an accessible image (`role="img"`, `<title>`, `<desc>`).
//!
//! Charts are plain strings so that the report needs no plotting library and no JavaScript; the
//! styling is in presentation attributes so a chart looks the same when copied out of the page.

use std::fmt::Write as _;

use crate::format;

/// The smallest text in any chart, in pixels (the report's accessibility floor is 12).
pub(crate) const FONT_SMALL: u32 = 12;
/// Labels and legends.
pub(crate) const FONT: u32 = 13;

/// The most decimals a tick label is given.
const MAX_DECIMALS: usize = 9;

/// Escapes text for SVG (XML) content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, which is finer than a pixel and keeps files small.
fn coord(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A linear map from data values (the domain) to pixels (the range).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// Maps `domain.0 → range.0` and `domain.1 → range.1`; a zero-width domain maps everything
    /// to the middle of the range rather than dividing by zero.
    pub(crate) fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    /// The pixel position of `v`.
    pub(crate) fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// The tick marks of an axis: round values covering the data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    /// The first tick, at or below the data's minimum.
    pub lo: f64,
    /// The last tick, at or above the data's maximum.
    pub hi: f64,
    /// The distance between ticks.
    pub step: f64,
    /// Every tick, `lo` to `hi`.
    pub values: Vec<f64>,
}

impl Ticks {
    /// Decimal places that show every tick exactly: 0 for a step of 5, 1 for 2.5, 2 for 0.05.
    pub(crate) fn decimals(&self) -> usize {
        step_decimals(self.step)
    }

    /// A tick's label.
    pub(crate) fn label(&self, v: f64) -> String {
        format::number(v, self.decimals())
    }
}

/// Decimal places needed to write multiples of `step` exactly (at most [`MAX_DECIMALS`]).
fn step_decimals(step: f64) -> usize {
    let mut d = 0;
    let mut scaled = step.abs();
    while d < MAX_DECIMALS && (scaled - scaled.round()).abs() > 1e-6 * scaled.max(1.0) {
        scaled *= 10.0;
        d += 1;
    }
    d
}

/// A "nice" number near `x` (1, 2, 5 or 10 times a power of ten): rounded to the nearest when
/// `round`, else the smallest nice number at least `x` (Heckbert, "Nice numbers for graph
/// labels", Graphics Gems, 1990).
pub(crate) fn nice_number(x: f64, round: bool) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let exp = x.log10().floor();
    let pow = 10f64.powf(exp);
    let f = x / pow;
    let nice = if round {
        match f {
            f if f < 1.5 => 1.0,
            f if f < 3.0 => 2.0,
            f if f < 7.0 => 5.0,
            _ => 10.0,
        }
    } else {
        match f {
            f if f <= 1.0 => 1.0,
            f if f <= 2.0 => 2.0,
            f if f <= 5.0 => 5.0,
            _ => 10.0,
        }
    };
    nice * pow
}

/// About `target` nice ticks covering `lo..=hi` (Heckbert's loose labelling).
pub(crate) fn ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    if hi - lo < f64::EPSILON * lo.abs().max(1.0) {
        // One value: give it room either side so it is not drawn on the frame.
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let range = nice_number(hi - lo, false);
    let step = nice_number(range / (target.max(2) - 1) as f64, true);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let n = (last - first) as usize;
    // Round each tick to the step's decimals to snap away the binary noise of multiplying
    // (3 × 0.1 is 0.30000000000000004), so ticks compare and print as the round numbers they are.
    let decimals = step_decimals(step);
    let pow = 10f64.powi(decimals as i32);
    let snap = |v: f64| {
        if decimals >= MAX_DECIMALS {
            // A step this small cannot be written exactly; leave the values as computed.
            return v;
        }
        let r = (v * pow).round() / pow;
        if r == 0.0 { 0.0 } else { r }
    };
    let values: Vec<f64> = (0..=n).map(|i| snap((first + i as f64) * step)).collect();
    Ticks {
        lo: snap(first * step),
        hi: snap(last * step),
        step: snap(step),
        values,
    }
}

/// The shape of a point, so that no judgement rests on colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A circle.
    Circle,
    /// A square.
    Square,
    /// A diamond.
    Diamond,
    /// A triangle pointing up.
    TriangleUp,
    /// A triangle pointing down.
    TriangleDown,
}

/// Text anchoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written.
#[derive(Debug)]
pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// Opens an accessible SVG image: `id` must be unique in its page (the title and
    /// description are referenced by id), `title` names the chart, `desc` says what it shows.
    pub(crate) fn new(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let mut out = String::with_capacity(8 * 1024);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
             aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" viewBox=\"0 0 {w} {h}\" \
             width=\"{w}\" height=\"{h}\" class=\"chart\" \
             font-family=\"Arial, Helvetica, sans-serif\" font-size=\"{FONT}\">\
             <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
            id = escape(id),
            w = coord(width),
            h = coord(height),
            title = escape(title),
            desc = escape(desc),
        );
        Svg { out }
    }

    /// A straight line; `dash` is an SVG dash array such as `6 4`.
    pub(crate) fn line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        let _ = write!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{}\"",
            coord(x1),
            coord(y1),
            coord(x2),
            coord(y2),
            coord(width),
        );
        if let Some(d) = dash {
            let _ = write!(self.out, " stroke-dasharray=\"{d}\"");
        }
        self.out.push_str("/>");
    }

    /// A line through `points` (no fill).
    pub(crate) fn polyline(
        &mut self,
        points: &[(f64, f64)],
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        if points.len() < 2 {
            return;
        }
        let _ = write!(
            self.out,
            "<polyline fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{}\" points=\"{}\"",
            coord(width),
            Self::points(points)
        );
        if let Some(d) = dash {
            let _ = write!(self.out, " stroke-dasharray=\"{d}\"");
        }
        self.out.push_str("/>");
    }

    /// A filled polygon with no outline (a confidence band).
    pub(crate) fn polygon(&mut self, points: &[(f64, f64)], fill: &str) {
        if points.len() < 3 {
            return;
        }
        let _ = write!(
            self.out,
            "<polygon fill=\"{fill}\" stroke=\"none\" points=\"{}\"/>",
            Self::points(points)
        );
    }

    fn points(points: &[(f64, f64)]) -> String {
        points
            .iter()
            .map(|(x, y)| format!("{},{}", coord(*x), coord(*y)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Text at `(x, y)` (the baseline), escaped; `size` is at least [`FONT_SMALL`].
    pub(crate) fn text(
        &mut self,
        (x, y): (f64, f64),
        anchor: Anchor,
        size: u32,
        weight_bold: bool,
        content: &str,
    ) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"#212b32\"{}>{}</text>",
            coord(x),
            coord(y),
            anchor.as_str(),
            size.max(FONT_SMALL),
            if weight_bold {
                " font-weight=\"bold\""
            } else {
                ""
            },
            escape(content)
        );
    }

    /// Lines of text, the first with its baseline at `y` and each next one `line_height` below.
    pub(crate) fn text_lines(
        &mut self,
        (x, y): (f64, f64),
        anchor: Anchor,
        size: u32,
        line_height: f64,
        lines: &[String],
    ) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"#212b32\">",
            coord(x),
            coord(y),
            anchor.as_str(),
            size.max(FONT_SMALL),
        );
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                self.out,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                coord(x),
                if i == 0 { 0.0 } else { line_height },
                escape(line)
            );
        }
        self.out.push_str("</text>");
    }

    /// A point marker of radius about `r` centred on `(x, y)`.
    pub(crate) fn marker(&mut self, shape: Shape, (x, y): (f64, f64), r: f64, fill: &str) {
        let stroke = "stroke=\"#212b32\" stroke-width=\"1\"";
        let _ = match shape {
            Shape::Circle => write!(
                self.out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" {stroke}/>",
                coord(x),
                coord(y),
                coord(r)
            ),
            Shape::Square => {
                let s = r * 0.9;
                write!(
                    self.out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" {stroke}/>",
                    coord(x - s),
                    coord(y - s),
                    coord(2.0 * s),
                    coord(2.0 * s)
                )
            }
            Shape::Diamond => {
                let s = r * 1.25;
                write!(
                    self.out,
                    "<polygon points=\"{}\" fill=\"{fill}\" {stroke}/>",
                    Self::points(&[(x, y - s), (x + s, y), (x, y + s), (x - s, y)])
                )
            }
            Shape::TriangleUp | Shape::TriangleDown => {
                let s = r * 1.25;
                let k = if shape == Shape::TriangleUp {
                    1.0
                } else {
                    -1.0
                };
                write!(
                    self.out,
                    "<polygon points=\"{}\" fill=\"{fill}\" {stroke}/>",
                    Self::points(&[
                        (x, y - k * s),
                        (x + s, y + k * s * 0.8),
                        (x - s, y + k * s * 0.8)
                    ])
                )
            }
        };
    }

    /// A rectangle.
    pub(crate) fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
            coord(x),
            coord(y),
            coord(w),
            coord(h)
        );
    }

    /// Closes the document.
    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("Black & <Other> \"x\" 'y'"),
            "Black &amp; &lt;Other&gt; &quot;x&quot; &#39;y&#39;"
        );
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_number(0.7, false), 1.0);
        assert_eq!(nice_number(1.7, false), 2.0);
        assert_eq!(nice_number(3.2, false), 5.0);
        assert_eq!(nice_number(7.0, false), 10.0);
        assert_eq!(nice_number(14.0, true), 10.0);
        assert_eq!(nice_number(24.0, true), 20.0);
        assert!((nice_number(0.04, true) - 0.05).abs() < 1e-12);
        assert_eq!(nice_number(0.0, true), 1.0);
    }

    #[test]
    fn ticks_cover_the_data_with_round_steps() {
        let t = ticks(0.0, 100.0, 5);
        assert_eq!(t.values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(t.decimals(), 0);

        let t = ticks(63.2, 78.9, 5);
        assert_eq!(t.values, vec![60.0, 65.0, 70.0, 75.0, 80.0]);
        assert_eq!((t.lo, t.hi, t.step), (60.0, 80.0, 5.0));

        let t = ticks(0.12, 0.47, 5);
        assert_eq!(t.values, vec![0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(t.decimals(), 1);
        assert_eq!(t.label(0.3), "0.3");

        let t = ticks(-3.4, 2.1, 6);
        assert!(t.values.contains(&0.0));
        assert!(t.lo <= -3.4 && t.hi >= 2.1);
        assert_eq!(t.label(-2.0), "−2");

        let t = ticks(1200.0, 15800.0, 5);
        assert_eq!(t.label(t.values[1]), "5,000");
    }

    #[test]
    fn ticks_survive_degenerate_ranges() {
        let t = ticks(50.0, 50.0, 5);
        assert!(t.lo < 50.0 && t.hi > 50.0);
        let t = ticks(0.0, 0.0, 5);
        assert!(t.lo < 0.0 && t.hi > 0.0);
        let t = ticks(f64::NAN, 3.0, 5);
        assert_eq!((t.lo, t.hi), (0.0, 1.0));
        assert_eq!(ticks(9.0, 1.0, 5).lo, ticks(1.0, 9.0, 5).lo);
    }

    #[test]
    fn scale_maps_linearly_and_tolerates_an_empty_domain() {
        let s = Scale::new((0.0, 100.0), (10.0, 210.0));
        assert_eq!(s.map(50.0), 110.0);
        let flipped = Scale::new((0.0, 10.0), (200.0, 0.0));
        assert_eq!(flipped.map(10.0), 0.0);
        assert_eq!(Scale::new((5.0, 5.0), (0.0, 100.0)).map(5.0), 50.0);
    }

    #[test]
    fn svg_is_an_accessible_image() {
        let mut svg = Svg::new("c1", 100.0, 50.0, "A & B", "desc <x>");
        svg.text((1.0, 2.0), Anchor::Start, 8, false, "Mixed & Other");
        svg.marker(Shape::Diamond, (10.0, 10.0), 4.0, "#d5281b");
        let s = svg.finish();
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""));
        assert!(s.contains("<title id=\"c1-title\">A &amp; B</title>"));
        assert!(s.contains("<desc id=\"c1-desc\">desc &lt;x&gt;</desc>"));
        assert!(s.contains("Mixed &amp; Other"));
        // Text is never smaller than the floor, whatever was asked for.
        assert!(s.contains("font-size=\"12\""));
        assert!(s.ends_with("</svg>"));
    }
}
