/** Stylesheets are bundled by esbuild (into assets/console.css), not read by TypeScript. */
declare module '*.css';
