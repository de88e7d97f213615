// Report tasks may answer `country_code` with the country's English name ("United States") where synchronous
// reports give the ISO 3166-1 alpha-2 code ("US"). Both lanes must key a row alike, so names are mapped back to
// codes. The names come from ICU's English region names (Intl.DisplayNames), plus the other spellings English
// lists commonly use, compared without case, accents or punctuation.

/** Other names for a region than ICU's English one. */
const ALIASES: Readonly<Record<string, string>> = {
  'united states of america': 'US', usa: 'US', 'united kingdom of great britain and northern ireland': 'GB', uk: 'GB',
  'great britain': 'GB', korea: 'KR', 'republic of korea': 'KR', 'korea republic of': 'KR', turkey: 'TR', turkiye: 'TR',
  'czech republic': 'CZ', 'ivory coast': 'CI', 'cote divoire': 'CI', myanmar: 'MM', burma: 'MM', 'russian federation': 'RU',
  'viet nam': 'VN', uae: 'AE', 'hong kong': 'HK', macau: 'MO', macao: 'MO', 'taiwan province of china': 'TW',
  'republic of the congo': 'CG', 'democratic republic of the congo': 'CD', 'congo democratic republic': 'CD',
  'north macedonia': 'MK', macedonia: 'MK', eswatini: 'SZ', swaziland: 'SZ', 'cape verde': 'CV', 'cabo verde': 'CV',
  palestine: 'PS', 'palestinian territories': 'PS', 'holy see': 'VA', 'vatican city': 'VA', 'saint kitts and nevis': 'KN',
  'saint lucia': 'LC', 'saint vincent and the grenadines': 'VC', 'sao tome and principe': 'ST', 'timor leste': 'TL',
  'east timor': 'TL', 'brunei darussalam': 'BN', 'lao peoples democratic republic': 'LA', laos: 'LA',
  'iran islamic republic of': 'IR', 'syrian arab republic': 'SY', 'moldova republic of': 'MD', 'bolivia plurinational state of': 'BO',
  'venezuela bolivarian republic of': 'VE', 'tanzania united republic of': 'TZ',
};

function normalised(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\s*\((?:burma|[^)]*)\)\s*/g, ' ')
    .replace(/\bsar china\b/g, '')
    .replace(/[^a-z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

let byName: Map<string, string> | undefined;

function namesToCodes(): Map<string, string> {
  if (byName) return byName;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  byName = new Map(Object.entries(ALIASES));
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b;
      let name: string | undefined;
      try {
        // Retired codes (DD, VD…) stand for their successor's name: only a region's own code counts.
        if (Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
        name = names.of(code);
      } catch {
        continue;
      }
      if (name === undefined || name === code) continue;
      const key = normalised(name);
      if (!byName.has(key)) byName.set(key, code);
    }
  }
  return byName;
}

/**
 * The ISO code of a country as a report answered it: a code stays as it is, a name becomes its code; undefined
 * when the name is unknown (the caller keeps the text and says so).
 */
export function countryCodeOf(value: string): string | undefined {
  if (/^[A-Z]{2}$/.test(value) || value === '' || value === '-' || value === 'None') return value;
  return namesToCodes().get(normalised(value));
}
