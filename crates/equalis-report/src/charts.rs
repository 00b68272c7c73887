//! The report's charts, drawn as SVG from published numbers only.
//!
//! Every chart takes values that have already come out of a published cell (withheld values
//! arrive as `None` and are not drawn), so a chart can never show a number its table hides.
//! Judgements are drawn by shape as well as colour and named in a legend.

use equalis_results::Comparison;

use crate::format::Units;
use crate::svg::{self, Anchor, FONT, FONT_SMALL, Scale, Shape, Svg};

/// Width of every chart, in pixels (the page's content column is a little wider).
const WIDTH: f64 = 720.0;
/// Roughly how wide a character of 13px Arial is, for laying out labels.
const CHAR_W: f64 = 7.0;
/// NHS.UK text colour.
const INK: &str = "#212b32";
/// NHS.UK mid grey, for grid lines and the axis.
const GRID: &str = "#d8dde0";
/// NHS.UK dark grey, for reference lines.
const REFERENCE: &str = "#425563";
/// NHS blue.
const BLUE: &str = "#005eb8";
/// NHS pale green, for a range of values that is acceptable.
const BAND: &str = "#d5ecd4";

/// A group's value against the ICS value, judged by the indicator's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Judgement {
    /// Significantly better than the ICS value.
    Better,
    /// Significantly worse than the ICS value.
    Worse,
    /// Not significantly different.
    Similar,
    /// Significantly higher, for an indicator with no better direction.
    Higher,
    /// Significantly lower, for an indicator with no better direction.
    Lower,
    /// No comparison was made (the ICS itself, or a withheld group).
    NotCompared,
}

impl Judgement {
    /// Maps Fingertips' higher/lower/similar through the indicator's direction
    /// (`higher_is_better`, `lower_is_better`, or anything else for none).
    pub(crate) fn of(comparison: Option<Comparison>, direction: &str) -> Judgement {
        match (comparison, direction) {
            (None, _) => Judgement::NotCompared,
            (Some(Comparison::Similar), _) => Judgement::Similar,
            (Some(Comparison::Higher), "higher_is_better")
            | (Some(Comparison::Lower), "lower_is_better") => Judgement::Better,
            (Some(Comparison::Lower), "higher_is_better")
            | (Some(Comparison::Higher), "lower_is_better") => Judgement::Worse,
            (Some(Comparison::Higher), _) => Judgement::Higher,
            (Some(Comparison::Lower), _) => Judgement::Lower,
        }
    }

    /// The word shown in tables and legends.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Judgement::Better => "Better",
            Judgement::Worse => "Worse",
            Judgement::Similar => "Similar",
            Judgement::Higher => "Higher",
            Judgement::Lower => "Lower",
            Judgement::NotCompared => "Not compared",
        }
    }

    /// The CSS class of the table cell holding the word.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Judgement::Better => "tag tag-better",
            Judgement::Worse => "tag tag-worse",
            Judgement::Similar => "tag tag-similar",
            Judgement::Higher => "tag tag-higher",
            Judgement::Lower => "tag tag-lower",
            Judgement::NotCompared => "tag",
        }
    }

    /// Fingertips' colours in the NHS.UK palette: green better, red worse, yellow similar,
    /// dark and light blue for higher and lower where neither is better.
    fn colour(self) -> &'static str {
        match self {
            Judgement::Better => "#007f3b",
            Judgement::Worse => "#d5281b",
            Judgement::Similar => "#ffb81c",
            Judgement::Higher => "#003087",
            Judgement::Lower => "#41b6e6",
            Judgement::NotCompared => "#ffffff",
        }
    }

    fn shape(self) -> Shape {
        match self {
            Judgement::Better => Shape::Circle,
            Judgement::Worse => Shape::Diamond,
            Judgement::Similar => Shape::Square,
            Judgement::Higher => Shape::TriangleUp,
            Judgement::Lower => Shape::TriangleDown,
            Judgement::NotCompared => Shape::Circle,
        }
    }

    /// Legend order.
    const ALL: [Judgement; 6] = [
        Judgement::Better,
        Judgement::Similar,
        Judgement::Worse,
        Judgement::Higher,
        Judgement::Lower,
        Judgement::NotCompared,
    ];
}

/// The type of an SPC point (Making Data Count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PointKind {
    /// Common-cause variation.
    Common,
    /// Special cause, improvement.
    Improvement,
    /// Special cause, concern.
    Concern,
    /// Special cause with no better direction.
    Neither,
    /// Not assessed: the series has no reliable process limits (a run chart).
    NotAssessed,
}

