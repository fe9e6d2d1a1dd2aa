//! `kubectl describe` for workload controllers.
