export { createAlloyApp, type AlloyAppOptions } from "./app.ts";
export { createAlloyHandlers, type AlloyContext } from "./handlers.ts";
export { renderAlloyProblem } from "./errors.ts";
