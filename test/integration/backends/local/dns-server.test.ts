import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decode, encode, RECURSION_DESIRED } from 'dns-packet';
import type { DecodedPacket, RecordType, StringAnswer } from 'dns-packet';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startDnsServer } from '../../../../src/backends/local/dns-server.js';
import type { DnsServer, DnsServerOptions } from '../../../../src/backends/local/dns-server.js';
import { PortTakenError } from '../../../../src/errors.js';

const opened: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

async function start(options: Partial<DnsServerOptions> = {}): Promise<DnsServer> {
  const server = await startDnsServer({ host: '127.0.0.1', ...options });
  opened.push(server);
  return server;
}

function createResolver(server: DnsServer, timeoutMs = 2000): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([`${server.host}:${server.port}`]);
  return resolver;
}

type Reply = DecodedPacket & { rcode: string };

function createQuery(name: string, type: RecordType = 'A', id = 1234): Buffer {
  return encode({ type: 'query', id, flags: RECURSION_DESIRED, questions: [{ type, name }] });
}

/** Sends datagrams in order and resolves with the first reply received. */
function queryUdp(server: DnsServer, ...messages: Buffer[]): Promise<Reply> {
  const socket = createSocket('udp4');
  return new Promise<Reply>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('message', (message) => {
      resolve(decode(message) as Reply);
    });
    socket.bind(0, '127.0.0.1', () => {
      for (const message of messages) {
        socket.send(message, server.port, server.host);
      }
    });
  }).finally(() => {
    socket.close();
  });
}

/** Writes raw bytes (in the given pieces) on one TCP connection and collects `count` length-prefixed replies. */
function queryTcp(server: DnsServer, pieces: readonly Buffer[], count: number): Promise<Reply[]> {
  const socket = connect(server.port, server.host);
  return new Promise<Reply[]>((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    const replies: Reply[] = [];
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        replies.push(decode(received.subarray(2, 2 + received.readUInt16BE(0))) as Reply);
        received = received.subarray(2 + received.readUInt16BE(0));
      }
      if (replies.length >= count) {
        resolve(replies);
      }
    });
    socket.once('connect', () => {
      for (const piece of pieces) {
        socket.write(piece);
      }
    });
  }).finally(() => {
    socket.destroy();
  });
}

function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

function getAddresses(reply: DecodedPacket): string[] {
  return (reply.answers ?? []).map((answer) => (answer as StringAnswer).data);
}

function getPodIps(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `127.0.${Math.floor(index / 200) + 1}.${(index % 200) + 1}`,
  );
}

