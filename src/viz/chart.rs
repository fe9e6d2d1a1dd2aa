//! Charts over virtual time. The trace records that objects changed, not their counts, so a
//! [`ChartRecorder`] is fed the simulation at the moments the caller chooses (each tick of the
//! playground's clock, each second of a test) and keeps what the charts need. Sampling is pure
//! and deterministic: the same simulation at the same times gives the same samples.

use std::collections::BTreeMap;

use crate::sim::controllers::hpa;
use crate::sim::Simulation;

/// The most samples kept; older ones are thinned to every second one so a long session stays
/// small while its whole span remains visible.
pub const MAX_SAMPLES: usize = 2000;

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend text.
    pub name: String,
    /// (virtual seconds, value), oldest first.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// The value at `t` (the last sample at or before it), for step charts.
    pub fn at(&self, t: f64) -> Option<f64> {
        self.points.iter().take_while(|(x, _)| *x <= t).last().map(|(_, y)| *y)
    }

    /// Whether this line starts above `other` and ends below it (or the reverse): two
    /// ReplicaSets trading places in a rolling update.
    pub fn crosses(&self, other: &Series) -> bool {
        let diffs: Vec<f64> = self
            .points
            .iter()
            .filter_map(|(t, y)| other.at(*t).map(|o| y - o))
            .filter(|d| *d != 0.0)
            .collect();
        match (diffs.first(), diffs.last()) {
            (Some(a), Some(b)) => a.signum() != b.signum(),
            _ => false,
        }
    }
}

/// A chart: series sharing one time axis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    /// The heading.
    pub title: String,
    /// The horizontal axis label.
    pub x_label: String,
    /// The vertical axis label.
    pub y_label: String,
    /// Drawn as steps (counts change at an instant) rather than straight lines.
    pub step: bool,
    /// The lines.
    pub series: Vec<Series>,
}

impl Chart {
    /// (min time, max time, max value), with a non-empty range.
    pub fn bounds(&self) -> (f64, f64, f64) {
        let pts = self.series.iter().flat_map(|s| s.points.iter());
        let (mut t0, mut t1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        for &(t, y) in pts {
            t0 = t0.min(t);
            t1 = t1.max(t);
            y1 = y1.max(y);
        }
        if !t0.is_finite() {
            return (0.0, 1.0, 1.0);
        }
        if t1 <= t0 {
            t1 = t0 + 1.0;
        }
        (t0, t1, if y1 <= 0.0 { 1.0 } else { y1 })
    }

    /// The series named `name`.
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }
}

/// What one sample holds.
#[derive(Clone, Debug, Default, PartialEq)]
struct Sample {
    t: f64,
    /// `ns/name` of each ReplicaSet → desired, current, ready, available.
    replica_sets: BTreeMap<String, [f64; 4]>,
    /// `ns/name` of each Deployment → desired, current, ready, available.
    deployments: BTreeMap<String, [f64; 4]>,
    /// Pod phase → count.
    phases: BTreeMap<String, f64>,
    /// `ns/name` of each pod → total restarts.
    restarts: BTreeMap<String, f64>,
    /// `ns/name` of each HPA → current replicas, desired replicas, load in CPU cores.
    hpas: BTreeMap<String, [f64; 3]>,
}

/// Samples of the simulation over time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartRecorder {
    samples: Vec<Sample>,
}

fn key(namespace: Option<&String>, name: Option<&String>) -> String {
    format!("{}/{}", namespace.map_or("", |s| s), name.map_or("", |s| s))
}

