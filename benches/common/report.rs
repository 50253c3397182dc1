//! Where run data and plots go, and the plots themselves.

use std::path::{Path, PathBuf};

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
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .unwrap();
    chart
        .configure_mesh()
        .x_desc("listeners")
        .y_desc("percent")
        .draw()
        .unwrap();
    for s in series {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(s.points.clone(), color))
            .unwrap()
            .label(s.label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        chart
            .draw_series(s.points.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .unwrap();
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE)
        .draw()
        .unwrap();
    root.present().unwrap();
}