describe('startDnsServer', () => {
  it.each([
    'myapp',
    'myapp.default',
    'myapp.default.svc',
    'myapp.default.svc.cluster.local',
    'MyApp.Default.Svc.Cluster.Local.',
  ])('answers %s through c-ares with one A record per pod and the 5 s TTL', async (name) => {
    const server = await start();
    server.setService('myapp', ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    const records = await createResolver(server).resolve4(name, { ttl: true });
    expect(records).toEqual([
      { address: '127.0.0.2', ttl: 5 },
      { address: '127.0.0.3', ttl: 5 },
      { address: '127.0.0.4', ttl: 5 },
    ]);
  });

  it('listens with UDP and TCP on the same port, and uses a given TTL, namespace and domain', async () => {
    const server = await start({ ttlSeconds: 30, namespace: 'bench', clusterDomain: 'example.internal' });
    server.setService('myapp', ['127.0.0.2']);
    const name = 'myapp.bench.svc.example.internal';
    const [tcpReply] = await queryTcp(server, [frame(createQuery(name))], 1);
    const udpReply = await queryUdp(server, createQuery(name));
    for (const reply of [tcpReply!, udpReply]) {
      expect(reply.flag_aa).toBe(true);
      expect(reply.answers).toEqual([
        expect.objectContaining({ name, type: 'A', ttl: 30, data: '127.0.0.2' }),
      ]);
    }
  });

  it('follows setService and removeService, and answers NXDOMAIN for a Service without pods', async () => {
    const server = await start();
    const resolver = createResolver(server);
    await expect(resolver.resolve4('myapp')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    server.setService('myapp', ['127.0.0.2']);
    expect(await resolver.resolve4('myapp')).toEqual(['127.0.0.2']);
    server.setService('myapp', ['127.0.0.3', '127.0.0.2']);
    expect(await resolver.resolve4('myapp')).toEqual(['127.0.0.3', '127.0.0.2']);
    server.setService('myapp', []);
    expect((await queryUdp(server, createQuery('myapp.default.svc.cluster.local'))).rcode).toBe('NXDOMAIN');
    await expect(resolver.resolve4('myapp')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    server.setService('myapp', ['127.0.0.2']);
    server.removeService('MyApp');
    await expect(resolver.resolve4('myapp')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers NODATA for a known name asked for another type, and AAAA for IPv6 pods', async () => {
    const server = await start();
    server.setService('myapp', ['127.0.0.2']);
    server.setService('v6app', ['::1']);
    const resolver = createResolver(server);
    await expect(resolver.resolve6('myapp')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('v6app')).rejects.toMatchObject({ code: 'ENODATA' });
    expect(await resolver.resolve6('v6app', { ttl: true })).toEqual([{ address: '::1', ttl: 5 }]);
    const reply = await queryUdp(server, createQuery('myapp.default.svc.cluster.local', 'AAAA'));
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.answers).toEqual([]);
    expect(reply.authorities).toEqual([expect.objectContaining({ type: 'SOA', name: 'cluster.local' })]);
  });

  it('truncates a 100-pod UDP answer (TC) and gives all of it over TCP, which c-ares falls back to', async () => {
    const server = await start();
    const ips = getPodIps(100);
    server.setService('myapp', ips);
    const udpReply = await queryUdp(server, createQuery('myapp.default.svc.cluster.local'));
    expect(udpReply.flag_tc).toBe(true);
    expect(udpReply.answers!.length).toBeLessThan(100);
    const [tcpReply] = await queryTcp(server, [frame(createQuery('myapp.default.svc.cluster.local'))], 1);
    expect(tcpReply!.flag_tc).toBe(false);
    expect(getAddresses(tcpReply!)).toEqual(ips);
    expect(await createResolver(server).resolve4('myapp.default.svc.cluster.local')).toEqual(ips);
  });

  it('answers pipelined TCP queries split across writes, in order', async () => {
    const server = await start();
    server.setService('myapp', ['127.0.0.2']);
    const stream = Buffer.concat([
      frame(createQuery('myapp', 'A', 1)),
      frame(createQuery('nosuch', 'A', 2)),
      frame(Buffer.from('garbage-garbage')),
      frame(createQuery('myapp', 'AAAA', 3)),
    ]);
    const pieces = [stream.subarray(0, 1), stream.subarray(1, 20), stream.subarray(20)];
    const replies = await queryTcp(server, pieces, 4);
    expect(replies.map((reply) => [reply.id, reply.rcode, reply.answers?.length])).toEqual([
      [1, 'NOERROR', 1],
      [2, 'NXDOMAIN', 0],
      [0x6761, 'FORMERR', 0],
      [3, 'NOERROR', 0],
    ]);
  });

  it('answers FORMERR to a malformed packet, ignores runts, and keeps serving', async () => {
    const server = await start();
    server.setService('myapp', ['127.0.0.2']);
    const garbage = Buffer.from('0007010000050000000000000341', 'hex');
    const formerr = await queryUdp(server, garbage);
    expect([formerr.id, formerr.rcode, formerr.flag_qr]).toEqual([7, 'FORMERR', true]);
    // A runt gets no reply, so the first reply on this socket is the one to the valid query sent after it.
    const reply = await queryUdp(server, Buffer.from([1, 2, 3]), createQuery('myapp', 'A', 99));
    expect([reply.id, getAddresses(reply)]).toEqual([99, ['127.0.0.2']]);
  });

  it.each([
    ['SERVFAIL', 'ESERVFAIL'],
    ['REFUSED', 'EREFUSED'],
    ['TIMEOUT', 'ETIMEOUT'],
  ] as const)('fails the next queries with %s, then answers again', async (rcode, code) => {
    const server = await start();
    server.setService('myapp', ['127.0.0.2']);
    const resolver = createResolver(server, 300);
    server.failNext(2, rcode);
    await expect(resolver.resolve4('myapp')).rejects.toMatchObject({ code });
    await expect(resolver.resolve4('myapp')).rejects.toMatchObject({ code });
    expect(await resolver.resolve4('myapp')).toEqual(['127.0.0.2']);
  });

  it('injects faults on raw UDP and TCP queries alike, and failNext(0) clears them', async () => {
    const server = await start();
    server.setService('myapp', ['127.0.0.2']);
    server.failNext(2, 'SERVFAIL');
    expect((await queryUdp(server, createQuery('myapp'))).rcode).toBe('SERVFAIL');
    expect((await queryTcp(server, [frame(createQuery('myapp'))], 1))[0]!.rcode).toBe('SERVFAIL');
    expect((await queryUdp(server, createQuery('myapp'))).rcode).toBe('NOERROR');
    server.failNext(5, 'REFUSED');
    server.failNext(0, 'REFUSED');
    expect((await queryUdp(server, createQuery('myapp'))).rcode).toBe('NOERROR');
  });

  it('rejects a port whose UDP side is taken with PortTakenError', async () => {
    const first = await start();
    const attempt = startDnsServer({ host: '127.0.0.1', port: first.port });
    await expect(attempt).rejects.toBeInstanceOf(PortTakenError);
    await expect(attempt).rejects.toThrow(`127.0.0.1:${first.port}/udp is already in use`);
  });

  it('rejects a port whose TCP side is taken, and releases the UDP socket it had bound', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    onTestFinished(() => {
      if (blocker.listening) {
        blocker.close();
      }
    });
    await expect(startDnsServer({ host: '127.0.0.1', port })).rejects.toThrow(
      `127.0.0.1:${port}/tcp is already in use`,
    );
    await new Promise<void>((resolve) =>
      blocker.close(() => {
        resolve();
      }),
    );
    const server = await start({ port });
    expect(server.port).toBe(port);
  });

  it('rejects bad service names and pod IPs', async () => {
    const server = await start();
    expect(() => {
      server.setService('my_app', ['127.0.0.2']);
    }).toThrow(/service name "my_app" is not a DNS label/);
    expect(() => {
      server.setService('myapp', ['pod-1']);
    }).toThrow(/pod IP "pod-1" is not an IPv4 or IPv6 address/);
  });

  it('closes idempotently and frees its port', async () => {
    const server = await startDnsServer({ host: '127.0.0.1' });
    await Promise.all([server.close(), server.close()]);
    const again = await start({ port: server.port });
    expect(again.port).toBe(server.port);
  });
});
