/** The properties of an agent's input or output JSON Schema as a table, the schema itself on request. */
interface SchemaProperty {
  type?: string | string[];
  description?: string;
}

export function SchemaTable({ schema, caption }: { schema: Record<string, unknown>; caption: string }) {
  const properties = (schema.properties ?? {}) as Record<string, SchemaProperty>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const names = Object.keys(properties);
  return (
    <div>
      {names.length === 0 ? (
        <p className="text-sm text-slate-600">None.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">{caption}</caption>
            <thead className="border-b border-slate-200 text-left">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium text-slate-700">Name</th>
                <th scope="col" className="py-2 pr-3 font-medium text-slate-700">Type</th>
                <th scope="col" className="py-2 font-medium text-slate-700">Description</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {names.map((name) => {
                const property = properties[name] ?? {};
                return (
                  <tr key={name}>
                    <td className="py-2 pr-3 align-top font-mono text-slate-900">
                      {name}
                      {required.has(name) && <span className="ml-1 text-xs font-sans text-red-800">required</span>}
                    </td>
                    <td className="py-2 pr-3 align-top text-slate-700">{Array.isArray(property.type) ? property.type.join(' | ') : (property.type ?? 'any')}</td>
                    <td className="py-2 align-top text-slate-700">{property.description ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer font-medium text-indigo-700">JSON Schema</summary>
        <pre className="mt-2 max-h-80 overflow-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">{JSON.stringify(schema, null, 2)}</pre>
      </details>
    </div>
  );
}
