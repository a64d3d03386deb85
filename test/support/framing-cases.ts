import { createRng } from 'lbbench-proxy';

/** One fuzz case: the bytes a client sends on its own connection. */
export interface FramingCase {
  readonly name: string;
  readonly bytes: Buffer;
}

const post = (headers: string, body: string): string =>
  `POST /upload HTTP/1.1\r\nHost: a\r\n${headers}\r\n${body}`;
const NEXT = 'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n';

/**
 * Known smuggling and framing cases (RFC 9112 §6–§7, the classic CL.TE / TE.CL / TE.TE families and the
 * bare-LF chunk endings that split proxies from nginx): each one ends with a request a lenient parser would
 * take as a second one.
 */
export const SMUGGLING_CORPUS: readonly FramingCase[] = Object.entries({
  'CL.TE': post('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE.CL': post('Transfer-Encoding: chunked\r\nContent-Length: 4\r\n', `5c\r\n${NEXT}\r\n0\r\n\r\n`),
  'TE chunked, chunked': post('Transfer-Encoding: chunked, chunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE twice': post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE chunked then identity': post(
    'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n',
    `0\r\n\r\n${NEXT}`,
  ),
  'TE with space before colon': post('Transfer-Encoding : chunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE obs-folded': post('X-A: 1\r\n Transfer-Encoding: chunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE xchunked': post('Transfer-Encoding: xchunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE with vertical tab': post('Transfer-Encoding:\x0bchunked\r\n', `0\r\n\r\n${NEXT}`),
  'TE with NBSP': post('Transfer-Encoding: chunked\xa0\r\n', `0\r\n\r\n${NEXT}`),
  'CL twice, equal': post('Content-Length: 3\r\nContent-Length: 3\r\n', `abc${NEXT}`),
  'CL twice, different': post('Content-Length: 3\r\nContent-Length: 40\r\n', `abc${NEXT}`),
  'CL list': post('Content-Length: 3, 3\r\n', `abc${NEXT}`),
  'CL plus sign': post('Content-Length: +3\r\n', `abc${NEXT}`),
  'CL hex': post('Content-Length: 0x3\r\n', `abc${NEXT}`),
  'CL overflow': post('Content-Length: 18446744073709551619\r\n', `abc${NEXT}`),
  'bare LF ending the last chunk': post('Transfer-Encoding: chunked\r\n', `0\n\r\n${NEXT}`),
  'bare LF ending the trailers': post('Transfer-Encoding: chunked\r\n', `0\r\n\n${NEXT}`),
  'bare LF after a trailer': post('Transfer-Encoding: chunked\r\n', `0\r\nX-T: 1\n\r\n${NEXT}`),
  'bare CR after chunk data': post('Transfer-Encoding: chunked\r\n', `3\r\nabc\r0\r\n\r\n${NEXT}`),
  'bare LF after chunk data': post('Transfer-Encoding: chunked\r\n', `3\r\nabc\n0\r\n\r\n${NEXT}`),
  'chunk size overflow': post(
    'Transfer-Encoding: chunked\r\n',
    `10000000000000003\r\nabc\r\n0\r\n\r\n${NEXT}`,
  ),
  'chunk size with space': post('Transfer-Encoding: chunked\r\n', `3 \r\nabc\r\n0\r\n\r\n${NEXT}`),
  'chunk size 0x': post('Transfer-Encoding: chunked\r\n', `0x3\r\nabc\r\n0\r\n\r\n${NEXT}`),
  'chunk extension with bare LF': post('Transfer-Encoding: chunked\r\n', `3;a\nabc\r\n0\r\n\r\n${NEXT}`),
  'chunk extension with space': post('Transfer-Encoding: chunked\r\n', `3; a=b\r\nabc\r\n0\r\n\r\n${NEXT}`),
  'chunk extension quoted CRLF': post(
    'Transfer-Encoding: chunked\r\n',
    `3;a="\r\n"\r\nabc\r\n0\r\n\r\n${NEXT}`,
  ),
  'trailers through': post(
    'Transfer-Encoding: chunked\r\n',
    `3;x=y\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n${NEXT}`,
  ),
  'trailer smuggling a header': post(
    'Transfer-Encoding: chunked\r\n',
    `0\r\nContent-Length: 40\r\n\r\n${NEXT}`,
  ),
  'HTTP/6.1': `GET / HTTP/6.1\r\nHost: a\r\n\r\n${NEXT}`,
  'HTTP/1.1 with junk': `GET / HTTP/1.1x\r\nHost: a\r\n\r\n${NEXT}`,
  'request line bare LF': `GET / HTTP/1.1\nHost: a\r\n\r\n${NEXT}`,
  'header bare CR': `GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n${NEXT}`,
  'NUL in header': `GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n${NEXT}`,
  'lower-case method': `get / HTTP/1.1\r\nHost: a\r\n\r\n${NEXT}`,
  'absolute URI with space': `GET http://a/ b HTTP/1.1\r\nHost: a\r\n\r\n${NEXT}`,
  'GET with CL body': `GET / HTTP/1.1\r\nHost: a\r\nContent-Length: ${NEXT.length}\r\n\r\n${NEXT}`,
  'HTTP/1.0 chunked': `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${NEXT}`,
  'pipelined valid': `GET /1 HTTP/1.1\r\nHost: a\r\n\r\n${NEXT}`,
}).map(([name, text]) => ({ name, bytes: Buffer.from(text, 'latin1') }));

const VALID_SEEDS: readonly string[] = [
  'GET /a?b=c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;e=1\r\nhello\r\n0\r\nX-T: v\r\n\r\n',
  'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /n HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.0\r\n\r\n',
];
// Bytes and snippets that move message boundaries when misread.
const INTERESTING_BYTES = [13, 10, 32, 9, 0, 0x0b, 0x7f, 0xa0, 58, 59, 44, 34, 48, 102, 70, 43, 45];
const SNIPPETS = [
  '\r\n',
  '\n',
  '\r',
  'Transfer-Encoding: chunked\r\n',
  'Content-Length: 7\r\n',
  'Content-Length: 0\r\n',
  'Transfer-Encoding: chunked, chunked\r\n',
  'Transfer-Encoding: gzip\r\n',
  '0\r\n\r\n',
  'ffffffffffffffffff',
  ';ext="x"',
  ' HTTP/1.1',
  NEXT,
];

/** `count` seeded random mutations of valid requests: byte flips, insertions, deletions, duplicated spans. */
export function generateMutatedCases(seed: number, count: number): FramingCase[] {
  const next = createRng(seed);
  const pick = (length: number): number => next() % length;
  const cases: FramingCase[] = [];
  for (let index = 0; index < count; index++) {
    let bytes = Buffer.from(VALID_SEEDS[pick(VALID_SEEDS.length)] ?? '', 'latin1');
    const edits = 1 + pick(3);
    for (let edit = 0; edit < edits; edit++) bytes = Buffer.from(mutate(bytes, pick));
    cases.push({ name: `mutation ${seed}/${index}`, bytes });
  }
  return cases;
}

function mutate(bytes: Uint8Array, pick: (length: number) => number): Buffer {
  const at = pick(bytes.length + 1);
  const insert = (piece: Uint8Array, removed = 0): Buffer =>
    Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(Math.min(bytes.length, at + removed))]);
  switch (pick(5)) {
    case 0:
      return insert(Buffer.from([INTERESTING_BYTES[pick(INTERESTING_BYTES.length)] ?? 0]), 1);
    case 1:
      return insert(Buffer.from([INTERESTING_BYTES[pick(INTERESTING_BYTES.length)] ?? 0]));
    case 2:
      return insert(Buffer.alloc(0), 1 + pick(4));
    case 3:
      return insert(Buffer.from(SNIPPETS[pick(SNIPPETS.length)] ?? '', 'latin1'));
    default: {
      const length = 1 + pick(16);
      return insert(Buffer.from(bytes.subarray(at, at + length)));
    }
  }
}

/** A case's bytes as a JSON string literal, to paste into the corpus. */
export function formatCaseBytes(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1'));
}
