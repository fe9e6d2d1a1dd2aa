// End-to-end check of the built site (dist/) in real headless Chromium.
//
// Serves dist/ on 127.0.0.1 (under a sub-path, as a docs site would host it), loads the app,
// and checks what a learner sees: the app renders, the virtual clock advances, a kubectl command
// runs in the terminal, and editor text survives a reload. Screenshots go to target/e2e/.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const DIST = new URL("../dist/", import.meta.url).pathname;
const SHOTS = new URL("../target/e2e/", import.meta.url).pathname;
const BASE = "/"; // Trunk builds with public_url "/" by default.
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
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, "");
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
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  const started = Date.now();
  await page.goto(origin);
  await page.waitForSelector("[data-testid=app]", { timeout: 15000 });
  console.log(`first render after ${Date.now() - started} ms`);
  check(true, "the app rendered");
  check((await page.locator("[data-testid=node-card]").count()) === 4, "the default cluster shows four nodes");

  const clock = page.locator("[data-testid=clock]");
  const t0 = Number(await clock.getAttribute("data-ms"));
  await page.waitForTimeout(1200);
  const t1 = Number(await clock.getAttribute("data-ms"));
  check(t1 > t0, `the virtual clock advances (${t0} ms -> ${t1} ms)`);

  const prompt = page.locator("[data-testid=terminal-input]");
  await prompt.fill("kubectl version");
  await prompt.press("Enter");
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=terminal-output]").textContent.includes("Server Version"));
  check(true, "kubectl version prints the server version in the terminal");
  await page.screenshot({ path: join(SHOTS, "app.png") });

  const editor = page.locator("[data-testid=editor]");
  await editor.fill("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kept-across-reloads\n");
  await page.reload();
  await page.waitForSelector("[data-testid=app]");
  check((await editor.inputValue()).includes("kept-across-reloads"), "editor text survives a reload");
  await page.screenshot({ path: join(SHOTS, "after-reload.png") });

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
