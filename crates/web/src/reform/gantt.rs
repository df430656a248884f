//! The plan's timeline (甘特图) drawn on the server as SVG: one bar per task from its start to
//! its deadline in the colour of its light, filled to its progress, milestones as diamonds,
//! dependencies as arrows and today as a line. No script, so it prints and exports as it
//! shows.

use chrono::{Datelike, NaiveDate};
use fgf_app::reform::TaskView;
use fgf_domain::reform::Light;
use fgf_domain::reform::TaskId;
use fgf_store::reform::MilestoneRow;
use maud::{html, Markup};
use std::collections::HashMap;

const LABEL_W: f64 = 300.0;
const CHART_W: f64 = 860.0;
const ROW_H: f64 = 22.0;
const HEAD_H: f64 = 34.0;

fn colour(l: Light) -> &'static str {
    match l {
        Light::Green => "#2e7d32",
        Light::Yellow => "#c88a00",
        Light::Red => "#c62828",
        Light::Done => "#6b7280",
    }
}

/// Tasks in number order (2.10 after 2.9), subtasks under their parents.
pub fn in_order(tasks: &[TaskView]) -> Vec<&TaskView> {
    let mut v: Vec<&TaskView> = tasks.iter().collect();
    v.sort_by_key(|t| {
        t.task
            .code
            .split('.')
            .map(|p| p.parse().unwrap_or(u32::MAX))
            .collect::<Vec<u32>>()
    });
    v
}

