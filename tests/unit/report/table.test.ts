import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../runner/report/table.ts';

describe('renderTable', () => {
  it('aligns left and right columns under a dashed rule', () => {
    const lines = renderTable(
      [{ header: 'route' }, { header: 'requests', align: 'right' }],
      [
        ['GET /a', '5'],
        ['POST /checkout', '1200'],
      ],
    );
    expect(lines).toEqual([
      '  route           requests',
      '  --------------  --------',
      '  GET /a                 5',
      '  POST /checkout      1200',
    ]);
  });

  it('narrows only flexible columns to fit the width budget', () => {
    const lines = renderTable([{ header: 'label', flex: true }, { header: 'fixed' }], [['a'.repeat(40), 'b'.repeat(10)]], {
      widthMax: 30,
      indent: 0,
    });
    expect(lines[2]).toBe(`${'a'.repeat(15)}...  ${'b'.repeat(10)}`);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(30);
  });

  it('flattens newlines and replaces control characters', () => {
    const lines = renderTable([{ header: 'message' }], [['one\ntwo\u001b[0m']]);
    expect(lines[2]).toBe('  one two?[0m');
  });
});
