//! `backlog mcp`: the real binary as an MCP server, driven by rmcp's client over the child's
//! stdin and stdout, in a temporary git repository checked with the git CLI.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService, ServiceError};
use serde_json::{Value as Json, json};

use crate::harness::TestEnv;

type Client = RunningService<RoleClient, ()>;

/// Starts `backlog mcp` in the repository and connects a client to it.
async fn connect(env: &TestEnv) -> (Client, tokio::process::Child) {
    let mut cmd = tokio::process::Command::from(env.command(&["mcp"]));
    cmd.env("BACKLOG_TODAY", "2026-03-02")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let stdin = child.stdin.take().unwrap();
    let client = ().serve((stdout, stdin)).await.unwrap();
    (client, child)
}

fn args(value: Json) -> serde_json::Map<String, Json> {
    match value {
        Json::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    }
}

async fn call_raw(
    client: &Client,
    tool: &str,
    arguments: Json,
) -> Result<CallToolResult, ServiceError> {
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(args(arguments)))
        .await
}

/// Calls a tool that must succeed; returns its structured result.
async fn call(client: &Client, tool: &str, arguments: Json) -> Json {
    let result = call_raw(client, tool, arguments).await.unwrap();
    assert_ne!(
        result.is_error,
        Some(true),
        "{tool} failed: {}",
        text(&result)
    );
    result
        .structured_content
        .clone()
        .unwrap_or_else(|| panic!("{tool}: no structured content"))
}

