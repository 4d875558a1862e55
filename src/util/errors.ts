/**
 * UserError: a problem with what the user asked for (a flag, a file, a name). The command line
 * prints its message as one sentence on stderr and exits non-zero, with no stack trace.
 * Anything else that escapes is a bug and is reported with its stack.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
