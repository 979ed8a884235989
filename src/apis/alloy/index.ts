export { createAlloyApp, type AlloyAppOptions } from "./app.ts";
export { createAlloyHandlers, type AlloyContext } from "./handlers.ts";
export { renderAlloyErrorAnswer } from "./errors.ts";
