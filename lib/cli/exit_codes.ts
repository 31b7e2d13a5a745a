/** Exit statuses, as pip uses them. */
export const ExitCode = {
  success: 0,
  error: 1,
  /** Bad command-line usage. */
  usage: 2,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 130,
} as const;
