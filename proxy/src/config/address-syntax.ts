const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_PATTERN = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const IPV6_GROUP = /^[0-9A-Fa-f]{1,4}$/;
// RFC 1123 host names; underscores are allowed because DNS (and Kubernetes SRV-style names) carry them.
const DNS_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Whether a string is a dotted-quad IPv4 address such as `10.0.0.1`. */
export function isIpv4Literal(text: string): boolean {
  return IPV4_PATTERN.test(text);
}

function countIpv6Groups(part: string): number | undefined {
  if (part === '') return 0;
  const groups = part.split(':');
  const last = groups.at(-1) ?? '';
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) stands for two groups.
  const tailGroups = isIpv4Literal(last) ? 2 : IPV6_GROUP.test(last) ? 1 : undefined;
  if (tailGroups === undefined) return undefined;
  const leading = groups.slice(0, -1);
  return leading.every((group) => IPV6_GROUP.test(group)) ? leading.length + tailGroups : undefined;
}

/** Whether a string is an IPv6 address in text form (`::`, `::1`, `fd00::1`, `::ffff:10.0.0.1`), without brackets or zone. */
export function isIpv6Literal(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const [head = '', tail] = halves;
  if (tail === undefined) return countIpv6Groups(head) === 8 && head !== '';
  const headGroups = head === '' ? 0 : countIpv6Groups(head);
  const tailGroups = countIpv6Groups(tail);
  if (headGroups === undefined || tailGroups === undefined) return false;
  if (head !== '' && isIpv4Literal(head.split(':').at(-1) ?? '')) return false;
  return headGroups + tailGroups <= 7;
}

/** Whether a string is an IPv4 or IPv6 address literal. */
export function isIpLiteral(text: string): boolean {
  return isIpv4Literal(text) || isIpv6Literal(text);
}

/** Whether a string is a syntactically valid DNS name (`myapp`, `myapp.default.svc.cluster.local.`). */
export function isDnsName(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name === '' || name.length > 253) return false;
  return name.split('.').every((label) => DNS_LABEL.test(label));
}
