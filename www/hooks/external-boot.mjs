// Trunk post-build hook: moves the inline module script Trunk writes into index.html into its own
// file, so the Content-Security-Policy in index.html can forbid inline scripts entirely.
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("TRUNK_STAGING_DIR is not set: run this as a Trunk hook");
const htmlPath = join(dir, "index.html");
const html = readFileSync(htmlPath, "utf8");
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const match = html.match(inline);
if (!match) throw new Error("no inline module script in index.html");
const code = match[1].trim() + "\n";
const name = `boot-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
writeFileSync(join(dir, name), code);
writeFileSync(htmlPath, html.replace(inline, `<script type="module" src="./${name}"></script>`));
console.log(`external-boot: moved the loader into ${name}`);
