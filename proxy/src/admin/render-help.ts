/** One admin endpoint as the help pages list it. */
export interface EndpointHelp {
  readonly path: string;
  readonly help: string;
  /** Mutating endpoints accept POST only. */
  readonly isMutation: boolean;
}

function sortByPath(endpoints: readonly EndpointHelp[]): EndpointHelp[] {
  return [...endpoints].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Renders `GET /help` as Envoy does: `admin commands are:` then `  /path (POST): help` lines, sorted by path. */
export function renderHelpText(endpoints: readonly EndpointHelp[]): string {
  const lines = sortByPath(endpoints).map(
    (endpoint) => `  ${endpoint.path}${endpoint.isMutation ? ' (POST)' : ''}: ${endpoint.help}\n`,
  );
  return `admin commands are:\n${lines.join('')}`;
}

/** Renders the `/` home page: a table of links (GET) and buttons (POST) to every endpoint. */
export function renderHelpHtml(endpoints: readonly EndpointHelp[]): string {
  const rows = sortByPath(endpoints).map((endpoint) => {
    const path = escapeHtml(endpoint.path);
    const action = endpoint.isMutation
      ? `<form action="${path}" method="post"><button type="submit">${path}</button></form>`
      : `<a href="${path}">${path}</a>`;
    return `<tr><td>${action}</td><td>${escapeHtml(endpoint.help)}</td></tr>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>Envoy Admin</title></head><body>',
    '<table><thead><tr><th>Command</th><th>Description</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></body></html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
