/**
 * A fake Kubernetes API server on 127.0.0.1:0 implementing exactly the calls the kind/kube backends make:
 * namespaces, configmaps, services and deployments (create/read/replace/JSON-patch/delete), pods
 * (list by label, delete, log: a Deployment pod's from `podLog`), EndpointSlices (list by
 * `kubernetes.io/service-name`), Jobs (create, delete; with `jobRunner` each pod runs as a local process whose
 * output is its log), /version, and the pod
 * `portforward` subresource over WebSocket (`v4.channel.k8s.io`). A tiny Deployment controller creates
 * pods that turn Ready after `readyDelayMs` with fake 10.244.x.y IPs (data only: nothing connects to
 * them). Port-forwards connect to local 127.0.0.1 ports given per container port. Every request is recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** One request the fake API server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** Behaviour of the fake cluster. */
export interface FakeKubeApiOptions {
  /** How long a new pod stays not Ready (default 30 ms). */
  readonly readyDelayMs?: number;
  /** How long a deleted pod stays Terminating (default 20 ms). */
  readonly terminationDelayMs?: number;
  /** Deployments whose pods never become Ready (they report ImagePullBackOff). */
  readonly neverReady?: readonly string[];
  /** Container port → port on 127.0.0.1 that a port-forward to that container port reaches. */
  readonly portForwardTargets?: Readonly<Record<number, number>>;
  /**
   * Runs each Job pod as a local process: `node <entry>` with the pod's args (`$(JOB_COMPLETION_INDEX)` set, and
   * `--url` pointed at `url`, a loopback address standing in for the in-cluster Service). Without it a Job's pods
   * stay Pending.
   */
  readonly jobRunner?: { readonly entry: string; readonly url: string };
  /** The log of a Deployment's pod, asked on every read (a Job pod's log is its process's output). */
  /** A Deployment pod's log; undefined: the API answers 404 (the log cannot be read). */
  readonly podLog?: (pod: FakePod) => string | undefined;
}

/** A pod of the fake cluster. */
export interface FakePod {
  readonly namespace: string;
  readonly name: string;
  readonly deployment: string;
  readonly ip: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly object: Json;
}

/** A running fake API server. */
export interface FakeKubeApi {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The current pods (a snapshot). */
  readonly pods: () => FakePod[];
  /** IPs of the Ready, not terminating pods of a Deployment. */
  readonly readyPodIps: (deployment: string) => string[];
  /** A stored object (`namespaces`, `configmaps`, `services`, `deployments`), or undefined. */
  readonly getObject: (resource: string, namespace: string, name: string) => Json | undefined;
  /** Paths of the port-forward WebSocket sessions opened so far. */
  readonly portForwards: string[];
  readonly close: () => Promise<void>;
}

type Json = Record<string, unknown>;

interface WsSocket {
  send(data: Buffer): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

interface WsServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WsSocket) => void): void;
  close(): void;
}

interface WsModule {
  WebSocketServer: new (options: {
    noServer: true;
    handleProtocols: (protocols: Set<string>) => string | false;
  }) => WsServer;
}

// `ws` ships without types here (no @types/ws); this is the slice of its API the fake uses.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as WsModule;

class HttpError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function meta(object: Json): Json {
  return asRecord(object.metadata);
}

function parseSelector(selector: string | undefined): Record<string, string> {
  const pairs = (selector ?? '').split(',').filter((part) => part.includes('='));
  return Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
}

function matches(labels: unknown, selector: Record<string, string>): boolean {
  const actual = asRecord(labels);
  return Object.entries(selector).every(([key, value]) => actual[key] === value);
}

function decodePointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Applies RFC 6902 add/replace/test/remove to a copy of `target`. */
function applyJsonPatch(target: Json, ops: unknown): Json {
  const copy = structuredClone(target);
  for (const op of Array.isArray(ops) ? ops.map(asRecord) : []) {
    const keys = decodePointer(String(op.path));
    const last = keys.pop() ?? '';
    let parent: unknown = copy;
    for (const key of keys) {
      parent = Array.isArray(parent) ? parent[Number(key)] : asRecord(parent)[key];
    }
    if (typeof parent !== 'object' || parent === null) {
      throw new HttpError(422, 'Invalid', `patch path ${String(op.path)} does not exist`);
    }
    const container = parent as Record<string, unknown>;
    if (op.op === 'test' && JSON.stringify(container[last]) !== JSON.stringify(op.value)) {
      throw new HttpError(422, 'Invalid', `test operation failed at ${String(op.path)}`);
    } else if (op.op === 'replace' && !(last in container)) {
      throw new HttpError(422, 'Invalid', `replace of missing ${String(op.path)}`);
    } else if (op.op === 'add' || op.op === 'replace') {
      container[last] = op.value;
    } else if (op.op === 'remove') {
      Reflect.deleteProperty(container, last);
    }
  }
  return copy;
}

function parseBody(raw: string): unknown {
  try {
    return raw === '' ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    throw new HttpError(400, 'BadRequest', `the request body is not JSON: ${raw.slice(0, 80)}`);
  }
}

/** A pod of a Job, run as a local process when the fake has a job runner. */
interface JobPod {
  readonly namespace: string;
  readonly name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  log: string;
  readonly object: Json;
}

interface PodRecord {
  namespace: string;
  name: string;
  deployment: string;
  hash: string;
  ip: string;
  ready: boolean;
  terminating: boolean;
  object: Json;
}