impl ChartRecorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many samples are kept.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether nothing has been sampled.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Records the simulation as it is now; a second sample at the same time replaces the first.
    pub fn sample(&mut self, sim: &Simulation) {
        let store = sim.store();
        let mut s = Sample { t: sim.time().as_millis() as f64 / 1000.0, ..Sample::default() };
        for rs in store.list("ReplicaSet", None).filter_map(|o| o.as_replica_set()) {
            let st = rs.status.as_ref();
            s.replica_sets.insert(
                key(rs.metadata.namespace.as_ref(), rs.metadata.name.as_ref()),
                [
                    f64::from(rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)),
                    f64::from(st.map(|s| s.replicas).unwrap_or(0)),
                    f64::from(st.and_then(|s| s.ready_replicas).unwrap_or(0)),
                    f64::from(st.and_then(|s| s.available_replicas).unwrap_or(0)),
                ],
            );
        }
        for d in store.list("Deployment", None).filter_map(|o| o.as_deployment()) {
            let st = d.status.as_ref();
            s.deployments.insert(
                key(d.metadata.namespace.as_ref(), d.metadata.name.as_ref()),
                [
                    f64::from(d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)),
                    f64::from(st.and_then(|s| s.replicas).unwrap_or(0)),
                    f64::from(st.and_then(|s| s.ready_replicas).unwrap_or(0)),
                    f64::from(st.and_then(|s| s.available_replicas).unwrap_or(0)),
                ],
            );
        }
        for p in store.list("Pod", None).filter_map(|o| o.as_pod()) {
            let phase = p.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into());
            *s.phases.entry(phase).or_default() += 1.0;
            let restarts: i32 = p
                .status
                .as_ref()
                .into_iter()
                .flat_map(|s| {
                    s.container_statuses.iter().flatten().chain(s.init_container_statuses.iter().flatten())
                })
                .map(|c| c.restart_count)
                .sum();
            s.restarts
                .insert(key(p.metadata.namespace.as_ref(), p.metadata.name.as_ref()), f64::from(restarts));
        }
        for h in store.list("HorizontalPodAutoscaler", None).filter_map(|o| o.as_hpa()) {
            let ns = h.metadata.namespace.clone().unwrap_or_default();
            let target = &h.spec.scale_target_ref;
            let (cpu, _) = hpa::load_of(sim, &target.kind, &ns, &target.name);
            let st = h.status.as_ref();
            s.hpas.insert(
                key(h.metadata.namespace.as_ref(), h.metadata.name.as_ref()),
                [
                    f64::from(st.and_then(|s| s.current_replicas).unwrap_or(0)),
                    f64::from(st.map(|s| s.desired_replicas).unwrap_or(0)),
                    cpu as f64 / 1000.0,
                ],
            );
        }
        if self.samples.last().is_some_and(|last| last.t >= s.t) {
            self.samples.pop();
        }
        self.samples.push(s);
        if self.samples.len() > MAX_SAMPLES {
            // Thin the older half, keep the recent half at full resolution.
            let half = self.samples.len() / 2;
            let recent = self.samples.split_off(half);
            self.samples = self.samples.iter().step_by(2).cloned().chain(recent).collect();
        }
    }

    fn series_of(&self, name: String, value: impl Fn(&Sample) -> Option<f64>) -> Series {
        Series { name, points: self.samples.iter().filter_map(|s| value(s).map(|v| (s.t, v))).collect() }
    }

    /// Desired, current, ready and available pods of Deployment `ns/name` and of each of its
    /// ReplicaSets (named `NAME-HASH`, so a rolling update shows the old one falling as the new
    /// one rises). A ReplicaSet name works too.
    pub fn replica_chart(&self, namespace: &str, name: &str) -> Chart {
        let wanted = format!("{namespace}/{name}");
        let mut chart = Chart {
            title: format!("Replicas of {name}"),
            x_label: "virtual time (s)".into(),
            y_label: "pods".into(),
            step: true,
            series: Vec::new(),
        };
        const FIELDS: [&str; 4] = ["desired", "current", "ready", "available"];
        if self.samples.iter().any(|s| s.deployments.contains_key(&wanted)) {
            for (i, field) in FIELDS.iter().enumerate() {
                chart.series.push(
                    self.series_of(format!("{name} {field}"), |s| s.deployments.get(&wanted).map(|v| v[i])),
                );
            }
        }
        let prefix = format!("{wanted}-");
        let mut sets: Vec<String> = Vec::new();
        for s in &self.samples {
            for k in s.replica_sets.keys() {
                if (k.starts_with(&prefix) || *k == wanted) && !sets.contains(k) {
                    sets.push(k.clone());
                }
            }
        }
        for rs in sets {
            let short = rs.rsplit('/').next().unwrap_or(&rs).to_string();
            for (i, field) in FIELDS.iter().enumerate() {
                chart.series.push(
                    self.series_of(format!("{short} {field}"), |s| s.replica_sets.get(&rs).map(|v| v[i])),
                );
            }
        }
        chart
    }

    /// Pods per phase over time.
    pub fn phase_chart(&self) -> Chart {
        let mut chart = Chart {
            title: "Pods by phase".into(),
            x_label: "virtual time (s)".into(),
            y_label: "pods".into(),
            step: true,
            series: Vec::new(),
        };
        for phase in ["Pending", "Running", "Succeeded", "Failed", "Unknown"] {
            if self.samples.iter().any(|s| s.phases.contains_key(phase)) {
                chart.series.push(
                    self.series_of(phase.into(), |s| Some(s.phases.get(phase).copied().unwrap_or(0.0))),
                );
            }
        }
        chart
    }

    /// Container restarts per pod over time (pods that restarted at least once).
    pub fn restart_chart(&self) -> Chart {
        let mut chart = Chart {
            title: "Container restarts".into(),
            x_label: "virtual time (s)".into(),
            y_label: "restarts".into(),
            step: true,
            series: Vec::new(),
        };
        let mut pods: Vec<String> = Vec::new();
        for s in &self.samples {
            for (k, v) in &s.restarts {
                if *v > 0.0 && !pods.contains(k) {
                    pods.push(k.clone());
                }
            }
        }
        for pod in pods {
            let name = pod.rsplit('/').next().unwrap_or(&pod).to_string();
            chart.series.push(self.series_of(name, |s| s.restarts.get(&pod).copied()));
        }
        chart
    }

    /// An HPA's current and desired replicas against the load on its target (CPU cores).
    pub fn hpa_chart(&self, namespace: &str, name: &str) -> Chart {
        let wanted = format!("{namespace}/{name}");
        let mut chart = Chart {
            title: format!("Autoscaling of {name}"),
            x_label: "virtual time (s)".into(),
            y_label: "replicas · load (CPU cores)".into(),
            step: true,
            series: Vec::new(),
        };
        for (i, field) in ["current replicas", "desired replicas", "load (CPU cores)"].iter().enumerate() {
            chart.series.push(self.series_of((*field).into(), |s| s.hpas.get(&wanted).map(|v| v[i])));
        }
        chart
    }
}