impl PointKind {
    /// Reads the point text of a results row (`special cause concern`,
    /// `special_cause_neutral_high`, …).
    pub(crate) fn parse(point: &str) -> PointKind {
        let p = point.to_ascii_lowercase();
        if p.contains("not_assessed") || p.contains("not assessed") {
            PointKind::NotAssessed
        } else if p.contains("improvement") {
            PointKind::Improvement
        } else if p.contains("concern") {
            PointKind::Concern
        } else if p.contains("special") {
            PointKind::Neither
        } else {
            PointKind::Common
        }
    }

    /// The words in tables and legends.
    pub(crate) fn word(self) -> &'static str {
        match self {
            PointKind::Common => "Common cause",
            PointKind::Improvement => "Special cause: improvement",
            PointKind::Concern => "Special cause: concern",
            PointKind::Neither => "Special cause: neither",
            PointKind::NotAssessed => "Not assessed",
        }
    }

    /// Making Data Count's colours: grey, blue, orange, purple.
    fn colour(self) -> &'static str {
        match self {
            PointKind::Common => "#a6aeb5",
            PointKind::Improvement => "#289de0",
            PointKind::Concern => "#fab428",
            PointKind::Neither => "#7c2e99",
            PointKind::NotAssessed => "#425563",
        }
    }

    fn shape(self) -> Shape {
        match self {
            PointKind::Common => Shape::Circle,
            PointKind::Improvement => Shape::Square,
            PointKind::Concern => Shape::Diamond,
            PointKind::Neither => Shape::TriangleUp,
            PointKind::NotAssessed => Shape::Circle,
        }
    }
}

/// A labelled reference value drawn across a chart (the ICS value, a target).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reference {
    /// Where.
    pub value: f64,
    /// What it says, e.g. `ICS 72.4%`.
    pub label: String,
}

/// One row of a forest plot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForestPoint {
    /// The group.
    pub label: String,
    /// Its published value.
    pub value: f64,
    /// Published lower 95% limit.
    pub lower: Option<f64>,
    /// Published upper 95% limit.
    pub upper: Option<f64>,
    /// Against the ICS value.
    pub judgement: Judgement,
}

/// One category of a vertical chart (a decile, a period): `None` values are not drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    /// The x label.
    pub label: String,
    /// The published value.
    pub value: Option<f64>,
    /// Published lower limit (95% CI or lower process limit).
    pub lower: Option<f64>,
    /// Published upper limit.
    pub upper: Option<f64>,
}

/// One point of an SPC chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpcColumn {
    /// The value, limits and label.
    pub column: Column,
    /// Centre line.
    pub centre: Option<f64>,
    /// The point's type (`None` when withheld).
    pub kind: Option<PointKind>,
}

