//! The overview's charts: SVG drawn on the server (the page is a server component, so
//! none of this reaches the browser bundle). Colours come from the stylesheet's theme
//! variables, so a chart reads in light and dark. A chart is a picture of the table
//! beside it, which holds the numbers and the links: it is hidden from screen readers.

use crate::overview::server::{Figure, Shape};
use leptos::prelude::*;

const WIDTH: u32 = 560;
/// Bars: the label column, the longest bar, one row's height.
const LABEL: u32 = 190;
const BAR: u32 = 300;
const ROW: u32 = 24;
/// Columns: the plot's height and the room below it for dates.
const PLOT: u32 = 140;
const AXIS: u32 = 24;
/// The most characters of a label drawn; the table has it whole.
const LABEL_CHARS: usize = 26;

/// `count`'s share of `max` in `length` pixels: at least 1 for anything counted, so a
/// small count still shows.
fn scaled(count: u64, max: u64, length: u32) -> u32 {
    if count == 0 || max == 0 {
        return 0;
    }
    let share = u128::from(count) * u128::from(length) / u128::from(max);
    u32::try_from(share).unwrap_or(length).max(1)
}

fn clipped(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let kept: String = label.chars().take(LABEL_CHARS - 1).collect();
        format!("{kept}…")
    }
}

/// One section's chart.
#[component]
pub fn Chart(shape: Shape, figures: Vec<Figure>) -> impl IntoView {
    let max = figures.iter().map(|f| f.count).max().unwrap_or(0);
    match shape {
        Shape::Bars => bars(&figures, max).into_any(),
        Shape::Columns => columns(&figures, max).into_any(),
    }
}

fn bars(figures: &[Figure], max: u64) -> impl IntoView {
    let rows = u32::try_from(figures.len()).unwrap_or(u32::MAX).max(1);
    let height = rows * ROW;
    let drawn = figures
        .iter()
        .zip(0u32..)
        .map(|(f, i)| {
            let y = i * ROW;
            let length = scaled(f.count, max, BAR);
            view! {
                <text x=(LABEL - 8).to_string() y=(y + ROW / 2 + 4).to_string() text-anchor="end" class="chart-label">
                    {f.tick.clone().unwrap_or_else(|| clipped(&f.label))}
                </text>
                <rect x=LABEL.to_string() y=(y + 4).to_string() width=length.to_string()
                    height=(ROW - 8).to_string() class="chart-bar"></rect>
                <text x=(LABEL + length + 6).to_string() y=(y + ROW / 2 + 4).to_string() class="chart-value">
                    {f.count}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") width=WIDTH.to_string()
            height=height.to_string() aria-hidden="true" focusable="false">
            {drawn}
        </svg>
    }
}

fn columns(figures: &[Figure], max: u64) -> impl IntoView {
    let n = u32::try_from(figures.len()).unwrap_or(u32::MAX).max(1);
    let slot = WIDTH / n;
    let width = (slot * 7 / 10).max(1);
    // A date under at most 13 columns, so that they do not overlap.
    let every = n.div_ceil(13);
    let height = PLOT + AXIS;
    let drawn = figures
        .iter()
        .zip(0u32..)
        .map(|(f, i)| {
            let length = scaled(f.count, max, PLOT - 16);
            let x = i * slot + (slot - width) / 2;
            let centre = i * slot + slot / 2;
            let date = (i % every == 0 || i + 1 == n).then(|| f.tick.clone().unwrap_or_default());
            let value = (n <= 26).then(|| view! {
                <text x=centre.to_string() y=(PLOT - length - 4).to_string() text-anchor="middle" class="chart-value">
                    {f.count}
                </text>
            });
            view! {
                <rect x=x.to_string() y=(PLOT - length).to_string() width=width.to_string()
                    height=length.to_string() class="chart-bar"></rect>
                {value}
                {date.map(|date| view! {
                    <text x=centre.to_string() y=(PLOT + 16).to_string() text-anchor="middle" class="chart-label">
                        {date}
                    </text>
                })}
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") width=WIDTH.to_string()
            height=height.to_string() aria-hidden="true" focusable="false">
            <line x1="0" y1=PLOT.to_string() x2=WIDTH.to_string() y2=PLOT.to_string() class="chart-axis"></line>
            {drawn}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_its_share_and_any_count_shows() {
        assert_eq!(scaled(50, 100, 300), 150);
        assert_eq!(scaled(100, 100, 300), 300);
        assert_eq!(scaled(1, 1_000_000, 300), 1);
        assert_eq!(scaled(0, 100, 300), 0);
        assert_eq!(scaled(0, 0, 300), 0);
        assert_eq!(scaled(u64::MAX, u64::MAX, 300), 300);
    }

    #[test]
    fn a_long_label_is_clipped_on_a_character() {
        assert_eq!(clipped("cyber: pending"), "cyber: pending");
        let long = "é".repeat(40);
        let shown = clipped(&long);
        assert_eq!(shown.chars().count(), LABEL_CHARS);
        assert!(shown.ends_with('…'));
    }
}
