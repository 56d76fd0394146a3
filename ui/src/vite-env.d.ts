// Lets TypeScript accept `import "./app.css"`; Vite bundles the stylesheet.
declare module "*.css";
