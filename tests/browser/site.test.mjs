// Browser test of the static site built by `backlog site`, in Debian's headless Chromium
// driven by playwright-core (no browser download: CHROMIUM or /usr/bin/chromium).
//
//   node tests/browser/site.test.mjs SITE_DIR SCREENSHOT_DIR
//
// Checks, over the site in SITE_DIR (opened from file://):
// - every page type loads with no console error, no uncaught exception and no request
//   outside the site (anything but file:// is blocked and reported);
// - the search box filters the backlog list as you type, the status filter works, `/`
//   focuses the search, and clearing the search brings the ranked pages back;
// - screenshots of the backlog, board, matrix and an item page at desktop and phone
//   widths go to SCREENSHOT_DIR.
// Prints one line per check and `N passed, N failed`; exits 1 when anything failed.

import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const site = resolve(process.argv[2] || "target/site-demo");
const shots = resolve(process.argv[3] || "target/site-screenshots");
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(join(site, "index.html"))) {
  console.error(`no site at ${site} (build it with \`backlog site ${site}\`)`);
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok     ${name}`);
  } else {
    failed++;
    console.log(`FAILED ${name}${detail ? `: ${detail}` : ""}`);
  }
}

const url = (rel) => pathToFileURL(join(site, rel)).href;
const items = readdirSync(join(site, "items")).filter((f) => f.endsWith(".html")).sort();
// An item with a story, criteria and history if the demo has it; else the first one.
const itemPage = items.includes("B-7KX2.html") ? "B-7KX2.html" : items[0];

const profile = mkdtempSync(join(tmpdir(), "backlog-site-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
});

// Per page: console errors, uncaught exceptions, requests that tried to leave the site.
const problems = [];
await context.route("**/*", (route) => {
  const u = route.request().url();
  if (u.startsWith("file://") || u.startsWith("data:") || u.startsWith("about:")) {
    return route.continue();
  }
  problems.push(`request outside the site: ${u}`);
  return route.abort();
});
const page = context.pages()[0] || (await context.newPage());
page.on("console", (msg) => {
  if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
});
page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
page.on("requestfailed", (req) => {
  if (req.url().startsWith("file://")) problems.push(`failed to load ${req.url()}`);
});

async function visit(rel, query = "") {
  problems.length = 0;
  await page.goto(url(rel) + query, { waitUntil: "load" });
  await page.waitForTimeout(50);
  return [...problems];
}

try {
  const pages = [
    ["backlog", "index.html"],
    ["board", "board.html"],
    ["next sprints", "sprints.html"],
    ["health", "health.html"],
    ["priority matrix", "matrix.html"],
    ["dependencies", "graph.html"],
    ["item page", `items/${itemPage}`],
  ];
  if (existsSync(join(site, "backlog-2.html"))) pages.push(["backlog page 2", "backlog-2.html"]);
  for (const [name, rel] of pages) {
    const found = await visit(rel);
    const h1 = await page.locator("h1").count();
    check(`${name} (${rel}) loads cleanly`, found.length === 0 && h1 === 1, found.join("; ") || `${h1} h1`);
  }

  // Search as you type.
  await visit("index.html");
  const formShown = await page.locator("#filters").isVisible();
  check("filter form is shown when JavaScript runs", formShown);
  const before = await page.locator("#items tbody tr").count();
  await page.keyboard.press("/");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check("`/` focuses the search box", focused === "q", `focused ${focused}`);
  await page.locator("#q").pressSequentially("sso", { delay: 30 });
  await page.waitForFunction(() => /match/.test(document.getElementById("count").textContent));
  const rows = await page.locator("#items tbody tr").allInnerTexts();
  check(
    "typing in the search box filters the list",
    rows.length > 0 && rows.length < before && rows.every((r) => /sso/i.test(r)),
    `${before} rows before, ${rows.length} after: ${rows.slice(0, 3).join(" | ")}`,
  );
  check("search shows how many items match", /\d+ items? match/.test(await page.locator("#count").innerText()));
  await page.locator("#q").fill("");
  await page.locator("#q").dispatchEvent("input");
  await page.waitForFunction(() => document.getElementById("count").textContent === "");
  const restored = await page.locator("#items tbody tr").count();
  check("clearing the search brings the ranked list back", restored === before, `${restored} vs ${before}`);
  await page.selectOption("#f-status", "done");
  await page.waitForFunction(() => /match/.test(document.getElementById("count").textContent));
  const statuses = await page.locator("#items tbody tr .status").allInnerTexts();
  check(
    "the status filter lists only that status",
    statuses.length > 0 && statuses.every((s) => s.trim() === "done"),
    statuses.join(","),
  );
  check("filtering made no console error", problems.length === 0, problems.join("; "));
  await visit("index.html", "?q=receipt");
  await page.waitForFunction(() => /match/.test(document.getElementById("count").textContent));
  const linked = await page.locator("#items tbody tr").allInnerTexts();
  check("a ?q= link opens the filtered list", linked.length > 0 && linked.every((r) => /receipt/i.test(r)));

  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await visit("board.html");
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => document.activeElement && document.activeElement.className);
  check("the first Tab stop is the skip link", skip === "skip", `got ${skip}`);

  // Matrix points and graph nodes are links to item pages.
  await visit("matrix.html");
  const points = await page.locator("svg.scatter a.point").count();
  check("the matrix draws linked points", points > 0, `${points} points`);
  await visit("graph.html");
  const nodes = await page.locator("svg.graph a.node").count();
  check("the dependency graph draws linked nodes", nodes > 0, `${nodes} nodes`);

  // Screenshots at desktop and phone widths.
  const sizes = [
    ["desktop", { width: 1280, height: 900 }],
    ["phone", { width: 390, height: 844 }],
  ];
  const shotPages = [
    ["backlog", "index.html"],
    ["board", "board.html"],
    ["matrix", "matrix.html"],
    ["item", `items/${itemPage}`],
    ["sprints", "sprints.html"],
    ["health", "health.html"],
    ["graph", "graph.html"],
  ];
  for (const [size, viewport] of sizes) {
    await page.setViewportSize(viewport);
    for (const [name, rel] of shotPages) {
      const found = await visit(rel);
      const path = join(shots, `${name}-${size}.png`);
      await page.screenshot({ path, fullPage: true });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      check(
        `${name} at ${size} width: screenshot, no error, no sideways scrolling`,
        found.length === 0 && overflow <= 1,
        found.join("; ") || `page is ${overflow}px wider than the screen`,
      );
    }
  }
  // Dark mode: the same pages follow prefers-color-scheme.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "dark" });
  for (const [name, rel] of [["backlog", "index.html"], ["item", `items/${itemPage}`], ["graph", "graph.html"]]) {
    const found = await visit(rel);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.screenshot({ path: join(shots, `${name}-dark.png`), fullPage: true });
    check(`${name} in dark mode has a dark background`, found.length === 0 && bg === "rgb(21, 23, 27)", bg);
  }
  await page.emulateMedia({ colorScheme: "light" });
  console.log(`screenshots in ${shots}`);
} catch (e) {
  check("browser test ran to the end", false, e.stack || String(e));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
