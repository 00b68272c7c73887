// Checks pages against WCAG 2.2 AA with axe-core in Debian's headless Chromium.
//
// Usage: node axe.mjs [--sign-in EMAIL] URL... — prints one JSON object per page ({url,
// violations: [...]}) on stdout, a line per violation on stderr, and exits 1 if any page has a
// violation or cannot be loaded. With --sign-in, it first signs in through the sign-in form of
// the first URL's server, with the password from the EQUALIS_PASSWORD environment variable
// (never an argument: arguments show in the process list), so pages that need an account are
// checked as their users see them. Run by crates/equalis/tests/it/browser.rs; installed by
// `npm ci` (.ci/run).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // The flags this machine's closed network needs (no background connections).
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let args = process.argv.slice(2);
let signIn = null;
if (args[0] === "--sign-in") {
  signIn = args[1];
  args = args.slice(2);
}
// After `--sign-in`, `--cookie NAME=VALUE` (repeatable): set on the first URL's site before any page is loaded,
// for pages a visitor reaches with a cookie (an engagement participant's).
const cookies = [];
while (args[0] === "--cookie") {
  const [name, ...value] = args[1].split("=");
  cookies.push({ name, value: value.join("=") });
  args = args.slice(2);
}
let failed = false;
try {
  // `bypassCSP`: equalis serve forbids inline script (as it should), and axe-core is injected
  // as one; the pages themselves are loaded and run under their real policy.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  if (cookies.length > 0) {
    await page.context().addCookies(cookies.map((c) => ({ ...c, url: new URL("/", args[0]).href })));
  }
  if (signIn) {
    const password = process.env.EQUALIS_PASSWORD;
    if (!password) throw new Error("--sign-in needs the password in EQUALIS_PASSWORD");
    const login = new URL("/login", args[0]).href;
    await page.goto(login, { waitUntil: "load" });
    await page.fill("#email", signIn);
    await page.fill("#password", password);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
    if (new URL(page.url()).pathname === "/login") {
      throw new Error(`signing in as ${signIn} failed: still on ${page.url()}`);
    }
  }
  for (const url of args) {
    const response = await page.goto(url, { waitUntil: "load" });
    if (response && !response.ok() && !url.startsWith("file:")) {
      console.error(`${url}: HTTP ${response.status()}`);
      failed = true;
      continue;
    }
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      axe.run(document, {
        runOnly: {
          type: "tag",
          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
        },
      }),
    );
    const violations = result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
    for (const v of violations) {
      console.error(`${url}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(", ")}`);
    }
    if (violations.length > 0) failed = true;
    console.log(JSON.stringify({ url, passes: result.passes.length, violations }));
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
