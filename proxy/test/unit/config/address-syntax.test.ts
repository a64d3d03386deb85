import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDnsName, isIpLiteral, isIpv4Literal, isIpv6Literal } from '../../../src/config/address-syntax.js';

describe('address syntax', () => {
  it.each(['0.0.0.0', '127.0.0.1', '255.255.255.255', '10.0.0.1'])('%s is IPv4', (text) => {
    expect(isIpv4Literal(text)).toBe(true);
  });

  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', ''])('%j is not IPv4', (text) => {
    expect(isIpv4Literal(text)).toBe(false);
  });

  it.each([
    '::',
    '::1',
    'fd00::2',
    '2001:db8::8a2e:370:7334',
    '1:2:3:4:5:6:7:8',
    '::ffff:10.0.0.1',
    '1::',
    'fe80::1:2',
  ])('%s is IPv6', (text) => {
    expect(isIpv6Literal(text)).toBe(true);
  });

  it.each([
    '',
    ':',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    'g::1',
    '[::1]',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7::8',
  ])('%j is not IPv6', (text) => {
    expect(isIpv6Literal(text)).toBe(false);
  });

  it.each(['myapp', 'myapp.default', 'myapp.default.svc.cluster.local.', '_http._tcp.myapp', 'a-b.c'])(
    '%s is a DNS name',
    (text) => {
      expect(isDnsName(text)).toBe(true);
    },
  );

  it.each(['', 'my app', '-a', 'a-', 'a..b', '.', 'a/b', `${'a'.repeat(64)}.com`])(
    '%j is not a DNS name',
    (text) => {
      expect(isDnsName(text)).toBe(false);
    },
  );

  it('accepts every dotted quad and every full eight-group IPv6 address', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.ipV6(),
        (v4, v6) => isIpv4Literal(v4) && isIpLiteral(v4) && isIpv6Literal(v6),
      ),
    );
  });
});
