/**
 * Database drivers are optional peer dependencies: a store's entry loads its driver when it is
 * imported, and a missing driver fails with one line that names the package to install.
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(__filename);

const isMissing = (e: unknown, pkg: string): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((e as { message?: unknown }).message).includes(`'${pkg}'`);

/** The message a missing driver fails with. */
export const missingDriverMessage = (pkg: string, entry: string, range: string): string =>
  `${entry} needs the database driver "${pkg}", which is not installed: run \`npm install ${pkg}@${range}\``;

/** Loads an optional driver, or throws one line naming the package to install. */
export const loadDriver = <T>(pkg: string, entry: string, range: string): T => {
  try {
    return requireHere(pkg) as T;
  } catch (e) {
    if (isMissing(e, pkg)) throw new Error(missingDriverMessage(pkg, entry, range));
    throw e;
  }
};

/** The file a driver's package resolves to, for a worker thread that loads the same copy. */
export const resolveDriver = (pkg: string): string => requireHere.resolve(pkg);
