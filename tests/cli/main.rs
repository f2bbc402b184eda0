//! End-to-end tests: the real `backlog` binary in temporary git repositories, checked
//! with the git CLI. One test binary (faster linking); one module per area.

mod hardening;
mod harness;

mod check;
mod conventions;
mod dates;
mod fast_paths;
mod first_hour;
mod forecast;
mod foundation;
mod history;
mod import;
mod log_follow;
mod mcp;
mod merge_driver;
mod outline;
mod rank;
mod readme;
mod refine;
mod site;
mod snapshots;
mod sprint;
mod terminal_help;
mod words;
