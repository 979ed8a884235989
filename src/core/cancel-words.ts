// How a cancelled run says so, in both places it is read: the run's error message (Altostrat's
// `error_message`) and an error log at the node where it stopped (both APIs show logs), whose `code`
// is the stable part. The worker's path and the store's path write the same words.

/** The error message of a run that ended because it was cancelled. */
export const CANCELLED_MESSAGE = "Run cancelled (run_cancelled): the nodes it had not finished were not run";

/** The output of the error log a cancelled run gets at the node where it stopped. */
export const CANCELLED_LOG_OUTPUT: Readonly<{ error: string; code: "run_cancelled" }> = Object.freeze({
  error: "The run was cancelled before this node finished",
  code: "run_cancelled",
});
