//! `kubectl describe` layouts.
