export { createAltostratClient, type AltostratClient, type AltostratClientOptions } from "./altostrat.ts";
export { createAlloyClient, ALLOY_API_VERSION, type AlloyClient, type AlloyClientOptions, type AlloyPaths } from "./alloy.ts";
export type { WithoutHeaders } from "./strip-headers.ts";
export { authRefreshMiddleware, requestIdMiddleware, type AuthRefreshOptions, type RequestIdOptions } from "./middleware.ts";
export { isRetrySafe, readRetryAfter, withRetry, type RequestFetch, type RetryOptions } from "./retry.ts";
export { isProblem, readProblem, type ErrorStatus, type Problem } from "./problems.ts";
export type { Middleware } from "openapi-fetch";
