//! PrioritySort: the queue order — higher priority first, then earlier enqueue time.

use std::cmp::Ordering;

use crate::sim::time::SimTime;

pub const NAME: &str = "PrioritySort";

/// `Less(a, b)`: whether `a` should be popped before `b`.
pub fn less(a_priority: i32, a_enqueued: SimTime, b_priority: i32, b_enqueued: SimTime) -> bool {
    compare(a_priority, a_enqueued, b_priority, b_enqueued) == Ordering::Less
}

/// Total order used by the active queue (ties left to the caller's sequence number).
pub fn compare(a_priority: i32, a_enqueued: SimTime, b_priority: i32, b_enqueued: SimTime) -> Ordering {
    b_priority.cmp(&a_priority).then(a_enqueued.cmp(&b_enqueued))
}
