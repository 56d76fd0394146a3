// Shared set-up for the browser tests: serves the BUILT ui/dist on 127.0.0.1:0, drives Debian's
// Chromium through playwright-core, and installs Tauri's mockIPC plus a fake backend in every page
// before the app's own scripts run. Run `npm run build` first.
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const uiDir = resolve(here, "..");
const distDir = join(uiDir, "dist");

// Never a downloaded browser and never --user-data-dir (reference/toolchain.md §6).
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Parts of the fake backend in files of their own, each pushing onto window.__fakeExtensions. */
const FAKE_EXTENSIONS = ["fake-keyvault.js", "fake-appconfig.js", "fake-guide.js", "fake-systemuser.js"];

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json" };

function startServer() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const file = join(distDir, path === "/" ? "index.html" : path);
    if (!file.startsWith(distDir)) return res.writeHead(403).end();
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/** mocks.js is an ES module with no imports; strip its export line so it runs as an init script. */
async function mocksInitScript() {
  const source = await readFile(join(uiDir, "node_modules/@tauri-apps/api/mocks.js"), "utf8");
  const exportLine = /^export \{[^}]*\};?\s*$/m;
  if (!exportLine.test(source)) throw new Error("@tauri-apps/api/mocks.js changed shape; update harness.js");
  return `(() => {\n${source.replace(exportLine, "")}\nwindow.__tauriMocks = { mockIPC, clearMocks };\n})();`;
}

/** Starts server and browser once per test file. */
export async function startHarness() {
  await stat(join(distDir, "index.html")).catch(() => {
    throw new Error("ui/dist is missing: run `npm run build` before `npm run test:browser`");
  });
  const [server, browser, mocks, fake, ...extensions] = await Promise.all([
    startServer(),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    mocksInitScript(),
    readFile(join(here, "fake-backend.js"), "utf8"),
    // Steps that keep their part of the fake in a file of its own; fake-backend.js merges them in.
    ...FAKE_EXTENSIONS.map((file) => readFile(join(here, file), "utf8")),
  ]);
  const { port } = server.address();
  const baseUrl = `http://127.0.0.1:${port}/`;

  return {
    baseUrl,
    /**
     * A fresh page (own context, so own localStorage) at `hash`, with the fake backend seeded.
     * `mock: false` leaves Tauri out entirely, as when dist/ is opened from a plain web server.
     */
    /** `clock`: the page's timers under Playwright's clock, so a test can move time on (page.clock.runFor). */
    async open({ hash = "", seed = {}, locale = "en-US", mock = true, clock = false } = {}) {
      const context = await browser.newContext({ locale, viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      if (clock) await page.clock.install();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e));
      if (mock) {
        await page.addInitScript((s) => (window.__seed = s), seed);
        await page.addInitScript({ content: mocks });
        for (const content of extensions) await page.addInitScript({ content });
        await page.addInitScript({ content: fake });
      }
      await page.goto(baseUrl + hash);
      await page.waitForSelector("#status");
      return { page, context, errors, calls: (cmd) => calls(page, cmd) };
    },
    async stop() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** What the app sent to the backend, optionally only for one command. */
async function calls(page, cmd) {
  const all = await page.evaluate(() => window.__fake.calls);
  return cmd ? all.filter((c) => c.cmd === cmd) : all;
}

/** Days from now as RFC 3339, for keys that expire soon or late. */
export function daysFromNow(days) {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();
}
