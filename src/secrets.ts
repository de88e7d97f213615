// Every secret the connector learns (tokens, app secrets, passwords) is registered here, and every text that
// leaves the process outside the record stream (logs, traces, stderr) passes through `redact`.

const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would mask ordinary words; they cannot be real secrets anyway.
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, '****');
  }
  return out;
}
