// Checks every Mermaid export with the real Mermaid parser and renderer, in headless Chromium.
//
// Reads the .mmd files in the folder given as argument (default target/mermaid/), written by
// `podlab graph` over each scenario and by the native tests. A file may hold several diagrams:
// `podlab graph` separates them by a blank line, and each starts with its `---` front matter.
// Every diagram goes through `mermaid.parse` and `mermaid.render`; a failure names the file, the
// diagram's index and Mermaid's message. The rendered SVGs are written beside the sources
// (NAME.N.svg) so they can be looked at.
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const DIR = process.argv[2] ?? new URL("../target/mermaid/", import.meta.url).pathname;
const BUNDLE = require.resolve("mermaid/dist/mermaid.min.js");
const { version } = require("mermaid/package.json");

const files = (await readdir(DIR)).filter((f) => f.endsWith(".mmd")).sort();
if (files.length === 0) {
  console.error(`mermaid-check: no .mmd files in ${DIR}`);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const failures = [];
let diagrams = 0;
try {
  const page = await browser.newPage();
  await page.setContent("<!doctype html><html><body><div id=out></div></body></html>");
  await page.addScriptTag({ path: BUNDLE });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));
  for (const file of files) {
    const text = await readFile(join(DIR, file), "utf8");
    const parts = text.split(/\n\n(?=---\n|flowchart |stateDiagram)/).map((p) => p.trim()).filter(Boolean);
    for (const [i, source] of parts.entries()) {
      diagrams += 1;
      const result = await page.evaluate(async ({ source, id }) => {
        try {
          await window.mermaid.parse(source);
          const { svg } = await window.mermaid.render(id, source);
          return { svg };
        } catch (e) {
          return { error: String(e?.message ?? e) };
        }
      }, { source, id: `d${diagrams}` });
      if (result.error) {
        failures.push(`${file} diagram ${i + 1}: ${result.error.split("\n").slice(0, 4).join(" | ")}`);
        console.log(`FAIL ${file} #${i + 1}`);
      } else {
        await writeFile(join(DIR, `${file.replace(/\.mmd$/, "")}.${i + 1}.svg`), result.svg);
      }
    }
  }
  console.log(`mermaid ${version}: ${diagrams} diagram(s) in ${files.length} file(s), ${failures.length} failed`);
} finally {
  await browser.close();
}
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
