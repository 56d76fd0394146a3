// One list of commands: the names the UI invokes are exactly the commands the app registers
// (src-tauri/build.rs, which a Rust test keeps equal to the capability and the handler list),
// and backend.ts's `Command` type, which every invoke takes, lists exactly those.
// A name missing on either side fails here, not at run time in the window.
import { describe, expect, it } from "vitest";
import build from "../../../src-tauri/build.rs?raw";
import backend from "./backend.ts?raw";

function registered(): Set<string> {
  const list = build.slice(build.indexOf("const COMMANDS"), build.indexOf("];", build.indexOf("const COMMANDS")));
  return new Set([...list.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
}

/** The names in backend.ts's `export type Command = | "…" | …;`. */
function typed(): Set<string> {
  const start = backend.indexOf("export type Command =");
  expect(start).toBeGreaterThan(-1);
  const union = backend.slice(start, backend.indexOf(";", start));
  return new Set([...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
}

function invoked(): Set<string> {
  return new Set([...backend.matchAll(/\b(?:call|invoke)(?:<[^>]*>)?\("([a-z_]+)"/g)].map((m) => m[1]));
}

describe("the command list", () => {
  it("has every command the UI invokes registered in the app, and every registered one used", () => {
    const app = registered();
    const ui = invoked();
    expect(app.size).toBeGreaterThan(30);
    expect([...ui].filter((c) => !app.has(c))).toEqual([]);
    expect([...app].filter((c) => !ui.has(c))).toEqual([]);
  });

  it("has the UI's Command type list exactly the registered commands", () => {
    expect([...typed()].sort()).toEqual([...registered()].sort());
  });
});
