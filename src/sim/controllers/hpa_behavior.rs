//! HPA v2 `behavior`: stabilization windows and scaling policies, following
//! `normalizeDesiredReplicasWithBehaviors` in pkg/controller/podautoscaler/horizontal.go.
//!
//! Unset fields take the API defaults: scale up with no stabilization window, at most
//! max(+4 pods, +100 %) per 15 s; scale down after a 300 s window, at most 100 % per 15 s;
//! `selectPolicy: Max`.

use k8s_openapi::api::autoscaling::v2::{HPAScalingRules, HorizontalPodAutoscalerBehavior};

/// `--horizontal-pod-autoscaler-downscale-stabilization`, the default scale-down window.
pub const DEFAULT_DOWN_WINDOW: i64 = 300;

/// One scaling policy: `Pods` (a number of pods) or `Percent`, per `periodSeconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// `true` for `Percent`, `false` for `Pods`.
    pub percent: bool,
    /// The number of pods or the percentage.
    pub value: i32,
    /// The period the change is allowed over.
    pub period_seconds: i32,
}

/// Which policy wins when several allow different changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    /// The largest change (the default).
    Max,
    /// The smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// The effective rules of one direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Stabilization window in seconds.
    pub window: i64,
    /// How policies combine.
    pub select: Select,
    /// The policies.
    pub policies: Vec<Policy>,
}

fn rules(given: Option<&HPAScalingRules>, window: i64, policies: Vec<Policy>) -> Rules {
    let select = match given.and_then(|r| r.select_policy.as_deref()) {
        Some("Min") => Select::Min,
        Some("Disabled") => Select::Disabled,
        _ => Select::Max,
    };
    let policies = match given.and_then(|r| r.policies.as_ref()).filter(|p| !p.is_empty()) {
        Some(list) => list
            .iter()
            .map(|p| Policy {
                percent: p.type_ == "Percent",
                value: p.value,
                period_seconds: p.period_seconds,
            })
            .collect(),
        None => policies,
    };
    let window = given.and_then(|r| r.stabilization_window_seconds).map_or(window, i64::from);
    Rules { window, select, policies }
}

/// The (scale up, scale down) rules of `behavior` with the API defaults filled in.
pub fn effective(behavior: Option<&HorizontalPodAutoscalerBehavior>) -> (Rules, Rules) {
    let up = rules(
        behavior.and_then(|b| b.scale_up.as_ref()),
        0,
        vec![
            Policy { percent: false, value: 4, period_seconds: 15 },
            Policy { percent: true, value: 100, period_seconds: 15 },
        ],
    );
    let down = rules(
        behavior.and_then(|b| b.scale_down.as_ref()),
        DEFAULT_DOWN_WINDOW,
        vec![Policy { percent: true, value: 100, period_seconds: 15 }],
    );
    (up, down)
}

/// The controller's memory of one HPA: recommendations and the scale changes it made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// (unix seconds, unstabilized recommendation).
    pub recommendations: Vec<(i64, i32)>,
    /// (unix seconds, pods added).
    pub scale_ups: Vec<(i64, i32)>,
    /// (unix seconds, pods removed).
    pub scale_downs: Vec<(i64, i32)>,
}

/// A decision with the reason and message of the condition it sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The replica count.
    pub replicas: i32,
    /// The condition reason.
    pub reason: &'static str,
    /// The condition message.
    pub message: &'static str,
}

impl History {
    /// Stabilizes `desired`: not above the lowest recommendation within the scale-up window,
    /// not below the highest within the scale-down window (`stabilizeRecommendationWithBehaviors`).
    /// Records `desired`. The reason is for `AbleToScale` when the result differs from `desired`.
    pub fn stabilize(&mut self, now: i64, current: i32, desired: i32, up: &Rules, down: &Rules) -> Decision {
        let up_cutoff = now - up.window;
        let down_cutoff = now - down.window;
        let mut up_recommendation = desired;
        let mut down_recommendation = desired;
        for (at, recommendation) in &self.recommendations {
            if *at > up_cutoff {
                up_recommendation = up_recommendation.min(*recommendation);
            }
            if *at > down_cutoff {
                down_recommendation = down_recommendation.max(*recommendation);
            }
        }
        let replicas = current.max(up_recommendation).min(down_recommendation);
        // Samples older than both windows are no longer needed.
        self.recommendations.retain(|(at, _)| *at >= up_cutoff || *at >= down_cutoff);
        self.recommendations.push((now, desired));
        if desired >= current {
            Decision {
                replicas,
                reason: "ScaleUpStabilized",
                message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
            }
        } else {
            Decision {
                replicas,
                reason: "ScaleDownStabilized",
                message: "recent recommendations were higher than current one, applying the highest recent recommendation",
            }
        }
    }

    fn changed_within(events: &[(i64, i32)], now: i64, period: i32) -> i32 {
        events.iter().filter(|(at, _)| *at > now - i64::from(period)).map(|(_, n)| n).sum()
    }

