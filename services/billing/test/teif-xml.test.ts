import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { teifTaxId } from '../src/teif/teif-invoice.ts';
import { element, escapeXml, renderXml } from '../src/teif/xml.ts';

describe('XML of the TEIF export', () => {
  it('escapes markup and drops characters XML 1.0 forbids', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
    assert.equal(escapeXml('x\u0000y\u0008z\tw'), 'xyz\tw');
    assert.equal(escapeXml('émoji 🚗'), 'émoji 🚗');
  });
  it('escapes attribute values and renders empty elements', () => {
    assert.equal(renderXml(element('A', { v: '"<&>"' }, [])), '<A v="&quot;&lt;&amp;&gt;&quot;"/>');
    assert.equal(renderXml(element('A', {}, [element('B', {}, 'x')])), '<A>\n  <B>x</B>\n</A>');
  });
  it('writes the matricule fiscal without separators', () => {
    assert.equal(teifTaxId('1234567/A/B/M/000'), '1234567ABM000');
    assert.equal(teifTaxId('1234567/Z'), '1234567Z');
  });
});
