// Lets TypeScript accept `import "./app.css"`; Vite bundles the stylesheet.
declare module "*.css";
// Lets tests read a source file as text (`import text from "./file?raw"`), as Vite serves it.
declare module "*?raw" {
  const text: string;
  export default text;
}
