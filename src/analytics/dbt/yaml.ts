// A small YAML writer for the dbt files: block mappings and sequences, every string double-quoted. A JSON string
// literal is a valid YAML double-quoted scalar, so quoting by JSON.stringify needs no YAML escaping rules of
// its own, and a value never turns into a number, a boolean or a null by accident.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

const BARE_KEY = /^[A-Za-z_+][A-Za-z0-9_+-]*$/;

export function toYaml(value: YamlValue): string {
  return `${lines(value, 0).join('\n')}\n`;
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function key(name: string): string {
  return BARE_KEY.test(name) ? name : JSON.stringify(name);
}

function isBlock(value: YamlValue): value is YamlValue[] | { [key: string]: YamlValue | undefined } {
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === 'object' && value !== null && Object.values(value).some((v) => v !== undefined);
}

function lines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (!isBlock(item)) return [`${pad}- ${inline(item)}`];
      const [first = '', ...rest] = lines(item, indent + 2);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter((entry): entry is [string, YamlValue] => entry[1] !== undefined);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([name, item]) => (isBlock(item) ? [`${pad}${key(name)}:`, ...lines(item, indent + 2)] : [`${pad}${key(name)}: ${inline(item)}`]));
  }
  return [`${pad}${scalar(value)}`];
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  return scalar(value);
}
