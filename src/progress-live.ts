// A few lines at the bottom of a terminal, redrawn in place. Anything else written to the same terminal while
// they are shown (a warning, the client's suspension notice) first erases them, so it never lands inside the
// bar or gets erased by the next redraw; the bar comes back on the next draw.

export interface LiveArea {
  draw(lines: readonly string[]): void;
  /** Leaves the last drawing on screen and gives the terminal back. */
  release(): void;
}

type Write = NodeJS.WriteStream['write'];

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
      if (lines.length === 0) return;
      put(`${lines.join('\n')}\n`);
      shown = lines.length;
    },
    release() {
      terminal.write = original;
      shown = 0;
    },
  };
}
