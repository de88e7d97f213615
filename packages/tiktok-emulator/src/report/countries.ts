// Report tasks write country_code as the country's English name ("United States"), where synchronous reports
// give the ISO code (tiktok-api.md, "Corrections": Async tasks — "async answers may give country_code as a
// country name"). The names of every country the emulator's breakdowns produce (levels.ts, BREAKDOWNS).

export const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'United States',
  GB: 'United Kingdom',
  DE: 'Germany',
  BR: 'Brazil',
  JP: 'Japan',
};

/** The English name of an ISO 3166-1 alpha-2 code the emulator generates (the code itself otherwise). */
export function countryName(code: string): string {
  return COUNTRY_NAMES[code] ?? code;
}