    /// Applies the rate policies and min/max (`convertDesiredReplicasWithBehaviorRate`); the
    /// reason is for `ScalingLimited`.
    pub fn limit(
        &self,
        now: i64,
        current: i32,
        desired: i32,
        bounds: (i32, i32),
        up: &Rules,
        down: &Rules,
    ) -> Decision {
        let (min, max) = bounds;
        if desired > current {
            let limit = self.scale_up_limit(now, current, up).max(current);
            let (allowed, reason, message) = if max > limit {
                (
                    limit,
                    "ScaleUpLimit",
                    "the desired replica count is increasing faster than the maximum scale rate",
                )
            } else {
                (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
            };
            if desired > allowed {
                return Decision { replicas: allowed, reason, message };
            }
        } else if desired < current {
            let limit = self.scale_down_limit(now, current, down).min(current);
            let (allowed, reason, message) = if min < limit {
                (
                    limit,
                    "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate",
                )
            } else {
                (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
            };
            if desired < allowed {
                return Decision { replicas: allowed, reason, message };
            }
        }
        Decision {
            replicas: desired,
            reason: "DesiredWithinRange",
            message: "the desired count is within the acceptable range",
        }
    }

    fn period_start(&self, now: i64, current: i32, period: i32) -> i32 {
        current - Self::changed_within(&self.scale_ups, now, period)
            + Self::changed_within(&self.scale_downs, now, period)
    }

    fn scale_up_limit(&self, now: i64, current: i32, rules: &Rules) -> i32 {
        let proposals = rules.policies.iter().map(|p| {
            let start = self.period_start(now, current, p.period_seconds);
            if p.percent {
                // Rounded up, or a small target could never grow.
                (f64::from(start) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32
            } else {
                start.saturating_add(p.value)
            }
        });
        match rules.select {
            Select::Disabled => current,
            Select::Min => proposals.min().unwrap_or(i32::MAX),
            Select::Max => proposals.max().unwrap_or(i32::MIN),
        }
    }

    fn scale_down_limit(&self, now: i64, current: i32, rules: &Rules) -> i32 {
        let proposals = rules.policies.iter().map(|p| {
            let start = self.period_start(now, current, p.period_seconds);
            if p.percent {
                (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32
            } else {
                start - p.value
            }
        });
        match rules.select {
            Select::Disabled => current,
            // For scaling down the smallest change is the highest count.
            Select::Min => proposals.max().unwrap_or(i32::MIN),
            Select::Max => proposals.min().unwrap_or(i32::MAX),
        }
    }

    /// Records a rescale from `from` to `to`, forgetting events older than every policy period.
    pub fn record_scale(&mut self, now: i64, from: i32, to: i32, up: &Rules, down: &Rules) {
        let longest = |r: &Rules| r.policies.iter().map(|p| i64::from(p.period_seconds)).max().unwrap_or(0);
        let (up_period, down_period) = (longest(up), longest(down));
        self.scale_ups.retain(|(at, _)| *at > now - up_period);
        self.scale_downs.retain(|(at, _)| *at > now - down_period);
        if to > from {
            self.scale_ups.push((now, to - from));
        } else if to < from {
            self.scale_downs.push((now, from - to));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::autoscaling::v2::HPAScalingPolicy;

    #[test]
    fn default_scale_up_is_max_of_four_pods_and_double() {
        let (up, down) = effective(None);
        let history = History::default();
        assert_eq!(history.limit(0, 2, 20, (1, 100), &up, &down).replicas, 6);
        let limited = history.limit(0, 10, 50, (1, 100), &up, &down);
        assert_eq!((limited.replicas, limited.reason), (20, "ScaleUpLimit"));
        assert_eq!(history.limit(0, 10, 50, (1, 12), &up, &down).reason, "TooManyReplicas");
    }

    #[test]
    fn scale_down_waits_for_the_window_and_keeps_the_highest_recommendation() {
        let (up, down) = effective(None);
        let mut history = History::default();
        assert_eq!(history.stabilize(0, 5, 5, &up, &down).replicas, 5);
        let held = history.stabilize(60, 5, 1, &up, &down);
        assert_eq!((held.replicas, held.reason), (5, "ScaleDownStabilized"));
        assert_eq!(history.stabilize(299, 5, 1, &up, &down).replicas, 5);
        assert_eq!(history.stabilize(301, 5, 1, &up, &down).replicas, 1);
    }

    #[test]
    fn policies_count_changes_already_made_in_their_period() {
        let behavior = HorizontalPodAutoscalerBehavior {
            scale_up: Some(HPAScalingRules {
                policies: Some(vec![HPAScalingPolicy { type_: "Pods".into(), value: 1, period_seconds: 60 }]),
                ..Default::default()
            }),
            scale_down: Some(HPAScalingRules {
                select_policy: Some("Disabled".into()),
                ..Default::default()
            }),
        };
        let (up, down) = effective(Some(&behavior));
        let mut history = History::default();
        assert_eq!(history.limit(0, 3, 10, (1, 20), &up, &down).replicas, 4);
        history.record_scale(0, 3, 4, &up, &down);
        assert_eq!(history.limit(30, 4, 10, (1, 20), &up, &down).replicas, 4);
        assert_eq!(history.limit(61, 4, 10, (1, 20), &up, &down).replicas, 5);
        let disabled = history.limit(61, 4, 1, (1, 20), &up, &down);
        assert_eq!((disabled.replicas, disabled.reason), (4, "ScaleDownLimit"));
    }
}
