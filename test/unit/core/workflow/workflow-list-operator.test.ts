import { describe, expect, it } from 'vitest';
import { listOperatorNode } from '../../../../internal/core/workflow/list-operator-node.js';
import { VariablePool } from '../../../../internal/core/workflow/variable-pool.js';
import { graphNode } from '../../../helpers/workflow-graph.js';

const files = [
  { name: 'b.pdf', extension: 'pdf', size: 300 },
  { name: 'a.png', extension: 'png', size: 100 },
  { name: 'c.pdf', extension: 'pdf', size: 200 },
];

async function operate(data: Record<string, unknown>, values: Record<string, unknown> = {}) {
  const pool = new VariablePool();
  pool.set('s', { files, words: ['pear', 'apple', 'fig', 'banana'], n: '2', nothing: null, text: 'x', ...values });
  const node = graphNode('l', 'list-operator', { title: 'List', ...data });
  const run = {
    node,
    pool,
    signal: new AbortController().signal,
    stream: () => undefined,
    emit: () => undefined,
    runChildren: () => Promise.reject(new Error('no children')),
  };
  return (await listOperatorNode(run)).outputs;
}

describe('list-operator node', () => {
  it('filters by a file attribute, sorts by another, and limits', async () => {
    const out = await operate({
      variable: ['s', 'files'],
      filter_by: { enabled: true, conditions: [{ key: 'extension', comparison_operator: 'is', value: 'pdf' }] },
      order_by: { enabled: true, key: 'size', value: 'asc' },
      limit: { enabled: true, size: 1 },
    });
    expect(out).toEqual({ result: [files[2]], first_record: files[2], last_record: files[2] });
  });

  it('filters and sorts plain values, and takes the n-th item (a {{#...#}} reference allowed)', async () => {
    const sorted = await operate({
      variable: ['s', 'words'],
      filter_by: { enabled: true, conditions: [{ comparison_operator: 'not contains', value: 'g' }] },
      order_by: { enabled: true, value: 'desc' },
    });
    expect(sorted).toEqual({ result: ['pear', 'banana', 'apple'], first_record: 'pear', last_record: 'apple' });
    const second = await operate({ variable: ['s', 'words'], extract_by: { enabled: true, serial: '{{#s.n#}}' } });
    expect(second['result']).toEqual(['apple']);
  });

  it('gives an empty list for a null value, and a clear error for what is not a list or out of range', async () => {
    expect(await operate({ variable: ['s', 'nothing'] })).toEqual({ result: [], first_record: null, last_record: null });
    await expect(operate({ variable: ['s', 'text'] })).rejects.toThrow('the variable s.text is not a list');
    await expect(operate({ variable: ['s', 'gone'] })).rejects.toThrow('the variable s.gone has no value');
    await expect(operate({ variable: ['s', 'words'], extract_by: { enabled: true, serial: '9' } })).rejects.toThrow(
      'cannot take item 9 of a list of 4',
    );
  });
});
