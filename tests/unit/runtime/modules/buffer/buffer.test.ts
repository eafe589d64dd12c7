import { Buffer as NodeBuffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Buffer, type BufferEncoding } from '../../../../../runner/runtime/modules/buffer/buffer.ts';

const SAMPLES = ['', 'a', 'ab', 'abc', 'hello, world', 'naïve café ☕ 𝄞', '\u0000\u00ff\n\t'];

describe('Buffer', () => {
  it('round-trips strings through every encoding, byte for byte as Node', () => {
    const encodings: BufferEncoding[] = ['utf8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii', 'utf16le'];
    for (const s of SAMPLES) {
      const bytes = Buffer.from(s);
      expect([...bytes]).toEqual([...NodeBuffer.from(s)]);
      expect(bytes.toString()).toBe(s);
      for (const enc of encodings) {
        const text = bytes.toString(enc);
        expect(text).toBe(NodeBuffer.from(s).toString(enc));
        // latin1/ascii drop bits and utf16le drops an odd last byte, in Node too.
        if (enc === 'utf8' || enc === 'hex' || enc === 'base64' || enc === 'base64url') {
          expect(Buffer.from(text, enc).equals(bytes)).toBe(true);
        }
        expect([...Buffer.from(s, enc)]).toEqual([...NodeBuffer.from(s, enc)]);
      }
    }
  });

  it('decodes known values and is as lenient as Node with base64 and hex', () => {
    expect(Buffer.from('hello').toString('base64')).toBe('aGVsbG8=');
    expect(Buffer.from('aGVs bG8\n', 'base64').toString()).toBe('hello');
    expect(Buffer.from('aGVsbG8', 'base64').toString()).toBe('hello');
    expect(Buffer.from('-_8', 'base64').toString('hex')).toBe(NodeBuffer.from('-_8', 'base64').toString('hex'));
    expect(Buffer.from('0aff', 'hex')).toEqual(Buffer.from([10, 255]));
    expect(Buffer.from('0afzff', 'hex').toString('hex')).toBe('0a');
    expect(Buffer.from('abc', 'hex').toString('hex')).toBe('ab');
  });

  it('copies arrays and Uint8Arrays, and views ArrayBuffers', () => {
    const u8 = new Uint8Array([1, 2, 3]);
    const copy = Buffer.from(u8);
    u8[0] = 9;
    expect(copy[0]).toBe(1);
    const ab = new ArrayBuffer(4);
    const view = Buffer.from(ab, 1, 2);
    new Uint8Array(ab)[1] = 7;
    expect(view[0]).toBe(7);
    expect(view.length).toBe(2);
    expect([...Buffer.from([256, -1, 3.7])]).toEqual([0, 255, 3]);
    expect(() => Buffer.from(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('alloc, concat, isBuffer, byteLength, equals, compare', () => {
    expect([...Buffer.alloc(3)]).toEqual([0, 0, 0]);
    expect(Buffer.alloc(5, 'ab').toString()).toBe('ababa');
    expect(Buffer.alloc(2, 7)).toEqual(Buffer.from([7, 7]));
    const joined = Buffer.concat([Buffer.from('ab'), new Uint8Array([99]), Buffer.from('d')]);
    expect(joined.toString()).toBe('abcd');
    expect(Buffer.concat([Buffer.from('abcd')], 2).toString()).toBe('ab');
    expect(Buffer.concat([Buffer.from('ab')], 4)).toEqual(Buffer.from([97, 98, 0, 0]));
    expect(Buffer.isBuffer(joined)).toBe(true);
    expect(Buffer.isBuffer(new Uint8Array(1))).toBe(false);
    expect(Buffer.byteLength('€')).toBe(3);
    expect(Buffer.byteLength('abcd', 'base64')).toBe(3);
    expect(Buffer.from('x').equals(new Uint8Array([120]))).toBe(true);
    expect(Buffer.compare(Buffer.from('a'), Buffer.from('b'))).toBe(-1);
    expect(Buffer.from('ab').compare(Buffer.from('a'))).toBe(1);
    expect(() => Buffer.from('x', 'utf7' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_ENCODING', message: 'Unknown encoding: utf7' }),
    );
  });

  it('subarray and slice are Buffer views on the same memory', () => {
    const b = Buffer.from('hello');
    const s = b.slice(1, 3);
    const sub = b.subarray(3);
    expect(Buffer.isBuffer(s)).toBe(true);
    expect(Buffer.isBuffer(sub)).toBe(true);
    expect(s.toString()).toBe('el');
    s[0] = 'a'.charCodeAt(0);
    expect(b.toString()).toBe('hallo');
    expect(b.toString('utf8', 1, 4)).toBe('all');
    expect(Buffer.isBuffer(b.map((x) => x + 1))).toBe(true);
  });

  it('serialises to JSON as Node does, and back', () => {
    const b = Buffer.from([1, 2, 255]);
    const json = JSON.stringify({ b });
    expect(json).toBe(JSON.stringify({ b: NodeBuffer.from([1, 2, 255]) }));
    expect(Buffer.from(JSON.parse(json).b).equals(b)).toBe(true);
  });

  it('reads and writes integers and strings at offsets', () => {
    const b = Buffer.alloc(8);
    expect(b.writeUInt32BE(0xdeadbeef, 2)).toBe(6);
    expect(b.readUInt32BE(2)).toBe(0xdeadbeef);
    expect(b.readUInt8(2)).toBe(0xde);
    expect(b.write('hi', 6)).toBe(2);
    expect(b.toString('latin1', 6)).toBe('hi');
    expect(() => b.readUInt32LE(6)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    const target = Buffer.alloc(3);
    expect(Buffer.from('abcdef').copy(target, 1, 2)).toBe(2);
    expect(target.toString('latin1')).toBe('\u0000cd');
  });
});
