export { createAltostratApp, type AltostratAppOptions } from "./app.ts";
export { createAltostratHandlers, type AltostratContext } from "./handlers.ts";
export { renderAltostratErrorAnswer } from "./errors.ts";
