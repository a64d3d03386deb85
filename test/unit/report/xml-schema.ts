// A small XML parser and a checker for the XSD subset used by test/fixtures/junit/junit.xsd, for machines
// without xmllint. It parses strictly (well-formedness errors throw) and validates element names, order and
// counts of children, required/unknown attributes and the attribute types the schema uses.

/** A parsed XML element. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element (entities decoded). */
  readonly text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;

function decodeEntities(raw: string, where: string): string {
  if (/[<]/.test(raw)) {
    throw new Error(`raw "<" in ${where}`);
  }
  return raw.replace(/&([^;\s&]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) {
      throw new Error(`bare "&" in ${where}`);
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    const hex = /^#x([0-9a-fA-F]+)$/.exec(body);
    const dec = /^#(\d+)$/.exec(body);
    const code =
      hex?.[1] !== undefined
        ? Number.parseInt(hex[1], 16)
        : dec?.[1] !== undefined
          ? Number(dec[1])
          : undefined;
    const value = code === undefined ? named[body] : String.fromCodePoint(code);
    if (value === undefined) {
      throw new Error(`unknown entity &${body}; in ${where}`);
    }
    return value;
  });
}

/** Parses an XML document strictly and returns its root element. */
export function parseXml(source: string): XmlElement {
  let position = 0;
  const rest = (): string => source.slice(position);
  const skipMisc = (): void => {
    for (;;) {
      const match = /^(\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)/.exec(rest());
      if (match === null) return;
      if (match[0].startsWith('<!--') && match[0].slice(4, -3).includes('--'))
        throw new Error('"--" inside a comment');
      position += match[0].length;
    }
  };
  const parseElement = (): XmlElement => {
    const name = NAME.exec(rest().slice(1))?.[0];
    if (!rest().startsWith('<') || name === undefined) throw new Error(`expected an element at ${position}`);
    position += 1 + name.length;
    const attributes = new Map<string, string>();
    for (;;) {
      const attribute = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(rest());
      if (attribute === null) break;
      const [all, key = '', , double, single] = attribute;
      if (attributes.has(key)) throw new Error(`duplicate attribute ${key} on <${name}>`);
      attributes.set(key, decodeEntities(double ?? single ?? '', `attribute ${key} of <${name}>`));
      position += all.length;
    }
    const end = /^\s*(\/?)>/.exec(rest());
    if (end === null) throw new Error(`malformed start tag <${name}> at ${position}`);
    position += end[0].length;
    if (end[1] === '/') return { name, attributes, children: [], text: '' };
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const chunk = /^[^<]+/.exec(rest());
      if (chunk !== null) {
        text += decodeEntities(chunk[0], `text of <${name}>`);
        position += chunk[0].length;
      } else if (rest().startsWith('<![CDATA[')) {
        const close = source.indexOf(']]>', position);
        if (close < 0) throw new Error('unterminated CDATA');
        text += source.slice(position + 9, close);
        position = close + 3;
      } else if (rest().startsWith('<!--')) {
        skipMisc();
      } else if (rest().startsWith('</')) {
        const close = new RegExp(`^</${name.replace(/[.]/g, '\\.')}\\s*>`).exec(rest());
        if (close === null) throw new Error(`expected </${name}> at ${position}`);
        position += close[0].length;
        return { name, attributes, children, text };
      } else if (rest() === '') {
        throw new Error(`unclosed <${name}>`);
      } else {
        children.push(parseElement());
      }
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (position !== source.length) throw new Error(`content after the root element at ${position}`);
  return root;
}

interface ElementRule {
  readonly attributes: ReadonlyMap<string, { readonly type: string; readonly isRequired: boolean }>;
  readonly model: {
    readonly kind: 'sequence' | 'choice' | 'empty' | 'text';
    readonly items: readonly Particle[];
  };
  readonly choiceBounds: { readonly min: number; readonly max: number };
}

interface Particle {
  readonly ref: string;
  readonly min: number;
  readonly max: number;
}

function readOccurs(element: XmlElement): { min: number; max: number } {
  const max = element.attributes.get('maxOccurs') ?? '1';
  return {
    min: Number(element.attributes.get('minOccurs') ?? '1'),
    max: max === 'unbounded' ? Infinity : Number(max),
  };
}

function findChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Reads the supported XSD subset into per-element rules. */
export function readSchema(xsd: XmlElement): ReadonlyMap<string, ElementRule> {
  const rules = new Map<string, ElementRule>();
  for (const declaration of xsd.children.filter((child) => child.name === 'xs:element')) {
    const type = findChild(declaration, 'xs:complexType');
    const simple = type === undefined ? undefined : findChild(type, 'xs:simpleContent');
    const extension = simple === undefined ? undefined : findChild(simple, 'xs:extension');
    const group =
      type === undefined ? undefined : (findChild(type, 'xs:sequence') ?? findChild(type, 'xs:choice'));
    const attributeHolder = extension ?? type;
    const attributes = new Map(
      (attributeHolder?.children ?? [])
        .filter((child) => child.name === 'xs:attribute')
        .map((child) => [
          child.attributes.get('name') ?? '',
          {
            type: child.attributes.get('type') ?? 'xs:string',
            isRequired: child.attributes.get('use') === 'required',
          },
        ]),
    );
    const items = (group?.children ?? []).map((child) => ({
      ref: child.attributes.get('ref') ?? '',
      ...readOccurs(child),
    }));
    const kind =
      simple !== undefined
        ? 'text'
        : group === undefined
          ? 'empty'
          : group.name === 'xs:sequence'
            ? 'sequence'
            : 'choice';
    const choiceBounds = group === undefined ? { min: 0, max: 0 } : readOccurs(group);
    rules.set(declaration.attributes.get('name') ?? '', { attributes, model: { kind, items }, choiceBounds });
  }
  return rules;
}

const TYPE_PATTERNS: Readonly<Record<string, RegExp>> = {
  'xs:string': /^[\s\S]*$/,
  'xs:nonNegativeInteger': /^\+?\d+$/,
  'xs:decimal': /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  'xs:dateTime': /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/,
};

function checkChildren(element: XmlElement, rule: ElementRule, path: string): string[] {
  const names = element.children.map((child) => child.name);
  const { kind, items } = rule.model;
  if (kind === 'empty' || kind === 'text') {
    return names.length === 0 ? [] : [`${path}: no child elements allowed, got <${names.join('>, <')}>`];
  }
  if (kind === 'choice') {
    const allowed = new Set(items.map((item) => item.ref));
    const bad = names.filter((name) => !allowed.has(name));
    const { min, max } = rule.choiceBounds;
    const count =
      names.length < min || names.length > max
        ? [`${path}: ${names.length} children, allowed ${min}..${max}`]
        : [];
    return [...bad.map((name) => `${path}: <${name}> is not allowed here`), ...count];
  }
  const problems: string[] = [];
  let index = 0;
  for (const item of items) {
    let count = 0;
    while (names[index] === item.ref && count < item.max) {
      index += 1;
      count += 1;
    }
    if (count < item.min) problems.push(`${path}: needs at least ${item.min} <${item.ref}>`);
  }
  if (index < names.length) problems.push(`${path}: unexpected <${names[index] ?? ''}> at child ${index}`);
  return problems;
}

/** Validates an element tree against the schema rules; returns every problem found (empty = valid). */
export function validateXml(root: XmlElement, rules: ReadonlyMap<string, ElementRule>, path = ''): string[] {
  const here = `${path}/${root.name}`;
  const rule = rules.get(root.name);
  if (rule === undefined) {
    return [`${here}: element not declared in the schema`];
  }
  const problems: string[] = [];
  for (const [name, value] of root.attributes) {
    const declared = rule.attributes.get(name);
    if (declared === undefined) problems.push(`${here}: attribute ${name} is not allowed`);
    else if (!(TYPE_PATTERNS[declared.type] ?? /^$/).test(value))
      problems.push(`${here}: ${name}="${value}" is not ${declared.type}`);
  }
  for (const [name, declared] of rule.attributes) {
    if (declared.isRequired && !root.attributes.has(name))
      problems.push(`${here}: attribute ${name} is required`);
  }
  if (rule.model.kind !== 'text' && root.text.trim() !== '') {
    problems.push(`${here}: text is not allowed here`);
  }
  problems.push(...checkChildren(root, rule, here));
  return [...problems, ...root.children.flatMap((child) => validateXml(child, rules, here))];
}
