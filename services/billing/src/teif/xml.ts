/** A minimal XML writer: every text and attribute value is escaped, and characters XML 1.0 forbids are dropped. */
export type XmlNode = { name: string; attributes?: Record<string, string>; children?: XmlNode[]; text?: string };

/** The Char production of XML 1.0: tab, newline, carriage return and the printable planes. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

export function escapeXml(value: string): string {
  return Array.from(value)
    .filter((character) => isXmlChar(character.codePointAt(0) ?? 0))
    .join('').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function element(name: string, attributes: Record<string, string>, content: XmlNode[] | string): XmlNode {
  return typeof content === 'string' ? { name, attributes, text: content } : { name, attributes, children: content };
}

export function renderXml(node: XmlNode, depth = 0): string {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(node.attributes ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  if (node.text !== undefined) return `${indent}<${node.name}${attributes}>${escapeXml(node.text)}</${node.name}>`;
  const children = node.children ?? [];
  if (children.length === 0) return `${indent}<${node.name}${attributes}/>`;
  return `${indent}<${node.name}${attributes}>\n${children.map((child) => renderXml(child, depth + 1)).join('\n')}\n${indent}</${node.name}>`;
}
