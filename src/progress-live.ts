// A few lines at the bottom of a terminal, redrawn in place. Anything else written to the same terminal while
// they are shown (a warning, the client's suspension notice) first erases them, so it never lands inside the
// bar or gets erased by the next redraw; the bar comes back on the next draw. The erase moves the cursor up one
// row per line drawn, which is only right when no line wraps and none scrolled off the top: so every line is cut
// to the terminal's width and the drawing to its height.

export interface LiveArea {
  draw(lines: readonly string[]): void;
  /** Leaves the last drawing on screen and gives the terminal back. */
  release(): void;
}

type Write = NodeJS.WriteStream['write'];

/** The size to draw for when the terminal does not say (a pseudo-terminal may report 0 × 0): the common default. */
const UNKNOWN_COLUMNS = 80;
const UNKNOWN_ROWS = 24;

/** The terminal's width, or the common 80 when it does not tell. */
export function terminalColumns(terminal: Pick<NodeJS.WriteStream, 'columns'>): number {
  return terminal.columns > 0 ? terminal.columns : UNKNOWN_COLUMNS;
}

/** The lines the terminal shows at once less one (the cursor's row); 23 when it does not tell. */
export function terminalRows(terminal: Pick<NodeJS.WriteStream, 'rows'>): number {
  return (terminal.rows > 1 ? terminal.rows : UNKNOWN_ROWS) - 1;
}

/** The line cut to fit `columns` less one (a line filling the last column wraps in some terminals). */
export function fitted(line: string, columns: number): string {
  const room = Math.max(1, columns - 1);
  return line.length <= room ? line : `${line.slice(0, room - 1)}…`;
}

export function liveArea(terminal: NodeJS.WriteStream): LiveArea {
  const original: Write = terminal.write;
  let shown = 0;
  const put = (text: string) => Reflect.apply(original, terminal, [text]) as boolean;
  const erase = () => {
    // Up to the first line of the drawing, then clear to the end of the screen.
    if (shown > 0) put(`\x1b[${shown}A\r\x1b[J`);
    shown = 0;
  };
  const intercepted = function (this: unknown, ...args: unknown[]): boolean {
    erase();
    return Reflect.apply(original, terminal, args) as boolean;
  };
  terminal.write = intercepted as Write;
  return {
    draw(lines) {
      erase();
      const columns = terminalColumns(terminal);
      // Its last lines when it is taller than the screen: the ones above could not be reached to erase.
      const shownLines = lines.slice(-terminalRows(terminal)).map((line) => fitted(line, columns));
      if (shownLines.length === 0) return;
      put(`${shownLines.join('\n')}\n`);
      shown = shownLines.length;
    },
    release() {
      terminal.write = original;
      shown = 0;
    },
  };
}
