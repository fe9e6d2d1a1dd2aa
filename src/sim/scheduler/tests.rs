//! Scheduler behaviour tests: plugin verdicts, FailedScheduling text, placement.
