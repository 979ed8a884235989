export { createAltostratClient, type AltostratClient, type AltostratClientOptions } from "./altostrat.ts";
export { createAlloyClient, ALLOY_API_VERSION, type AlloyClient, type AlloyClientOptions, type AlloyPaths } from "./alloy.ts";
export type { WithoutHeaders } from "./strip-headers.ts";
