// End-to-end check of the built site (dist/) in real headless Chromium.
//
// Serves dist/ on 127.0.0.1 under a sub-path, as a docs site would host it, and walks a learner's
// path: the welcome scenario, the library, apply, time, a Running pod in the terminal and the
// cluster view, the scrubber, a reload, a share link in a fresh profile, the embed address and a
// hostile link. Screenshots of each step go to target/e2e/.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const DIST = new URL("../dist/", import.meta.url).pathname;
const SHOTS = new URL("../target/e2e/", import.meta.url).pathname;
const BASE = "/docs/playground/"; // a sub-path, as a docs site would host it
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

function serve() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    if (!url.pathname.startsWith(BASE)) {
      res.writeHead(404);
      res.end("not found");
      return;
    }
    let path = normalize(decodeURIComponent(url.pathname.slice(BASE.length - 1))).replace(/^(\.\.[/\\])+/, "");
    if (path.endsWith("/")) path += "index.html";
    try {
      const body = await readFile(join(DIST, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}${BASE}`;
await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  const watch = (p) => {
    p.on("pageerror", (e) => errors.push(String(e)));
    p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  };
  watch(page);
  const shot = (p, name) => p.screenshot({ path: join(SHOTS, `${name}.png`) });
  const terminalText = (p) => p.locator("[data-testid=terminal-output]").textContent();
  const run = async (p, line) => {
    const prompt = p.locator("[data-testid=terminal-input]");
    await prompt.fill(line);
    await prompt.press("Enter");
  };

  const started = Date.now();
  await page.goto(origin);
  await page.waitForSelector("[data-testid=app]", { timeout: 15000 });
  console.log(`first render after ${Date.now() - started} ms (served from the sub-path ${BASE})`);
  check(true, "the app rendered from a sub-path");
  check((await page.locator("[data-testid=node-card]").count()) === 4, "the default cluster shows four nodes");
  check((await page.locator("[data-testid=scenario-title]").textContent()) === "Welcome to Podlab",
    "a first visit opens the welcome scenario");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=pod-chip]").length === 3);
  check(true, "the welcome Deployment's three pods appear in the cluster view");
  await shot(page, "01-welcome");

  const clock = page.locator("[data-testid=clock]");
  const t0 = Number(await clock.getAttribute("data-ms"));
  await page.waitForTimeout(1200);
  const t1 = Number(await clock.getAttribute("data-ms"));
  check(t1 > t0, `the virtual clock advances (${t0} ms -> ${t1} ms)`);

  // A learner's path: open a scenario from the library, apply, run time, watch the pod run.
  await page.click("[data-testid=open-library]");
  await shot(page, "02-library");
  await page.click("[data-file='01-first-pod.yaml']");
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=scenario-title]").textContent === "Your first pod");
  check((await terminalText(page)).includes("pod/hello created"), "opening the first-pod scenario applies its manifest");
  await page.click("[data-testid=play]"); // pause, then jump a minute
  await page.click("text=+1m");
  await run(page, "kubectl get pods");
  await page.waitForFunction(() =>
    /hello +1\/1 +Running/.test(document.querySelector("[data-testid=terminal-output]").textContent));
  check(true, "after a minute kubectl get pods shows the pod Running");
  check((await page.locator(".pod-chip.pod-running").count()) >= 1, "the cluster view colours it Running");
  await page.locator(".pod-chip").first().click();
  await page.waitForSelector("[data-testid=details] .describe");
  check((await page.locator("[data-testid=details]").textContent()).includes("Status:           Running"),
    "selecting the pod describes it in the details pane");
  await shot(page, "03-pod-running");
  // Every graph of the selected pod, in both themes.
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
    for (const graph of ["lifecycle", "containers", "reconcile", "ownership", "pipeline", "cluster", "timeline", "charts"]) {
      await page.click(`[data-graph=${graph}]`);
      const view = page.locator({ charts: "[data-testid=charts]", timeline: "[data-testid=timeline]" }[graph] ?? "[data-testid=graph]");
      await view.waitFor();
      check((await view.locator("svg").count()) >= 1, `the ${graph} graph draws as SVG (${theme})`);
      await page.locator("[data-pane=graph]").screenshot({ path: join(SHOTS, `graph-${graph}-${theme}.png`) });
    }
  }
  await page.evaluate(() => document.documentElement.removeAttribute("data-theme"));
  await page.click("[data-graph=lifecycle]");

  // The scrubber: back to the start, the pod is not there yet; forward again, it is back.
  const scrubber = page.locator("[data-testid=scrubber]");
  const end = await scrubber.getAttribute("max");
  await scrubber.fill("0");
  await page.waitForFunction(() => document.querySelector("[data-testid=clock]").dataset.ms === "0");
  check(true, "the scrubber goes back to the start");
  await shot(page, "04-scrubbed-back");
  await scrubber.fill(end);
  await page.waitForFunction((e) => document.querySelector("[data-testid=clock]").dataset.ms === e, end);
  check((await page.locator(".pod-chip.pod-running").count()) >= 1, "forward again, the pod is Running again");

  // Reload: files, terminal, time and cluster come back.
  const editor = page.locator("[data-testid=editor]");
  await editor.fill((await editor.inputValue()) + "# kept-across-reloads\n");
  const before = Number(await clock.getAttribute("data-ms"));
  await page.reload();
  await page.waitForSelector("[data-testid=app]");
  check((await editor.inputValue()).includes("kept-across-reloads"), "editor text survives a reload");
  check((await terminalText(page)).includes("kubectl get pods"), "the terminal transcript survives a reload");
  check(Number(await clock.getAttribute("data-ms")) >= before, "the virtual time survives a reload");
  check((await page.locator(".pod-chip.pod-running").count()) >= 1, "the cluster is rebuilt after a reload");
  await shot(page, "05-after-reload");

  // Share: the link opens the same scenario in a fresh profile.
  await page.click("[data-testid=open-share]");
  const shareUrl = await page.locator("[data-testid=share-url]").inputValue();
  await shot(page, "06-share");
  check(shareUrl.includes("#s="), "the share dialog gives a link with the scenario in the fragment");
  await page.keyboard.press("Escape");
  await page.click("[data-testid=open-embed]");
  const embedUrl = await page.locator("[data-testid=embed-url]").inputValue();
  const snippet = await page.locator("[data-testid=embed-snippet]").inputValue();
  check(snippet.startsWith("<iframe src=\"") && embedUrl.includes("embed=1"), "the embed dialog gives an iframe snippet");
  await shot(page, "07-embed-dialog");

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const other = await fresh.newPage();
  watch(other);
  await other.goto(shareUrl);
  await other.waitForSelector("[data-testid=app]");
  check((await other.locator("[data-testid=editor]").inputValue()).includes("kept-across-reloads"),
    "the share link opens the same files in a fresh profile");
  check((await terminalText(other)).includes("created"), "and replays its steps");
  await shot(other, "08-shared-link");

  await other.goto(embedUrl);
  await other.waitForSelector("[data-testid=app]");
  const panes = await other.locator("[data-pane]").evaluateAll((els) => els.map((e) => e.dataset.pane));
  check(JSON.stringify(panes) === JSON.stringify(["editor", "terminal", "cluster"]),
    `the embed shows only the chosen panes (${panes})`);
  await shot(other, "09-embed");

  const hostile = `${origin}#s=${"A".repeat(300000)}`;
  await other.goto("about:blank");
  await other.goto(hostile);
  await other.waitForSelector("[data-testid=notice]");
  check((await other.locator("[data-testid=notice]").textContent()).includes("could not be opened"),
    "a crafted oversized link is refused with a message");
  await fresh.close();

  check(!(await page.locator("#fatal-error").isVisible()), "no fatal error panel");
  check(errors.length === 0, `no errors in the console${errors.length ? ": " + errors.join(" | ") : ""}`);
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.error(`end-to-end: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log(`end-to-end: all checks passed; screenshots in ${SHOTS}`);
