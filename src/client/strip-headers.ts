/**
 * Type helper: removes header parameters a client sets once (auth, API version) from every
 * operation of a generated `paths` type, so callers are not asked for them on each call.
 */
export type WithoutHeaders<Paths, Names extends string> = {
  [P in keyof Paths]: {
    [M in keyof Paths[P]]: M extends "parameters" ? StripFromParameters<Paths[P][M], Names> : StripFromOperation<Paths[P][M], Names>;
  };
};

type StripFromOperation<Op, Names extends string> = Op extends { parameters: infer Params }
  ? Omit<Op, "parameters"> & { parameters: StripFromParameters<Params, Names> }
  : Op;

type StripFromParameters<Params, Names extends string> = Params extends { header?: infer Header }
  ? Omit<Params, "header"> & { header?: Omit<NonNullable<Header>, Names> & Record<string, unknown> }
  : Params;
