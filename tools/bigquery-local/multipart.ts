// The body of a multipart upload (`multipart/related`): the client streams one JSON part (the Job) and one part
// with the file's bytes. The body is collected, then cut at the boundaries; the data part is a view, not a copy.

import type { IncomingMessage } from 'node:http';
import { invalid } from './errors.ts';

export interface MultipartBody {
  readonly metadata: unknown;
  readonly data: Buffer;
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseMultipart(contentType: string | undefined, body: Buffer): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) throw invalid('Multipart upload without a boundary in Content-Type');
  const delimiter = Buffer.from(`--${(boundary[1] ?? boundary[2]!).trim()}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    parts.push(body.subarray(start, next));
    at = next;
  }
  if (parts.length < 2) throw invalid('A multipart upload needs a metadata part and a media part');
  const [metadataPart, dataPart] = parts.map(partContent) as [Buffer, Buffer];
  let metadata: unknown;
  try {
    metadata = JSON.parse(metadataPart.toString('utf8'));
  } catch {
    throw invalid('The metadata part of the upload is not JSON');
  }
  return { metadata, data: dataPart };
}

/**
 * A part without its headers and the line break that precedes the next delimiter: CRLF as the Node client writes
 * it, or a bare LF as Python's email generator (Google's Python clients, bq) writes it.
 */
function partContent(part: Buffer): Buffer {
  const crlf = part.indexOf('\r\n\r\n');
  const lf = part.indexOf('\n\n');
  const bare = lf >= 0 && (crlf < 0 || lf < crlf);
  const headersEnd = bare ? lf + 2 : crlf >= 0 ? crlf + 4 : -1;
  let content = headersEnd >= 0 ? part.subarray(headersEnd) : part;
  const newline = bare ? '\n' : '\r\n';
  if (content.subarray(content.length - newline.length).toString() === newline) content = content.subarray(0, content.length - newline.length);
  return content;
}
