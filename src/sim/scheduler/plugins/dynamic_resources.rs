//! DynamicResources (DRA, on by default since v1.34). Podlab models no ResourceClaims, so the
//! plugin only speaks in PostFilter: with nothing allocated there is nothing to deallocate.

use crate::sim::scheduler::framework::{PostFilterInput, PostFilterPlugin, Status};
use crate::sim::scheduler::plugins::default_preemption::Preemption;

pub const NAME: &str = "DynamicResources";
/// Its PostFilter message for a pod without resource claims.
pub const NO_CLAIMS_TO_DEALLOCATE: &str = "no new claims to deallocate";

pub struct DynamicResources;

impl PostFilterPlugin for DynamicResources {
    fn name(&self) -> &'static str {
        NAME
    }

    fn post_filter(&self, input: &PostFilterInput) -> (Option<Preemption>, Status) {
        // After a PreFilter rejection upstream's plugin has no cycle state and adds no message.
        if input.pre_filter_failure.is_some() {
            return (None, Status::skip());
        }
        (None, Status::unschedulable(NO_CLAIMS_TO_DEALLOCATE))
    }
}
