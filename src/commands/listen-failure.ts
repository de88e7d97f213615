/**
 * Why a local server could not listen, in one line naming the flag to change; undefined for any failure that is
 * not about the address. (The TikTok emulator keeps its own copy: it imports nothing of the connector.)
 */
export function listenFailureOf(error: unknown, host: string, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return `port ${port} is already in use (${where}); choose another --port N, or --port 0 for any free port`;
  if (code === 'EACCES') return `not allowed to listen on ${where}; choose a --port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `this machine has no address ${host}; choose another --host`;
  return undefined;
}
