// Build and unit-test configuration for the Tauri front end.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [
    svelte({
      // svelte-check does not see compiler warnings in .svelte.ts modules; the build does, so fail on them here.
      onwarn(warning) {
        throw new Error(`${warning.filename}:${warning.start?.line}: ${warning.message} (${warning.code})`);
      },
    }),
  ],
  // Relative asset URLs: the same dist/ must load from tauri:// and from a plain static server.
  base: "./",
  // A fixed port lets a future tauri.conf.json devUrl point at the dev server.
  server: { port: 1420, strictPort: true },
  // Tauri ships its own WebKitGTK/WebView2, all of which handle ES2022.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
