// A clock for countdowns (token expiry, clipboard clearing). It ticks once a second only while a
// template or effect reads it, so no timer is left running when nothing shows a countdown.
import { createSubscriber } from "svelte/reactivity";

const TICK_MS = 1000;

const subscribe = createSubscriber((update) => {
  const timer = setInterval(update, TICK_MS);
  return () => clearInterval(timer);
});

/** Milliseconds since the epoch, re-read by its readers every second. */
export function nowMs(): number {
  subscribe();
  return Date.now();
}
