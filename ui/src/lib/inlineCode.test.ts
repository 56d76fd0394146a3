import { describe, expect, it } from "vitest";
import { codeSpans } from "./inlineCode";

describe("backtick code in backend texts", () => {
  it("becomes code spans between plain text", () => {
    expect(codeSpans("Go right after `ConfigureWebHostBuilder(builder.WebHost);` and before `builder.Build()`.")).toEqual([
      { text: "Go right after ", code: false },
      { text: "ConfigureWebHostBuilder(builder.WebHost);", code: true },
      { text: " and before ", code: false },
      { text: "builder.Build()", code: true },
      { text: ".", code: false },
    ]);
  });

  it("leaves text without backticks, and a lone backtick, as they are", () => {
    expect(codeSpans("plain")).toEqual([{ text: "plain", code: false }]);
    expect(codeSpans("a `b` c `d")).toEqual([
      { text: "a ", code: false },
      { text: "b", code: true },
      { text: " c ", code: false },
      { text: "`d", code: false },
    ]);
    expect(codeSpans("")).toEqual([]);
  });
});
