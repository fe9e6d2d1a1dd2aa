//! The built-in scenario library: a learning path from a first pod to a failing node.
//!
//! The files live in `scenarios/` at the crate root and are compiled in, so the static site needs
//! no server to list or open them. `00-welcome.yaml` is what a first visit opens.

/// Every built-in scenario as (file name, text), in learning order.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("00-welcome.yaml", include_str!("../../scenarios/00-welcome.yaml")),
    ("01-first-pod.yaml", include_str!("../../scenarios/01-first-pod.yaml")),
    ("02-pod-phases.yaml", include_str!("../../scenarios/02-pod-phases.yaml")),
    ("03-multi-container-emptydir.yaml", include_str!("../../scenarios/03-multi-container-emptydir.yaml")),
    (
        "04-pause-container-shared-network.yaml",
        include_str!("../../scenarios/04-pause-container-shared-network.yaml"),
    ),
    (
        "05-restart-policy-and-backoff.yaml",
        include_str!("../../scenarios/05-restart-policy-and-backoff.yaml"),
    ),
    ("06-image-pull-policy.yaml", include_str!("../../scenarios/06-image-pull-policy.yaml")),
    ("07-liveness-probe.yaml", include_str!("../../scenarios/07-liveness-probe.yaml")),
    ("08-readiness-probe.yaml", include_str!("../../scenarios/08-readiness-probe.yaml")),
    ("09-startup-probe.yaml", include_str!("../../scenarios/09-startup-probe.yaml")),
    ("10-init-containers.yaml", include_str!("../../scenarios/10-init-containers.yaml")),
    ("11-native-sidecar.yaml", include_str!("../../scenarios/11-native-sidecar.yaml")),
    ("12-oomkilled.yaml", include_str!("../../scenarios/12-oomkilled.yaml")),
    ("13-graceful-termination.yaml", include_str!("../../scenarios/13-graceful-termination.yaml")),
    ("14-emptydir-and-hostpath.yaml", include_str!("../../scenarios/14-emptydir-and-hostpath.yaml")),
    ("15-persistent-volume-claim.yaml", include_str!("../../scenarios/15-persistent-volume-claim.yaml")),
    ("16-replicaset.yaml", include_str!("../../scenarios/16-replicaset.yaml")),
    ("17-deployment-rolling-update.yaml", include_str!("../../scenarios/17-deployment-rolling-update.yaml")),
    ("18-deployment-recreate.yaml", include_str!("../../scenarios/18-deployment-recreate.yaml")),
    ("19-daemonset.yaml", include_str!("../../scenarios/19-daemonset.yaml")),
    ("20-statefulset.yaml", include_str!("../../scenarios/20-statefulset.yaml")),
    ("21-jobs.yaml", include_str!("../../scenarios/21-jobs.yaml")),
    ("22-cronjob.yaml", include_str!("../../scenarios/22-cronjob.yaml")),
    ("23-horizontal-pod-autoscaler.yaml", include_str!("../../scenarios/23-horizontal-pod-autoscaler.yaml")),
    (
        "24-scheduler-insufficient-resources.yaml",
        include_str!("../../scenarios/24-scheduler-insufficient-resources.yaml"),
    ),
    ("25-scheduler-placement.yaml", include_str!("../../scenarios/25-scheduler-placement.yaml")),
    ("26-node-failure.yaml", include_str!("../../scenarios/26-node-failure.yaml")),
];

/// The scenario a first visit opens.
pub const WELCOME: &str = "00-welcome.yaml";

/// The text of the built-in scenario file `name`.
pub fn find(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(file, _)| *file == name).map(|(_, text)| *text)
}
