// Language rules: which locale to start in, and how a message key becomes text.
// The reactive "current language" lives in locale.svelte.ts; this file stays pure for unit tests.
import { en, type MessageKey } from "./messages/en";
import { nb } from "./messages/nb";

export type { MessageKey };
export type Locale = "en" | "nb";
export type Params = Record<string, string | number>;

export const LOCALES: readonly Locale[] = ["en", "nb"];
export const TABLES: Record<Locale, Record<MessageKey, string>> = { en, nb };
export const STORAGE_KEY = "maskinporten-assistant.locale";

/** Browsers report bokmål as nb, and Norwegian in general as no or nn; all get bokmål. */
export function localeFromLanguages(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split("-")[0];
    if (primary === "nb" || primary === "no" || primary === "nn") return "nb";
    if (primary === "en") return "en";
  }
  return "en";
}

/** A saved choice wins over the browser's language. */
export function initialLocale(saved: string | null, languages: readonly string[]): Locale {
  return (LOCALES as readonly string[]).includes(saved ?? "") ? (saved as Locale) : localeFromLanguages(languages);
}

/** Replaces `{name}` placeholders; unknown placeholders stay visible so mistakes show. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = TABLES[locale][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

/** Picks `<key>.one` or `<key>.other` by the language's plural rule. */
export function translateCount(locale: Locale, base: string, count: number, params: Params = {}): string {
  const form = new Intl.PluralRules(locale).select(count) === "one" ? "one" : "other";
  return translate(locale, `${base}.${form}` as MessageKey, { count, ...params });
}
