// Accessibility checks for the browser tests: axe-core (from node_modules, never a CDN) run against
// the page as it is now, limited to WCAG 2.1 level A and AA. No rule is ever turned off here: a
// violation is fixed in the UI, not in this file.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { uiDir } from "./harness.js";

/** The rule sets WCAG 2.1 AA consists of: 2.0 A and AA, plus what 2.1 added at A and AA. */
export const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let axeSource;
/** axe.min.js as text, read once per test file. */
async function axeScript() {
  axeSource ??= await readFile(join(uiDir, "node_modules/axe-core/axe.min.js"), "utf8");
  return axeSource;
}

/**
 * Rules whose "needs review" answer is a failure here too. axe leaves aria-prohibited-attr for review
 * when a generic element (a <div>, <pre> or <span> without a role) is named by aria-labelledby whose
 * target is visible; ARIA 1.2 forbids naming generic elements, so give the element a role instead.
 */
export const REVIEW_AS_VIOLATION = ["aria-prohibited-attr"];

/** Runs axe on the whole document and returns its violations (possibly none). */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ content: await axeScript() });
  }
  // Let transitions and the focus move of the last action settle before colours are measured.
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  return page.evaluate(async ({ values, strict }) => {
    const results = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations", "incomplete"] });
    const review = results.incomplete.filter((v) => strict.includes(v.id)).map((v) => ({ ...v, impact: `${v.impact}, needs review` }));
    return [...results.violations, ...review].map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(" "), summary: n.failureSummary ?? "" })),
    }));
  }, { values: WCAG_21_AA, strict: REVIEW_AS_VIOLATION });
}

/** The violations as a readable list: rule, impact and help, then each element and why it fails. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - ${n.target}\n      ${n.summary.replace(/\n/g, "\n      ")}`).join("\n");
      return `  [${v.id}] (${v.impact}) ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join("\n");
}

/** Fails, naming every violation and the elements that cause it, unless axe finds none. */
export async function expectNoViolations(page, label) {
  const violations = await axeViolations(page);
  if (violations.length > 0) {
    const count = violations.reduce((n, v) => n + v.nodes.length, 0);
    throw new Error(`${label}: ${violations.length} WCAG 2.1 AA rule(s) violated on ${count} element(s):\n${formatViolations(violations)}`);
  }
}

/**
 * Tabs through the page from the top and returns the elements whose focus indicator is missing or
 * too faint: WCAG 1.4.11 asks 3:1 between the ring and what is around it. axe cannot see this, as
 * the ring only exists while an element has the focus. A visually hidden input (the segmented
 * choices) is judged by its label, which draws the ring. Starts at the top (or where a modal dialog
 * keeps the focus) and stops when the focus comes round again.
 */
export async function focusRingProblems(page, { max = 250 } = {}) {
  // A focused, then removed, element at the very start: the next Tab goes to the first focusable one.
  await page.evaluate(() => {
    const start = Object.assign(document.createElement("span"), { tabIndex: -1 });
    document.body.prepend(start);
    start.focus();
    start.remove();
  });
  const problems = [];
  const seen = new Set();
  let bodies = 0;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const found = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { body: true };
      const key = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""} "${(el.textContent ?? "").trim().slice(0, 30)}"`;
      if (window.__ringSeen?.has(el)) return { done: true };
      (window.__ringSeen ??= new Set()).add(el);
      const drawer = el.matches(".segmented input") ? el.closest("label") : el;
      const style = getComputedStyle(drawer);
      const rgba = (value) => (value.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      let around = [255, 255, 255];
      for (let node = drawer.parentElement; node; node = node.parentElement) {
        const bg = rgba(getComputedStyle(node).backgroundColor);
        if (bg.length === 3 || (bg.length === 4 && bg[3] > 0.5)) { around = bg.slice(0, 3); break; }
      }
      const ring = rgba(style.outlineColor).slice(0, 3);
      const [a, b] = [lum(ring), lum(around)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { key, style: style.outlineStyle, width: parseFloat(style.outlineWidth), ratio: Math.round(ratio * 100) / 100 };
    });
    if (found.done) break;
    // Past the last element the focus leaves the page once; two in a row means nothing can take it.
    if (found.body) {
      if (++bodies > 1) break;
      continue;
    }
    bodies = 0;
    if (seen.has(found.key)) continue;
    seen.add(found.key);
    if (found.style === "none" || found.width < 2 || found.ratio < 3) problems.push(found);
  }
  await page.evaluate(() => delete window.__ringSeen);
  return { checked: seen.size, problems };
}
