//! The YAML alias budget: any text either exceeds the budget or parses into values whose
//! size the budget bounds, never a hang or an allocation blow-up.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let limit = backlog::yaml_budget::limit_for(text.len());
    if !backlog::yaml_budget::exceeds(text, limit) {
        let _ = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text);
        let _ = backlog::Config::parse(text, "backlog/config.yml");
    }
});
