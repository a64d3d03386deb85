/**
 * Pod names and addresses of the local backend, shaped like a Kubernetes Deployment's pods:
 * `myapp-<pod-template-hash>-<5-char id>`, each pod on its own loopback address.
 */

/** The alphabet Kubernetes uses for generated names (`k8s.io/apimachinery/pkg/util/rand`): no vowels, no 0/1/3. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const TEMPLATE_HASH_LENGTH = 10;
const POD_ID_LENGTH = 5;
/** 127.0.1.1 … 127.0.255.254: 255 third octets × 254 usable fourth octets. */
const MAX_POD_ADDRESSES = 255 * 254;

/** Returns `length` characters of the Kubernetes safe alphabet drawn with `rng` (uniform in [0, 1)). */
export function createSafeString(length: number, rng: () => number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) {
    const index = Math.min(SAFE_ALPHABET.length - 1, Math.floor(rng() * SAFE_ALPHABET.length));
    text += SAFE_ALPHABET.charAt(index);
  }
  return text;
}

/** Returns a 10-character pod-template hash, the middle part shared by every pod of one ReplicaSet. */
export function createTemplateHash(rng: () => number): string {
  return createSafeString(TEMPLATE_HASH_LENGTH, rng);
}

/** Returns a pod name `<deployment>-<templateHash>-<5 chars>` that is not in `taken`. */
export function createPodName(options: {
  readonly deployment: string;
  readonly templateHash: string;
  readonly taken: ReadonlySet<string>;
  readonly rng: () => number;
}): string {
  for (;;) {
    const name = `${options.deployment}-${options.templateHash}-${createSafeString(POD_ID_LENGTH, options.rng)}`;
    if (!options.taken.has(name)) {
      return name;
    }
  }
}

/**
 * Returns the loopback address of the pod with 0-based creation index `index`: 127.0.1.1, 127.0.1.2, …,
 * 127.0.1.254, 127.0.2.1, … (never .0 or .255 in the last octet).
 * @throws RangeError when `index` is negative, fractional or beyond 127.0.255.254.
 */
export function getPodAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_POD_ADDRESSES) {
    throw new RangeError(`pod address index must be an integer in [0, ${MAX_POD_ADDRESSES}), got ${index}`);
  }
  const third = 1 + Math.floor(index / 254);
  const fourth = 1 + (index % 254);
  return `127.0.${third}.${fourth}`;
}
