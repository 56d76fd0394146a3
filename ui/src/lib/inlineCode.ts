// Backend texts mark code with backticks (`ConfigureWebHostBuilder(builder.WebHost);`, as in the
// CLI's output); the window shows those parts as code. Pure, so it is unit-tested.

export interface Span {
  text: string;
  code: boolean;
}

/** Splits at backtick pairs; a lone backtick stays as text. Empty spans are dropped. */
export function codeSpans(text: string): Span[] {
  const parts = text.split("`");
  // An even count of parts means an unpaired backtick: keep the last one as plain text.
  const unpaired = parts.length % 2 === 0;
  const spans: Span[] = [];
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (unpaired && last) {
      spans.push({ text: `\`${part}`, code: false });
      return;
    }
    if (part !== "") spans.push({ text: part, code: i % 2 === 1 });
  });
  return spans;
}
