import { expect } from 'chai';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../../lib/protocol/json';

const nested = (depth: number, open = '[', close = ']'): string => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('protocol/json', () => {
  it('is 1000 levels by default, as Jackson\'s', () => {
    expect(DEFAULT_MAX_JSON_DEPTH).to.equal(1000);
  });

  it('tells whether arrays and objects nest deeper than the bound', () => {
    expect(jsonDepthExceeds(nested(3), 3)).to.equal(false);
    expect(jsonDepthExceeds(nested(4), 3)).to.equal(true);
    expect(jsonDepthExceeds('{"a":{"b":{"c":{}}}}', 3)).to.equal(true);
    expect(jsonDepthExceeds('{"a":{"b":{"c":1}}}', 3)).to.equal(false);
    expect(jsonDepthExceeds(`[${nested(3)}]`, 3), 'one level around them').to.equal(true);
    expect(jsonDepthExceeds(`[${nested(2)},${nested(2)},${nested(2)}]`, 3), 'siblings do not add up').to.equal(false);
    expect(jsonDepthExceeds(nested(DEFAULT_MAX_JSON_DEPTH), DEFAULT_MAX_JSON_DEPTH)).to.equal(false);
    expect(jsonDepthExceeds(nested(DEFAULT_MAX_JSON_DEPTH + 1), DEFAULT_MAX_JSON_DEPTH)).to.equal(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = `["${'['.repeat(50)}", "\\"${'{'.repeat(50)}", "\\\\", [[]]]`;
    expect(JSON.parse(text)).to.have.length(4);
    expect(jsonDepthExceeds(text, 3)).to.equal(false);
    expect(jsonDepthExceeds(text, 2)).to.equal(true);
  });

  it('skips the scan for a text too short to exceed the bound', () => {
    // unbalanced on purpose: only a scan would see 4 levels, and 7 characters cannot hold them closed
    expect(jsonDepthExceeds('[[[[', 3)).to.equal(false);
    expect(jsonDepthExceeds('[[[[   ', 3)).to.equal(false);
    expect(jsonDepthExceeds('[[[[    ', 3)).to.equal(true);
  });
});