/// Calls a tool that must be refused; returns the error text.
async fn refused(client: &Client, tool: &str, arguments: Json) -> String {
    let result = call_raw(client, tool, arguments).await.unwrap();
    assert_eq!(
        result.is_error,
        Some(true),
        "{tool} should fail: {}",
        text(&result)
    );
    text(&result)
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ids(items: &Json) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The last commit's message.
fn last_message(env: &TestEnv) -> String {
    env.git(&["log", "-1", "--format=%B"]).ok().stdout
}

/// A small backlog: B-1 ready, B-2 ready but waiting for B-3, B-3 ready but too big,
/// B-4 a draft that duplicates B-1.
fn seeded() -> TestEnv {
    let env = TestEnv::new();
    env.item(
        "B-1",
        "Sign in with company SSO",
        "type: story\nstatus: ready\nrank: a0\nestimate: 3\n",
        "As a returning user, I want to sign in with company SSO so that I manage no password.\n\n\
         ## Acceptance criteria\n- [x] The SSO button reaches the IdP.\n- [ ] A failed sign-in shows the IdP error.\n",
    );
    env.item(
        "B-2",
        "Export the report as CSV",
        "type: task\nstatus: ready\nrank: a1\nestimate: 2\ndepends_on: [B-3]\n",
        "## Acceptance criteria\n- [ ] A CSV file downloads.\n",
    );
    env.item(
        "B-3",
        "Audit log of every change",
        "type: task\nstatus: ready\nrank: a2\nestimate: 13\n",
        "## Acceptance criteria\n- [ ] Changes are logged.\n- [ ] The log can be searched.\n",
    );
    env.item(
        "B-4",
        "Sign in with the company SSO",
        "type: story\nstatus: draft\nrank: a3\n",
        "As a returning user, I want to sign in with company SSO so that I manage no password.\n",
    );
    env.commit_all("seed");
    env
}

#[tokio::test(flavor = "current_thread")]
async fn test_mcp_serves_every_tool_and_commits_like_the_cli() {
    let env = seeded();
    let seed = env
        .git(&["rev-parse", "HEAD"])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let (client, _child) = connect(&env).await;

    // Initialize: who we talk to, and the instructions with the definition of ready.
    let info = client.peer_info().unwrap();
    assert_eq!(info.server_info.as_ref().unwrap().name, "backlog");
    let instructions = info.instructions.clone().unwrap();
    assert!(instructions.contains("at most 8 points"), "{instructions}");
    assert!(instructions.contains("next_item"), "{instructions}");

    // Every tool is listed, each with an object schema for its input.
    let tools = client.list_all_tools().await.unwrap();
    let names: BTreeSet<String> = tools.iter().map(|t| t.name.to_string()).collect();
    let expected: BTreeSet<String> = [
        "list_items",
        "show_item",
        "check",
        "plan",
        "agenda",
        "diff",
        "dupes",
        "next_item",
        "claim_item",
        "finish_item",
        "add_item",
        "update_item",
        "estimate",
        "split_item",
        "merge_items",
        "rank_item",
        "criteria",
        "dod",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert!(
        expected.is_subset(&names),
        "missing tools: {:?}",
        expected.difference(&names)
    );
    for t in &tools {
        assert_eq!(
            t.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            t.name
        );
    }

    // Reading.
    let list = call(&client, "list_items", json!({})).await;
    assert_eq!(list["schema"], 1);
    assert_eq!(ids(&list["items"]), ["B-1", "B-2", "B-3", "B-4"]);
    assert_eq!(list["items"][0]["path"], "backlog/B-1-item.md");
    let found = call(&client, "list_items", json!({"search": "sso SIGN"})).await;
    assert_eq!(ids(&found["items"]), ["B-1", "B-4"]);
    let unblocked = call(
        &client,
        "list_items",
        json!({"unblocked": true, "type": "task"}),
    )
    .await;
    assert_eq!(ids(&unblocked["items"]), ["B-3"]);

    let shown = call(&client, "show_item", json!({"id": "b-1"})).await;
    assert_eq!(shown["id"], "B-1");
    assert_eq!(shown["acceptance_criteria"][1]["done"], false);
    assert!(
        shown["story"]
            .as_str()
            .unwrap()
            .starts_with("As a returning user")
    );

    let checked = call(&client, "check", json!({"ids": ["B-3"]})).await;
    let rules: Vec<&str> = checked["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["item"], "B-3");
            f["rule"].as_str().unwrap()
        })
        .collect();
    assert!(rules.contains(&"too-big"), "{checked}");
    assert_eq!(checked["summary"]["passed"], false);

    let plan = call(&client, "plan", json!({"capacity": 5, "sprints": 1})).await;
    assert_eq!(plan["capacity"]["points"], 5);
    assert!(
        plan["plan"]["sprints"].as_array().unwrap().len() == 1,
        "{plan}"
    );
    let agenda = call(&client, "agenda", json!({"capacity": 20})).await;
    assert!(agenda["agenda"]["groups"].is_array(), "{agenda}");

    let dupes = call(&client, "dupes", json!({"threshold": 0.3})).await;
    let pair = &dupes["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("B-1"), Some("B-4")),
        "{dupes}"
    );

    let next = call(&client, "next_item", json!({"owner": "ada"})).await;
    assert_eq!(next["item"]["id"], "B-1", "{next}");
    let none = call(&client, "next_item", json!({"label": "nowhere"})).await;
    assert_eq!(none["item"], Json::Null);

    // Working: claim, a refused second claim, finish.
    let claimed = call(&client, "claim_item", json!({"id": "B-1", "owner": "ada"})).await;
    assert_eq!(claimed["command"], "claim");
    assert_eq!(claimed["items"][0]["owner"], "ada");
    assert_eq!(claimed["items"][0]["status"], "in-progress");
    let msg = last_message(&env);
    assert!(
        msg.starts_with("backlog: claim B-1: owner=ada, status=in-progress"),
        "{msg}"
    );
    assert!(
        msg.contains("Backlog-Op: claim\nBacklog-Items: B-1\nBacklog-Via: mcp"),
        "{msg}"
    );
    assert_eq!(
        claimed["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD"]).ok().stdout.trim()
    );
    let taken = refused(&client, "claim_item", json!({"id": "B-1", "owner": "bob"})).await;
    assert!(taken.contains("error: B-1 is claimed by ada"), "{taken}");
    assert!(taken.contains("hint: "), "{taken}");

    let finished = call(&client, "finish_item", json!({"id": "B-1"})).await;
    assert_eq!(finished["items"][0]["status"], "done");
    assert_eq!(finished["unchecked_criteria"][0]["number"], 2);
    assert!(env.read("backlog/B-1-item.md").contains("status: done\n"));

    // Refining.
    let estimated = call(&client, "estimate", json!({"id": "B-4", "points": 5})).await;
    assert_eq!(estimated["items"][0]["estimate"], 5);
    let msg = last_message(&env);
    assert!(
        msg.contains("Backlog-Op: estimate\nBacklog-Items: B-4\nBacklog-Via: mcp\n"),
        "{msg}"
    );
    let off = refused(&client, "estimate", json!({"id": "B-4", "points": "4"})).await;
    assert!(
        off.contains("4 is not on the estimate scale (0, 1, 2, 3, 5, 8, 13, 20, 40, 100)"),
        "{off}"
    );

    call(
        &client,
        "update_item",
        json!({"id": "B-4", "set": ["labels=[auth, web]", "owner=bob"]}),
    )
    .await;
    let b4 = env.read("backlog/B-4-item.md");
    assert!(
        b4.contains("labels: [auth, web]\n") && b4.contains("owner: bob\n"),
        "{b4}"
    );

    let listed = call(&client, "criteria", json!({"id": "b-2"})).await;
    assert_eq!(
        listed["acceptance_criteria"][0]["text"],
        "A CSV file downloads."
    );
    assert_eq!(listed["acceptance_criteria"][0]["number"], 1);
    call(&client, "criteria", json!({"id": "B-2", "check": [1]})).await;
    let one_char = env.last_diff();
    assert!(
        one_char.contains("-- [ ] A CSV file downloads.\n+- [x] A CSV file downloads."),
        "{one_char}"
    );
    call(
        &client,
        "criteria",
        json!({"id": "B-2", "add": ["Columns have headers."]}),
    )
    .await;
    assert!(
        env.read("backlog/B-2-item.md")
            .ends_with("- [x] A CSV file downloads.\n- [ ] Columns have headers.\n")
    );
    let two = refused(
        &client,
        "criteria",
        json!({"id": "B-2", "check": [2], "remove": [1]}),
    )
    .await;
    assert!(two.contains("give one of"), "{two}");
    call(
        &client,
        "dod",
        json!({"id": "B-2", "add": ["Docs updated"]}),
    )
    .await;
    let dod = call(&client, "dod", json!({"id": "B-2"})).await;
    assert_eq!(
        dod["definition_of_done"][0]["text"], "Docs updated",
        "{dod}"
    );
    assert_eq!(dod["definition_of_done"][0]["done"], false, "{dod}");
    let missing = refused(&client, "criteria", json!({"id": "B-2", "check": [7]})).await;
    assert!(missing.starts_with("error: "), "{missing}");

    let added = call(&client, "add_item", json!({"title": "Remember the last IdP", "criteria": ["The IdP is preselected."], "labels": ["auth"]})).await;
    let new_path = added["items"][0]["path"].as_str().unwrap().to_owned();
    assert!(
        env.read(&new_path)
            .contains("- [ ] The IdP is preselected.")
    );

    let split = call(
        &client,
        "split_item",
        json!({"id": "B-3", "into": ["Log changes", "Search the log"], "give": ["1=1", "2=2"]}),
    )
    .await;
    assert_eq!(split["items"][0]["status"], "split");
    assert!(env.read("backlog/B-3-item.md").contains("status: split"));

    call(
        &client,
        "merge_items",
        json!({"duplicate": "B-4", "into": "B-1"}),
    )
    .await;
    assert!(
        env.read("backlog/B-4-item.md")
            .contains("duplicate_of: B-1")
    );

    let ranked = call(&client, "rank_item", json!({"id": "B-2", "top": true})).await;
    assert_eq!(ranked["command"], "rank");

    let diff = call(&client, "diff", json!({"from": seed, "to": "HEAD"})).await;
    assert!(!diff["items"].as_array().unwrap().is_empty(), "{diff}");

    // One commit per mutation, each with the MCP trailer, and a clean work tree.
    let log = env
        .git(&["log", "--format=%s", &format!("{seed}..HEAD")])
        .ok()
        .stdout;
    let ops: Vec<&str> = log
        .lines()
        .rev()
        .map(|l| l.split([' ', ':']).nth(2).unwrap_or(""))
        .collect();
    assert_eq!(
        ops,
        [
            "claim", "finish", "estimate", "set", "criteria", "criteria", "dod", "add", "split",
            "merge", "rank"
        ],
        "{log}"
    );
    let vias = env
        .git(&[
            "log",
            "--format=%(trailers:key=Backlog-Via,valueonly)",
            &format!("{seed}..HEAD"),
        ])
        .ok()
        .stdout;
    assert_eq!(vias.lines().filter(|l| *l == "mcp").count(), 11, "{vias}");
    assert_eq!(env.status(), "");
    env.assert_fsck();

    // Errors are tool errors with the CLI's hints; malformed requests are JSON-RPC errors.
    let unknown = refused(&client, "show_item", json!({"id": "B-11"})).await;
    assert!(
        unknown.contains("error: unknown item B-11\nhint: did you mean B-1"),
        "{unknown}"
    );
    // Arguments that do not fit the schema are tool errors too (as the MCP specification
    // asks, so the agent can correct itself); nothing is written.
    let bad = refused(&client, "show_item", json!({"id": 5})).await;
    assert!(
        bad.contains("invalid type: integer `5`, expected a string"),
        "{bad}"
    );
    let extra = refused(&client, "list_items", json!({"colour": "red"})).await;
    assert!(extra.contains("unknown field `colour`"), "{extra}");
    // A request for a tool that does not exist is a JSON-RPC error.
    match call_raw(&client, "drop_table", json!({}))
        .await
        .unwrap_err()
    {
        ServiceError::McpError(e) => assert_eq!(e.code.0, -32602, "{e:?}"),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
    let both = refused(
        &client,
        "rank_item",
        json!({"id": "B-2", "top": true, "bottom": true}),
    )
    .await;
    assert!(both.contains("exactly one"), "{both}");

    // Still serving, and reading the files afresh: an edit made outside shows at once.
    env.item("B-9", "Written by hand", "status: draft\n", "");
    let list = call(&client, "list_items", json!({"all": true})).await;
    assert!(ids(&list["items"]).contains(&"B-9".to_owned()));
    let open = call(&client, "list_items", json!({})).await;
    assert!(
        !ids(&open["items"]).contains(&"B-1".to_owned()),
        "done items are closed"
    );

    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn test_mcp_commit_is_the_cli_commit_plus_the_via_trailer() {
    let cli = seeded();
    cli.run(&["estimate", "B-4", "5"]).ok();
    cli.run(&[
        "split",
        "B-3",
        "--into",
        "Log changes",
        "--into",
        "Search the log",
    ])
    .ok();
    let mcp = seeded();
    let (client, _child) = connect(&mcp).await;
    call(&client, "estimate", json!({"id": "B-4", "points": "5"})).await;
    let cli_estimate = cli.git(&["log", "-1", "--format=%B", "HEAD~1"]).ok().stdout;
    let mcp_estimate = last_message(&mcp);
    assert_eq!(
        mcp_estimate.trim_end(),
        format!("{}\nBacklog-Via: mcp", cli_estimate.trim_end())
    );
    assert_eq!(
        mcp.read("backlog/B-4-item.md"),
        cli.read("backlog/B-4-item.md")
    );
    let cli_files = cli
        .git(&["show", "--stat", "--format=", "HEAD"])
        .ok()
        .stdout;
    let split = call(
        &client,
        "split_item",
        json!({"id": "B-3", "into": ["Log changes", "Search the log"]}),
    )
    .await;
    let mcp_files = mcp
        .git(&["show", "--stat", "--format=", "HEAD"])
        .ok()
        .stdout;
    // Children get fresh random IDs: compare the shape, not the names.
    assert_eq!(
        cli_files.lines().count(),
        mcp_files.lines().count(),
        "{cli_files}\n{mcp_files}"
    );
    // The parent, two children, and B-2 that depended on the parent.
    assert_eq!(split["items"].as_array().unwrap().len(), 4);
    assert_eq!(
        mcp.read("backlog/B-3-item.md").lines().count(),
        cli.read("backlog/B-3-item.md").lines().count()
    );
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn test_mcp_claim_by_two_clients_exactly_one_wins() {
    let env = seeded();
    let before = env.commit_count();
    let (ada, _a) = connect(&env).await;
    let (bob, _b) = connect(&env).await;
    let (a, b) = tokio::join!(
        call_raw(&ada, "claim_item", json!({"id": "B-1", "owner": "ada"})),
        call_raw(&bob, "claim_item", json!({"id": "B-1", "owner": "bob"})),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let won: Vec<bool> = [&a, &b].iter().map(|r| r.is_error != Some(true)).collect();
    assert_eq!(
        won.iter().filter(|w| **w).count(),
        1,
        "ada: {}\nbob: {}",
        text(&a),
        text(&b)
    );
    let (winner, loser) = if won[0] { ("ada", &b) } else { ("bob", &a) };
    assert!(
        text(loser).contains(&format!("B-1 is claimed by {winner}")),
        "{}",
        text(loser)
    );
    assert!(
        env.read("backlog/B-1-item.md")
            .contains(&format!("owner: {winner}\n"))
    );
    assert_eq!(env.commit_count(), before + 1);
    assert_eq!(env.status(), "");
    // The loser may still take it over on purpose.
    let loser_client = if won[0] { &bob } else { &ada };
    let loser_name = if won[0] { "bob" } else { "ada" };
    call(
        loser_client,
        "claim_item",
        json!({"id": "B-1", "owner": loser_name, "force": true}),
    )
    .await;
    assert!(
        env.read("backlog/B-1-item.md")
            .contains(&format!("owner: {loser_name}\n"))
    );
    ada.cancel().await.unwrap();
    bob.cancel().await.unwrap();
}

/// Reads JSON-RPC messages from the server until the response with this id; every line on
/// stdout must be JSON.
fn response(reader: &mut impl BufRead, id: u64) -> Json {
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "server closed stdout"
        );
        let msg: Json =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if msg["id"] == id {
            return msg;
        }
    }
}

#[test]
fn test_mcp_answers_malformed_requests_and_keeps_serving() {
    let env = seeded();
    let mut child = env
        .command(&["mcp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut send = |v: &str| {
        stdin.write_all(v.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    };
    send(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#,
    );
    assert_eq!(
        response(&mut reader, 1)["result"]["serverInfo"]["name"],
        "backlog"
    );
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    // Not JSON at all: ignored (there is no id to answer).
    send("this is not json {");
    // JSON, but not a JSON-RPC message.
    send(r#"{"jsonrpc":"2.0","id":2,"method":42}"#);
    // A tool call whose arguments do not match the schema: a tool error naming the field.
    send(
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"estimate","arguments":{"id":"B-1"}}}"#,
    );
    let r = response(&mut reader, 3);
    assert_eq!(r["result"]["isError"], true, "{r}");
    assert!(
        r["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("missing field `points`"),
        "{r}"
    );
    // A call of a tool that does not exist: a JSON-RPC error.
    send(
        r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"nope","arguments":{}}}"#,
    );
    assert_eq!(response(&mut reader, 7)["error"]["code"], -32602);
    // An unknown ID: a tool error with the CLI's text.
    send(
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"show_item","arguments":{"id":"B-7"}}}"#,
    );
    let r = response(&mut reader, 4);
    assert_eq!(r["result"]["isError"], true, "{r}");
    assert_eq!(
        r["result"]["structuredContent"]["error"], "unknown item B-7",
        "{r}"
    );
    // An unknown method.
    send(r#"{"jsonrpc":"2.0","id":5,"method":"items/delete","params":{}}"#);
    assert!(response(&mut reader, 5)["error"]["code"].is_i64());
    // Still serving.
    send(
        r#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"show_item","arguments":{"id":"B-2"}}}"#,
    );
    let r = response(&mut reader, 6);
    assert_eq!(r["result"]["structuredContent"]["id"], "B-2", "{r}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(env.commit_count(), 1);
}

#[test]
fn test_mcp_instructions_follow_the_config() {
    let env = seeded();
    let text = env.run(&["mcp", "--instructions"]).ok().stdout;
    assert!(text.contains("at most 8 points"), "{text}");
    assert!(text.contains("claim_item"), "{text}");
    env.write(
        "backlog/config.yml",
        "rules:\n  too_big: {max_estimate: 5}\n",
    );
    let text = env.run(&["mcp", "--instructions"]).ok().stdout;
    assert!(text.contains("at most 5 points"), "{text}");
    assert!(text.contains("split it with `split_item`"), "{text}");
}

#[test]
fn test_mcp_refuses_to_start_without_a_backlog() {
    let env = TestEnv::bare_dir();
    let r = env.run(&["mcp"]).code(2);
    assert!(r.stderr.contains("no backlog folder"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

/// The server remembers what items link to between calls (so `show_item` does not read the
/// whole backlog each time), but every answer is the one a fresh read gives: files edited,
/// added, renamed and removed by hand between calls, in the same second, are seen.
#[tokio::test(flavor = "current_thread")]
async fn test_mcp_show_item_sees_files_changed_between_calls() {
    let env = seeded();
    let (client, _child) = connect(&env).await;
    let dependents = |shown: &Json| ids(&shown["dependents"]);
    let shown = call(&client, "show_item", json!({"id": "B-3"})).await;
    assert_eq!(dependents(&shown), ["B-2"]);

    // Edited in place, same size: B-2 no longer depends on B-3, B-4 now does.
    let b2 = env.read("backlog/B-2-item.md");
    env.write("backlog/B-2-item.md", &b2.replace("[B-3]", "[B-1]"));
    env.item(
        "B-4",
        "Sign in with the company SSO",
        "type: story\nstatus: draft\nrank: a3\ndepends_on: [b-3]\n",
        "",
    );
    let shown = call(&client, "show_item", json!({"id": "B-3"})).await;
    assert_eq!(dependents(&shown), ["B-4"]);
    assert_eq!(
        dependents(&call(&client, "show_item", json!({"id": "B-1"})).await),
        ["B-2"]
    );

    // A new file, and a renamed one.
    env.item("B-5", "Search the audit log", "depends_on: [B-3]\n", "");
    std::fs::rename(
        env.path("backlog/B-4-item.md"),
        env.path("backlog/B-4-renamed.md"),
    )
    .unwrap();
    let shown = call(&client, "show_item", json!({"id": "B-3"})).await;
    assert_eq!(dependents(&shown), ["B-4", "B-5"]);
    assert_eq!(shown["dependents"][0]["path"], "backlog/B-4-renamed.md");

    // A copy under another name claims B-3's ID: named in the result's warnings.
    let b3 = env.read("backlog/B-3-item.md");
    env.write("backlog/copy-of-b3.md", &b3);
    let shown = call(&client, "show_item", json!({"id": "B-3"})).await;
    assert_eq!(shown["path"], "backlog/B-3-item.md");
    assert_eq!(
        shown["warnings"][0],
        "backlog/copy-of-b3.md also has id B-3; this is backlog/B-3-item.md \
         (`backlog check` reports duplicate-id)"
    );
    std::fs::remove_file(env.path("backlog/copy-of-b3.md")).unwrap();

    // Removed, and broken: neither is a dependent any more.
    std::fs::remove_file(env.path("backlog/B-5-item.md")).unwrap();
    env.write("backlog/B-4-renamed.md", "---\nid: [broken\n---\n");
    let shown = call(&client, "show_item", json!({"id": "B-3"})).await;
    assert_eq!(dependents(&shown), Vec::<String>::new());
    assert!(shown.get("warnings").is_none(), "{shown}");
}
