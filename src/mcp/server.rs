//! The MCP protocol side: the tool router (names, descriptions, input schemas) on `rmcp`,
//! and the mapping of results. A tool's refusal (unknown ID, off-scale estimate…) is an MCP
//! tool error (`isError: true`) whose text is the CLI's `error:` and `hint:` lines, with
//! the same in `structuredContent` as `{"error", "hints"}`. Arguments that do not match a
//! tool's schema are JSON-RPC errors (invalid params), produced by `rmcp` before the tool
//! runs. A panic inside a tool becomes an internal error of that call, never the end of the
//! server.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ErrorData, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use serde_json::{Value as Json, json};

use super::args::{
    AddArgs, CheckArgs, ClaimArgs, CriteriaArgs, DiffArgs, DupesArgs, EstimateArgs, IdArgs,
    ListArgs, MergeArgs, NextArgs, PlanArgs, RankArgs, SplitArgs, UpdateArgs,
};
use super::tools::Backlog;
use crate::view::Error;

/// The MCP server: the backlog's location and the tool router.
#[derive(Debug, Clone)]
pub struct BacklogServer {
    backlog: Backlog,
    tool_router: ToolRouter<Self>,
}

/// Runs one tool call and turns its outcome into a tool result.
fn run(call: impl FnOnce() -> Result<Json, Error>) -> Result<CallToolResult, ErrorData> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => Ok(CallToolResult::structured(value)),
        Ok(Err(e)) => {
            let mut result = CallToolResult::error(vec![ContentBlock::text(e.to_string())]);
            result.structured_content = Some(json!({"error": e.message, "hints": e.hints}));
            Ok(result)
        }
        Err(_) => Err(ErrorData::internal_error(
            "the tool failed unexpectedly (a bug in backlog: please report it); \
             nothing was committed by this call",
            None,
        )),
    }
}