/// A key entry.
enum Key<'a> {
    Marker(Shape, &'a str),
    Line(&'a str, Option<&'a str>),
    Band(&'a str),
}

/// Where each legend entry goes, wrapping within the chart, and the y below the legend.
fn legend_layout(entries: &[(Key<'_>, String)], x: f64, y: f64) -> (Vec<(f64, f64)>, f64) {
    let mut at = Vec::with_capacity(entries.len());
    let (mut cx, mut cy) = (x, y);
    for (_, label) in entries {
        let w = 26.0 + label.chars().count() as f64 * CHAR_W + 18.0;
        if cx + w > WIDTH && cx > x {
            cx = x;
            cy += 20.0;
        }
        at.push((cx, cy));
        cx += w;
    }
    (at, cy + 10.0)
}

/// Draws a legend laid out by [`legend_layout`].
fn legend(svg: &mut Svg, entries: &[(Key<'_>, String)], x: f64, y: f64) {
    let (at, _) = legend_layout(entries, x, y);
    for ((key, label), (cx, cy)) in entries.iter().zip(at) {
        match key {
            Key::Marker(shape, colour) => svg.marker(*shape, (cx + 8.0, cy - 4.0), 5.0, colour),
            Key::Line(colour, dash) => {
                svg.line((cx, cy - 4.0), (cx + 18.0, cy - 4.0), colour, 2.0, *dash)
            }
            Key::Band(colour) => svg.rect((cx, cy - 10.0), (18.0, 12.0), colour),
        }
        svg.text((cx + 24.0, cy), Anchor::Start, FONT, false, label);
    }
}

/// A label cut to fit `max_chars`, ending in an ellipsis when cut (the table has it in full).
fn fit(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_owned()
    } else {
        let s: String = label.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{}…", s.trim_end())
    }
}

/// A label wrapped at spaces into at most two lines of `max_chars`, the second cut to fit:
/// the NHS ethnic groups ("Black, Black British, Caribbean or African") are long.
fn wrap(label: &str, max_chars: usize) -> Vec<String> {
    if label.chars().count() <= max_chars {
        return vec![label.to_owned()];
    }
    let mut first = String::new();
    let mut rest = label;
    for (i, word) in label.split(' ').enumerate() {
        let candidate_len = first.chars().count() + usize::from(i > 0) + word.chars().count();
        if candidate_len > max_chars {
            break;
        }
        if i > 0 {
            first.push(' ');
        }
        first.push_str(word);
        rest = label[first.len()..].trim_start();
    }
    if first.is_empty() {
        // One word longer than a line: cut it.
        return vec![fit(label, max_chars)];
    }
    vec![first, fit(rest, max_chars)]
}

/// The domain of a chart: every value, limit and reference, with nice ticks.
fn domain<'a>(values: impl Iterator<Item = &'a f64>, target: usize) -> svg::Ticks {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    if lo.is_finite() {
        svg::ticks(lo, hi, target)
    } else {
        svg::ticks(0.0, 1.0, target)
    }
}

/// A horizontal forest plot: one row per group, its value with a 95% whisker, and a vertical
/// line at the ICS value.
pub(crate) fn forest(
    id: &str,
    title: &str,
    desc: &str,
    points: &[ForestPoint],
    reference: Option<&Reference>,
    units: &Units,
) -> String {
    const LABEL_W: f64 = 220.0;
    const ROW_H: f64 = 26.0;
    const LINE_H: f64 = 15.0;
    let x0 = LABEL_W + 12.0;
    let x1 = WIDTH - 28.0;

    let mut all: Vec<f64> = Vec::new();
    for p in points {
        all.extend([Some(p.value), p.lower, p.upper].into_iter().flatten());
    }
    all.extend(reference.map(|r| r.value));
    let ticks = domain(all.iter(), 6);
    let x = Scale::new((ticks.lo, ticks.hi), (x0, x1));

    // Size the legend first so the rows start below it.
    let mut keys: Vec<(Key<'_>, String)> = Judgement::ALL
        .iter()
        .filter(|j| points.iter().any(|p| p.judgement == **j))
        .map(|j| (Key::Marker(j.shape(), j.colour()), j.word().to_owned()))
        .collect();
    if let Some(r) = reference {
        keys.push((Key::Line(REFERENCE, None), r.label.clone()));
    }
    keys.push((Key::Line(INK, None), "95% confidence interval".to_owned()));
    let (_, legend_bottom) = legend_layout(&keys, 8.0, 18.0);

    let max_chars = (LABEL_W / CHAR_W) as usize;
    let labels: Vec<Vec<String>> = points.iter().map(|p| wrap(&p.label, max_chars)).collect();
    let top = legend_bottom + 14.0;
    let (centres, heights, rows_bottom) = rows_layout(&labels, top, ROW_H, LINE_H);
    let height = rows_bottom + 52.0;
    let mut s = Svg::new(id, WIDTH, height, title, desc);
    legend(&mut s, &keys, 8.0, 18.0);

    // Back to front: row bands, grid and axis, the ICS line, then the groups.
    bands(&mut s, &centres, &heights, WIDTH - 16.0);
    axis_below(&mut s, &ticks, &x, (x0, x1), top, rows_bottom, &units.axis);
    if let Some(r) = reference {
        let rx = x.map(r.value);
        s.line((rx, top - 6.0), (rx, rows_bottom), REFERENCE, 2.0, None);
    }
    for ((p, lines), cy) in points.iter().zip(&labels).zip(centres) {
        let first_baseline = cy + 4.5 - LINE_H * (lines.len() as f64 - 1.0) / 2.0;
        s.text_lines((LABEL_W, first_baseline), Anchor::End, FONT, LINE_H, lines);
        if let (Some(lo), Some(hi)) = (p.lower, p.upper) {
            let (lx, hx) = (x.map(lo), x.map(hi));
            s.line((lx, cy), (hx, cy), INK, 1.5, None);
            s.line((lx, cy - 5.0), (lx, cy + 5.0), INK, 1.5, None);
            s.line((hx, cy - 5.0), (hx, cy + 5.0), INK, 1.5, None);
        }
        s.marker(
            p.judgement.shape(),
            (x.map(p.value), cy),
            6.0,
            p.judgement.colour(),
        );
    }
    s.finish()
}

/// Layout shared by the vertical charts: categories along x, values up y.
struct Frame {
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    n: usize,
    y: Scale,
}

impl Frame {
    fn band(&self) -> f64 {
        (self.x1 - self.x0) / self.n.max(1) as f64
    }

    fn x(&self, i: usize) -> f64 {
        self.x0 + self.band() * (i as f64 + 0.5)
    }

    /// Grid, y ticks, x labels (thinned so they never overlap) and axis titles.
    fn axes(&self, s: &mut Svg, ticks: &svg::Ticks, labels: &[&str], x_title: &str, y_title: &str) {
        for t in &ticks.values {
            let ty = self.y.map(*t);
            s.line((self.x0, ty), (self.x1, ty), GRID, 1.0, None);
            s.text(
                (self.x0 - 6.0, ty + 4.0),
                Anchor::End,
                FONT_SMALL,
                false,
                &ticks.label(*t),
            );
        }
        s.line(
            (self.x0, self.bottom),
            (self.x1, self.bottom),
            INK,
            1.0,
            None,
        );
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
        let every = ((widest * CHAR_W + 8.0) / self.band()).ceil().max(1.0) as usize;
        let last = labels.len().saturating_sub(1);
        for (i, label) in labels.iter().enumerate() {
            // Always label the last category (the latest period), and drop a regular label
            // that would run into it.
            if i == last || (i % every == 0 && last - i >= every) {
                // Kept inside the chart: a centred label at either end would be clipped.
                let half = label.chars().count() as f64 * CHAR_W * 0.5;
                let x = self.x(i).clamp(half + 2.0, WIDTH - half - 2.0);
                s.text(
                    (x, self.bottom + 18.0),
                    Anchor::Middle,
                    FONT_SMALL,
                    false,
                    label,
                );
            }
        }
        s.text(
            ((self.x0 + self.x1) / 2.0, self.bottom + 40.0),
            Anchor::Middle,
            FONT,
            false,
            x_title,
        );
        s.text((8.0, self.top - 12.0), Anchor::Start, FONT, false, y_title);
    }

    /// A labelled horizontal line across the plot.
    fn reference(&self, s: &mut Svg, r: &Reference, colour: &str, dash: Option<&str>) {
        let ry = self.y.map(r.value);
        s.line((self.x0, ry), (self.x1, ry), colour, 2.0, dash);
    }
}

/// Consecutive runs of indices for which `present` holds, so lines break at gaps.
fn runs(n: usize, present: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in 0..n {
        if present(i) {
            current.push(i);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn frame_for(
    columns: &[Column],
    extra: &[f64],
    legend_bottom: f64,
    height: f64,
) -> (Frame, svg::Ticks) {
    let mut all: Vec<f64> = extra.to_vec();
    for c in columns {
        all.extend([c.value, c.lower, c.upper].into_iter().flatten());
    }
    let ticks = domain(all.iter(), 6);
    let top = legend_bottom + 34.0;
    let bottom = height - 52.0;
    let frame = Frame {
        x0: 72.0,
        x1: WIDTH - 24.0,
        top,
        bottom,
        n: columns.len(),
        y: Scale::new((ticks.lo, ticks.hi), (bottom, top)),
    };
    (frame, ticks)
}

/// Values by category with 95% whiskers (the deprivation gradient by IMD decile) and the ICS
/// value as a horizontal line.
pub(crate) fn gradient(
    id: &str,
    title: &str,
    desc: &str,
    columns: &[Column],
    reference: Option<&Reference>,
    x_title: &str,
    units: &Units,
) -> String {
    let mut keys = vec![(
        Key::Marker(Shape::Circle, BLUE),
        "Value with 95% confidence interval".to_owned(),
    )];
    if let Some(r) = reference {
        keys.push((Key::Line(REFERENCE, Some("6 4")), r.label.clone()));
    }
    let (_, legend_bottom) = legend_layout(&keys, 8.0, 18.0);
    let height = legend_bottom + 330.0;
    let extra: Vec<f64> = reference.map(|r| r.value).into_iter().collect();
    let (frame, ticks) = frame_for(columns, &extra, legend_bottom, height);

    let mut s = Svg::new(id, WIDTH, height, title, desc);
    legend(&mut s, &keys, 8.0, 18.0);
    let labels: Vec<&str> = columns.iter().map(|c| c.label.as_str()).collect();
    frame.axes(&mut s, &ticks, &labels, x_title, &units.axis);
    if let Some(r) = reference {
        frame.reference(&mut s, r, REFERENCE, Some("6 4"));
    }
    for (i, c) in columns.iter().enumerate() {
        let cx = frame.x(i);
        if let (Some(lo), Some(hi)) = (c.lower, c.upper) {
            let (ly, hy) = (frame.y.map(lo), frame.y.map(hi));
            s.line((cx, ly), (cx, hy), INK, 1.5, None);
            s.line((cx - 5.0, ly), (cx + 5.0, ly), INK, 1.5, None);
            s.line((cx - 5.0, hy), (cx + 5.0, hy), INK, 1.5, None);
        }
        if let Some(v) = c.value {
            s.marker(Shape::Circle, (cx, frame.y.map(v)), 6.0, BLUE);
        }
    }
    s.finish()
}

/// A trend over periods: the value (`series`, as the legend names it) as a line with its 95%
/// confidence band, and the target or another reference line.
pub(crate) fn trend(
    id: &str,
    title: &str,
    desc: &str,
    series: &str,
    columns: &[Column],
    target: Option<&Reference>,
    units: &Units,
) -> String {
    const BAND: &str = "#c6dbef";
    let mut keys = vec![
        (Key::Marker(Shape::Circle, BLUE), series.to_owned()),
        (Key::Band(BAND), "95% confidence interval".to_owned()),
    ];
    if let Some(t) = target {
        keys.push((Key::Line(INK, Some("6 4")), t.label.clone()));
    }
    let (_, legend_bottom) = legend_layout(&keys, 8.0, 18.0);
    let height = legend_bottom + 310.0;
    let extra: Vec<f64> = target.map(|t| t.value).into_iter().collect();
    let (frame, ticks) = frame_for(columns, &extra, legend_bottom, height);

    let mut s = Svg::new(id, WIDTH, height, title, desc);
    legend(&mut s, &keys, 8.0, 18.0);
    for run in runs(columns.len(), |i| {
        columns[i].lower.is_some() && columns[i].upper.is_some()
    }) {
        let mut poly: Vec<(f64, f64)> = Vec::new();
        for &i in &run {
            poly.extend(columns[i].upper.map(|u| (frame.x(i), frame.y.map(u))));
        }
        for &i in run.iter().rev() {
            poly.extend(columns[i].lower.map(|l| (frame.x(i), frame.y.map(l))));
        }
        if run.len() == 1 {
            // One period alone: a short vertical bar instead of a band of no width.
            if let (Some(&(x, hy)), Some(&(_, ly))) = (poly.first(), poly.last()) {
                s.rect((x - 4.0, hy), (8.0, ly - hy), BAND);
            }
        } else {
            s.polygon(&poly, BAND);
        }
    }
    let labels: Vec<&str> = columns.iter().map(|c| c.label.as_str()).collect();
    frame.axes(&mut s, &ticks, &labels, "Period", &units.axis);
    if let Some(t) = target {
        frame.reference(&mut s, t, INK, Some("6 4"));
    }
    for run in runs(columns.len(), |i| columns[i].value.is_some()) {
        let line: Vec<(f64, f64)> = run
            .iter()
            .filter_map(|&i| columns[i].value.map(|v| (frame.x(i), frame.y.map(v))))
            .collect();
        s.polyline(&line, BLUE, 2.0, None);
    }
    for (i, c) in columns.iter().enumerate() {
        if let Some(v) = c.value {
            s.marker(Shape::Circle, (frame.x(i), frame.y.map(v)), 4.5, BLUE);
        }
    }
    s.finish()
}

/// An XmR chart (Making Data Count): points joined by a line, the centre line, the process
/// limits, and special-cause points marked by shape and colour.
pub(crate) fn spc(
    id: &str,
    title: &str,
    desc: &str,
    points: &[SpcColumn],
    target: Option<&Reference>,
    units: &Units,
) -> String {
    let kinds = [
        PointKind::Common,
        PointKind::Improvement,
        PointKind::Concern,
        PointKind::Neither,
        PointKind::NotAssessed,
    ];
    let mut keys: Vec<(Key<'_>, String)> = kinds
        .iter()
        .filter(|k| points.iter().any(|p| p.kind == Some(**k)))
        .map(|k| (Key::Marker(k.shape(), k.colour()), k.word().to_owned()))
        .collect();
    // A run chart (no reliable limits) has no centre line or limits to key.
    if points.iter().any(|p| p.centre.is_some()) {
        keys.push((Key::Line(REFERENCE, None), "Centre line".to_owned()));
        keys.push((
            Key::Line(REFERENCE, Some("6 4")),
            "Process limits".to_owned(),
        ));
    }
    if let Some(t) = target {
        keys.push((Key::Line("#d5281b", Some("2 3")), t.label.clone()));
    }
    let (_, legend_bottom) = legend_layout(&keys, 8.0, 18.0);
    let height = legend_bottom + 310.0;
    let columns: Vec<Column> = points.iter().map(|p| p.column.clone()).collect();
    let mut extra: Vec<f64> = points.iter().filter_map(|p| p.centre).collect();
    extra.extend(target.map(|t| t.value));
    let (frame, ticks) = frame_for(&columns, &extra, legend_bottom, height);

    let mut s = Svg::new(id, WIDTH, height, title, desc);
    legend(&mut s, &keys, 8.0, 18.0);
    let labels: Vec<&str> = columns.iter().map(|c| c.label.as_str()).collect();
    frame.axes(&mut s, &ticks, &labels, "Period", &units.axis);

    // Centre and limits are drawn per point as steps, so a rebased chart shows its new limits
    // from the point they start rather than a slope between two periods.
    let half = frame.band() / 2.0;
    let step = |s: &mut Svg, pick: &dyn Fn(&SpcColumn) -> Option<f64>, dash: Option<&str>| {
        for run in runs(points.len(), |i| pick(&points[i]).is_some()) {
            let mut line: Vec<(f64, f64)> = Vec::new();
            for &i in &run {
                if let Some(v) = pick(&points[i]) {
                    let y = frame.y.map(v);
                    line.push((frame.x(i) - half, y));
                    line.push((frame.x(i) + half, y));
                }
            }
            s.polyline(&line, REFERENCE, 1.5, dash);
        }
    };
    step(&mut s, &|p| p.centre, None);
    step(&mut s, &|p| p.column.lower, Some("6 4"));
    step(&mut s, &|p| p.column.upper, Some("6 4"));
    if let Some(t) = target {
        frame.reference(&mut s, t, "#d5281b", Some("2 3"));
    }
    for run in runs(points.len(), |i| points[i].column.value.is_some()) {
        let line: Vec<(f64, f64)> = run
            .iter()
            .filter_map(|&i| points[i].column.value.map(|v| (frame.x(i), frame.y.map(v))))
            .collect();
        s.polyline(&line, "#768692", 1.5, None);
    }
    for (i, p) in points.iter().enumerate() {
        if let (Some(v), Some(kind)) = (p.column.value, p.kind) {
            let r = if kind == PointKind::Common { 4.0 } else { 6.0 };
            s.marker(kind.shape(), (frame.x(i), frame.y.map(v)), r, kind.colour());
        }
    }
    s.finish()
}

/// One row of a horizontal chart: a label and its published values (`None` is not drawn).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// The row.
    pub label: String,
    /// One value per series.
    pub values: Vec<Option<f64>>,
}

/// Series colours: NHS blue, NHS warm yellow, NHS aqua green, NHS purple; told apart in the
/// legend and always accompanied by the table.
const SERIES: [&str; 4] = ["#005eb8", "#ffb81c", "#00a499", "#330072"];

/// Rows laid out top to bottom with wrapped labels (a row is taller when its label takes two
/// lines): the row centres, heights and the bottom.
fn rows_layout(
    labels: &[Vec<String>],
    top: f64,
    row_h: f64,
    line_h: f64,
) -> (Vec<f64>, Vec<f64>, f64) {
    let heights: Vec<f64> = labels
        .iter()
        .map(|l| row_h + line_h * (l.len() as f64 - 1.0))
        .collect();
    let centres: Vec<f64> = heights
        .iter()
        .scan(top, |row_top, h| {
            let cy = *row_top + h / 2.0;
            *row_top += h;
            Some(cy)
        })
        .collect();
    let bottom = top + heights.iter().sum::<f64>();
    (centres, heights, bottom)
}

/// Relative likelihoods as points against the "no adverse impact" range (NHS England's
/// 0.80–1.25, shaded) and the line of equal likelihood at 1.
pub(crate) fn likelihood(
    id: &str,
    title: &str,
    desc: &str,
    points: &[Bar],
    band: (f64, f64),
) -> String {
    const LABEL_W: f64 = 260.0;
    const LINE_H: f64 = 15.0;
    let (x0, x1) = (LABEL_W + 12.0, WIDTH - 28.0);
    let mut all: Vec<f64> = vec![band.0, band.1, 1.0];
    all.extend(
        points
            .iter()
            .filter_map(|p| p.values.first().copied().flatten()),
    );
    let ticks = domain(all.iter(), 6);
    let x = Scale::new((ticks.lo, ticks.hi), (x0, x1));
    let keys = vec![
        (
            Key::Marker(Shape::Circle, BLUE),
            "Relative likelihood".to_owned(),
        ),
        (
            Key::Band(BAND),
            format!("No adverse impact ({:.2} to {:.2})", band.0, band.1),
        ),
        (
            Key::Line(REFERENCE, Some("6 4")),
            "Equal likelihood (1)".to_owned(),
        ),
    ];
    let (_, legend_bottom) = legend_layout(&keys, 8.0, 18.0);
    let labels: Vec<Vec<String>> = points
        .iter()
        .map(|p| wrap(&p.label, (LABEL_W / CHAR_W) as usize))
        .collect();
    let top = legend_bottom + 14.0;
    let (centres, heights, bottom) = rows_layout(&labels, top, 26.0, LINE_H);
    let mut s = Svg::new(id, WIDTH, bottom + 52.0, title, desc);
    legend(&mut s, &keys, 8.0, 18.0);
    let (bx0, bx1) = (x.map(band.0), x.map(band.1));
    s.rect((bx0, top - 4.0), (bx1 - bx0, bottom - top + 4.0), BAND);
    bands(&mut s, &centres, &heights, x0 - 16.0);
    axis_below(
        &mut s,
        &ticks,
        &x,
        (x0, x1),
        top,
        bottom,
        "Relative likelihood",
    );
    let one = x.map(1.0);
    s.line((one, top - 6.0), (one, bottom), REFERENCE, 2.0, Some("6 4"));
    for ((p, lines), cy) in points.iter().zip(&labels).zip(&centres) {
        let baseline = cy + 4.5 - LINE_H * (lines.len() as f64 - 1.0) / 2.0;
        s.text_lines((LABEL_W, baseline), Anchor::End, FONT, LINE_H, lines);
        match p.values.first().copied().flatten() {
            Some(v) => s.marker(Shape::Circle, (x.map(v), *cy), 6.0, BLUE),
            None => s.text(
                (x0 + 4.0, cy + 4.5),
                Anchor::Start,
                FONT_SMALL,
                false,
                "not shown: see the table",
            ),
        }
    }
    s.finish()
}

/// Grouped horizontal bars: one row per label, one bar per series, from zero.
pub(crate) fn bars(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[Bar],
    series: &[String],
    axis: &str,
) -> String {
    const LABEL_W: f64 = 220.0;
    const LINE_H: f64 = 15.0;
    const BAR_H: f64 = 12.0;
    let (x0, x1) = (LABEL_W + 12.0, WIDTH - 28.0);
    let n = series.len().clamp(1, SERIES.len());
    let mut all: Vec<f64> = vec![0.0];
    all.extend(
        rows.iter()
            .flat_map(|r| r.values.iter().take(n).copied().flatten()),
    );
    let ticks = domain(all.iter(), 6);
    let x = Scale::new((ticks.lo, ticks.hi), (x0, x1));
    let keys: Vec<(Key<'_>, String)> = series
        .iter()
        .take(n)
        .zip(SERIES)
        .map(|(name, colour)| (Key::Band(colour), name.clone()))
        .collect();
    let (_, legend_bottom) = legend_layout(&keys, 8.0, 18.0);
    let labels: Vec<Vec<String>> = rows
        .iter()
        .map(|r| wrap(&r.label, (LABEL_W / CHAR_W) as usize))
        .collect();
    let top = legend_bottom + 14.0;
    let row_h = BAR_H * n as f64 + 12.0;
    let (centres, heights, bottom) = rows_layout(&labels, top, row_h, LINE_H);
    let mut s = Svg::new(id, WIDTH, bottom + 52.0, title, desc);
    legend(&mut s, &keys, 8.0, 18.0);
    bands(&mut s, &centres, &heights, WIDTH - 16.0);
    axis_below(&mut s, &ticks, &x, (x0, x1), top, bottom, axis);
    let zero = x.map(0.0_f64.max(ticks.lo));
    for ((r, lines), cy) in rows.iter().zip(&labels).zip(&centres) {
        let baseline = cy + 4.5 - LINE_H * (lines.len() as f64 - 1.0) / 2.0;
        s.text_lines((LABEL_W, baseline), Anchor::End, FONT, LINE_H, lines);
        let first = cy - BAR_H * n as f64 / 2.0;
        for (k, (v, colour)) in r.values.iter().take(n).zip(SERIES).enumerate() {
            if let Some(v) = v {
                let (a, b) = (zero, x.map(*v));
                s.rect(
                    (a.min(b), first + BAR_H * k as f64),
                    ((b - a).abs(), BAR_H - 1.0),
                    colour,
                );
            }
        }
    }
    s.finish()
}

/// Shades every other row, which helps the eye follow a row from label to point.
fn bands(s: &mut Svg, centres: &[f64], heights: &[f64], width: f64) {
    for (i, (cy, h)) in centres.iter().zip(heights).enumerate() {
        if i % 2 == 1 {
            s.rect((8.0, cy - h / 2.0), (width, *h), "#f0f4f5");
        }
    }
}

/// Vertical grid lines, tick labels and the axis title below rows that run from `top` to
/// `bottom`.
fn axis_below(
    s: &mut Svg,
    ticks: &svg::Ticks,
    x: &Scale,
    (x0, x1): (f64, f64),
    top: f64,
    bottom: f64,
    title: &str,
) {
    for t in &ticks.values {
        let tx = x.map(*t);
        s.line((tx, top - 4.0), (tx, bottom), GRID, 1.0, None);
        s.text(
            (tx, bottom + 18.0),
            Anchor::Middle,
            FONT_SMALL,
            false,
            &ticks.label(*t),
        );
    }
    s.line((x0, bottom), (x1, bottom), INK, 1.0, None);
    s.text(
        ((x0 + x1) / 2.0, bottom + 40.0),
        Anchor::Middle,
        FONT,
        false,
        title,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_results::IndicatorInfo;

    fn units() -> Units {
        Units::of(&IndicatorInfo {
            statistic: "proportion".into(),
            unit: "%".into(),
            ..IndicatorInfo::default()
        })
    }

    /// The x of every `<text>` of an SVG with its anchor and text.
    fn texts(svg: &str) -> Vec<(f64, String, String)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let attr = |name: &str| {
                    t.split(&format!("{name}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .unwrap_or("")
                        .to_owned()
                };
                let body = t
                    .split('>')
                    .nth(1)
                    .unwrap_or("")
                    .split('<')
                    .next()
                    .unwrap_or("")
                    .to_owned();
                (attr("x").parse().unwrap_or(0.0), attr("text-anchor"), body)
            })
            .collect()
    }

    /// 104 weekly periods: the last (latest) label is drawn whole inside the chart.
    #[test]
    fn the_last_time_label_is_not_clipped() {
        let columns: Vec<Column> = (0..104)
            .map(|w| Column {
                label: format!("2026-03-{:02}", 1 + w % 28),
                value: Some(10.0 + f64::from(w % 7)),
                lower: None,
                upper: None,
            })
            .collect();
        let svg = trend("c", "t", "d", "ICS value", &columns, None, &units());
        let last = texts(&svg)
            .into_iter()
            .rfind(|(_, _, body)| body.starts_with("2026-03"))
            .unwrap();
        let half = last.2.chars().count() as f64 * CHAR_W * 0.5;
        assert_eq!(last.1, "middle");
        assert!(last.0 + half <= WIDTH, "{last:?} runs past {WIDTH}");
    }

    #[test]
    fn judgements_follow_the_direction() {
        use Comparison::*;
        assert_eq!(
            Judgement::of(Some(Higher), "higher_is_better"),
            Judgement::Better
        );
        assert_eq!(
            Judgement::of(Some(Higher), "lower_is_better"),
            Judgement::Worse
        );
        assert_eq!(
            Judgement::of(Some(Lower), "lower_is_better"),
            Judgement::Better
        );
        assert_eq!(Judgement::of(Some(Lower), "none"), Judgement::Lower);
        assert_eq!(
            Judgement::of(Some(Similar), "higher_is_better"),
            Judgement::Similar
        );
        assert_eq!(
            Judgement::of(None, "higher_is_better"),
            Judgement::NotCompared
        );
    }

    #[test]
    fn spc_point_texts_are_read_in_either_spelling() {
        assert_eq!(
            PointKind::parse("special cause improvement"),
            PointKind::Improvement
        );
        assert_eq!(
            PointKind::parse("special_cause_concern"),
            PointKind::Concern
        );
        assert_eq!(
            PointKind::parse("special_cause_neutral_high"),
            PointKind::Neither
        );
        assert_eq!(PointKind::parse("common cause"), PointKind::Common);
    }

    #[test]
    fn forest_draws_one_marker_per_point_and_cuts_long_labels() {
        let points = vec![
            ForestPoint {
                label: "Black, Black British, Caribbean or African & more words".into(),
                value: 60.0,
                lower: Some(55.0),
                upper: Some(65.0),
                judgement: Judgement::Worse,
            },
            ForestPoint {
                label: "White".into(),
                value: 75.0,
                lower: None,
                upper: None,
                judgement: Judgement::Similar,
            },
        ];
        let r = Reference {
            value: 72.0,
            label: "ICS 72.0%".into(),
        };
        let s = forest("f", "t", "d", &points, Some(&r), &units());
        // 31 characters fit in the label column.
        assert!(s.contains(">Black, Black British, Caribbean</tspan>"));
        assert!(s.contains(">or African &amp; more words</tspan>"));
        assert!(s.contains("&amp;") || !s.contains('&'));
        // Legend markers plus one per point: a diamond for Worse, a square for Similar.
        assert_eq!(s.matches("fill=\"#d5281b\"").count(), 2);
        assert!(s.matches("<rect").count() >= 2);
        assert!(s.contains(">ICS 72.0%</text>"));
    }

    #[test]
    fn long_labels_wrap_onto_two_lines() {
        assert_eq!(wrap("White", 30), vec!["White"]);
        assert_eq!(
            wrap("Black, Black British, Caribbean or African", 30),
            vec!["Black, Black British,", "Caribbean or African"]
        );
        assert_eq!(wrap("Supercalifragilistic", 10), vec!["Supercali…"]);
        assert_eq!(wrap("a b c d e f g h", 3), vec!["a b", "c…"]);
    }

    #[test]
    fn lines_break_at_missing_values() {
        assert_eq!(runs(5, |i| i != 2), vec![vec![0, 1], vec![3, 4]]);
        assert!(runs(3, |_| false).is_empty());
    }

    #[test]
    fn withheld_columns_are_not_drawn() {
        let cols = vec![
            Column {
                label: "1".into(),
                value: Some(50.0),
                lower: Some(45.0),
                upper: Some(55.0),
            },
            Column {
                label: "2".into(),
                value: None,
                lower: None,
                upper: None,
            },
        ];
        let s = gradient("g", "t", "d", &cols, None, "IMD decile", &units());
        // One legend marker and one data point.
        assert_eq!(s.matches("<circle").count(), 2);
    }
}
