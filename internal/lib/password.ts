import type * as Argon2 from '@node-rs/argon2';

// The package's Algorithm enum is an ambient const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2;
// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): costly to guess, cheap enough per login.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

let argon2: Promise<typeof Argon2> | undefined;
/** The native hasher loads with the first password, or with the warm-up after the server listens. */
export function loadPasswordHasher(): Promise<typeof Argon2> {
  return (argon2 ??= import('@node-rs/argon2'));
}

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await loadPasswordHasher();
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  const { verify } = await loadPasswordHasher();
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash cannot match any password.
    return false;
  }
}

/** A real hash of nothing, verified when the email is unknown so both paths take the same time. */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('timing-equaliser-not-a-password');
  return dummyHash;
}
