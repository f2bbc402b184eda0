use std::io::Read;

use clap::Args;

use backlog::ops::story;

use crate::cli::{CliError, Context, Ui, begin, finish};

/// Replace an item's user story (the paragraphs before the first heading)
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog story B-7KX2 'As a returning user, I want SSO so that I have one password less.'
  git show HEAD:story.txt | backlog story B-7KX2 -")]
pub(crate) struct StoryArgs {
    /// Item ID (case-insensitive; a unique prefix is enough)
    id: String,
    /// The new story; `-` reads it from standard input
    text: String,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &StoryArgs) -> Result<u8, CliError> {
    let text = if args.text == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::user(format!("cannot read the story from standard input: {e}"))
        })?;
        text
    } else {
        args.text.clone()
    };
    let ws = ctx.workspace()?;
    let tx = begin(ui, &ws)?;
    let entry = ws.store.find(&args.id)?;
    let outcome = story(entry, &text)?;
    let done = format!("Updated the story of {}.", outcome.items[0].item.id);
    finish(ui, &tx, "story", &outcome, &done)?;
    Ok(0)
}
