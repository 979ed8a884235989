import type { components } from "../../../generated/altostrat/schema.d.ts";

type Schemas = components["schemas"];

/** Builds the vendor's `links`/`meta` paging block for one page of a listing at `path` (an absolute URL). */
export function toPageInfo(path: string, page: number, perPage: number, total: number, count: number): Pick<Schemas["WorkflowRunPage"], "links" | "meta"> {
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const at = (n: number) => `${path}?page=${n}&per_page=${perPage}`;
  const from = count > 0 ? (page - 1) * perPage + 1 : null;
  return {
    links: {
      first: at(1),
      last: at(lastPage),
      prev: page > 1 ? at(Math.min(page - 1, lastPage)) : null,
      next: page < lastPage ? at(page + 1) : null,
    },
    meta: { current_page: page, from, last_page: lastPage, path, per_page: perPage, to: from === null ? null : from + count - 1, total },
  };
}