#[tool_router]
impl BacklogServer {
    /// A server for the backlog that `backlog` finds from these options.
    pub fn new(backlog: Backlog) -> Self {
        Self {
            backlog,
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        description = "List items in rank order (open items unless `all`), filtered by status, label, owner, type, search words, unblocked or blocked. Returns {schema, items: [item with every front-matter key and path]}.",
        annotations(read_only_hint = true)
    )]
    async fn list_items(
        &self,
        Parameters(args): Parameters<ListArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.list_items(&args))
    }

    #[tool(
        description = "Show one item: every front-matter key, path, story and acceptance_criteria [{text, done}] (numbered from 1 in that order).",
        annotations(read_only_hint = true)
    )]
    async fn show_item(
        &self,
        Parameters(args): Parameters<IdArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.show_item(&args))
    }

    #[tool(
        description = "Check the backlog (integrity and the definition of ready), optionally only the given item IDs. Returns {schema, findings: [{rule, severity, path, line, item, message}], summary}.",
        annotations(read_only_hint = true)
    )]
    async fn check(
        &self,
        Parameters(args): Parameters<CheckArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.check(&args))
    }

    #[tool(
        description = "Plan the next sprints up to capacity with ready items in rank order (writes nothing). Returns {schema, capacity, plan}.",
        annotations(read_only_hint = true)
    )]
    async fn plan(
        &self,
        Parameters(args): Parameters<PlanArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.plan(&args))
    }

    #[tool(
        description = "The refinement agenda: items needed in the next sprints that are not ready, with what each is missing, grouped by owner. Returns {schema, capacity, agenda}.",
        annotations(read_only_hint = true)
    )]
    async fn agenda(
        &self,
        Parameters(args): Parameters<PlanArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.agenda(&args))
    }

    #[tool(
        description = "Summarize backlog changes between two git revisions (`to` omitted: the working tree): added, changed, removed, split and merged items.",
        annotations(read_only_hint = true)
    )]
    async fn diff(
        &self,
        Parameters(args): Parameters<DiffArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.diff(&args))
    }

    #[tool(
        description = "Find likely duplicates among open items (similar title, story and criteria). Returns {schema, threshold, items, candidates, pairs: [{a, b, score, a_title, b_title}]}.",
        annotations(read_only_hint = true)
    )]
    async fn dupes(
        &self,
        Parameters(args): Parameters<DupesArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.dupes(&args))
    }

    #[tool(
        description = "The next item to work on: the highest-ranked open item with a ready status that passes the definition of ready and waits for no unfinished dependency, optionally for an owner (unowned or theirs) or a label. Returns {schema, item (null if none), considered}.",
        annotations(read_only_hint = true)
    )]
    async fn next_item(
        &self,
        Parameters(args): Parameters<NextArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.next_item(&args))
    }

    #[tool(
        description = "Claim an item before working on it: sets owner and the first in-progress status in one commit. Refuses when another owner holds it, unless force.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn claim_item(
        &self,
        Parameters(args): Parameters<ClaimArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.claim_item(&args))
    }

    #[tool(
        description = "Finish an item: sets the done status in one commit and reports the acceptance criteria still unchecked (unchecked_criteria).",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn finish_item(
        &self,
        Parameters(args): Parameters<IdArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.finish_item(&args))
    }

    #[tool(
        description = "Add an item at the bottom of the ranking (one commit). Returns {schema, command, changed, items, commit}.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn add_item(
        &self,
        Parameters(args): Parameters<AddArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.add_item(&args))
    }

    #[tool(
        description = "Set, change or remove front-matter keys with KEY=VALUE assignments as `backlog set` takes them (lists as [a, b]; KEY= removes). One commit.",
        annotations(read_only_hint = false, destructive_hint = true)
    )]
    async fn update_item(
        &self,
        Parameters(args): Parameters<UpdateArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.update_item(&args))
    }

    #[tool(
        description = "Set an item's estimate in story points; the value must be on the configured scale. One commit.",
        annotations(
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true
        )
    )]
    async fn estimate(
        &self,
        Parameters(args): Parameters<EstimateArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.estimate(&args))
    }

    #[tool(
        description = "List an item's acceptance criteria numbered, or make one change: add (appends; creates the section), check, uncheck, remove (by numbers), edit {number, text}, or move {from, to}. A change is one commit with a minimal diff.",
        annotations(read_only_hint = false, destructive_hint = true)
    )]
    async fn criteria(
        &self,
        Parameters(args): Parameters<CriteriaArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.criteria(&args))
    }

    #[tool(
        description = "List the item's definition of done numbered (the team's list from config.yml, then the item's own \"Definition of done\" section), or make one change as `criteria` does: check, uncheck, add, remove, edit, move. A change is one commit.",
        annotations(read_only_hint = false, destructive_hint = true)
    )]
    async fn dod(
        &self,
        Parameters(args): Parameters<CriteriaArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.dod(&args))
    }

    #[tool(
        description = "Split an item into children that take its place in the ranking (each child gets parent: ID, and the criteria given to it); the item is closed as split. One commit.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn split_item(
        &self,
        Parameters(args): Parameters<SplitArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.split_item(&args))
    }

    #[tool(
        description = "Fold a duplicate into the item that stays: moves criteria, labels and links, repoints every depends_on, closes the duplicate. One commit.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn merge_items(
        &self,
        Parameters(args): Parameters<MergeArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.merge_items(&args))
    }

    #[tool(
        description = "Move an item in the ranking: exactly one of before (ID), after (ID), top or bottom. Rewrites only that item's file. One commit.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn rank_item(
        &self,
        Parameters(args): Parameters<RankArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        run(|| self.backlog.rank_item(&args))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for BacklogServer {
    fn get_info(&self) -> ServerConfig {
        // The instructions follow the backlog's own config.yml when it can be read.
        let config = self
            .backlog
            .workspace()
            .map(|ws| ws.store.config.clone())
            .unwrap_or_default();
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("backlog", env!("CARGO_PKG_VERSION"))
                    .with_title("backlog: git-native backlog refinement"),
            )
            .with_instructions(super::instructions(&config))
    }
}

/// Serves MCP on standard input and output until the client closes the connection.
pub async fn serve_stdio(backlog: Backlog) -> Result<(), std::io::Error> {
    let service = BacklogServer::new(backlog)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(std::io::Error::other)?;
    service.waiting().await.map_err(std::io::Error::other)?;
    Ok(())
}
