// The current UI language as reactive state: any template that calls t() re-renders on a switch.
import { initialLocale, STORAGE_KEY, translate, translateCount, type Locale, type MessageKey, type Params } from "./i18n";

function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be disabled; fall back to the browser language
  }
}

const initial = initialLocale(readSaved(), navigator.languages ?? [navigator.language]);
let current = $state<Locale>(initial);
document.documentElement.lang = initial;

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  current = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not persisted, but the switch still applies to this session
  }
}

export const t = (key: MessageKey, params?: Params): string => translate(current, key, params);

export const tCount = (base: string, count: number, params?: Params): string =>
  translateCount(current, base, count, params);

/** A text Rust wrote in both languages (`Localized`), in the current one. */
export const pick = (text: { en: string; nb: string }): string => (current === "nb" ? text.nb : text.en);
