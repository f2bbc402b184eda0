//! The item filter flags shared by `list` and `matrix`.

use backlog::analysis::filter::Where;
use backlog::ops::Filter;
use clap::Args;

/// `--status --label --owner --type --where`.
#[derive(Debug, Clone, Args)]
pub(crate) struct FilterArgs {
    /// Only items with this status (repeatable)
    #[arg(long)]
    status: Vec<String>,
    /// Only items with this label (repeatable: any of them)
    #[arg(long)]
    label: Vec<String>,
    /// Only items owned by this person
    #[arg(long)]
    owner: Option<String>,
    /// Only items of this type
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Only items whose KEY (any key, custom fields included) is VALUE; `KEY=` for items
    /// without it (repeatable: all must hold)
    #[arg(long = "where", value_name = "KEY=VALUE")]
    wheres: Vec<Where>,
}

impl FilterArgs {
    /// The filter, refused with the known values when it names an unknown status or type.
    pub(crate) fn checked(
        &self,
        config: &backlog::config::Config,
    ) -> Result<Filter, crate::cli::CliError> {
        let filter = self.filter();
        filter.validate(config)?;
        Ok(filter)
    }

    pub(crate) fn filter(&self) -> Filter {
        Filter {
            status: self.status.clone(),
            label: self.label.clone(),
            owner: self.owner.clone(),
            kind: self.kind.clone(),
            wheres: self.wheres.clone(),
        }
    }
}
