// Child processes for tests: spawn, collect stdout and stderr, and their end. runNode runs a script (the built CLI, a
// tool, the emulator's bin) on this Node; commandScript makes the `-e` code that runs a command of src/ in a child,
// so a test can kill it at a moment it observes.

import { type ChildProcess, spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';

export interface ProcessOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; or a file descriptor stdin reads. Default: no stdin (/dev/null). */
  stdin?: string | Uint8Array | number;
  /** SIGKILLed after this long. */
  timeoutMs?: number;
  /** Called on every chunk of stdout or stderr, with all the output so far. */
  onOutput?: (output: { stdout: string; stderr: string }, child: ChildProcess) => void;
}

export interface StartedProcess {
  child: ChildProcess;
  /** Its output once it has ended (and its stdio closed); rejects when it could not be started. */
  done: Promise<ProcessOutput>;
}

/** Starts a process, collecting what it prints; the caller may watch or kill `child` meanwhile. */
export function startProcess(command: string, args: readonly string[], options: ProcessOptions = {}): StartedProcess {
  const { stdin } = options;
  const child = spawn(command, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: options.env ?? process.env,
    stdio: [stdin === undefined ? 'ignore' : typeof stdin === 'number' ? stdin : 'pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]!.on('data', (chunk: Buffer) => {
      output[name] += decoders[name].write(chunk);
      options.onOutput?.(output, child);
    });
  }
  if (typeof stdin === 'string' || stdin instanceof Uint8Array) {
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(stdin);
  }
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const done = new Promise<ProcessOutput>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: output.stdout + decoders.stdout.end(), stderr: output.stderr + decoders.stderr.end() });
    });
  });
  return { child, done };
}

/** Runs a process to its end; its output. */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessOutput> {
  return startProcess(command, args, options).done;
}

/** Starts this Node (the test's) with the arguments: a script and its own arguments, or `-e` code. */
export function startNode(args: readonly string[], options: ProcessOptions = {}): StartedProcess {
  return startProcess(process.execPath, args, options);
}

/** Runs this Node with the arguments to its end; its output. */
export function runNode(args: readonly string[], options: ProcessOptions = {}): Promise<ProcessOutput> {
  return runProcess(process.execPath, args, options);
}

/**
 * Node's arguments that run a command function of src/ (e.g. src/commands/sync.ts's runSyncCommand) on `argv`, the
 * exit code the one it returns: the command as the CLI runs it, from the TypeScript sources, nothing built.
 */
export function commandScript(modulePath: string, exportName: string, argv: readonly string[]): string[] {
  const module = pathToFileURL(modulePath).href;
  return ['--input-type=module', '-e', `import(${JSON.stringify(module)}).then((m) => m.${exportName}(${JSON.stringify(argv)})).then((code) => { process.exitCode = code; });`];
}
