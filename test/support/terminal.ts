// A minimal terminal to replay what a program wrote to a pseudo-terminal and read what a person would find after it:
// every line, the scrollback's and the screen's. Enough of a VT100 for a live progress area: text with automatic
// wrapping at the last column (xterm's deferred wrap), CR, LF, cursor up (never above the screen's top: lines that
// scrolled off cannot be reached), erase below (CSI J) and erase line (CSI K). Other control sequences are skipped.

const CSI = /^\x1b\[([0-9;?]*)([@-~])/;

export function replayTerminal(output: string, columns: number, rows: number): string[] {
  const lines: string[] = [''];
  let top = 0;
  let row = 0;
  let col = 0;
  const newline = () => {
    row++;
    if (row >= lines.length) lines.push('');
    if (row - top >= rows) top = row - rows + 1;
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\x1b') {
      const match = CSI.exec(output.slice(i, i + 16));
      if (!match) continue;
      i += match[0].length - 1;
      const n = Number(match[1] || '1');
      if (match[2] === 'A') {
        row = Math.max(top, row - n);
        col = Math.min(col, columns - 1);
      } else if (match[2] === 'J') {
        lines[row] = lines[row]!.slice(0, col);
        lines.length = row + 1;
      } else if (match[2] === 'K') {
        lines[row] = lines[row]!.slice(0, col);
      }
    } else if (ch === '\r') {
      col = 0;
    } else if (ch === '\n') {
      newline();
    } else if (ch >= ' ') {
      if (col >= columns) {
        newline();
        col = 0;
      }
      const line = lines[row]!.padEnd(col);
      lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
      col++;
    }
  }
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}
