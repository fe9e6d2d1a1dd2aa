//! `kubectl describe` for services, nodes, namespaces, storage and config kinds.
