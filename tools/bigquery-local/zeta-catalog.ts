// The analyzer's view of the tables held: project → dataset → table catalogs, the default project's datasets at
// the root (so `dataset.table` resolves), and every table also under its full dotted name, because a backticked
// `project.dataset.table` is one identifier to ZetaSQL.

import { INFORMATION_SCHEMA_VIEWS } from './information-schema.ts';
import { type FieldSchema, canonicalMode, canonicalType } from './types.ts';

export interface ZetaType {
  typeKind: string;
  arrayType?: { elementType: ZetaType };
  structType?: { field: { fieldName: string; fieldType: ZetaType }[] };
}

interface ZetaTable {
  name: string;
  /** 1 + the table's index in the catalog list: scans in the resolved AST name their table by it (bytes.ts). */
  serializationId?: number;
  column: { name: string; type: ZetaType; isWritableColumn: boolean }[];
}

export interface ZetaCatalog {
  name: string;
  table: ZetaTable[];
  catalog: ZetaCatalog[];
  builtinFunctionOptions?: { languageOptions: unknown };
}

export interface CatalogTable {
  readonly projectId: string;
  readonly datasetId: string;
  readonly tableId: string;
  readonly fields: readonly FieldSchema[];
}

const KINDS: Readonly<Record<string, string>> = {
  STRING: 'TYPE_STRING', BYTES: 'TYPE_BYTES', INTEGER: 'TYPE_INT64', FLOAT: 'TYPE_DOUBLE', BOOLEAN: 'TYPE_BOOL',
  TIMESTAMP: 'TYPE_TIMESTAMP', DATE: 'TYPE_DATE', TIME: 'TYPE_TIME', DATETIME: 'TYPE_DATETIME', NUMERIC: 'TYPE_NUMERIC',
  BIGNUMERIC: 'TYPE_BIGNUMERIC', JSON: 'TYPE_JSON', GEOGRAPHY: 'TYPE_GEOGRAPHY',
};

export function zetaType(field: FieldSchema): ZetaType {
  const base = canonicalType(field.type, field.name);
  const element: ZetaType = base === 'RECORD'
    ? { typeKind: 'TYPE_STRUCT', structType: { field: (field.fields ?? []).map((f) => ({ fieldName: f.name, fieldType: zetaType(f) })) } }
    : { typeKind: KINDS[base]! };
  return canonicalMode(field.mode) === 'REPEATED' ? { typeKind: 'TYPE_ARRAY', arrayType: { elementType: element } } : element;
}

/** Type of a query parameter as the REST API spells it (`{type:'INT64'}`, `{type:'ARRAY', arrayType:{…}}`). */
export function zetaParameterType(type: { type: string; arrayType?: unknown; structTypes?: unknown }): ZetaType {
  if (type.type.toUpperCase() === 'ARRAY') {
    return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: zetaParameterType(type.arrayType as { type: string }) } };
  }
  return zetaType({ name: '', type: type.type });
}

function table(name: string, fields: readonly FieldSchema[], serializationId?: number): ZetaTable {
  return { name, ...(serializationId === undefined ? {} : { serializationId }), column: fields.map((f) => ({ name: f.name, type: zetaType(f), isWritableColumn: true })) };
}

export function buildCatalog(
  tables: readonly CatalogTable[],
  datasets: readonly { projectId: string; datasetId: string }[],
  defaultProject: string,
  defaultDataset: string | undefined,
  languageOptions: unknown,
): ZetaCatalog {
  const root: ZetaCatalog = { name: '', table: [], catalog: [], builtinFunctionOptions: { languageOptions } };
  const child = (parent: ZetaCatalog, name: string): ZetaCatalog => {
    let found = parent.catalog.find((c) => c.name === name);
    if (!found) {
      found = { name, table: [], catalog: [] };
      parent.catalog.push(found);
    }
    return found;
  };
  for (const [index, t] of tables.entries()) {
    const id = index + 1;
    root.table.push(table(`${t.projectId}.${t.datasetId}.${t.tableId}`, t.fields, id));
    child(child(root, t.projectId), t.datasetId).table.push(table(t.tableId, t.fields, id));
    if (t.projectId === defaultProject) {
      child(root, t.datasetId).table.push(table(t.tableId, t.fields, id));
      root.table.push(table(`${t.datasetId}.${t.tableId}`, t.fields, id));
      if (t.datasetId === defaultDataset) root.table.push(table(t.tableId, t.fields, id));
    }
  }
  for (const d of datasets) {
    for (const [view, fields] of Object.entries(INFORMATION_SCHEMA_VIEWS)) {
      root.table.push(table(`${d.projectId}.${d.datasetId}.INFORMATION_SCHEMA.${view}`, fields));
      child(child(child(root, d.projectId), d.datasetId), 'INFORMATION_SCHEMA').table.push(table(view, fields));
      if (d.projectId === defaultProject) {
        root.table.push(table(`${d.datasetId}.INFORMATION_SCHEMA.${view}`, fields));
        child(child(root, d.datasetId), 'INFORMATION_SCHEMA').table.push(table(view, fields));
      }
    }
  }
  return root;
}
