/** Store outcomes as the API's errors: a duplicate becomes a 400, a missing record a 404. */
import { BadRequestError, NotFoundError } from "../../errors/index.js";
import { StoreConflictError } from "../../store/index.js";

/** Runs a store write; a StoreConflictError (a duplicate alias or id) becomes a 400 with `message`. */
export async function rejectConflict<T>(message: string, param: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new BadRequestError({ message, param, code: "already_exists", cause: error });
    }
    throw error;
  }
}

export function notFound(what: string, param: string): NotFoundError {
  return new NotFoundError({ message: `${what} not found`, param, code: "not_found" });
}

/** The record, or a 404 naming it. */
export function found<T>(record: T | undefined, what: string, param: string): T {
  if (record === undefined) throw notFound(what, param);
  return record;
}