/** Starts the fake API server on 127.0.0.1:0. */
export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const readyDelayMs = options.readyDelayMs ?? 30;
  const terminationDelayMs = options.terminationDelayMs ?? 20;
  const requests: RecordedRequest[] = [];
  const portForwards: string[] = [];
  const store = new Map<string, Json>();
  const pods = new Map<string, PodRecord>();
  const jobPods = new Map<string, JobPod>();
  const children = new Set<ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  const tunnels = new Set<{ ws: WsSocket; tcp: Socket }>();
  let version = 1;
  let ipCounter = 0;
  let podCounter = 0;

  const later = (ms: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };
  const key = (resource: string, namespace: string, name: string): string =>
    `${resource}|${namespace}|${name}`;
  const stamp = (object: Json, namespace: string | undefined): Json => {
    version += 1;
    const metadata = { ...meta(object), resourceVersion: String(version) };
    return { ...object, metadata: namespace === undefined ? metadata : { ...metadata, namespace } };
  };
  for (const name of ['default', 'kube-system']) {
    store.set(
      key('namespaces', '', name),
      stamp({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined),
    );
  }

  const namespaceExists = (namespace: string): boolean => store.has(key('namespaces', '', namespace));

  const templateHash = (deployment: Json): string =>
    createHash('sha256')
      .update(JSON.stringify(asRecord(deployment.spec).template))
      .digest('hex')
      .slice(0, 10);

  const removePod = (record: PodRecord): void => {
    pods.delete(key('pods', record.namespace, record.name));
    reconcile(record.namespace, record.deployment);
  };

  const terminatePod = (record: PodRecord): void => {
    if (record.terminating) return;
    record.terminating = true;
    record.ready = false;
    record.object = {
      ...record.object,
      metadata: { ...meta(record.object), deletionTimestamp: new Date().toISOString() },
    };
    later(terminationDelayMs, () => {
      removePod(record);
    });
  };

  const createPod = (namespace: string, deploymentName: string, deployment: Json, hash: string): void => {
    const template = asRecord(asRecord(deployment.spec).template);
    podCounter += 1;
    ipCounter += 1;
    const name = `${deploymentName}-${hash.slice(0, 8)}-${String(podCounter).padStart(5, 'x')}`;
    const ip = `10.244.${1 + Math.floor(ipCounter / 250)}.${2 + (ipCounter % 250)}`;
    const record: PodRecord = {
      namespace,
      name,
      deployment: deploymentName,
      hash,
      ip,
      ready: false,
      terminating: false,
      object: {},
    };
    const neverReady = options.neverReady?.includes(deploymentName) === true;
    record.object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...asRecord(meta(template).labels), 'pod-template-hash': hash },
        annotations: asRecord(meta(template).annotations),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deploymentName}-${hash}`, uid: hash },
        ],
      },
      spec: structuredClone(asRecord(template.spec)),
    };
    pods.set(key('pods', namespace, name), record);
    if (!neverReady) {
      later(readyDelayMs, () => {
        if (!record.terminating) record.ready = true;
      });
    }
  };

  function reconcile(namespace: string, name: string): void {
    const deployment = store.get(key('deployments', namespace, name));
    if (deployment === undefined) return;
    const hash = templateHash(deployment);
    const desired = Number(asRecord(deployment.spec).replicas ?? 1);
    const live = [...pods.values()].filter(
      (p) => p.namespace === namespace && p.deployment === name && !p.terminating,
    );
    live.filter((p) => p.hash !== hash).forEach(terminatePod);
    const current = live.filter((p) => p.hash === hash);
    current.slice(desired).forEach(terminatePod);
    for (let count = current.length; count < desired; count += 1)
      createPod(namespace, name, deployment, hash);
  }

  const startJob = (namespace: string, jobName: string, job: Json): void => {
    const spec = asRecord(job.spec);
    const template = asRecord(spec.template);
    const container = asRecord((asRecord(template.spec).containers as Json[] | undefined)?.[0]);
    for (let index = 0; index < Number(spec.completions ?? 1); index += 1) {
      const name = `${jobName}-${index}-${String((podCounter += 1)).padStart(5, 'x')}`;
      const record: JobPod = {
        namespace,
        name,
        phase: 'Pending',
        log: '',
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace, labels: asRecord(meta(template).labels) },
          spec: structuredClone(asRecord(template.spec)),
        },
      };
      jobPods.set(name, record);
      const runner = options.jobRunner;
      if (runner === undefined) continue;
      const args = ((container.args as string[] | undefined) ?? []).map((arg) =>
        arg === '$(JOB_COMPLETION_INDEX)' ? String(index) : arg,
      );
      const urlAt = args.indexOf('--url');
      if (urlAt !== -1) args[urlAt + 1] = runner.url;
      const child = spawn(process.execPath, [runner.entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      record.phase = 'Running';
      // One log, like the kubelet's: stdout and stderr interleaved.
      child.stdout.on('data', (chunk: Buffer) => (record.log += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (record.log += chunk.toString('utf8')));
      child.on('close', (code) => {
        children.delete(child);
        record.phase = code === 0 ? 'Succeeded' : 'Failed';
      });
    }
  };

  const podView = (record: PodRecord): Json => {
    const neverReady = options.neverReady?.includes(record.deployment) === true;
    const waiting = neverReady
      ? { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image (fake)' } }
      : { running: {} };
    return {
      ...record.object,
      status: {
        phase: record.ready ? 'Running' : 'Pending',
        podIP: record.ip,
        podIPs: [{ ip: record.ip }],
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: record.ready ? 'True' : 'False' },
        ],
        containerStatuses: [
          { name: 'c', ready: record.ready, restartCount: 0, image: 'x', imageID: 'x', state: waiting },
        ],
      },
    };
  };

  const deploymentView = (object: Json): Json => {
    const metadata = meta(object);
    const namespace = String(metadata.namespace);
    const name = String(metadata.name);
    const hash = templateHash(object);
    const live = [...pods.values()].filter(
      (p) => p.namespace === namespace && p.deployment === name && !p.terminating,
    );
    const ready = live.filter((p) => p.ready).length;
    return {
      ...object,
      status: {
        observedGeneration: metadata.generation,
        replicas: live.length,
        updatedReplicas: live.filter((p) => p.hash === hash).length,
        readyReplicas: ready,
        availableReplicas: ready,
      },
    };
  };

  const endpointSlices = (namespace: string, selector: Record<string, string>): Json[] => {
    const serviceName = selector['kubernetes.io/service-name'];
    const service =
      serviceName === undefined ? undefined : store.get(key('services', namespace, serviceName));
    if (service === undefined) return [];
    const spec = asRecord(service.spec);
    const podSelector = Object.fromEntries(
      Object.entries(asRecord(spec.selector)).map(([k, v]) => [k, String(v)]),
    );
    const members = [...pods.values()].filter(
      (p) => p.namespace === namespace && matches(meta(p.object).labels, podSelector),
    );
    return [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${String(serviceName)}-fake1`,
          namespace,
          labels: { 'kubernetes.io/service-name': serviceName },
        },
        addressType: 'IPv4',
        endpoints: members.map((p) => ({
          addresses: [p.ip],
          conditions: { ready: p.ready && !p.terminating, serving: p.ready, terminating: p.terminating },
          targetRef: { kind: 'Pod', name: p.name, namespace },
        })),
        ports: (Array.isArray(spec.ports) ? spec.ports.map(asRecord) : []).map((port) => ({
          name: port.name,
          port: typeof port.targetPort === 'number' ? port.targetPort : port.port,
          protocol: 'TCP',
        })),
      },
    ];
  };

  const create = (resource: string, namespace: string, body: unknown): Json => {
    const object = asRecord(body);
    const name = String(meta(object).name);
    if (resource !== 'namespaces' && !namespaceExists(namespace)) {
      throw new HttpError(404, 'NotFound', `namespaces "${namespace}" not found`);
    }
    const phase = asRecord(store.get(key('namespaces', '', namespace))?.status).phase;
    if (resource !== 'namespaces' && phase === 'Terminating') {
      throw new HttpError(
        403,
        'Forbidden',
        `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
    if (store.has(key(resource, namespace, name))) {
      throw new HttpError(409, 'AlreadyExists', `${resource} "${name}" already exists`);
    }
    let stored = stamp(object, resource === 'namespaces' ? undefined : namespace);
    if (resource === 'deployments') stored = { ...stored, metadata: { ...meta(stored), generation: 1 } };
    if (resource === 'services' && asRecord(stored.spec).clusterIP === undefined) {
      stored = {
        ...stored,
        spec: { ...asRecord(stored.spec), clusterIP: '10.96.0.42', clusterIPs: ['10.96.0.42'] },
      };
    }
    store.set(key(resource, namespace, name), stored);
    if (resource === 'deployments') reconcile(namespace, name);
    if (resource === 'jobs') startJob(namespace, name, stored);
    return stored;
  };

  const update = (
    resource: string,
    namespace: string,
    name: string,
    next: Json,
    checkVersion: boolean,
  ): Json => {
    const existing = store.get(key(resource, namespace, name));
    if (existing === undefined) throw new HttpError(404, 'NotFound', `${resource} "${name}" not found`);
    const sentVersion = meta(next).resourceVersion;
    if (checkVersion && sentVersion !== undefined && sentVersion !== meta(existing).resourceVersion) {
      throw new HttpError(
        409,
        'Conflict',
        `the object has been modified; please apply your changes to the latest version`,
      );
    }
    if (resource === 'services' && asRecord(next.spec).clusterIP !== asRecord(existing.spec).clusterIP) {
      throw new HttpError(422, 'Invalid', 'spec.clusterIP: Invalid value: field is immutable');
    }
    const changed = JSON.stringify(next.spec) !== JSON.stringify(existing.spec);
    const generation = Number(meta(existing).generation ?? 1) + (changed ? 1 : 0);
    const metadata = { ...meta(next), ...(resource === 'deployments' ? { generation } : {}) };
    const stored = stamp({ ...next, metadata }, resource === 'namespaces' ? undefined : namespace);
    store.set(key(resource, namespace, name), stored);
    if (resource === 'deployments') reconcile(namespace, name);
    return stored;
  };

  const remove = (resource: string, namespace: string, name: string): Json => {
    if (resource === 'pods') {
      const record = pods.get(key('pods', namespace, name));
      if (record === undefined) throw new HttpError(404, 'NotFound', `pods "${name}" not found`);
      terminatePod(record);
      return podView(record);
    }
    const existing = store.get(key(resource, namespace, name));
    if (existing === undefined) throw new HttpError(404, 'NotFound', `${resource} "${name}" not found`);
    if (resource === 'namespaces') {
      // Like the real thing, a deleted namespace stays Terminating until its content is gone.
      store.set(key('namespaces', '', name), { ...existing, status: { phase: 'Terminating' } });
      later(terminationDelayMs, () => {
        store.delete(key('namespaces', '', name));
        for (const storeKey of [...store.keys()]) if (storeKey.split('|')[1] === name) store.delete(storeKey);
        for (const [podKey, record] of pods) if (record.namespace === name) pods.delete(podKey);
      });
      return { ...existing, status: { phase: 'Terminating' } };
    }
    store.delete(key(resource, namespace, name));
    if (resource === 'deployments') {
      for (const [podKey, record] of pods) {
        if (record.namespace === namespace && record.deployment === name) pods.delete(podKey);
      }
    }
    return { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 };
  };

  const view = (resource: string, object: Json): Json =>
    resource === 'deployments' ? deploymentView(object) : object;

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    contentType: string | undefined,
  ): Json => {
    if (path === '/version')
      return { major: '1', minor: '33', gitVersion: 'v1.33.1-fake', platform: 'linux/amd64' };
    const match =
      /^\/api\/v1\/namespaces(?:\/([^/]+)(?:\/(configmaps|services|pods)(?:\/([^/]+))?)?)?$/.exec(path) ??
      /^\/apis\/(?:apps\/v1|discovery\.k8s\.io\/v1|batch\/v1)\/namespaces\/([^/]+)\/(deployments|endpointslices|jobs)(?:\/([^/]+))?$/.exec(
        path,
      );
    if (match === null)
      throw new HttpError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    const [, first, sub, subName] = match;
    const resource = sub ?? 'namespaces';
    const namespace = sub === undefined ? '' : String(first);
    const name = sub === undefined ? first : subName;
    if (name === undefined) {
      if (method === 'POST') return create(resource, namespace, body);
      const selector = parseSelector(query.labelSelector);
      if (resource === 'endpointslices')
        return {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSliceList',
          metadata: {},
          items: endpointSlices(namespace, selector),
        };
      if (resource === 'pods') {
        const items = [...pods.values()]
          .filter((p) => p.namespace === namespace && matches(meta(p.object).labels, selector))
          .map(podView);
        const jobItems = [...jobPods.values()]
          .filter((p) => p.namespace === namespace && matches(meta(p.object).labels, selector))
          .map((p) => ({ ...p.object, status: { phase: p.phase } }));
        return { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [...items, ...jobItems] };
      }
      throw new HttpError(405, 'MethodNotAllowed', `${method} ${path} is not implemented by the fake`);
    }
    if (method === 'DELETE' && resource === 'jobs') {
      for (const [podName, record] of jobPods) {
        if (record.namespace === namespace && podName.startsWith(`${name}-`)) jobPods.delete(podName);
      }
    }
    if (method === 'DELETE') return remove(resource, namespace, name);
    if (resource === 'pods')
      throw new HttpError(405, 'MethodNotAllowed', `${method} on pods is not implemented by the fake`);
    const existing = store.get(key(resource, namespace, name));
    if (method === 'GET') {
      if (existing === undefined) throw new HttpError(404, 'NotFound', `${resource} "${name}" not found`);
      return view(resource, existing);
    }
    if (method === 'PUT') return view(resource, update(resource, namespace, name, asRecord(body), true));
    if (method === 'PATCH' && existing !== undefined) {
      if (contentType !== 'application/json-patch+json')
        throw new HttpError(415, 'UnsupportedMediaType', `patch type ${String(contentType)}`);
      return view(resource, update(resource, namespace, name, applyJsonPatch(existing, body), false));
    }
    throw new HttpError(existing === undefined ? 404 : 405, 'NotFound', `${method} ${path}`);
  };

  const readPodLog = (namespace: string, name: string): string | undefined => {
    const record = pods.get(key('pods', namespace, name));
    return record === undefined
      ? undefined
      : options.podLog === undefined
        ? ''
        : options.podLog({ ...record, object: podView(record) });
  };

  const handle = (request: IncomingMessage, response: ServerResponse, raw: string): void => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const contentType = request.headers['content-type']?.split(';')[0];
    let status = 200;
    let payload: Json;
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (log !== null) {
      requests.push({ method: 'GET', path: url.pathname, query, contentType, body: undefined });
      const text = jobPods.get(String(log[2]))?.log ?? readPodLog(String(log[1]), String(log[2]));
      response
        .writeHead(text === undefined ? 404 : 200, { 'content-type': 'text/plain' })
        .end(text ?? 'not found');
      return;
    }
    try {
      const body = parseBody(raw);
      requests.push({ method: request.method ?? 'GET', path: url.pathname, query, contentType, body });
      payload = route(request.method ?? 'GET', url.pathname, query, body, contentType);
      if (request.method === 'POST') status = 201;
    } catch (error) {
      // A bug in the fake answers 500 (the test then fails on it) instead of crashing the test worker.
      const failure =
        error instanceof HttpError
          ? error
          : new HttpError(500, 'InternalError', `fake API: ${String(error)}`);
      status = failure.status;
      payload = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: failure.message,
        reason: failure.reason,
        code: failure.status,
      };
    }
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };

  const server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      handle(request, response, raw);
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  });

  const bridge = (ws: WsSocket, containerPort: number): void => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(containerPort);
    // Protocol: the first frame of the data (0) and error (1) channels carries the port, little-endian.
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    const localPort = options.portForwardTargets?.[containerPort];
    if (localPort === undefined) {
      ws.send(
        Buffer.concat([Buffer.from([1]), Buffer.from(`no fake target for container port ${containerPort}`)]),
      );
      ws.close();
      return;
    }
    const tcp = connect(localPort, '127.0.0.1');
    const tunnel = { ws, tcp };
    tunnels.add(tunnel);
    tcp.on('data', (chunk: Buffer) => {
      ws.send(Buffer.concat([Buffer.from([0]), chunk]));
    });
    tcp.on('close', () => {
      tunnels.delete(tunnel);
      ws.close();
    });
    tcp.on('error', (error) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(error.message)]));
    });
    ws.on('message', (data) => {
      if (data[0] === 0) tcp.write(data.subarray(1));
    });
    ws.on('close', () => tcp.end());
    ws.on('error', () => tcp.destroy());
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const record = match === null ? undefined : pods.get(key('pods', String(match[1]), String(match[2])));
    const port = Number(url.searchParams.get('ports'));
    requests.push({
      method: 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: undefined,
      body: undefined,
    });
    if (record === undefined || record.terminating || !record.ready) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    portForwards.push(`${url.pathname}?ports=${port}`);
    wss.handleUpgrade(request, socket, head, (ws) => {
      bridge(ws, port);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  return {
    url,
    requests,
    portForwards,
    pods: () => [...pods.values()].map((p) => ({ ...p, object: podView(p) })),
    readyPodIps: (deployment) =>
      [...pods.values()]
        .filter((p) => p.deployment === deployment && p.ready && !p.terminating)
        .map((p) => p.ip),
    getObject: (resource, namespace, name) =>
      store.get(key(resource, resource === 'namespaces' ? '' : namespace, name)),
    close: async () => {
      for (const child of children) child.kill('SIGTERM');
      for (const timer of timers) clearTimeout(timer);
      for (const { ws, tcp } of tunnels) {
        ws.close();
        tcp.destroy();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
