//! Where run data and plots go, and the plots themselves.

use std::path::{Path, PathBuf};

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::Value;

/// `PNL_BENCH_OUT`, or `benches/results`.
pub fn out_dir() -> PathBuf {
    std::env::var("PNL_BENCH_OUT")
        .map(Into::into)
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/benches/results").into())
}

/// Writes `rows` as pretty JSON to `name` in [`out_dir`].
pub fn write_json(name: &str, rows: &[Value]) {
    let out = out_dir();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(name), serde_json::to_string_pretty(rows).unwrap()).unwrap();
}

/// One line of a plot: its legend, colour and `(listeners, percent)` points.
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Line colour.
    pub color: RGBColor,
    /// `(x, y)` points, x ascending.
    pub points: Vec<(f64, f64)>,
}

/// `(listeners, value)` points of the rows of `scenario`, `key` being a
/// number field of each row.
pub fn points(rows: &[&Value], scenario: &str, key: &str) -> Vec<(f64, f64)> {
    rows.iter()
        .filter(|r| r["scenario"] == scenario)
        .map(|r| {
            let f = |k: &str| r[k].as_f64().unwrap_or(0.0);
            (f("listeners"), f(key))
        })
        .collect()
}

/// An SVG of percent values (loss, CPU) against listeners.
pub fn plot(path: &Path, title: &str, series: &[Series]) {
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let all = || series.iter().flat_map(|s| s.points.iter());
    let x_max = all().map(|p| p.0).fold(1.0, f64::max) * 1.05;
    let y_max = all().map(|p| p.1).fold(5.0, f64::max) * 1.2;
    let mut chart = chart(&root, title, ("listeners", x_max), ("percent", y_max));
    for s in series {
        line(&mut chart, &s.points, s.color, &s.label, true);
    }
    legend(&mut chart);
    root.present().unwrap();
}

/// A chart with f64 axes on an SVG drawing area.
pub type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart titled `title` on `area`, its mesh drawn; `x` and `y` are each
/// axis's name and upper end (both start at zero).
pub fn chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    x: (&str, f64),
    y: (&str, f64),
) -> Chart<'a, 'b> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..x.1, 0.0..y.1)
        .unwrap();
    chart
        .configure_mesh()
        .x_desc(x.0)
        .y_desc(y.0)
        .draw()
        .unwrap();
    chart
}

/// Draws `points` as a line labelled `label`, with a dot on each point
/// when `dots`.
pub fn line(chart: &mut Chart, points: &[(f64, f64)], color: RGBColor, label: &str, dots: bool) {
    chart
        .draw_series(LineSeries::new(points.iter().copied(), color))
        .unwrap()
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
    if dots {
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .unwrap();
    }
}

/// Draws the legend of the labelled lines.
pub fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>) {
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE)
        .draw()
        .unwrap();
}
