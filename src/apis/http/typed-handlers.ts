/**
 * Types that tie each API's handlers to its generated `operations` interface, so a missing handler,
 * a wrong parameter type or a body that does not match its status fails `tsc --noEmit`.
 */

type JsonContent<T> = T extends { content: { "application/json": infer Body } } ? Body : undefined;

type SuccessStatus = 200 | 201 | 202 | 204;

/** Parameters and body of one operation, as validated by express-openapi-validator. */
export interface HandlerInput<Op, Ctx> {
  path: Op extends { parameters: { path: infer P } } ? P : Record<string, never>;
  query: Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : Record<string, never>;
  header: Op extends { parameters: { header?: infer H } } ? Partial<NonNullable<H>> : Record<string, never>;
  body: Op extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : undefined;
  context: Ctx;
  /** Origin the client addressed (`http://host:port`), for absolute links such as paging URLs. */
  baseUrl: string;
}

/** One of the operation's documented success answers: the status picks the body type. */
export type HandlerResult<Op> = Op extends { responses: infer R }
  ? {
      [S in Extract<keyof R, SuccessStatus>]: { status: S; body: JsonContent<R[S]>; headers?: Record<string, string> };
    }[Extract<keyof R, SuccessStatus>]
  : never;

/** A handler: typed input in, a documented success answer out; failures are thrown as errors. */
export type Handler<Op, Ctx> = (input: HandlerInput<Op, Ctx>) => Promise<HandlerResult<Op>>;

/** The handler map of an API: exactly one handler per operationId. */
export type HandlerMap<Operations, Ctx> = { [K in keyof Operations]: Handler<Operations[K], Ctx> };
