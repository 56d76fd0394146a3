// Svelte 5 compiles TypeScript in components itself, so no preprocessor is needed.
// The file exists so vite-plugin-svelte and svelte-check agree on one (empty) configuration.
export default {};
