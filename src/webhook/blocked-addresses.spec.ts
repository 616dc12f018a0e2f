import { blockedAddressReason } from './blocked-addresses.js';

const hostOf = (url: string) => new URL(url).hostname;

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['ff02::1', 'multicast'],
  ])('refuses %s (%s)', (address, words) => {
    expect(blockedAddressReason(address)).toContain(words);
  });

  it.each([
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped'],
    ['http://[::ffff:169.254.169.254]/', 'IPv4-mapped'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://0/', 'unspecified'],
  ])('refuses every spelling: %s', (url, words) => {
    expect(blockedAddressReason(hostOf(url))).toContain(words);
  });

  it.each([
    ['64:ff9b:1::a00:1', 'NAT64'],
    ['64:ff9b:1:ffff:ffff::1', 'NAT64'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['::ffff:0:7f00:1', 'SIIT'],
    ['::ffff:0:a9fe:a9fe', 'SIIT'],
    ['::ffff:0:0:0', 'SIIT'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001::1', 'Teredo'],
    ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'Teredo'],
  ])('refuses translated and tunnelled IPv4: %s (%s)', (address, words) => {
    expect(blockedAddressReason(address)).toContain(words);
  });

  it.each([
    ['http://[64:ff9b:1::7f00:1]/', 'NAT64'],
    ['http://[::ffff:0:127.0.0.1]/', 'SIIT'],
    ['http://[2001:0000:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo'],
  ])('refuses translated and tunnelled IPv4 in a URL: %s', (url, words) => {
    expect(blockedAddressReason(hostOf(url))).toContain(words);
  });

  it('allows the public neighbours of the translated ranges', () => {
    // Outside 2001::/32 (Teredo) and 2001:db8::/32 (documentation): ordinary global unicast.
    expect(blockedAddressReason('2001:1::1')).toBeNull();
    expect(blockedAddressReason('2001:4860:4860::8888')).toBeNull();
    expect(blockedAddressReason('64:ff9b:2::1')).toBeNull();
  });

  it('allows public addresses', () => {
    expect(blockedAddressReason('93.184.215.14')).toBeNull();
    expect(blockedAddressReason('2606:4700:4700::1111')).toBeNull();
    expect(blockedAddressReason('172.32.0.1')).toBeNull();
  });

  it('refuses what is not an IP literal', () => {
    expect(blockedAddressReason('example.com')).toBe('not an IP address');
  });
});
