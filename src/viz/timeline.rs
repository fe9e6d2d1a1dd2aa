//! A pod's timeline: its phase and each container's state as segments over virtual time, with
//! the pod's events (probe failures, pulls, kills) as marks, all read from the trace.

use crate::sim::{Simulation, TraceKind};

/// One stretch of a lane in one state.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Virtual seconds.
    pub start: f64,
    /// Virtual seconds.
    pub end: f64,
    /// The state, as shown (`Running`, `Terminated (Error, exit 1)`).
    pub label: String,
    /// Colour class: `running`, `pending`, `waiting`, `failed`, `succeeded`.
    pub class: &'static str,
}

/// A row: the pod's phase or one container.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// `phase` or `container NAME`.
    pub name: String,
    /// Its states in order.
    pub segments: Vec<Segment>,
}

/// An event of the pod.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Virtual seconds.
    pub t: f64,
    /// Whether it is a Warning.
    pub warning: bool,
    /// `Reason: message`.
    pub text: String,
}

/// The timeline of one pod.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// The pod, as the trace names it.
    pub pod: String,
    /// First moment shown (the pod's creation), virtual seconds.
    pub start: f64,
    /// Last moment shown (now, or when the pod was removed).
    pub end: f64,
    /// The phase lane first, then one lane per container in order of appearance.
    pub lanes: Vec<Lane>,
    /// The pod's events.
    pub marks: Vec<Mark>,
}

fn phase_class(phase: &str) -> &'static str {
    match phase {
        "Running" => "running",
        "Succeeded" => "succeeded",
        "Failed" | "Unknown" => "failed",
        _ => "pending",
    }
}

/// Ends the open segment of `lane` at `t` and opens a new one.
fn switch(lane: &mut Lane, t: f64, label: String, class: &'static str) {
    if let Some(last) = lane.segments.last_mut() {
        last.end = t;
    }
    lane.segments.push(Segment { start: t, end: t, label, class });
}

/// The timeline of `pod` (`pod/NAMESPACE/NAME`), or `None` if the trace never saw it.
pub fn pod_timeline(sim: &Simulation, pod: &str) -> Option<Timeline> {
    let container_prefix = format!("{pod}/");
    let mut timeline =
        Timeline { pod: pod.to_string(), start: 0.0, end: 0.0, lanes: Vec::new(), marks: Vec::new() };
    let mut seen = false;
    let mut gone = None;
    for entry in sim.trace().entries() {
        let t = entry.time.as_millis() as f64 / 1000.0;
        let subject: &str = &entry.subject;
        if subject == pod {
            match entry.kind {
                TraceKind::Created => {
                    // A pod recreated under the same name starts a fresh timeline.
                    timeline.lanes = vec![Lane { name: "phase".into(), segments: Vec::new() }];
                    timeline.marks.clear();
                    timeline.start = t;
                    gone = None;
                    seen = true;
                    switch(&mut timeline.lanes[0], t, "Pending".into(), "pending");
                }
                TraceKind::Pod if seen => {
                    let phase = entry.detail.strip_prefix("phase ").unwrap_or(&entry.detail).to_string();
                    let class = phase_class(&phase);
                    switch(&mut timeline.lanes[0], t, phase, class);
                }
                TraceKind::Event if seen => {
                    let (kind, text) = entry.detail.split_once(' ').unwrap_or(("Normal", &entry.detail));
                    timeline.marks.push(Mark { t, warning: kind == "Warning", text: text.to_string() });
                }
                TraceKind::Deleted if seen => gone = Some(t),
                _ => {}
            }
        } else if let Some(container) = subject.strip_prefix(&container_prefix).filter(|_| seen) {
            if entry.kind != TraceKind::Container {
                continue;
            }
            let name = format!("container {container}");
            let index = match timeline.lanes.iter().position(|l| l.name == name) {
                Some(index) => index,
                None => {
                    timeline.lanes.push(Lane { name, segments: Vec::new() });
                    let lane = timeline.lanes.len() - 1;
                    switch(&mut timeline.lanes[lane], timeline.start, "Waiting".into(), "waiting");
                    lane
                }
            };
            let detail = entry.detail.as_str();
            let (label, class) = if detail == "started" {
                ("Running".to_string(), "running")
            } else if let Some(exit) = detail.strip_prefix("exited ") {
                let (code, reason) = exit.split_once(' ').unwrap_or((exit, ""));
                let reason = reason.trim_matches(['(', ')']);
                let class = if code == "0" { "succeeded" } else { "failed" };
                (format!("Terminated ({reason}, exit {code})"), class)
            } else if detail == "removed from node" {
                ("Removed".to_string(), "waiting")
            } else {
                continue;
            };
            switch(&mut timeline.lanes[index], t, label, class);
        }
    }
    if !seen {
        return None;
    }
    timeline.end = gone.unwrap_or(sim.time().as_millis() as f64 / 1000.0);
    for lane in &mut timeline.lanes {
        if let Some(last) = lane.segments.last_mut() {
            last.end = timeline.end;
        }
    }
    Some(timeline)
}