/// The timeline of `tasks` as an inline SVG; `title` is its accessible name.
pub fn svg(
    tasks: &[TaskView],
    milestones: &[MilestoneRow],
    today: NaiveDate,
    title: &str,
    today_label: &str,
) -> Markup {
    let rows = in_order(tasks);
    let dates = rows.iter().map(|t| (t.task.start_date, t.task.deadline));
    let (mut lo, mut hi) = (today, today);
    for (s, d) in dates {
        lo = lo.min(s);
        hi = hi.max(d);
    }
    // Whole months either side, so the ticks fall on the first of a month.
    let lo = NaiveDate::from_ymd_opt(lo.year(), lo.month(), 1).unwrap_or(lo);
    let hi = hi
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| NaiveDate::from_ymd_opt(d.year(), d.month(), 1))
        .unwrap_or(hi);
    #[allow(clippy::cast_precision_loss)]
    let span = ((hi - lo).num_days().max(1)) as f64;
    #[allow(clippy::cast_precision_loss)]
    let x = |d: NaiveDate| LABEL_W + CHART_W * ((d - lo).num_days() as f64) / span;
    #[allow(clippy::cast_precision_loss)]
    let height = HEAD_H + ROW_H * rows.len() as f64 + 8.0;
    let width = LABEL_W + CHART_W + 10.0;
    let row_of: HashMap<TaskId, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, t)| (t.task.id, i))
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let y = |i: usize| HEAD_H + ROW_H * i as f64;
    let mut months = Vec::new();
    let mut m = lo;
    while m < hi {
        months.push(m);
        match m.checked_add_months(chrono::Months::new(1)) {
            Some(n) => m = n,
            None => break,
        }
    }
    let by_code: HashMap<&str, &TaskView> =
        rows.iter().map(|t| (t.task.code.as_str(), *t)).collect();
    html! {
        svg.gantt xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
            viewBox=(format!("0 0 {width:.0} {height:.0}")) width=(format!("{width:.0}")) height=(format!("{height:.0}")) {
            title { (title) }
            defs {
                marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse" {
                    path d="M 0 0 L 10 5 L 0 10 z" fill="#5b6675" {}
                }
            }
            rect x="0" y="0" width=(format!("{width:.0}")) height=(format!("{height:.0}")) fill="#fff" {}
            @for (i, m) in months.iter().enumerate() {
                @let mx = x(*m);
                line x1=(format!("{mx:.1}")) y1="20" x2=(format!("{mx:.1}")) y2=(format!("{height:.0}")) stroke="#e3e8ef" {}
                @if months.len() <= 18 || i % 2 == 0 {
                    text x=(format!("{:.1}", mx + 3.0)) y="16" font-size="11" fill="#5b6675" { (format!("{}-{:02}", m.year(), m.month())) }
                }
            }
            @for (i, t) in rows.iter().enumerate() {
                @let ry = y(i);
                @if i % 2 == 1 { rect x="0" y=(format!("{ry:.1}")) width=(format!("{width:.0}")) height=(format!("{ROW_H}")) fill="#f7f9fc" {} }
                @let indent = 6.0 + 14.0 * t.task.code.matches('.').count() as f64;
                @let label: String = format!("{} {}", t.task.code, t.task.title).chars().take(24).collect();
                text x=(format!("{indent:.0}")) y=(format!("{:.1}", ry + 15.0)) font-size="12" fill="#1f2933" { (label) }
                @let (s, d) = (t.task.start_date, t.task.deadline);
                @let (x0, x1) = (x(s), x(d).max(x(s) + 2.0));
                @let w = x1 - x0;
                rect x=(format!("{x0:.1}")) y=(format!("{:.1}", ry + 5.0)) width=(format!("{w:.1}")) height="12" rx="2" fill=(colour(t.light)) fill-opacity="0.35" {
                    title { (format!("{} {} · {} → {} · {}%", t.task.code, t.task.title, t.task.start_date, t.task.deadline, t.progress)) }
                }
                rect x=(format!("{x0:.1}")) y=(format!("{:.1}", ry + 5.0)) width=(format!("{:.1}", w * f64::from(t.progress) / 100.0)) height="12" rx="2" fill=(colour(t.light)) {}
                @for m in milestones.iter().filter(|m| m.task_id == t.task.id) {
                    @let (mx, my) = (x(m.due), ry + 11.0);
                    path d=(format!("M {mx:.1} {:.1} L {:.1} {my:.1} L {mx:.1} {:.1} L {:.1} {my:.1} z", my - 6.0, mx + 6.0, my + 6.0, mx - 6.0))
                        fill=(if m.done_at_ms.is_some() { "#1f4e8c" } else { "#fff" }) stroke="#1f4e8c" stroke-width="1.5" {
                        title { (format!("{} {}", m.title, m.due)) }
                    }
                }
            }
            // Dependencies: from the end of the task depended on to the start of the one waiting.
            @for t in &rows {
                @for dep in &t.depends_on {
                    @if let (Some(from), Some(&ti)) = (by_code.get(dep.as_str()), row_of.get(&t.task.id)) {
                        @if let Some(&fi) = row_of.get(&from.task.id) {
                            @let (fd, ts) = (from.task.deadline, t.task.start_date);
                            @let (x0, y0, x1, y1) = (x(fd), y(fi) + 11.0, x(ts), y(ti) + 11.0);
                            @let xm = x0.max(x1) + 6.0;
                            path d=(format!("M {x0:.1} {y0:.1} L {xm:.1} {y0:.1} L {xm:.1} {y1:.1} L {:.1} {y1:.1}", x1.max(LABEL_W)))
                                fill="none" stroke="#5b6675" stroke-width="1" stroke-dasharray="3 2" marker-end="url(#arrow)" {}
                        }
                    }
                }
            }
            @let tx = x(today);
            line x1=(format!("{tx:.1}")) y1="20" x2=(format!("{tx:.1}")) y2=(format!("{height:.0}")) stroke="#c62828" stroke-width="1.5" stroke-dasharray="4 3" {}
            text x=(format!("{:.1}", tx + 3.0)) y="30" font-size="11" fill="#c62828" { (today_label) " " (today.to_string()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fgf_domain::reform::TaskStatus;
    use fgf_store::reform::TaskRow;

    fn view(
        id: i64,
        code: &str,
        start: &str,
        deadline: &str,
        light: Light,
        deps: &[&str],
    ) -> TaskView {
        TaskView {
            task: TaskRow {
                id: TaskId::new(id),
                plan_id: 1,
                parent_id: None,
                code: code.to_owned(),
                title: format!("任务{code}"),
                category: "放管服".to_owned(),
                requirement: String::new(),
                result_form: String::new(),
                start_date: start.parse().unwrap(),
                deadline: deadline.parse().unwrap(),
                lead_department_id: fgf_domain::base::DepartmentId::new(1),
                owner: String::new(),
                weight: 1,
                progress: 50,
                status: TaskStatus::InProgress,
                section: String::new(),
                partners: String::new(),
                clause: String::new(),
            },
            lead: "改革办".to_owned(),
            light,
            reasons: Vec::new(),
            reason_list: Vec::new(),
            depends_on: deps.iter().map(|d| (*d).to_owned()).collect(),
            progress: 50,
            last_report: None,
        }
    }

    #[test]
    fn bars_milestones_dependencies_and_today_are_drawn() {
        let tasks = [
            view(1, "1", "2026-01-05", "2026-03-31", Light::Red, &[]),
            view(2, "2", "2026-04-01", "2026-06-30", Light::Green, &["1"]),
            view(3, "1.1", "2026-01-05", "2026-02-28", Light::Done, &[]),
        ];
        let ms = [MilestoneRow {
            id: 1,
            task_id: TaskId::new(1),
            title: "初稿".to_owned(),
            due: "2026-02-15".parse().unwrap(),
            done_at_ms: Some(1),
        }];
        let today = NaiveDate::from_ymd_opt(2026, 4, 10).unwrap();
        let s = svg(&tasks, &ms, today, "时间轴", "今天").into_string();
        // Rows in number order: 1, 1.1, 2.
        let (a, b, c) = (
            s.find("1 任务1").unwrap(),
            s.find("1.1 任务1.1").unwrap(),
            s.find("2 任务2").unwrap(),
        );
        assert!(a < b && b < c);
        // One bar in each task's colour: red, green, grey (done).
        for colour in ["#c62828", "#2e7d32", "#6b7280"] {
            let bar = format!("fill=\"{colour}\" fill-opacity");
            assert_eq!(s.matches(&bar).count(), 1, "{colour}");
        }
        assert!(s.contains("初稿 2026-02-15"));
        assert_eq!(s.matches("marker-end=\"url(#arrow)\"").count(), 1);
        assert!(s.contains("今天 2026-04-10"));
        // Months from January to July are ticked.
        assert!(s.contains(">2026-01<") && s.contains(">2026-06<"));
    }
}
