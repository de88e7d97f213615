// The emulator's clock. Tests move it (set, advance, change its speed) so that later reads see a later
// "today": grown attributed conversions, a new UTC day for the daily rate window. With `--now` it starts
// frozen (speed 0) so answers are byte-identical; without it, it follows real time (speed 1).

export class EmulatorClock {
  /** Emulator time (epoch ms) at the real instant `#realBaseMs`. */
  #baseMs: number;
  #realBaseMs: number;
  #speed: number;

  constructor(start: Date | undefined, speed: number | undefined) {
    this.#realBaseMs = Date.now();
    this.#baseMs = start?.getTime() ?? this.#realBaseMs;
    this.#speed = speed ?? (start === undefined ? 1 : 0);
  }

  now(): Date {
    return new Date(this.#nowMs());
  }

  get speed(): number {
    return this.#speed;
  }

  set(instant: Date): void {
    this.#rebase(instant.getTime());
  }

  advance(ms: number): void {
    this.#rebase(this.#nowMs() + ms);
  }

  /** Emulator milliseconds per real millisecond from now on (0 freezes the clock). */
  setSpeed(speed: number): void {
    this.#rebase(this.#nowMs());
    this.#speed = speed;
  }

  #nowMs(): number {
    // Math.floor keeps instants whole milliseconds, so a frozen clock prints the same ISO text every time.
    return Math.floor(this.#baseMs + (Date.now() - this.#realBaseMs) * this.#speed);
  }

  #rebase(emulatorMs: number): void {
    this.#realBaseMs = Date.now();
    this.#baseMs = emulatorMs;
  }
}
