// `read … | head`: once the reader of stdout has gone, nothing more can be said there. Exit at once and quietly, as
// command-line tools do (the shell's 128 + SIGPIPE), instead of a stack trace about EPIPE on stderr.

const BROKEN_PIPE_EXIT = 141;

export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(BROKEN_PIPE_EXIT);
    throw error;
  });
}
