/**
 * The app layer's entry points under their old path, for the scripts and tests that import
 * `src/app.js` (the trainers among them). New code imports `src/app/open.js` itself.
 */
export { buildConfiguredIndex, embedderOptions, openRetriever } from "./app/open.js";
